/**
 * A function whose execution role may send to a queue ONLY through a customer managed policy:
 * from inside the real function, with its own session keys, the send works while the policy is
 * attached with a default version that allows it, and is refused on the very next request once
 * the policy is detached, or its default version is set to one without the permission.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  DetachRolePolicyCommand,
  type IAMClient,
  SetDefaultPolicyVersionCommand,
} from "@aws-sdk/client-iam";
import { CreateFunctionCommand, InvokeCommand } from "@aws-sdk/client-lambda";
import { CreateQueueCommand, SQSClient } from "@aws-sdk/client-sqs";
import { zipOf } from "../helpers/control-fixture.js";
import { iamClient, LAMBDA_TRUST } from "../helpers/iam.js";
import { NODE_ACCOUNT, NODE_REGION, startLambdaNode, type LambdaNode } from "../helpers/lambda-node.js";

const SENDER = `exports.handler = async (event) => {
  const { SQSClient, SendMessageCommand } = require("@aws-sdk/client-sqs");
  try {
    await new SQSClient({ maxAttempts: 1 }).send(new SendMessageCommand({ QueueUrl: event.url, MessageBody: "hi" }));
    return "sent";
  } catch (e) {
    return e.name + ": " + e.message;
  }
};`;

const policy = (actions: string[]) =>
  JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: actions, Resource: "*" }] });

describe("customer managed policies on an execution role, from inside a function", () => {
  let node: LambdaNode;
  let iam: IAMClient;
  let sqs: SQSClient;
  let queueUrl = "";
  let policyArn = "";

  const send = async (): Promise<string> => {
    const out = await node.client.send(
      new InvokeCommand({ FunctionName: "sender", Payload: Buffer.from(JSON.stringify({ url: queueUrl })) }),
    );
    assert.equal(out.FunctionError, undefined);
    return JSON.parse(Buffer.from(out.Payload ?? []).toString()) as string;
  };
  const denied = (answer: string) =>
    assert.ok(
      answer.includes(`is not authorized to perform: sqs:SendMessage`) &&
        answer.includes("because no identity-based policy allows the sqs:SendMessage action"),
      `expected AccessDenied, got ${answer}`,
    );

  before(async () => {
    node = await startLambdaNode();
    const creds = { accessKeyId: node.accessKeyId, secretAccessKey: node.secretAccessKey };
    iam = iamClient({ endpoint: node.url, ...creds });
    sqs = new SQSClient({ region: NODE_REGION, endpoint: node.url, credentials: creds, maxAttempts: 1 });
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: "orders" }))).QueueUrl ?? "";
    const role = await iam.send(
      new CreateRoleCommand({ RoleName: "sender-role", AssumeRolePolicyDocument: LAMBDA_TRUST }),
    );
    const made = await iam.send(
      new CreatePolicyCommand({ PolicyName: "SendOrders", PolicyDocument: policy(["sqs:SendMessage"]) }),
    );
    policyArn = made.Policy?.Arn ?? "";
    assert.equal(policyArn, `arn:aws:iam::${NODE_ACCOUNT}:policy/SendOrders`);
    await node.client.send(
      new CreateFunctionCommand({
        FunctionName: "sender",
        Runtime: "nodejs20.x",
        Role: role.Role?.Arn,
        Handler: "index.handler",
        Timeout: 10,
        Code: { ZipFile: zipOf({ "index.js": SENDER }) },
      }),
    );
  });
  after(async () => {
    iam?.destroy();
    sqs?.destroy();
    await node?.close();
  });

  test("no policy attached: the role may not send", async () => {
    denied(await send());
  });

  test("attached: sends; detached: refused on the next request", async () => {
    await iam.send(new AttachRolePolicyCommand({ RoleName: "sender-role", PolicyArn: policyArn }));
    assert.equal(await send(), "sent");
    await iam.send(new DetachRolePolicyCommand({ RoleName: "sender-role", PolicyArn: policyArn }));
    denied(await send());
  });

  test("a default version without the permission refuses; setting the old one back allows again", async () => {
    await iam.send(new AttachRolePolicyCommand({ RoleName: "sender-role", PolicyArn: policyArn }));
    assert.equal(await send(), "sent");
    await iam.send(
      new CreatePolicyVersionCommand({
        PolicyArn: policyArn,
        PolicyDocument: policy(["sqs:ReceiveMessage"]),
        SetAsDefault: true,
      }),
    );
    denied(await send());
    await iam.send(new SetDefaultPolicyVersionCommand({ PolicyArn: policyArn, VersionId: "v1" }));
    assert.equal(await send(), "sent");
    await iam.send(new SetDefaultPolicyVersionCommand({ PolicyArn: policyArn, VersionId: "v2" }));
    denied(await send());
  });
});
