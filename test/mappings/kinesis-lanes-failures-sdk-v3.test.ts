/**
 * Kinesis event source mappings on a real node through the real SDK v3, continued:
 * ParallelizationFactor (batches of one shard run at once, every record processed, order kept per
 * partition key), the OnFailure destination (a discarded batch's batch-info record in a real SQS
 * queue, AWS's errors for a bad destination) and the IteratorAge metric read back with CloudWatch.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CloudWatchClient, GetMetricStatisticsCommand } from "@aws-sdk/client-cloudwatch";
import { CreateStreamCommand, KinesisClient, PutRecordCommand, waitUntilStreamExists } from "@aws-sdk/client-kinesis";
import {
  CreateEventSourceMappingCommand,
  CreateFunctionCommand,
  GetEventSourceMappingCommand,
  UpdateEventSourceMappingCommand,
  type CreateEventSourceMappingCommandInput,
} from "@aws-sdk/client-lambda";
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import {
  NODE_ACCOUNT,
  NODE_REGION,
  NODE_ROLE,
  functionArn,
  startLambdaNode,
  type LambdaNode,
} from "../helpers/lambda-node.js";
import { waitFor, waitUntil } from "../helpers/wait.js";
import { streamBatchesIn, STREAM_HANDLER_ZIP, type LoggedStreamRecord } from "./stream-handler.js";

const streamArn = (name: string) => `arn:aws:kinesis:${NODE_REGION}:${NODE_ACCOUNT}:stream/${name}`;

describe(`Kinesis mappings: lanes, failures, IteratorAge (${process.env["HANEUL_TEST_NODE_STORE"] ?? "sqlite"})`, () => {
  let node: LambdaNode;
  let kinesis: KinesisClient;
  let sqs: SQSClient;
  let cw: CloudWatchClient;
  before(async () => {
    node = await startLambdaNode();
    const o = {
      region: NODE_REGION,
      endpoint: node.url,
      credentials: { accessKeyId: node.accessKeyId, secretAccessKey: node.secretAccessKey },
    };
    kinesis = new KinesisClient(o);
    sqs = new SQSClient(o);
    cw = new CloudWatchClient(o);
    await node.client.send(
      new CreateFunctionCommand({
        FunctionName: "lanes",
        Runtime: "nodejs20.x",
        Role: NODE_ROLE,
        Handler: "index.handler",
        Timeout: 3,
        Code: { ZipFile: STREAM_HANDLER_ZIP },
      }),
    );
  });
  after(async () => {
    for (const c of [kinesis, sqs, cw]) c.destroy();
    await node.close();
  });

  const stream = async (name: string) => {
    await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
    await waitUntilStreamExists({ client: kinesis, maxWaitTime: 30 }, { StreamName: name });
  };
  const put = (name: string, pk: string, data: string) =>
    kinesis.send(new PutRecordCommand({ StreamName: name, PartitionKey: pk, Data: Buffer.from(data) }));
  const map = (input: Omit<CreateEventSourceMappingCommandInput, "FunctionName">) =>
    node.client.send(new CreateEventSourceMappingCommand({ FunctionName: "lanes", ...input }));
  const calls = (name: string) =>
    node.records
      .filter((r) => r.functionName === "lanes")
      .flatMap((r) => streamBatchesIn(r.lines).map((batch) => ({ record: r, batch })))
      .filter((c) => c.batch[0]?.arn === streamArn(name));
  const seen = (name: string): LoggedStreamRecord[] => calls(name).flatMap((c) => c.batch);
  const rejects = (p: Promise<unknown>, name: string, message: string | RegExp) =>
    assert.rejects(p, (e: Error) => {
      assert.equal(e.name, name);
      if (typeof message === "string") assert.equal(e.message, message);
      else assert.match(e.message, message);
      return true;
    });

  it("ParallelizationFactor: batches of one shard at once, every record once, order kept per partition key", async () => {
    await stream("lanes");
    const keys = ["a", "b", "c", "d", "e", "f", "g", "h"];
    const sent: string[] = [];
    for (let i = 0; i < 48; i++) {
      const data = `slow-${keys[i % keys.length]}-${i}`;
      await put("lanes", keys[i % keys.length]!, data);
      sent.push(data);
    }
    const created = await map({
      EventSourceArn: streamArn("lanes"),
      StartingPosition: "TRIM_HORIZON",
      BatchSize: 3,
      ParallelizationFactor: 4,
    });
    assert.equal(created.ParallelizationFactor, 4);
    await waitUntil(() => seen("lanes").length >= sent.length, "every record delivered", 60_000);
    const all = seen("lanes");
    assert.deepEqual(all.map((r) => r.data).sort(), [...sent].sort(), "every record exactly once");
    for (const k of keys) {
      const order = all.filter((r) => r.pk === k).map((r) => Number(r.data.split("-")[2]));
      assert.deepEqual(
        order,
        [...order].sort((x, y) => x - y),
        `order kept for key ${k}`,
      );
    }
    const spans = calls("lanes").map((c) => [c.record.startedAt, c.record.startedAt + c.record.durationMs] as const);
    const overlapping = spans.some(([s1, e1], i) => spans.some(([s2, e2], j) => i !== j && s1 < e2 && s2 < e1));
    assert.ok(overlapping, "some batches of the one shard ran at the same time");
    await rejects(
      map({ EventSourceArn: streamArn("lanes"), StartingPosition: "LATEST", ParallelizationFactor: 0 }),
      "ValidationException",
      /parallelizationFactor.*greater than or equal to 1/,
    );
  });

  it("OnFailure: a discarded batch's batch-info record reaches the queue; a bad destination is refused", async () => {
    await stream("discard");
    const queue = await sqs.send(new CreateQueueCommand({ QueueName: "discarded" }));
    const queueArn = `arn:aws:sqs:${NODE_REGION}:${NODE_ACCOUNT}:discarded`;
    await rejects(
      map({
        EventSourceArn: streamArn("discard"),
        StartingPosition: "TRIM_HORIZON",
        DestinationConfig: { OnFailure: { Destination: "arn:aws:s3:::bucket" } },
      }),
      "InvalidParameterValueException",
      "The provided destination config DestinationConfig(onSuccess=null, onFailure=OnFailure(destination=arn:aws:s3:::bucket)) is invalid.",
    );
    const firstPut = await put("discard", "k", "first-poison");
    await put("discard", "k", "second");
    const m = await map({
      EventSourceArn: streamArn("discard"),
      StartingPosition: "TRIM_HORIZON",
      MaximumRetryAttempts: 0,
      DestinationConfig: { OnFailure: { Destination: queueArn } },
    });
    assert.deepEqual(m.DestinationConfig, { OnFailure: { Destination: queueArn } });
    let body: Record<string, unknown> | undefined;
    await waitFor(async () => {
      const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.QueueUrl, WaitTimeSeconds: 1 }));
      const text = got.Messages?.[0]?.Body;
      if (text !== undefined) body = JSON.parse(text) as Record<string, unknown>;
      return body !== undefined;
    }, "the batch-info record in the queue");
    const info = body!;
    assert.deepEqual(Object.keys(info).sort(), [
      "KinesisBatchInfo",
      "requestContext",
      "responseContext",
      "timestamp",
      "version",
    ]);
    const ctx = info["requestContext"] as Record<string, unknown>;
    assert.equal(ctx["functionArn"], functionArn("lanes"));
    assert.equal(ctx["condition"], "RetryAttemptsExhausted");
    assert.equal(ctx["approximateInvokeCount"], 1);
    assert.match(String(ctx["requestId"]), /^[0-9a-f-]{36}$/);
    assert.deepEqual(info["responseContext"], {
      statusCode: 200,
      executedVersion: "$LATEST",
      functionError: "Unhandled",
    });
    assert.equal(info["version"], "1.0");
    const batch = info["KinesisBatchInfo"] as Record<string, unknown>;
    assert.equal(batch["shardId"], "shardId-000000000000");
    assert.equal(batch["startSequenceNumber"], firstPut.SequenceNumber);
    assert.equal(batch["batchSize"], 2);
    assert.equal(batch["streamArn"], streamArn("discard"));
    assert.match(String(batch["approximateArrivalOfFirstRecord"]), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.match(String(info["timestamp"]), /Z$/);
    await put("discard", "k", "third");
    await waitUntil(() => seen("discard").some((r) => r.data === "third"), "the shard moved on");
    const cleared = await node.client.send(
      new UpdateEventSourceMappingCommand({ UUID: m.UUID, DestinationConfig: { OnFailure: {} } }),
    );
    assert.deepEqual(cleared.DestinationConfig, { OnFailure: {} });
    const got = await node.client.send(new GetEventSourceMappingCommand({ UUID: m.UUID }));
    assert.deepEqual(got.DestinationConfig, { OnFailure: {} });
  });

  it("IteratorAge: the age of each batch's last record, in AWS/Lambda per function", async () => {
    await waitUntil(() => calls("lanes").length > 0, "batches of the first test");
    let max: number | undefined;
    await waitFor(async () => {
      const out = await cw.send(
        new GetMetricStatisticsCommand({
          Namespace: "AWS/Lambda",
          MetricName: "IteratorAge",
          Dimensions: [{ Name: "FunctionName", Value: "lanes" }],
          StartTime: new Date(Date.now() - 3_600_000),
          EndTime: new Date(Date.now() + 60_000),
          Period: 3600,
          Statistics: ["Maximum", "SampleCount"],
        }),
      );
      const point = out.Datapoints?.[0];
      max = point?.Maximum;
      return (point?.SampleCount ?? 0) > 0;
    }, "IteratorAge data points");
    // The first test's records waited in the stream while earlier batches ran (300 ms each).
    assert.ok(max !== undefined && max > 0 && max < 120_000, `IteratorAge maximum ${max} ms`);
  });
});
