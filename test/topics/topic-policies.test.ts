/**
 * Topic policies decide, as on AWS: a topic without a Policy reports SNS's default one; a malformed
 * Policy is refused; a caller whose identity policies do not allow sns:Publish / sns:Subscribe is
 * allowed by a topic policy naming it, and an explicit Deny in the topic policy wins over an
 * identity Allow. (Service principals publishing into a topic are not checked against it yet.)
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand } from "@aws-sdk/client-iam";
import {
  CreateTopicCommand,
  GetTopicAttributesCommand,
  PublishCommand,
  SetTopicAttributesCommand,
  SNSClient,
} from "@aws-sdk/client-sns";
import { iamClient } from "../helpers/iam.js";
import { AKID, NODE_ACCOUNT, NODE_REGION, SECRET, startLambdaNode, type LambdaNode } from "../helpers/lambda-node.js";

const userArn = (name: string) => `arn:aws:iam::${NODE_ACCOUNT}:user/${name}`;
const policy = (...Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });

let node: LambdaNode;
let admin: SNSClient;
const clients: SNSClient[] = [];

async function userClient(name: string, identityPolicy?: object): Promise<SNSClient> {
  const iam = iamClient({ endpoint: node.url, accessKeyId: AKID, secretAccessKey: SECRET });
  await iam.send(new CreateUserCommand({ UserName: name }));
  if (identityPolicy) {
    const PolicyDocument = JSON.stringify(identityPolicy);
    await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: "sns", PolicyDocument }));
  }
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey;
  iam.destroy();
  const credentials = { accessKeyId: key?.AccessKeyId ?? "", secretAccessKey: key?.SecretAccessKey ?? "" };
  const client = new SNSClient({ region: NODE_REGION, endpoint: node.url, credentials, maxAttempts: 1 });
  clients.push(client);
  return client;
}

const denied = (e: Error) =>
  e.name === "AuthorizationError" || e.name === "AccessDenied" || /not authorized/.test(e.message);

describe("topic policies (SDK v3)", () => {
  before(async () => {
    node = await startLambdaNode();
    const credentials = { accessKeyId: node.accessKeyId, secretAccessKey: node.secretAccessKey };
    admin = new SNSClient({ region: NODE_REGION, endpoint: node.url, credentials, maxAttempts: 1 });
  });
  after(async () => {
    for (const c of clients) c.destroy();
    admin?.destroy();
    await node?.close();
  });

  test("a topic without a Policy reports SNS's default policy; a malformed one is refused", async () => {
    const TopicArn = (await admin.send(new CreateTopicCommand({ Name: "plain" }))).TopicArn!;
    const attrs = (await admin.send(new GetTopicAttributesCommand({ TopicArn }))).Attributes!;
    const reported = JSON.parse(attrs["Policy"]!) as { Id: string; Statement: { Resource: string }[] };
    assert.equal(reported.Id, "__default_policy_ID");
    assert.equal(reported.Statement[0]!.Resource, TopicArn);
    await assert.rejects(
      admin.send(new SetTopicAttributesCommand({ TopicArn, AttributeName: "Policy", AttributeValue: "{not json" })),
      (e: Error) => e.name === "InvalidParameterException" && /Policy/.test(e.message),
    );
  });

  test("the topic policy allows another principal to Publish, and its Deny wins over an identity Allow", async () => {
    const TopicArn = (await admin.send(new CreateTopicCommand({ Name: "shared" }))).TopicArn!;
    const outsider = await userClient("outsider");
    await assert.rejects(outsider.send(new PublishCommand({ TopicArn, Message: "x" })), denied);
    const allowOutsider = policy({
      Effect: "Allow",
      Principal: { AWS: userArn("outsider") },
      Action: "SNS:Publish",
      Resource: TopicArn,
    });
    await admin.send(
      new SetTopicAttributesCommand({ TopicArn, AttributeName: "Policy", AttributeValue: allowOutsider }),
    );
    assert.ok((await outsider.send(new PublishCommand({ TopicArn, Message: "x" }))).MessageId);
    const attrs = (await admin.send(new GetTopicAttributesCommand({ TopicArn }))).Attributes!;
    assert.equal(attrs["Policy"], allowOutsider);

    const insider = await userClient("insider", {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "sns:*", Resource: "*" }],
    });
    assert.ok((await insider.send(new PublishCommand({ TopicArn, Message: "y" }))).MessageId);
    const denyInsider = policy(
      { Effect: "Allow", Principal: { AWS: userArn("outsider") }, Action: "SNS:Publish", Resource: TopicArn },
      { Effect: "Deny", Principal: { AWS: userArn("insider") }, Action: "SNS:Publish", Resource: TopicArn },
    );
    await admin.send(new SetTopicAttributesCommand({ TopicArn, AttributeName: "Policy", AttributeValue: denyInsider }));
    await assert.rejects(insider.send(new PublishCommand({ TopicArn, Message: "y" })), denied);
  });
});
