/**
 * Queue event source mappings on a real node through the real SDK v3: the mapping operations with
 * AWS's shapes and errors, then messages through a real function: batches and the batching
 * window, partial batch failure then redrive to the DLQ, FIFO order per group with several
 * groups at once, FilterCriteria, disable and enable. (The PostgreSQL run: postgres/.)
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  CreateEventSourceMappingCommand,
  CreateFunctionCommand,
  DeleteEventSourceMappingCommand,
  GetEventSourceMappingCommand,
  ListEventSourceMappingsCommand,
  UpdateEventSourceMappingCommand,
  type CreateEventSourceMappingCommandInput,
} from "@aws-sdk/client-lambda";
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import {
  NODE_ACCOUNT,
  NODE_REGION,
  NODE_ROLE,
  functionArn,
  startLambdaNode,
  type LambdaNode,
} from "../helpers/lambda-node.js";
import { waitFor, waitUntil } from "../helpers/wait.js";
import { batchesIn, HANDLER_ZIP, type LoggedRecord } from "./handler.js";

const queueArn = (name: string) => `arn:aws:sqs:${NODE_REGION}:${NODE_ACCOUNT}:${name}`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe(`SQS event source mappings with SDK v3 (${process.env["HANEUL_TEST_NODE_STORE"] ?? "sqlite"})`, () => {
  let node: LambdaNode;
  let sqs: SQSClient;
  const urls: Record<string, string> = {};
  before(async () => {
    node = await startLambdaNode();
    sqs = new SQSClient({
      region: NODE_REGION,
      endpoint: node.url,
      credentials: { accessKeyId: node.accessKeyId, secretAccessKey: node.secretAccessKey },
    });
    for (const name of ["work", "other"]) {
      await node.client.send(
        new CreateFunctionCommand({
          FunctionName: name,
          Runtime: "nodejs20.x",
          Role: NODE_ROLE,
          Handler: "index.handler",
          Timeout: 1,
          Code: { ZipFile: HANDLER_ZIP },
        }),
      );
    }
  });
  after(async () => {
    sqs.destroy();
    await node.close();
  });

  const queue = async (name: string, attributes: Record<string, string> = {}) => {
    urls[name] = (
      await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: "2", ...attributes } }))
    ).QueueUrl!;
    return urls[name];
  };
  const map = (input: Omit<CreateEventSourceMappingCommandInput, "FunctionName"> & { FunctionName?: string }) =>
    node.client.send(new CreateEventSourceMappingCommand({ FunctionName: "work", ...input }));
  const rejects = async (p: Promise<unknown>, name: string, message: string | RegExp) =>
    assert.rejects(p, (e: Error) => {
      assert.equal(e.name, name);
      if (typeof message === "string") assert.equal(e.message, message);
      else assert.match(e.message, message);
      return true;
    });
  const counts = async (url: string) => {
    const a = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["All"] }))).Attributes!;
    return Number(a["ApproximateNumberOfMessages"]) + Number(a["ApproximateNumberOfMessagesNotVisible"]);
  };
  /** Every batch the function `fn` got from `source`, in the order they ran. */
  const batches = (source: string, fn = "work"): LoggedRecord[][] =>
    node.records
      .filter((r) => r.functionName === fn)
      .flatMap((r) => batchesIn(r.lines))
      .filter((b) => b[0]?.arn === queueArn(source));

  it("creates, gets, lists, updates and deletes a mapping with AWS's shapes", async () => {
    await queue("crud");
    const before = Date.now() / 1000;
    const created = await map({ EventSourceArn: queueArn("crud") });
    assert.equal(created.$metadata.httpStatusCode, 202);
    assert.match(created.UUID!, UUID);
    assert.equal(created.State, "Creating");
    assert.equal(created.StateTransitionReason, "USER_INITIATED");
    assert.equal(created.BatchSize, 10);
    assert.equal(created.MaximumBatchingWindowInSeconds, 0);
    assert.deepEqual(created.FunctionResponseTypes, []);
    assert.equal(created.FunctionArn, functionArn("work"));
    assert.equal(created.EventSourceArn, queueArn("crud"));
    assert.equal(
      created.EventSourceMappingArn,
      `arn:aws:lambda:${NODE_REGION}:${NODE_ACCOUNT}:event-source-mapping:${created.UUID}`,
    );
    assert.ok(created.LastModified instanceof Date);
    assert.ok(Math.abs(created.LastModified.getTime() / 1000 - before) < 5);
    const id = created.UUID!;
    await waitFor(
      async () => (await node.client.send(new GetEventSourceMappingCommand({ UUID: id }))).State === "Enabled",
      "the mapping enabled",
    );
    const listed = await node.client.send(new ListEventSourceMappingsCommand({ FunctionName: "work" }));
    assert.ok(listed.EventSourceMappings?.some((m) => m.UUID === id));
    const bySource = await node.client.send(new ListEventSourceMappingsCommand({ EventSourceArn: queueArn("crud") }));
    assert.deepEqual(
      bySource.EventSourceMappings?.map((m) => m.UUID),
      [id],
    );
    const updated = await node.client.send(
      new UpdateEventSourceMappingCommand({
        UUID: id,
        BatchSize: 100,
        MaximumBatchingWindowInSeconds: 5,
        FunctionResponseTypes: ["ReportBatchItemFailures"],
        ScalingConfig: { MaximumConcurrency: 2 },
        FilterCriteria: { Filters: [{ Pattern: '{"body":{"kind":["a"]}}' }] },
      }),
    );
    assert.equal(updated.$metadata.httpStatusCode, 202);
    assert.equal(updated.State, "Updating");
    assert.equal(updated.BatchSize, 100);
    assert.deepEqual(updated.ScalingConfig, { MaximumConcurrency: 2 });
    assert.deepEqual(updated.FilterCriteria, { Filters: [{ Pattern: '{"body":{"kind":["a"]}}' }] });
    const disabled = await node.client.send(new UpdateEventSourceMappingCommand({ UUID: id, Enabled: false }));
    assert.equal(disabled.State, "Disabling");
    assert.equal(disabled.BatchSize, 100, "what the update does not name stays");
    await waitFor(
      async () => (await node.client.send(new GetEventSourceMappingCommand({ UUID: id }))).State === "Disabled",
      "the mapping disabled",
    );
    const deleted = await node.client.send(new DeleteEventSourceMappingCommand({ UUID: id }));
    assert.equal(deleted.$metadata.httpStatusCode, 202);
    assert.equal(deleted.State, "Deleting");
    await rejects(
      node.client.send(new GetEventSourceMappingCommand({ UUID: id })),
      "ResourceNotFoundException",
      "The resource you requested does not exist.",
    );
  });

  it("refuses what Lambda refuses, with its errors", async () => {
    await queue("bad");
    await queue("bad.fifo", { FifoQueue: "true" });
    await queue("short", { VisibilityTimeout: "0" });
    const dup = await map({ EventSourceArn: queueArn("bad") });
    await rejects(
      map({ EventSourceArn: queueArn("bad") }),
      "ResourceConflictException",
      `An event source mapping with SQS arn (" ${queueArn("bad")} ") and function (" work ") already exists. Please update or delete the existing mapping with UUID ${dup.UUID}`,
    );
    await rejects(
      map({ EventSourceArn: queueArn("bad"), FunctionName: "other", BatchSize: 11 }),
      "InvalidParameterValueException",
      "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10",
    );
    await rejects(
      map({
        EventSourceArn: queueArn("bad"),
        FunctionName: "other",
        BatchSize: 10001,
        MaximumBatchingWindowInSeconds: 301,
      }),
      "ValidationException",
      "2 validation errors detected: Value '10001' at 'batchSize' failed to satisfy constraint: Member must have value less than or equal to 10000; Value '301' at 'maximumBatchingWindowInSeconds' failed to satisfy constraint: Member must have value less than or equal to 300",
    );
    await rejects(
      map({ EventSourceArn: queueArn("bad"), FunctionName: "other", ScalingConfig: { MaximumConcurrency: 1 } }),
      "ValidationException",
      "1 validation error detected: Value '1' at 'scalingConfig.maximumConcurrency' failed to satisfy constraint: Member must have value greater than or equal to 2",
    );
    await rejects(
      map({ EventSourceArn: queueArn("bad.fifo"), MaximumBatchingWindowInSeconds: 1 }),
      "InvalidParameterValueException",
      "Batching window is not supported for FIFO queues",
    );
    await rejects(
      map({ EventSourceArn: queueArn("short") }),
      "InvalidParameterValueException",
      "Queue visibility timeout: 0 seconds is less than Function timeout: 1 seconds",
    );
    await rejects(
      map({ EventSourceArn: queueArn("missing") }),
      "InvalidParameterValueException",
      "Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified queue does not exist for this wsdl version.",
    );
    await rejects(
      map({ EventSourceArn: queueArn("bad"), FunctionName: "nope" }),
      "InvalidParameterValueException",
      "Function does not exist",
    );
    await rejects(
      map({ EventSourceArn: queueArn("bad"), FunctionName: "other", StartingPosition: "LATEST" }),
      "InvalidParameterValueException",
      "Unsupported StartingPosition parameter for given event source mapping type.",
    );
    await rejects(
      map({ EventSourceArn: queueArn("bad"), FunctionName: "other", FilterCriteria: { Filters: [{ Pattern: "{" }] } }),
      "InvalidParameterValueException",
      "Invalid filter pattern definition.",
    );
    const stream = `arn:aws:kinesis:${NODE_REGION}:${NODE_ACCOUNT}:stream/s`;
    await rejects(
      map({ EventSourceArn: stream, StartingPosition: "LATEST" }),
      "InvalidParameterValueException",
      `Stream not found: ${stream}`,
    );
    await rejects(
      map({ EventSourceArn: `arn:aws:kafka:${NODE_REGION}:${NODE_ACCOUNT}:cluster/c/1`, Topics: ["t"] }),
      "InvalidParameterValueException",
      "Unrecognized event source.",
    );
    await rejects(
      node.client.send(
        new UpdateEventSourceMappingCommand({ UUID: "00000000-0000-0000-0000-000000000000", BatchSize: 1 }),
      ),
      "ResourceNotFoundException",
      "The resource you requested does not exist.",
    );
    await node.client.send(new DeleteEventSourceMappingCommand({ UUID: dup.UUID }));
  });

  it("delivers AWS's SQS event in batches, deletes what succeeded, and waits for the batching window", async () => {
    const url = await queue("batches");
    const m = await map({ EventSourceArn: queueArn("batches"), BatchSize: 50, MaximumBatchingWindowInSeconds: 2 });
    await waitFor(
      async () => (await node.client.send(new GetEventSourceMappingCommand({ UUID: m.UUID }))).State === "Enabled",
      "enabled",
    );
    const sentAt = Date.now();
    const entries = Array.from({ length: 5 }, (_, i) => ({
      Id: String(i),
      MessageBody: `m${i}`,
      MessageAttributes: { team: { DataType: "String", StringValue: "a" } },
    }));
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }));
    await waitUntil(() => batches("batches").flat().length >= 5, "five records", 15_000);
    const got = batches("batches");
    assert.equal(got.length, 1, "one batch: the window gathered them");
    assert.ok(Date.now() - sentAt >= 1500, "not before the window ended");
    const r = got[0]![0]!;
    assert.equal(r.source, "aws:sqs");
    assert.equal(r.region, NODE_REGION);
    assert.equal(r.count, 1);
    assert.match(r.md5, /^[0-9a-f]{32}$/);
    assert.deepEqual(r.attrs, {
      team: { stringValue: "a", stringListValues: [], binaryListValues: [], dataType: "String" },
    });
    await waitFor(async () => (await counts(url)) === 0, "the batch deleted");
    await node.client.send(new DeleteEventSourceMappingCommand({ UUID: m.UUID }));
  });

  it("ReportBatchItemFailures deletes only the successes; the failure is redriven to the DLQ", async () => {
    const dlq = await queue("failures-dlq");
    const url = await queue("failures", {
      VisibilityTimeout: "1",
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: queueArn("failures-dlq"), maxReceiveCount: 2 }),
    });
    void dlq;
    await map({ EventSourceArn: queueArn("failures"), FunctionResponseTypes: ["ReportBatchItemFailures"] });
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: ["ok-1", "fail-2", "ok-3"].map((b, i) => ({ Id: String(i), MessageBody: b })),
      }),
    );
    await waitFor(async () => (await counts(urls["failures-dlq"]!)) === 1, "the failing message in the DLQ", 20_000);
    assert.equal(await counts(url), 0);
    const seen = batches("failures").flat();
    assert.equal(seen.filter((r) => r.body === "ok-1").length, 1, "a success is not delivered again");
    assert.equal(seen.filter((r) => r.body === "fail-2").length, 2, "the failure is received maxReceiveCount times");
  });

  it("FIFO: one batch per message group, in order per group, a group held while its batch fails", async () => {
    const url = await queue("orders.fifo", { FifoQueue: "true", VisibilityTimeout: "1" });
    await map({
      EventSourceArn: queueArn("orders.fifo"),
      BatchSize: 3,
      FunctionResponseTypes: ["ReportBatchItemFailures"],
    });
    const groups = ["a", "b", "c"];
    for (let i = 0; i < 10; i++) {
      await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: groups.map((g) => ({
            Id: g,
            MessageBody: g === "a" && i === 4 ? `${g}${i}-fail-once` : `${g}${i}`,
            MessageGroupId: g,
            MessageDeduplicationId: `${g}${i}`,
          })),
        }),
      );
    }
    await waitFor(async () => (await counts(url)) === 0, "every message processed", 30_000);
    const all = batches("orders.fifo");
    for (const b of all) assert.equal(new Set(b.map((r) => r.group)).size, 1, "a batch holds one group");
    // What each batch's function call reported done: the records before its first failure (the
    // function reports a failure and every later record of the group, as AWS advises for FIFO).
    const succeeded = all.flatMap((b) => {
      const failed = b.findIndex((r) => r.body.includes("fail-once") && r.count === 1);
      return failed < 0 ? b : b.slice(0, failed);
    });
    for (const g of groups) {
      const done = succeeded.filter((r) => r.group === g).map((r) => r.body.replace("-fail-once", ""));
      // A record may be delivered again after its visibility timeout on a slow machine: first successes only.
      const firsts = done.filter((b, i) => done.indexOf(b) === i);
      assert.deepEqual(
        firsts,
        Array.from({ length: 10 }, (_, i) => `${g}${i}`),
        `group ${g} in order`,
      );
    }
  });

  it("FilterCriteria: matching messages invoke, the others are deleted without invoking", async () => {
    const url = await queue("filtered");
    await map({
      EventSourceArn: queueArn("filtered"),
      FilterCriteria: {
        Filters: [{ Pattern: '{"body":{"kind":["keep"]}}' }, { Pattern: '{"body":[{"prefix":"plain-"}]}' }],
      },
    });
    const bodies = [JSON.stringify({ kind: "keep", n: 1 }), JSON.stringify({ kind: "drop" }), "plain-text", "other"];
    for (const b of bodies) await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: b }));
    await waitFor(async () => (await counts(url)) === 0, "every message consumed");
    const seen = batches("filtered")
      .flat()
      .map((r) => r.body)
      .sort();
    assert.deepEqual(seen, [bodies[0], "plain-text"].sort());
  });

  it("a disabled mapping stops polling; enabled again it consumes what waited", async () => {
    const url = await queue("toggled");
    const m = await map({ EventSourceArn: queueArn("toggled"), Enabled: false });
    await waitFor(
      async () => (await node.client.send(new GetEventSourceMappingCommand({ UUID: m.UUID }))).State === "Disabled",
      "disabled",
    );
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "waiting" }));
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(batches("toggled").length, 0);
    assert.equal(await counts(url), 1);
    await node.client.send(new UpdateEventSourceMappingCommand({ UUID: m.UUID, Enabled: true }));
    await waitFor(async () => (await counts(url)) === 0, "consumed once enabled");
    assert.deepEqual(
      batches("toggled")
        .flat()
        .map((r) => r.body),
      ["waiting"],
    );
  });
});
