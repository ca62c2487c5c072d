/**
 * SNS through the real SDK v3 against a real node: topics, attributes, tags, subscriptions and AWS's
 * errors; fan-out to a function (the SNS event, seen through the function's OnSuccess destination),
 * to queues (enveloped and raw), to a real HTTP endpoint after its confirmation; filter policies on
 * attributes and on the body; FIFO topics with deduplication; PublishBatch.
 */
import assert from "node:assert/strict";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  AddPermissionCommand,
  CreateFunctionCommand,
  PutFunctionEventInvokeConfigCommand,
} from "@aws-sdk/client-lambda";
import {
  ConfirmSubscriptionCommand,
  CreateTopicCommand,
  DeleteTopicCommand,
  GetSubscriptionAttributesCommand,
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  ListTagsForResourceCommand,
  ListTopicsCommand,
  PublishBatchCommand,
  PublishCommand,
  SetSubscriptionAttributesCommand,
  SNSClient,
  SubscribeCommand,
  TagResourceCommand,
  UnsubscribeCommand,
} from "@aws-sdk/client-sns";
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
  type Message,
} from "@aws-sdk/client-sqs";
import { zipSync } from "fflate";
import {
  functionArn,
  NODE_ACCOUNT,
  NODE_REGION,
  NODE_ROLE,
  startLambdaNode,
  type LambdaNode,
} from "../helpers/lambda-node.js";
import { HANDLERS } from "../helpers/paths.js";
import { createFunctionRole } from "../helpers/iam.js";
import { serviceSendPolicy } from "../helpers/queue-policies.js";

const queueArn = (name: string) => `arn:aws:sqs:${NODE_REGION}:${NODE_ACCOUNT}:${name}`;
const topicArn = (name: string) => `arn:aws:sns:${NODE_REGION}:${NODE_ACCOUNT}:${name}`;

