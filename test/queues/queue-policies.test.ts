/**
 * Queue policies decide, as on AWS: a caller whose identity policies do not allow an SQS action is
 * allowed by a queue policy naming it, an explicit Deny in the queue policy wins over an identity
 * Allow, conditions are evaluated, and SNS delivers into a queue only when its policy allows
 * sns.amazonaws.com from that topic (a refused delivery is not retried and reaches no one).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand } from "@aws-sdk/client-iam";
import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { createRequire } from "node:module";
import type AwsSdkV2 from "aws-sdk";
import { awsCli } from "../helpers/apigw-stack.js";
import { iamClient } from "../helpers/iam.js";
import { tempDir } from "../helpers/temp-dir.js";
import { AKID, NODE_ACCOUNT, NODE_REGION, SECRET, startLambdaNode, type LambdaNode } from "../helpers/lambda-node.js";
import { serviceSendPolicy } from "../helpers/queue-policies.js";

const require = createRequire(import.meta.url);
(require("aws-sdk/lib/maintenance_mode_message.js") as { suppress: boolean }).suppress = true;
const AWS = require("aws-sdk") as typeof AwsSdkV2;

const arnOf = (name: string) => `arn:aws:sqs:${NODE_REGION}:${NODE_ACCOUNT}:${name}`;
const userArn = (name: string) => `arn:aws:iam::${NODE_ACCOUNT}:user/${name}`;

let node: LambdaNode;
let admin: SQSClient;
let sns: SNSClient;
const clients: SQSClient[] = [];

async function userClient(name: string, identityPolicy?: object): Promise<SQSClient> {
  const iam = iamClient({ endpoint: node.url, accessKeyId: AKID, secretAccessKey: SECRET });
  await iam.send(new CreateUserCommand({ UserName: name }));
  if (identityPolicy) {
    const PolicyDocument = JSON.stringify(identityPolicy);
    await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: "sqs", PolicyDocument }));
  }
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey;
  iam.destroy();
  const client = new SQSClient({
    region: NODE_REGION,
    endpoint: node.url,
    credentials: { accessKeyId: key?.AccessKeyId ?? "", secretAccessKey: key?.SecretAccessKey ?? "" },
    maxAttempts: 1,
  });
  clients.push(client);
  return client;
}

const policy = (...Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });

async function receiveBodies(url: string): Promise<string[]> {
  const r = await admin.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 1, MaxNumberOfMessages: 10 }));
  return (r.Messages ?? []).map((m) => m.Body ?? "");
}

describe("queue policies (SDK v3)", () => {
  before(async () => {
    node = await startLambdaNode({ env: { HANEUL_TIME_SCALE: "600" } });
    const credentials = { accessKeyId: node.accessKeyId, secretAccessKey: node.secretAccessKey };
    admin = new SQSClient({ region: NODE_REGION, endpoint: node.url, credentials, maxAttempts: 1 });
    sns = new SNSClient({ region: NODE_REGION, endpoint: node.url, credentials, maxAttempts: 1 });
  });
  after(async () => {
    for (const c of clients) c.destroy();
    admin?.destroy();
    sns?.destroy();
    await node?.close();
  });

  test("a malformed Policy is refused with InvalidAttributeValue", async () => {
    const url = (await admin.send(new CreateQueueCommand({ QueueName: "malformed" }))).QueueUrl!;
    await assert.rejects(
      admin.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { Policy: "{not json" } })),
      (e: Error) => e.name === "InvalidAttributeValue" && /^Invalid value for the parameter Policy/.test(e.message),
    );
    await assert.rejects(
      admin.send(
        new CreateQueueCommand({ QueueName: "malformed2", Attributes: { Policy: policy({ Effect: "Allow" }) } }),
      ),
      (e: Error) => e.name === "InvalidAttributeValue",
    );
  });

  test("the queue policy allows a caller no identity policy allows, for the actions it names", async () => {
    const url = (await admin.send(new CreateQueueCommand({ QueueName: "shared" }))).QueueUrl!;
    const reader = await userClient("reader");
    const send = () => reader.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "hello" }));
    await assert.rejects(send(), (e: Error) => {
      assert.equal(e.name, "AccessDenied");
      assert.equal(
        e.message,
        `User: ${userArn("reader")} is not authorized to perform: sqs:SendMessage on resource: ${arnOf("shared")} because no identity-based policy allows the sqs:SendMessage action`,
      );
      return true;
    });
    const Policy = policy({
      Effect: "Allow",
      Principal: { AWS: userArn("reader") },
      Action: ["SQS:SendMessage", "sqs:ReceiveMessage"],
      Resource: arnOf("shared"),
    });
    await admin.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { Policy } }));
    await send();
    const got = await reader.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 1 }));
    assert.equal(got.Messages?.[0]?.Body, "hello");
    // Not named: refused still.
    await assert.rejects(
      reader.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["All"] })),
      (e: Error) => e.name === "AccessDenied",
    );
    // Removing the policy takes the permission away.
    await admin.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { Policy: "" } }));
    await new Promise((r) => setTimeout(r, 1100)); // the node trusts its copy of a queue for 1 s
    await assert.rejects(send(), (e: Error) => e.name === "AccessDenied");
  });

  test("an explicit Deny in the queue policy wins over an identity Allow; conditions are evaluated", async () => {
    const Policy = policy({
      Effect: "Deny",
      Principal: "*",
      Action: "sqs:SendMessage",
      Resource: arnOf("guarded"),
      Condition: { StringNotEquals: { "aws:username": "trusted" } },
    });
    const url = (await admin.send(new CreateQueueCommand({ QueueName: "guarded", Attributes: { Policy } }))).QueueUrl!;
    const allowAll = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sqs:*", Resource: "*" }] };
    const other = await userClient("other", allowAll);
    const trusted = await userClient("trusted", allowAll);
    await assert.rejects(other.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "x" })), (e: Error) => {
      assert.equal(e.name, "AccessDenied");
      assert.match(e.message, /with an explicit deny in a resource-based policy$/);
      return true;
    });
    await trusted.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "ok" }));
    // Other actions the Deny does not name stay allowed by the identity policy.
    const got = await other.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 1 }));
    assert.equal(got.Messages?.[0]?.Body, "ok");
  });

  test("SNS delivers into a queue only when the queue policy allows sns.amazonaws.com from the topic", async () => {
    const topicArn = (await sns.send(new CreateTopicCommand({ Name: "orders" }))).TopicArn!;
    const otherTopic = `arn:aws:sns:${NODE_REGION}:${NODE_ACCOUNT}:other`;
    const urls: Record<string, string> = {};
    const attributes: Record<string, Record<string, string> | undefined> = {
      open: { Policy: serviceSendPolicy(arnOf("open"), topicArn) },
      closed: undefined,
      "wrong-topic": { Policy: serviceSendPolicy(arnOf("wrong-topic"), otherTopic) },
      "wrong-service": { Policy: serviceSendPolicy(arnOf("wrong-service"), topicArn, "events.amazonaws.com") },
    };
    for (const [name, Attributes] of Object.entries(attributes)) {
      urls[name] = (await admin.send(new CreateQueueCommand({ QueueName: name, Attributes }))).QueueUrl!;
      await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "sqs", Endpoint: arnOf(name) }));
    }
    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: "order-1" }));
    let delivered: string[] = [];
    for (let i = 0; i < 10 && delivered.length === 0; i++) delivered = await receiveBodies(urls["open"]!);
    assert.equal(delivered.length, 1);
    assert.equal((JSON.parse(delivered[0]!) as { Message: string }).Message, "order-1");
    for (const name of ["closed", "wrong-topic", "wrong-service"]) {
      assert.deepEqual(await receiveBodies(urls[name]!), [], name);
    }
  });

  test("RedriveAllowPolicy decides which sources may name a dead-letter queue (AWS CLI v2, aws-sdk v2)", async (t) => {
    const home = tempDir("cli-home");
    t.after(() => home.remove());
    const cli = {
      apiUrl: node.url,
      credentials: { accessKeyId: node.accessKeyId, secretAccessKey: node.secretAccessKey },
      home: home.path,
    };
    const allow = JSON.stringify({ redrivePermission: "byQueue", sourceQueueArns: [arnOf("source-a")] });
    const made = await awsCli(cli, [
      "sqs",
      "create-queue",
      "--queue-name",
      "dlq",
      "--attributes",
      JSON.stringify({ RedriveAllowPolicy: allow }),
    ]);
    assert.equal(made.code, 0, made.stderr);
    const redrive = JSON.stringify({
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arnOf("dlq"), maxReceiveCount: 3 }),
    });
    const a = await awsCli(cli, ["sqs", "create-queue", "--queue-name", "source-a", "--attributes", redrive]);
    assert.equal(a.code, 0, a.stderr);
    const b = await awsCli(cli, ["sqs", "create-queue", "--queue-name", "source-b", "--attributes", redrive]);
    assert.notEqual(b.code, 0);
    assert.match(b.stderr, /InvalidParameterValue/);
    assert.match(
      b.stderr,
      /does not allow arn:aws:sqs:us-east-1:123456789012:source-b to use it as a dead-letter queue/,
    );

    const v2 = new AWS.SQS({ region: NODE_REGION, endpoint: node.url, credentials: cli.credentials, maxRetries: 0 });
    const dlqUrl = (await v2.getQueueUrl({ QueueName: "dlq" }).promise()).QueueUrl!;
    await assert.rejects(
      v2
        .setQueueAttributes({ QueueUrl: dlqUrl, Attributes: { RedriveAllowPolicy: '{"redrivePermission":"byQueue"}' } })
        .promise(),
      (e: AwsSdkV2.AWSError) =>
        e.code === "InvalidParameterValue" && /sourceQueueArns must be specified/.test(e.message),
    );
    const eleven = Array.from({ length: 11 }, (_, i) => arnOf(`s${i}`));
    await assert.rejects(
      v2
        .setQueueAttributes({
          QueueUrl: dlqUrl,
          Attributes: { RedriveAllowPolicy: JSON.stringify({ redrivePermission: "byQueue", sourceQueueArns: eleven }) },
        })
        .promise(),
      (e: AwsSdkV2.AWSError) => e.code === "InvalidParameterValue",
    );
    await v2
      .setQueueAttributes({ QueueUrl: dlqUrl, Attributes: { RedriveAllowPolicy: '{"redrivePermission":"denyAll"}' } })
      .promise();
    await new Promise((r) => setTimeout(r, 1100)); // the node trusts its copy of a queue for 1 s
    const aUrl = (await v2.getQueueUrl({ QueueName: "source-a" }).promise()).QueueUrl!;
    await assert.rejects(
      v2.setQueueAttributes({ QueueUrl: aUrl, Attributes: JSON.parse(redrive) as Record<string, string> }).promise(),
      (e: AwsSdkV2.AWSError) => e.code === "InvalidParameterValue",
    );
    // aws-sdk v2 reads the queue policy's refusal too.
    const reader = await userClient("v2-reader");
    const key = await reader.config.credentials();
    const asReader = new AWS.SQS({ region: NODE_REGION, endpoint: node.url, credentials: key, maxRetries: 0 });
    await assert.rejects(
      asReader.sendMessage({ QueueUrl: dlqUrl, MessageBody: "x" }).promise(),
      (e: AwsSdkV2.AWSError) => e.code === "AccessDenied" && e.statusCode === 403,
    );
  });
});
