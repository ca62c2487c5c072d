/**
 * SQS through the real SDK v3 (AWS JSON 1.0) against a real `haneul server`: queues, messages
 * with attributes (the SDK checks every MD5), visibility, batches, FIFO, redrive to a DLQ, long
 * polling, AWS's errors, and a real consumer library (sqs-consumer).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  ListQueueTagsCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
  TagQueueCommand,
} from "@aws-sdk/client-sqs";
import { Consumer } from "sqs-consumer";
import { SERVER_ACCOUNT, SERVER_KEY, SERVER_REGION, startServerNode, type ServerNode } from "../helpers/server-node.js";

describe("SQS with SDK v3 (JSON protocol)", () => {
  let node: ServerNode;
  let sqs: SQSClient;
  before(async () => {
    node = await startServerNode();
    sqs = new SQSClient({ region: SERVER_REGION, endpoint: node.apiUrl, credentials: SERVER_KEY, maxAttempts: 1 });
  });
  after(async () => {
    sqs.destroy();
    await node.close();
  });
  const create = async (name: string, Attributes?: Record<string, string>) =>
    (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes }))).QueueUrl!;

  it("creates queues with URLs the SDK expects; get URL, list, attributes, tags, delete", async () => {
    const url = await create("orders", { VisibilityTimeout: "45" });
    assert.equal(url, `${node.apiUrl}/${SERVER_ACCOUNT}/orders`);
    assert.equal(await create("orders", { VisibilityTimeout: "45" }), url, "idempotent with the same attributes");
    await assert.rejects(create("orders", { VisibilityTimeout: "5" }), (e: Error) => e.name === "QueueNameExists");
    assert.equal((await sqs.send(new GetQueueUrlCommand({ QueueName: "orders" }))).QueueUrl, url);
    assert.ok((await sqs.send(new ListQueuesCommand({ QueueNamePrefix: "ord" }))).QueueUrls?.includes(url));
    const attrs = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["All"] })))
      .Attributes!;
    assert.equal(attrs["VisibilityTimeout"], "45");
    assert.equal(attrs["QueueArn"], `arn:aws:sqs:${SERVER_REGION}:${SERVER_ACCOUNT}:orders`);
    assert.equal(attrs["ApproximateNumberOfMessages"], "0");
    await sqs.send(
      new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { DelaySeconds: "0", VisibilityTimeout: "20" } }),
    );
    await sqs.send(new TagQueueCommand({ QueueUrl: url, Tags: { team: "shop" } }));
    assert.deepEqual((await sqs.send(new ListQueueTagsCommand({ QueueUrl: url }))).Tags, { team: "shop" });
    await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
    await assert.rejects(sqs.send(new GetQueueUrlCommand({ QueueName: "orders" })), (e: Error & { Code?: string }) => {
      assert.equal(e.name, "QueueDoesNotExist");
      assert.equal(e.Code, "AWS.SimpleQueueService.NonExistentQueue");
      assert.equal(e.message, "The specified queue does not exist.");
      return true;
    });
    await assert.rejects(
      sqs.send(
        new SetQueueAttributesCommand({
          QueueUrl: url.replace("orders", "x"),
          Attributes: { VisibilityTimeout: "99999" },
        }),
      ),
      (e: Error) => e.name === "QueueDoesNotExist",
    );
  });

  it("sends and receives with message and system attributes (the SDK checks the MD5s), then deletes", async () => {
    const url = await create("attrs");
    const sent = await sqs.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: "héllo ✓",
        MessageAttributes: {
          kind: { DataType: "String", StringValue: "greeting" },
          n: { DataType: "Number", StringValue: "42" },
          raw: { DataType: "Binary", BinaryValue: Buffer.from([0, 1, 2, 255]) },
        },
      }),
    );
    assert.match(sent.MessageId!, /^[0-9a-f-]{36}$/);
    const got = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MessageAttributeNames: ["All"],
        MessageSystemAttributeNames: ["All"],
      }),
    );
    const m = got.Messages![0]!;
    assert.equal(m.Body, "héllo ✓");
    assert.equal(m.MessageId, sent.MessageId);
    assert.equal(m.MessageAttributes?.["n"]?.StringValue, "42");
    assert.deepEqual([...(m.MessageAttributes?.["raw"]?.BinaryValue ?? [])], [0, 1, 2, 255]);
    assert.equal(m.Attributes?.ApproximateReceiveCount, "1");
    assert.ok(Number(m.Attributes?.SentTimestamp) > 1_700_000_000_000);
    assert.deepEqual((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages, undefined, "hidden");
    await sqs.send(
      new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 }),
    );
    const again = (
      await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: url, MessageSystemAttributeNames: ["ApproximateReceiveCount"] }),
      )
    ).Messages![0]!;
    assert.equal(again.Attributes?.ApproximateReceiveCount, "2");
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: again.ReceiptHandle }));
    const attrs = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
      }),
    );
    assert.deepEqual(attrs.Attributes, {
      ApproximateNumberOfMessages: "0",
      ApproximateNumberOfMessagesNotVisible: "0",
    });
  });

  it("batches: a bad entry fails alone; long polling returns as soon as a message arrives", async () => {
    const url = await create("batch");
    const out = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: "a", MessageBody: "one" },
          { Id: "b", MessageBody: "two", DelaySeconds: 901 },
          { Id: "c", MessageBody: "three" },
        ],
      }),
    );
    assert.deepEqual(
      out.Successful?.map((s) => s.Id),
      ["a", "c"],
    );
    assert.deepEqual(
      out.Failed?.map((f) => [f.Id, f.Code, f.SenderFault]),
      [["b", "InvalidParameterValue", true]],
    );
    await assert.rejects(
      sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [] })),
      (e: Error) => e.name === "EmptyBatchRequest",
    );
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
    assert.deepEqual(
      got.Messages?.map((m) => m.Body),
      ["one", "three"],
    );
    const del = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: url,
        Entries: [
          ...got.Messages.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })),
          { Id: "bad", ReceiptHandle: "nonsense" },
        ],
      }),
    );
    assert.deepEqual(
      del.Successful?.map((s) => s.Id),
      ["d0", "d1"],
    );
    assert.deepEqual(
      del.Failed?.map((f) => [f.Id, f.Code]),
      [["bad", "ReceiptHandleIsInvalid"]],
    );
    const started = Date.now();
    setTimeout(() => void sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "late" })), 300);
    const waited = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 10 }));
    assert.equal(waited.Messages?.[0]?.Body, "late");
    assert.ok(Date.now() - started < 3000, `long poll answered after ${Date.now() - started} ms`);
  });

  it("FIFO: order per group, one group's batch in flight at a time, deduplication, attempt ids", async () => {
    const url = await create("jobs.fifo", { FifoQueue: "true", ContentBasedDeduplication: "true" });
    for (const [group, body] of [
      ["g1", "1a"],
      ["g2", "2a"],
      ["g1", "1b"],
      ["g1", "1a"],
    ] as const) {
      await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body, MessageGroupId: group }));
    }
    await assert.rejects(
      sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "x" })),
      (e: Error) => e.name === "MissingParameter",
    );
    const first = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 1,
        ReceiveRequestAttemptId: "try-1",
        AttributeNames: ["All"],
      }),
    );
    assert.equal(first.Messages?.[0]?.Body, "1a");
    assert.equal(first.Messages?.[0]?.Attributes?.MessageGroupId, "g1");
    const retried = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 1, ReceiveRequestAttemptId: "try-1" }),
    );
    assert.equal(retried.Messages?.[0]?.ReceiptHandle, first.Messages?.[0]?.ReceiptHandle, "same attempt, same answer");
    const second = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
    assert.deepEqual(
      second.Messages?.map((m) => m.Body),
      ["2a"],
      "g1 waits while 1a is in flight; the duplicate 1a was dropped",
    );
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first.Messages[0].ReceiptHandle }));
    const third = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
    assert.deepEqual(
      third.Messages?.map((m) => m.Body),
      ["1b"],
    );
  });

  it("redrives a message received maxReceiveCount times to the dead-letter queue; purge empties", async () => {
    const dlq = await create("work-dlq");
    const dlqArn = `arn:aws:sqs:${SERVER_REGION}:${SERVER_ACCOUNT}:work-dlq`;
    const url = await create("work", {
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }),
    });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "poison" }));
    for (let i = 0; i < 2; i++) {
      const m = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages![0]!;
      await sqs.send(
        new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 }),
      );
    }
    assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages, undefined);
    const dead = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq }));
    assert.equal(dead.Messages?.[0]?.Body, "poison");
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "x" }));
    await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
    await assert.rejects(
      sqs.send(new PurgeQueueCommand({ QueueUrl: url })),
      (e: Error) => e.name === "PurgeQueueInProgress",
    );
    assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages, undefined);
  });

  it("a FIFO dead-letter queue gives a redriven message its message id as deduplication id", async () => {
    const dlq = await create("pay-dlq.fifo", { FifoQueue: "true" });
    const url = await create("pay.fifo", {
      FifoQueue: "true",
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: `arn:aws:sqs:${SERVER_REGION}:${SERVER_ACCOUNT}:pay-dlq.fifo`,
        maxReceiveCount: 1,
      }),
    });
    const send = (QueueUrl: string, MessageBody: string) =>
      sqs.send(
        new SendMessageCommand({ QueueUrl, MessageBody, MessageGroupId: "g", MessageDeduplicationId: "order-7" }),
      );
    const { MessageId } = await send(url, "poison");
    const m = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages![0]!;
    await sqs.send(
      new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 }),
    );
    assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages, undefined, "moved");
    const dead = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq, MessageSystemAttributeNames: ["All"] })))
      .Messages![0]!;
    assert.equal(dead.MessageId, MessageId);
    assert.equal(dead.Attributes?.MessageDeduplicationId, MessageId);
    assert.equal(dead.Attributes?.MessageGroupId, "g");
    await sqs.send(new DeleteMessageCommand({ QueueUrl: dlq, ReceiptHandle: dead.ReceiptHandle }));
    const fresh = await send(dlq, "new");
    assert.notEqual(fresh.MessageId, MessageId, "the old deduplication id is free in the dead-letter queue");
    const got = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq, MessageSystemAttributeNames: ["All"] })))
      .Messages![0]!;
    assert.deepEqual([got.Body, got.Attributes?.MessageDeduplicationId], ["new", "order-7"]);
  });

  it("serves a real consumer library (sqs-consumer): every message handled and deleted", async () => {
    const url = await create("consumed");
    const bodies = Array.from({ length: 25 }, (_, i) => `m${i}`);
    for (let i = 0; i < bodies.length; i += 10) {
      await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: bodies.slice(i, i + 10).map((b) => ({ Id: b, MessageBody: b })),
        }),
      );
    }
    const seen = new Set<string>();
    const processed = new Set<string>();
    const consumer = Consumer.create({
      queueUrl: url,
      sqs,
      batchSize: 10,
      waitTimeSeconds: 1,
      handleMessage: (m) => {
        seen.add(m.Body ?? "");
        return Promise.resolve(m);
      },
    });
    // Emitted once the library's DeleteMessage for the message has been answered.
    consumer.on("message_processed", (m) => processed.add(m.Body ?? ""));
    consumer.start();
    const deadline = Date.now() + 15_000;
    while (processed.size < bodies.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const stopped = new Promise((r) => consumer.once("stopped", r));
    consumer.stop();
    await stopped;
    assert.equal(seen.size, bodies.length);
    const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["All"] }));
    assert.equal(attrs.Attributes?.["ApproximateNumberOfMessages"], "0");
    assert.equal(attrs.Attributes?.["ApproximateNumberOfMessagesNotVisible"], "0", "all deleted");
  });
});