interface Posted {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

describe("SNS with SDK v3 (query protocol)", () => {
  let node: LambdaNode;
  let sns: SNSClient;
  let sqs: SQSClient;
  let http: Server;
  let endpoint: string;
  const posted: Posted[] = [];
  let answerStatus = 200;
  const urls: Record<string, string> = {};

  before(async () => {
    node = await startLambdaNode({ env: { HANEUL_TIME_SCALE: "600" } });
    const credentials = { accessKeyId: node.accessKeyId, secretAccessKey: node.secretAccessKey };
    sns = new SNSClient({ region: NODE_REGION, endpoint: node.url, credentials, maxAttempts: 1 });
    sqs = new SQSClient({ region: NODE_REGION, endpoint: node.url, credentials, maxAttempts: 1 });
    for (const q of ["enveloped", "raw", "filtered", "body-filtered", "fn-out", "fifo-out.fifo"]) {
      // As on AWS, SNS delivers into a queue only when the queue's policy allows it.
      const Policy = serviceSendPolicy(queueArn(q), `arn:aws:sns:${NODE_REGION}:${NODE_ACCOUNT}:*`);
      const Attributes = q.endsWith(".fifo") ? { FifoQueue: "true", Policy } : { Policy };
      urls[q] = (await sqs.send(new CreateQueueCommand({ QueueName: q, Attributes }))).QueueUrl!;
    }
    http = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        posted.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
        res.statusCode = answerStatus;
        res.end();
      });
    });
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    endpoint = `http://127.0.0.1:${(http.address() as AddressInfo).port}/hook`;
  });
  after(async () => {
    sns.destroy();
    sqs.destroy();
    await new Promise<void>((resolve) => http.close(() => resolve()));
    await node.close();
  });

  const receive = async (q: string, count = 1, timeoutMs = 10_000): Promise<Message[]> => {
    const got: Message[] = [];
    const until = Date.now() + timeoutMs;
    while (got.length < count && Date.now() < until) {
      const r = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: urls[q],
          WaitTimeSeconds: 1,
          MaxNumberOfMessages: 10,
          // 12 hours: 72 s under the node's time scale, so that a received message stays hidden.
          VisibilityTimeout: 43_200,
          MessageAttributeNames: ["All"],
          MessageSystemAttributeNames: ["All"],
        }),
      );
      got.push(...(r.Messages ?? []));
    }
    return got;
  };
  const waitFor = async <T>(probe: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const v = probe();
      if (v !== undefined) return v;
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  it("creates, lists, describes, tags and deletes topics, with SNS's errors", async () => {
    const arn = (await sns.send(new CreateTopicCommand({ Name: "orders", Attributes: { DisplayName: "Orders" } })))
      .TopicArn!;
    assert.equal(arn, topicArn("orders"));
    assert.equal(
      (await sns.send(new CreateTopicCommand({ Name: "orders", Attributes: { DisplayName: "Orders" } }))).TopicArn,
      arn,
    );
    const topics = (await sns.send(new ListTopicsCommand({}))).Topics!.map((t) => t.TopicArn);
    assert.ok(topics.includes(arn));
    const attrs = (await sns.send(new GetTopicAttributesCommand({ TopicArn: arn }))).Attributes!;
    assert.equal(attrs["DisplayName"], "Orders");
    assert.equal(attrs["Owner"], NODE_ACCOUNT);
    assert.equal(attrs["SubscriptionsConfirmed"], "0");
    await sns.send(new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: "team", Value: "shop" }] }));
    assert.deepEqual((await sns.send(new ListTagsForResourceCommand({ ResourceArn: arn }))).Tags, [
      { Key: "team", Value: "shop" },
    ]);
    await assert.rejects(sns.send(new CreateTopicCommand({ Name: "bad name" })), (e: Error) => {
      assert.equal(e.name, "InvalidParameterException");
      assert.equal(e.message, "Invalid parameter: Topic Name");
      return true;
    });
    await assert.rejects(
      sns.send(new CreateTopicCommand({ Name: "p", Attributes: { Policy: "{}" } })),
      (e: Error) => e.name === "InvalidParameterException",
      "a topic policy is refused, not ignored",
    );
    await sns.send(new DeleteTopicCommand({ TopicArn: arn }));
    await sns.send(new DeleteTopicCommand({ TopicArn: arn }));
    await assert.rejects(sns.send(new GetTopicAttributesCommand({ TopicArn: arn })), (e: Error) => {
      assert.equal(e.name, "NotFoundException");
      assert.equal(e.message, "Topic does not exist");
      return true;
    });
    await assert.rejects(
      sns.send(new PublishCommand({ TopicArn: arn, Message: "x" })),
      (e: Error) => e.name === "NotFoundException",
    );
  });

  it("fans out to queues, enveloped and raw, with attribute and body filter policies", async () => {
    const arn = (await sns.send(new CreateTopicCommand({ Name: "fanout" }))).TopicArn!;
    const sub = (q: string, Attributes?: Record<string, string>) =>
      sns.send(
        new SubscribeCommand({
          TopicArn: arn,
          Protocol: "sqs",
          Endpoint: queueArn(q),
          Attributes,
          ReturnSubscriptionArn: true,
        }),
      );
    const enveloped = (await sub("enveloped")).SubscriptionArn!;
    await sub("raw", { RawMessageDelivery: "true" });
    await sub("filtered", { FilterPolicy: JSON.stringify({ kind: ["order"], amount: [{ numeric: [">", 100] }] }) });
    await sub("body-filtered", {
      FilterPolicyScope: "MessageBody",
      FilterPolicy: JSON.stringify({ order: { region: [{ prefix: "eu-" }] } }),
    });
    await assert.rejects(
      sub("filtered", { FilterPolicy: JSON.stringify({ a: { b: ["c"] } }) }),
      (e: Error) => e.name === "InvalidParameterException",
    );
    await assert.rejects(
      sns.send(
        new SetSubscriptionAttributesCommand({
          SubscriptionArn: enveloped,
          AttributeName: "FilterPolicy",
          AttributeValue: "{",
        }),
      ),
      (e: Error) => e.name === "InvalidParameterException" && e.message.startsWith("Invalid parameter: FilterPolicy"),
    );
    assert.equal(
      (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: enveloped }))).Attributes!["Protocol"],
      "sqs",
    );
    assert.equal((await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: arn }))).Subscriptions!.length, 4);

    const attributes = {
      kind: { DataType: "String", StringValue: "order" },
      amount: { DataType: "Number", StringValue: "150" },
    };
    const body = JSON.stringify({ order: { region: "eu-west-1" } });
    const { MessageId } = await sns.send(
      new PublishCommand({ TopicArn: arn, Message: body, Subject: "New order", MessageAttributes: attributes }),
    );
    await sns.send(
      new PublishCommand({
        TopicArn: arn,
        Message: JSON.stringify({ order: { region: "us-east-1" } }),
        MessageAttributes: {
          kind: { DataType: "String", StringValue: "order" },
          amount: { DataType: "Number", StringValue: "5" },
        },
      }),
    );

    const [env1, env2] = await receive("enveloped", 2);
    assert.ok(env1 && env2);
    const envelope = JSON.parse([env1, env2].find((m) => JSON.parse(m.Body!).MessageId === MessageId)!.Body!);
    assert.equal(envelope.Type, "Notification");
    assert.equal(envelope.TopicArn, arn);
    assert.equal(envelope.Subject, "New order");
    assert.equal(envelope.Message, body);
    assert.deepEqual(envelope.MessageAttributes.amount, { Type: "Number", Value: "150" });
    assert.ok(envelope.UnsubscribeURL.includes("Action=Unsubscribe"));
    assert.equal(env1.Attributes?.SenderId, "AIDAIT2UOQQY3AUEKVGXU");

    const raw = await receive("raw", 2);
    const rawFirst = raw.find((m) => m.Body === body)!;
    assert.ok(rawFirst, "the raw message body is the message itself");
    assert.equal(rawFirst.MessageAttributes?.["kind"]?.StringValue, "order");

    const filtered = await receive("filtered", 2, 2500);
    assert.deepEqual(
      filtered.map((m) => (JSON.parse(m.Body!) as { MessageId: string }).MessageId),
      [MessageId],
      "amount 5 is filtered out",
    );
    const byBody = await receive("body-filtered", 2, 2500);
    assert.deepEqual(
      byBody.map((m) => (JSON.parse(m.Body!) as { Message: string }).Message),
      [body],
      "us-east-1 is filtered out",
    );

    await sns.send(new UnsubscribeCommand({ SubscriptionArn: enveloped }));
    await assert.rejects(
      sns.send(new UnsubscribeCommand({ SubscriptionArn: enveloped })),
      (e: Error) => e.name === "NotFoundException",
    );
  });

  it("invokes a subscribed function (allowed by AddPermission) asynchronously with the SNS event", async () => {
    const arn = (await sns.send(new CreateTopicCommand({ Name: "to-function" }))).TopicArn!;
    const zip = zipSync({ "index.js": readFileSync(join(HANDLERS, "cjs", "index.js")) });
    // The execution role may send to the OnSuccess queue (Lambda checks it).
    const key = { endpoint: node.url, accessKeyId: node.accessKeyId, secretAccessKey: node.secretAccessKey };
    await createFunctionRole(key, "conformance", { actions: ["sqs:SendMessage"] });
    await node.client.send(
      new CreateFunctionCommand({
        FunctionName: "sns-sink",
        Runtime: "nodejs20.x",
        Role: NODE_ROLE,
        Handler: "index.handler",
        Code: { ZipFile: zip },
      }),
    );
    await node.client.send(
      new PutFunctionEventInvokeConfigCommand({
        FunctionName: "sns-sink",
        DestinationConfig: { OnSuccess: { Destination: queueArn("fn-out") } },
      }),
    );
    await node.client.send(
      new AddPermissionCommand({
        FunctionName: "sns-sink",
        StatementId: "sns",
        Action: "lambda:InvokeFunction",
        Principal: "sns.amazonaws.com",
        SourceArn: arn,
      }),
    );
    await sns.send(new SubscribeCommand({ TopicArn: arn, Protocol: "lambda", Endpoint: functionArn("sns-sink") }));
    const { MessageId } = await sns.send(
      new PublishCommand({
        TopicArn: arn,
        Message: "hello function",
        MessageAttributes: { color: { DataType: "String", StringValue: "blue" } },
      }),
    );
    const [out] = await receive("fn-out", 1, 20_000);
    assert.ok(out, "the function ran");
    const record = JSON.parse(out.Body!).requestPayload.Records[0];
    assert.equal(record.EventSource, "aws:sns");
    assert.equal(record.Sns.Type, "Notification");
    assert.equal(record.Sns.MessageId, MessageId);
    assert.equal(record.Sns.TopicArn, arn);
    assert.equal(record.Sns.Subject, null);
    assert.equal(record.Sns.Message, "hello function");
    assert.deepEqual(record.Sns.MessageAttributes, { color: { Type: "String", Value: "blue" } });
    assert.ok(record.EventSubscriptionArn.startsWith(`${arn}:`));
    for (const k of ["Timestamp", "SignatureVersion", "Signature", "SigningCertUrl", "UnsubscribeUrl"]) {
      assert.equal(typeof record.Sns[k], "string", k);
    }
  });

  it("confirms an HTTP endpoint, then POSTs notifications with SNS's headers and retries a failing one", async () => {
    const arn = (await sns.send(new CreateTopicCommand({ Name: "to-http" }))).TopicArn!;
    const r = await sns.send(new SubscribeCommand({ TopicArn: arn, Protocol: "http", Endpoint: endpoint }));
    assert.equal(r.SubscriptionArn, "pending confirmation");
    const confirmation = await waitFor(
      () => posted.find((p) => p.headers["x-amz-sns-message-type"] === "SubscriptionConfirmation"),
      "the confirmation",
    );
    const c = JSON.parse(confirmation.body);
    assert.equal(c.Type, "SubscriptionConfirmation");
    assert.equal(c.TopicArn, arn);
    assert.ok(c.SubscribeURL.includes(`Token=${c.Token}`));
    assert.equal(
      (await sns.send(new PublishCommand({ TopicArn: arn, Message: "before confirmation" }))).MessageId !== undefined,
      true,
    );
    const confirmed = await sns.send(new ConfirmSubscriptionCommand({ TopicArn: arn, Token: c.Token }));
    assert.ok(confirmed.SubscriptionArn!.startsWith(`${arn}:`));
    answerStatus = 500;
    const { MessageId } = await sns.send(
      new PublishCommand({ TopicArn: arn, Message: "to the endpoint", Subject: "s" }),
    );
    const isIt = (p: Posted) => p.headers["x-amz-sns-message-id"] === MessageId;
    await waitFor(() => posted.find(isIt), "the first attempt");
    answerStatus = 200;
    // Retried 20 s later, 600 times faster.
    await waitFor(() => (posted.filter(isIt).length >= 2 ? true : undefined), "the retry");
    const p = posted.find(isIt)!;
    assert.equal(p.headers["x-amz-sns-message-type"], "Notification");
    assert.equal(p.headers["x-amz-sns-topic-arn"], arn);
    assert.equal(p.headers["x-amz-sns-subscription-arn"], confirmed.SubscriptionArn);
    const n = JSON.parse(p.body);
    assert.equal(n.Message, "to the endpoint");
    assert.equal(n.Subject, "s");
    assert.equal(posted.filter((x) => x.body.includes("before confirmation")).length, 0, "nothing before confirmation");
  });

  it("FIFO topics: group id required, deduplication by content, sequence numbers, order kept in a FIFO queue", async () => {
    await assert.rejects(
      sns.send(new CreateTopicCommand({ Name: "plain.fifo" })),
      (e: Error) => e.name === "InvalidParameterException",
    );
    const arn = (
      await sns.send(
        new CreateTopicCommand({
          Name: "events.fifo",
          Attributes: { FifoTopic: "true", ContentBasedDeduplication: "true" },
        }),
      )
    ).TopicArn!;
    await sns.send(
      new SubscribeCommand({
        TopicArn: arn,
        Protocol: "sqs",
        Endpoint: queueArn("fifo-out.fifo"),
        Attributes: { RawMessageDelivery: "true" },
      }),
    );
    await assert.rejects(sns.send(new PublishCommand({ TopicArn: arn, Message: "x" })), (e: Error) => {
      assert.equal(e.message, "Invalid parameter: The MessageGroupId parameter is required for FIFO topics");
      return true;
    });
    const a = await sns.send(new PublishCommand({ TopicArn: arn, Message: "one", MessageGroupId: "g" }));
    const again = await sns.send(new PublishCommand({ TopicArn: arn, Message: "one", MessageGroupId: "g" }));
    assert.equal(again.MessageId, a.MessageId, "deduplicated");
    assert.match(a.SequenceNumber!, /^\d{20}$/);
    const batch = await sns.send(
      new PublishBatchCommand({
        TopicArn: arn,
        PublishBatchRequestEntries: [
          { Id: "b", Message: "two", MessageGroupId: "g" },
          { Id: "c", Message: "three", MessageGroupId: "g" },
          { Id: "bad", Message: "", MessageGroupId: "g" },
        ],
      }),
    );
    assert.deepEqual(
      batch.Successful!.map((s) => s.Id),
      ["b", "c"],
    );
    assert.equal(batch.Failed![0]!.Id, "bad");
    assert.equal(batch.Failed![0]!.Code, "InvalidParameter");
    // All three are in the queue before the first receive (a received group holds back the rest).
    for (let visible = 0, until = Date.now() + 10_000; visible < 3 && Date.now() < until;) {
      const r = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: urls["fifo-out.fifo"],
          AttributeNames: ["ApproximateNumberOfMessages"],
        }),
      );
      visible = Number(r.Attributes?.["ApproximateNumberOfMessages"]);
    }
    const got = await receive("fifo-out.fifo", 3);
    assert.deepEqual(
      got.map((m) => m.Body),
      ["one", "two", "three"],
    );
  });
});
