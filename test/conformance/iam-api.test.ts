/**
 * The IAM API subset with the real clients: the AWS CLI v2, SDK v3 (@aws-sdk/client-iam) and
 * aws-sdk v2, against a real node. Users with limited policies get AccessDenied with AWS's text,
 * from the Lambda and API Gateway APIs alike.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { IAMClient } from "@aws-sdk/client-iam";
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateUserCommand,
  DeleteUserCommand,
  GetPolicyCommand,
  GetUserPolicyCommand,
  ListAttachedUserPoliciesCommand,
  PutUserPolicyCommand,
} from "@aws-sdk/client-iam";
import { GetFunctionCommand, LambdaClient, ListFunctionsCommand } from "@aws-sdk/client-lambda";
import AWS from "aws-sdk";
import { iamClient } from "../helpers/iam.js";
import {
  lambdaCliTarget,
  AKID,
  NODE_ACCOUNT,
  NODE_REGION,
  SECRET,
  startLambdaNode,
  type LambdaNode,
} from "../helpers/lambda-node.js";
import { runAwsCli, type AwsCliResult } from "../helpers/aws-cli.js";

let node: LambdaNode;
let iam: IAMClient;
let home: string;

function cli(
  args: string[],
  creds: { id: string; secret: string } = { id: AKID, secret: SECRET },
): Promise<AwsCliResult> {
  return runAwsCli({ ...lambdaCliTarget(node), accessKeyId: creds.id, secretAccessKey: creds.secret, home }, args);
}

const readOnlyLambda = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", Action: ["lambda:List*", "lambda:Get*"], Resource: "*" },
    {
      Effect: "Deny",
      Action: "lambda:GetFunction",
      Resource: `arn:aws:lambda:${NODE_REGION}:${NODE_ACCOUNT}:function:secret*`,
    },
  ],
});

describe("IAM API with real clients", () => {
  before(async () => {
    node = await startLambdaNode();
    home = await mkdtemp(join(tmpdir(), "haneul-iam-"));
    iam = iamClient({ endpoint: node.url, accessKeyId: AKID, secretAccessKey: SECRET });
  });
  after(async () => {
    iam?.destroy();
    await node?.close();
    await rm(home, { recursive: true, force: true });
  });

  test("AWS CLI v2: users, keys, inline and managed policies, roles; errors in IAM's words", async () => {
    const user = await cli(["iam", "create-user", "--user-name", "cli-user"]);
    assert.equal(user.code, 0, user.stderr);
    const created = JSON.parse(user.stdout) as { User: { UserName: string; Arn: string; UserId: string } };
    assert.equal(created.User.Arn, `arn:aws:iam::${NODE_ACCOUNT}:user/cli-user`);
    assert.match(created.User.UserId, /^AIDA[A-Z2-7]{17}$/);
    const again = await cli(["iam", "create-user", "--user-name", "CLI-user"]);
    assert.match(
      again.stderr,
      /\(EntityAlreadyExists\) when calling the CreateUser operation.*: User with name CLI-user already exists\./,
    );
    const put = await cli([
      "iam",
      "put-user-policy",
      "--user-name",
      "cli-user",
      "--policy-name",
      "ro",
      "--policy-document",
      readOnlyLambda,
    ]);
    assert.equal(put.code, 0, put.stderr);
    const got = JSON.parse(
      (await cli(["iam", "get-user-policy", "--user-name", "cli-user", "--policy-name", "ro"])).stdout,
    );
    assert.deepEqual(got.PolicyDocument, JSON.parse(readOnlyLambda), "the CLI decodes the URL-encoded document");
    const bad = await cli([
      "iam",
      "put-user-policy",
      "--user-name",
      "cli-user",
      "--policy-name",
      "x",
      "--policy-document",
      '{"Statement":[{"Effect":"Allow"}]}',
    ]);
    assert.match(bad.stderr, /\(MalformedPolicyDocument\)/);
    const missing = await cli(["iam", "get-user", "--user-name", "nobody"]);
    assert.match(
      missing.stderr,
      /\(NoSuchEntity\) when calling the GetUser operation.*: The user with name nobody cannot be found\./,
    );
    const role = await cli([
      "iam",
      "create-role",
      "--role-name",
      "fn-role",
      "--assume-role-policy-document",
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}',
    ]);
    assert.equal(role.code, 0, role.stderr);
    const attach = await cli([
      "iam",
      "attach-role-policy",
      "--role-name",
      "fn-role",
      "--policy-arn",
      "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    ]);
    assert.equal(attach.code, 0, attach.stderr);
    const attached = JSON.parse((await cli(["iam", "list-attached-role-policies", "--role-name", "fn-role"])).stdout);
    assert.deepEqual(attached.AttachedPolicies, [
      {
        PolicyName: "AWSLambdaBasicExecutionRole",
        PolicyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
      },
    ]);
    const conflict = await cli(["iam", "delete-role", "--role-name", "fn-role"]);
    assert.match(conflict.stderr, /\(DeleteConflict\).*Cannot delete entity, must detach all policies first\./);
    const unknownPolicy = await cli([
      "iam",
      "attach-role-policy",
      "--role-name",
      "fn-role",
      "--policy-arn",
      "arn:aws:iam::aws:policy/Nope",
    ]);
    assert.match(
      unknownPolicy.stderr,
      /\(NoSuchEntity\).*Policy arn:aws:iam::aws:policy\/Nope does not exist or is not attachable\./,
    );
  });

  test("SDK v3: a user limited to reading Lambda gets AWS's AccessDenied texts", async () => {
    await iam.send(new CreateUserCommand({ UserName: "reader" }));
    await iam.send(new PutUserPolicyCommand({ UserName: "reader", PolicyName: "ro", PolicyDocument: readOnlyLambda }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: "reader" }))).AccessKey;
    assert.match(key?.AccessKeyId ?? "", /^AKIA[A-Z2-7]{16}$/);
    const got = await iam.send(new GetUserPolicyCommand({ UserName: "reader", PolicyName: "ro" }));
    assert.equal(decodeURIComponent(got.PolicyDocument ?? ""), readOnlyLambda);
    const reader = new LambdaClient({
      region: NODE_REGION,
      endpoint: node.url,
      credentials: { accessKeyId: key?.AccessKeyId ?? "", secretAccessKey: key?.SecretAccessKey ?? "" },
      maxAttempts: 1,
    });
    try {
      assert.ok(Array.isArray((await reader.send(new ListFunctionsCommand({}))).Functions));
      const arn = (name: string) => `arn:aws:lambda:${NODE_REGION}:${NODE_ACCOUNT}:function:${name}`;
      await assert.rejects(reader.send(new GetFunctionCommand({ FunctionName: "secret-fn" })), {
        name: "AccessDeniedException",
        message: `User: arn:aws:iam::${NODE_ACCOUNT}:user/reader is not authorized to perform: lambda:GetFunction on resource: ${arn("secret-fn")} with an explicit deny in an identity-based policy`,
      });
      // Allowed to read, so a missing function is simply not found.
      await assert.rejects(reader.send(new GetFunctionCommand({ FunctionName: "other" })), {
        name: "ResourceNotFoundException",
      });
      const readerIam = iamClient({
        endpoint: node.url,
        accessKeyId: key?.AccessKeyId ?? "",
        secretAccessKey: key?.SecretAccessKey ?? "",
      });
      await assert.rejects(readerIam.send(new CreateUserCommand({ UserName: "mallory" })), {
        name: "AccessDenied",
        message: `User: arn:aws:iam::${NODE_ACCOUNT}:user/reader is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::${NODE_ACCOUNT}:user/mallory because no identity-based policy allows the iam:CreateUser action`,
      });
      readerIam.destroy();
    } finally {
      reader.destroy();
    }
  });

  test("managed policies: GetPolicy and attaching AWSLambda_ReadOnlyAccess to a user", async () => {
    const p = await iam.send(new GetPolicyCommand({ PolicyArn: "arn:aws:iam::aws:policy/AWSLambda_ReadOnlyAccess" }));
    assert.equal(p.Policy?.PolicyName, "AWSLambda_ReadOnlyAccess");
    await iam.send(new CreateUserCommand({ UserName: "viewer" }));
    await iam.send(
      new AttachUserPolicyCommand({
        UserName: "viewer",
        PolicyArn: "arn:aws:iam::aws:policy/AWSLambda_ReadOnlyAccess",
      }),
    );
    const listed = await iam.send(new ListAttachedUserPoliciesCommand({ UserName: "viewer" }));
    assert.equal(listed.AttachedPolicies?.[0]?.PolicyName, "AWSLambda_ReadOnlyAccess");
    await assert.rejects(iam.send(new DeleteUserCommand({ UserName: "viewer" })), { name: "DeleteConflictException" });
  });

  test("aws-sdk v2: create a user and a key, then call Lambda with it and be refused", async () => {
    const v2iam = new AWS.IAM({
      endpoint: node.url,
      region: "us-east-1",
      accessKeyId: AKID,
      secretAccessKey: SECRET,
      maxRetries: 0,
    });
    await v2iam.createUser({ UserName: "v2user" }).promise();
    const key = (await v2iam.createAccessKey({ UserName: "v2user" }).promise()).AccessKey;
    const users = (await v2iam.listUsers().promise()).Users.map((u) => u.UserName);
    assert.ok(users.includes("v2user"));
    const lambda = new AWS.Lambda({
      endpoint: node.url,
      region: NODE_REGION,
      accessKeyId: key.AccessKeyId,
      secretAccessKey: key.SecretAccessKey,
      maxRetries: 0,
    });
    await assert.rejects(lambda.listFunctions().promise(), (e: AWS.AWSError) => {
      assert.equal(e.code, "AccessDeniedException");
      assert.equal(e.statusCode, 403);
      assert.equal(
        e.message,
        `User: arn:aws:iam::${NODE_ACCOUNT}:user/v2user is not authorized to perform: lambda:ListFunctions on resource: * because no identity-based policy allows the lambda:ListFunctions action`,
      );
      return true;
    });
  });
});
