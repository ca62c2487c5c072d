/**
 * SQS through the query protocol (form requests, XML answers) with the clients that speak it:
 * aws-sdk v2 (which posts to the queue URL itself and checks MD5s) and Debian's AWS CLI v2
 * (/usr/bin/aws, whose botocore model of SQS is the query protocol), against a real `haneul server`.
 */
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { after, before, describe, it } from "node:test";
import type AwsSdkV2 from "aws-sdk";
import {
  serverCliTarget,
  SERVER_ACCOUNT,
  SERVER_KEY,
  SERVER_REGION,
  startServerNode,
  type ServerNode,
} from "../helpers/server-node.js";
import { runAwsCli } from "../helpers/aws-cli.js";

const require = createRequire(import.meta.url);
(require("aws-sdk/lib/maintenance_mode_message.js") as { suppress: boolean }).suppress = true;
const AWS = require("aws-sdk") as typeof AwsSdkV2;

describe("SQS with the query protocol (aws-sdk v2, AWS CLI v2)", () => {
  let node: ServerNode;
  let sqs: AwsSdkV2.SQS;
  before(async () => {
    node = await startServerNode();
    sqs = new AWS.SQS({ region: SERVER_REGION, endpoint: node.apiUrl, credentials: SERVER_KEY, maxRetries: 0 });
  });
  after(() => node.close());

  it("aws-sdk v2: queues, messages with attributes, batches, FIFO and errors", async () => {
    const { QueueUrl: url } = await sqs.createQueue({ QueueName: "v2", tags: { app: "x" } }).promise();
    assert.equal(url, `${node.apiUrl}/${SERVER_ACCOUNT}/v2`);
    assert.deepEqual((await sqs.listQueueTags({ QueueUrl: url }).promise()).Tags, { app: "x" });
    await sqs
      .sendMessage({
        QueueUrl: url,
        MessageBody: "<b>&amp;</b>",
        MessageAttributes: {
          k: { DataType: "String", StringValue: "v & <w>" },
          b: { DataType: "Binary", BinaryValue: Buffer.from("hi") },
        },
      })
      .promise();
    const batch = await sqs
      .sendMessageBatch({
        QueueUrl: url,
        Entries: [
          { Id: "1", MessageBody: "one" },
          { Id: "2", MessageBody: "" },
        ],
      })
      .promise();
    assert.deepEqual(
      batch.Successful.map((s) => s.Id),
      ["1"],
    );
    assert.deepEqual(
      batch.Failed.map((f) => [f.Id, f.Code]),
      [["2", "MissingParameter"]],
    );
    const got = await sqs
      .receiveMessage({
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ["All"],
        AttributeNames: ["All"],
      })
      .promise();
    assert.deepEqual(
      got.Messages?.map((m) => m.Body),
      ["<b>&amp;</b>", "one"],
    );
    assert.equal(got.Messages?.[0]?.MessageAttributes?.["k"]?.StringValue, "v & <w>");
    assert.equal(Buffer.from(got.Messages?.[0]?.MessageAttributes?.["b"]?.BinaryValue as Uint8Array).toString(), "hi");
    assert.equal(got.Messages?.[0]?.Attributes?.["ApproximateReceiveCount"], "1");
    const del = await sqs
      .deleteMessageBatch({
        QueueUrl: url,
        Entries: got.Messages.map((m, i) => ({ Id: `e${i}`, ReceiptHandle: m.ReceiptHandle! })),
      })
      .promise();
    assert.equal(del.Successful.length, 2);
    const attrs = await sqs
      .getQueueAttributes({ QueueUrl: url, AttributeNames: ["ApproximateNumberOfMessages", "QueueArn"] })
      .promise();
    assert.deepEqual(attrs.Attributes, {
      ApproximateNumberOfMessages: "0",
      QueueArn: `arn:aws:sqs:${SERVER_REGION}:${SERVER_ACCOUNT}:v2`,
    });
    const fifo = (await sqs.createQueue({ QueueName: "v2.fifo", Attributes: { FifoQueue: "true" } }).promise())
      .QueueUrl!;
    const a = await sqs
      .sendMessage({ QueueUrl: fifo, MessageBody: "a", MessageGroupId: "g", MessageDeduplicationId: "d1" })
      .promise();
    const dup = await sqs
      .sendMessage({ QueueUrl: fifo, MessageBody: "a", MessageGroupId: "g", MessageDeduplicationId: "d1" })
      .promise();
    assert.equal(dup.MessageId, a.MessageId);
    assert.match(a.SequenceNumber ?? "", /^\d{20}$/);
    await assert.rejects(sqs.getQueueUrl({ QueueName: "nope" }).promise(), (e: AwsSdkV2.AWSError) => {
      assert.equal(e.code, "AWS.SimpleQueueService.NonExistentQueue");
      assert.equal(e.statusCode, 400);
      assert.equal(e.message, "The specified queue does not exist.");
      return true;
    });
    await sqs.deleteQueue({ QueueUrl: url }).promise();
  });

  it("AWS CLI v2 (query protocol): create, send, receive, delete, errors", async () => {
    const run = (...args: string[]) => runAwsCli(serverCliTarget(node), ["sqs", ...args]);
    const ok = async (...args: string[]) => {
      const r = await run(...args);
      assert.equal(r.code, 0, `aws sqs ${args.join(" ")}\n${r.stderr}`);
      return (r.stdout.trim() === "" ? {} : JSON.parse(r.stdout)) as Record<string, unknown>;
    };
    const url = (await ok("create-queue", "--queue-name", "cli", "--attributes", "VisibilityTimeout=60"))[
      "QueueUrl"
    ] as string;
    assert.equal(url, `${node.apiUrl}/${SERVER_ACCOUNT}/cli`);
    const sent = await ok(
      "send-message",
      "--queue-url",
      url,
      "--message-body",
      "from the CLI",
      "--message-attributes",
      '{"k":{"DataType":"String","StringValue":"v"}}',
    );
    assert.ok(sent["MD5OfMessageAttributes"]);
    const got = await ok(
      "receive-message",
      "--queue-url",
      url,
      "--message-attribute-names",
      "All",
      "--attribute-names",
      "All",
    );
    const m = (got["Messages"] as { Body: string; ReceiptHandle: string; Attributes: Record<string, string> }[])[0]!;
    assert.equal(m.Body, "from the CLI");
    assert.equal(m.Attributes["ApproximateReceiveCount"], "1");
    await ok("delete-message", "--queue-url", url, "--receipt-handle", m.ReceiptHandle);
    const attrs = await ok("get-queue-attributes", "--queue-url", url, "--attribute-names", "VisibilityTimeout");
    assert.deepEqual(attrs, { Attributes: { VisibilityTimeout: "60" } });
    const list = await ok("list-queues");
    assert.ok((list["QueueUrls"] as string[]).includes(url));
    const missing = await run("get-queue-url", "--queue-name", "nope");
    assert.equal(missing.code, 254);
    assert.match(missing.stderr, /AWS\.SimpleQueueService\.NonExistentQueue.*The specified queue does not exist\./);
  });
});
