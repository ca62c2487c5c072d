/**
 * STS GetCallerIdentity with the real clients (AWS CLI v2, SDK v3 @aws-sdk/client-sts, aws-sdk v2)
 * against a real node: who signed, as STS answers it, for the administrator key and for an IAM
 * user whose policies deny everything (GetCallerIdentity needs no permission, on AWS as here).
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand, type IAMClient } from "@aws-sdk/client-iam";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import AWS from "aws-sdk";
import { runAwsCli } from "../helpers/aws-cli.js";
import { iamClient } from "../helpers/iam.js";
import {
  AKID,
  lambdaCliTarget,
  NODE_ACCOUNT,
  NODE_REGION,
  SECRET,
  startLambdaNode,
  type LambdaNode,
} from "../helpers/lambda-node.js";

let node: LambdaNode;
let iam: IAMClient;
let home: string;
let user: { id: string; secret: string; userId: string };

const DENY_ALL = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Deny", Action: "*", Resource: "*" }],
});

describe("STS GetCallerIdentity with real clients", () => {
  before(async () => {
    node = await startLambdaNode();
    home = await mkdtemp(join(tmpdir(), "haneul-sts-"));
    iam = iamClient({ endpoint: node.url, accessKeyId: AKID, secretAccessKey: SECRET });
    const created = await iam.send(new CreateUserCommand({ UserName: "denied" }));
    await iam.send(new PutUserPolicyCommand({ UserName: "denied", PolicyName: "none", PolicyDocument: DENY_ALL }));
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: "denied" }));
    user = {
      id: key.AccessKey?.AccessKeyId as string,
      secret: key.AccessKey?.SecretAccessKey as string,
      userId: created.User?.UserId as string,
    };
  });
  after(async () => {
    iam?.destroy();
    await node?.close();
    await rm(home, { recursive: true, force: true });
  });

  test("AWS CLI v2: the administrator key is the account's root; a user denied everything still learns who it is", async () => {
    const cli = (id: string, secret: string) =>
      runAwsCli({ ...lambdaCliTarget(node), accessKeyId: id, secretAccessKey: secret, home }, [
        "sts",
        "get-caller-identity",
      ]);
    const admin = await cli(AKID, SECRET);
    assert.equal(admin.code, 0, admin.stderr);
    assert.deepEqual(JSON.parse(admin.stdout), {
      UserId: NODE_ACCOUNT,
      Account: NODE_ACCOUNT,
      Arn: `arn:aws:iam::${NODE_ACCOUNT}:root`,
    });
    const denied = await cli(user.id, user.secret);
    assert.equal(denied.code, 0, denied.stderr);
    assert.deepEqual(JSON.parse(denied.stdout), {
      UserId: user.userId,
      Account: NODE_ACCOUNT,
      Arn: `arn:aws:iam::${NODE_ACCOUNT}:user/denied`,
    });
    // The same user is refused elsewhere: the deny is in force.
    const other = await runAwsCli(
      { ...lambdaCliTarget(node), accessKeyId: user.id, secretAccessKey: user.secret, home },
      ["lambda", "list-functions"],
    );
    assert.match(other.stderr, /AccessDeniedException/);
  });

  test("SDK v3 (regional endpoint) and aws-sdk v2 (global endpoint, signed for us-east-1)", async () => {
    const sts = new STSClient({
      region: NODE_REGION,
      endpoint: node.url,
      credentials: { accessKeyId: user.id, secretAccessKey: user.secret },
      maxAttempts: 1,
    });
    try {
      const v3 = await sts.send(new GetCallerIdentityCommand({}));
      assert.equal(v3.Arn, `arn:aws:iam::${NODE_ACCOUNT}:user/denied`);
      assert.equal(v3.UserId, user.userId);
      assert.equal(v3.Account, NODE_ACCOUNT);
      assert.match(v3.$metadata.requestId ?? "", /^[0-9a-f-]{36}$/);
    } finally {
      sts.destroy();
    }
    const v2 = new AWS.STS({
      region: "us-east-1",
      endpoint: node.url,
      credentials: { accessKeyId: AKID, secretAccessKey: SECRET },
      maxRetries: 0,
    });
    const got = await v2.getCallerIdentity().promise();
    assert.equal(got.Arn, `arn:aws:iam::${NODE_ACCOUNT}:root`);
    assert.equal(got.Account, NODE_ACCOUNT);
    assert.equal(got.UserId, NODE_ACCOUNT);
  });

  test("another STS action is InvalidAction in the query protocol's error shape; a bad signature is refused", async () => {
    const v2 = new AWS.STS({
      region: "us-east-1",
      endpoint: node.url,
      credentials: { accessKeyId: AKID, secretAccessKey: SECRET },
      maxRetries: 0,
    });
    await assert.rejects(
      v2.assumeRole({ RoleArn: "arn:aws:iam::000000000000:role/x", RoleSessionName: "s" }).promise(),
      {
        code: "InvalidAction",
        message: "Could not find operation AssumeRole for version 2011-06-15",
        statusCode: 400,
      },
    );
    const forged = new AWS.STS({
      region: "us-east-1",
      endpoint: node.url,
      credentials: { accessKeyId: user.id, secretAccessKey: "not-the-secret" },
      maxRetries: 0,
    });
    await assert.rejects(forged.getCallerIdentity().promise(), { code: "SignatureDoesNotMatch", statusCode: 403 });
  });
});
