/**
 * Kinesis event source mappings on a real node through the real SDK v3 (the Kinesis client with its
 * default HTTP/2 handler): the mapping operations with AWS's shapes and errors, then records
 * through a real function: the event as AWS sends it, order per shard, FilterCriteria (filtered
 * records never invoke and still advance), a poison record that blocks its shard then is isolated
 * by bisection and let go after MaximumRetryAttempts, partial batch responses, LATEST, and a
 * split while the mapping reads (the parent to its end before the children).
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
  CreateStreamCommand,
  KinesisClient,
  PutRecordCommand,
  UpdateShardCountCommand,
  waitUntilStreamExists,
} from "@aws-sdk/client-kinesis";
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

describe(`Kinesis event source mappings with SDK v3 (${process.env["HANEUL_TEST_NODE_STORE"] ?? "sqlite"})`, () => {
  let node: LambdaNode;
  let kinesis: KinesisClient;
  before(async () => {
    node = await startLambdaNode();
    kinesis = new KinesisClient({
      region: NODE_REGION,
      endpoint: node.url,
      credentials: { accessKeyId: node.accessKeyId, secretAccessKey: node.secretAccessKey },
    });
    await node.client.send(
      new CreateFunctionCommand({
        FunctionName: "reader",
        Runtime: "nodejs20.x",
        Role: NODE_ROLE,
        Handler: "index.handler",
        Timeout: 3,
        Code: { ZipFile: STREAM_HANDLER_ZIP },
      }),
    );
  });
  after(async () => {
    kinesis.destroy();
    await node.close();
  });

  const stream = async (name: string, shards = 1) => {
    await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
    await waitUntilStreamExists({ client: kinesis, maxWaitTime: 30 }, { StreamName: name });
  };
  const put = async (name: string, pk: string, data: string) =>
    (await kinesis.send(new PutRecordCommand({ StreamName: name, PartitionKey: pk, Data: Buffer.from(data) })))
      .SequenceNumber!;
  const map = (input: Omit<CreateEventSourceMappingCommandInput, "FunctionName">) =>
    node.client.send(new CreateEventSourceMappingCommand({ FunctionName: "reader", ...input }));
  const batches = (name: string): LoggedStreamRecord[][] =>
    node.records
      .filter((r) => r.functionName === "reader")
      .flatMap((r) => streamBatchesIn(r.lines))
      .filter((b) => b[0]?.arn === streamArn(name));
  const seen = (name: string) => batches(name).flatMap((b) => b.map((r) => r.data));
  const rejects = async (p: Promise<unknown>, name: string, message: string | RegExp) =>
    assert.rejects(p, (e: Error) => {
      assert.equal(e.name, name);
      if (typeof message === "string") assert.equal(e.message, message);
      else assert.match(e.message, message);
      return true;
    });

  it("creates, gets, lists, updates and deletes a stream mapping with AWS's shapes and errors", async () => {
    await stream("crud");
    const created = await map({ EventSourceArn: streamArn("crud"), StartingPosition: "TRIM_HORIZON" });
    assert.equal(created.$metadata.httpStatusCode, 202);
    assert.equal(created.BatchSize, 100);
    assert.equal(created.StartingPosition, "TRIM_HORIZON");
    assert.equal(created.ParallelizationFactor, 1);
    assert.equal(created.MaximumRetryAttempts, -1);
    assert.equal(created.MaximumRecordAgeInSeconds, -1);
    assert.equal(created.BisectBatchOnFunctionError, false);
    assert.equal(created.FunctionArn, functionArn("reader"));
    assert.deepEqual(created.DestinationConfig, { OnFailure: {} });
    const id = created.UUID!;
    await waitFor(
      async () => (await node.client.send(new GetEventSourceMappingCommand({ UUID: id }))).State === "Enabled",
      "the mapping enabled",
    );
    const updated = await node.client.send(
      new UpdateEventSourceMappingCommand({ UUID: id, BatchSize: 500, MaximumRetryAttempts: 3 }),
    );
    assert.equal(updated.BatchSize, 500);
    assert.equal(updated.MaximumRetryAttempts, 3);
    assert.equal(updated.StartingPosition, "TRIM_HORIZON");
    const listed = await node.client.send(new ListEventSourceMappingsCommand({ EventSourceArn: streamArn("crud") }));
    assert.deepEqual(
      listed.EventSourceMappings?.map((m) => m.UUID),
      [id],
    );
    await rejects(
      map({ EventSourceArn: streamArn("crud"), StartingPosition: "LATEST" }),
      "ResourceConflictException",
      /already exists/,
    );
    await node.client.send(new DeleteEventSourceMappingCommand({ UUID: id }));

    await rejects(
      map({ EventSourceArn: streamArn("nope"), StartingPosition: "LATEST" }),
      "InvalidParameterValueException",
      `Stream not found: ${streamArn("nope")}`,
    );
    await rejects(map({ EventSourceArn: streamArn("crud") }), "InvalidParameterValueException", /StartingPosition/);
    await rejects(
      map({ EventSourceArn: streamArn("crud"), StartingPosition: "LATEST", ScalingConfig: { MaximumConcurrency: 2 } }),
      "InvalidParameterValueException",
      "Unsupported ScalingConfig parameter for given event source mapping type.",
    );
    await rejects(
      map({ EventSourceArn: streamArn("crud"), StartingPosition: "LATEST", ParallelizationFactor: 11 }),
      "ValidationException",
      /parallelizationFactor.*less than or equal to 10/,
    );
    await rejects(
      map({ EventSourceArn: streamArn("crud"), StartingPosition: "LATEST", BatchSize: 10_001 }),
      "ValidationException",
      /batchSize/,
    );
  });

  it("delivers records in order per shard as AWS's Kinesis event; filtered records never invoke and still advance", async () => {
    await stream("orders", 2);
    const before = Date.now() / 1000;
    const expected: string[] = [];
    for (let i = 0; i < 12; i++) {
      const data = i % 4 === 3 ? JSON.stringify({ kind: "skip", i }) : JSON.stringify({ kind: "keep", i });
      await put("orders", `pk-${i % 3}`, data);
      if (i % 4 !== 3) expected.push(data);
    }
    await map({
      EventSourceArn: streamArn("orders"),
      StartingPosition: "TRIM_HORIZON",
      BatchSize: 2,
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ data: { kind: ["keep"] } }) }] },
    });
    await waitUntil(() => seen("orders").length >= expected.length, "the kept records delivered");
    const all = batches("orders").flat();
    assert.deepEqual(
      [...all.map((r) => r.data)].sort(),
      [...expected].sort(),
      "every kept record once, no skipped one",
    );
    assert.ok(batches("orders").every((b) => b.length <= 2));
    for (const pk of ["pk-0", "pk-1", "pk-2"]) {
      const order = all.filter((r) => r.pk === pk).map((r) => (JSON.parse(r.data) as { i: number }).i);
      assert.deepEqual(
        order,
        [...order].sort((a, b) => a - b),
        `order kept for ${pk}`,
      );
    }
    const r = all[0]!;
    assert.equal(r.source, "aws:kinesis");
    assert.equal(r.name, "aws:kinesis:record");
    assert.equal(r.version, "1.0");
    assert.equal(r.schema, "1.0");
    assert.equal(r.region, NODE_REGION);
    assert.equal(r.identity, NODE_ROLE);
    assert.match(r.seq, /^49\d{54}$/);
    assert.match(r.id, /^shardId-\d{12}:49\d{54}$/);
    assert.equal(r.id.split(":")[1], r.seq);
    assert.ok(r.at >= before - 1 && r.at <= Date.now() / 1000 + 1, "approximateArrivalTimestamp in epoch seconds");
  });

  it("a poison record blocks its shard, is isolated by bisection and let go after MaximumRetryAttempts", async () => {
    await stream("poison");
    for (const d of ["p1", "p2", "p3", "poison", "p5", "p6"]) await put("poison", "one", d);
    await map({
      EventSourceArn: streamArn("poison"),
      StartingPosition: "TRIM_HORIZON",
      BatchSize: 6,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 1,
    });
    const passed = () =>
      batches("poison").some((b) => b.some((r) => r.data === "p6") && !b.some((r) => r.data === "poison"));
    await waitUntil(passed, "the records after the poison one delivered", 30_000);
    const sizes = batches("poison").map((b) => b.map((r) => r.data).join(","));
    assert.equal(sizes[0], "p1,p2,p3,poison,p5,p6", "the whole batch first");
    assert.equal(sizes[1], "p1,p2,p3", "then its first half");
    const alone = sizes.filter((x) => x === "poison").length;
    assert.equal(alone, 2, `the poison record alone, tried once and retried once: ${sizes.join(" | ")}`);
    assert.ok(seen("poison").includes("p5") && sizes.includes("p5,p6"), "only the poison record was let go");
    const last = sizes.at(-1)!;
    assert.ok(!last.includes("poison"), "the shard moved on past the poison record");
    // Nothing after the poison record ran before it was let go.
    const firstAlone = sizes.indexOf("poison");
    assert.ok(sizes.slice(0, firstAlone).every((s) => !s.startsWith("p5")));
  });

  it("ReportBatchItemFailures: the checkpoint moves to just before the first reported record", async () => {
    await stream("partial");
    for (const d of ["a", "b-report", "c"]) await put("partial", "one", d);
    await map({
      EventSourceArn: streamArn("partial"),
      StartingPosition: "TRIM_HORIZON",
      FunctionResponseTypes: ["ReportBatchItemFailures"],
      MaximumRetryAttempts: 1,
    });
    await waitUntil(() => batches("partial").length >= 3, "the retries");
    await put("partial", "one", "d");
    await waitUntil(() => seen("partial").includes("d"), "the next record");
    const got = batches("partial").map((b) => b.map((r) => r.data).join(","));
    assert.deepEqual(got.slice(0, 3), ["a,b-report,c", "b-report,c", "b-report,c"]);
    assert.equal(got.at(-1), "d");
  });

  it("LATEST starts after the records already there", async () => {
    await stream("latest");
    await put("latest", "k", "old");
    const m = await map({ EventSourceArn: streamArn("latest"), StartingPosition: "LATEST" });
    await waitFor(
      async () => (await node.client.send(new GetEventSourceMappingCommand({ UUID: m.UUID }))).State === "Enabled",
      "enabled",
    );
    await new Promise((r) => setTimeout(r, 1500));
    await put("latest", "k", "new");
    await waitUntil(() => seen("latest").includes("new"), "the new record");
    assert.deepEqual(seen("latest"), ["new"]);
  });

  it("a split while the mapping reads: the parent to its end, then the children", async () => {
    await stream("split");
    await map({ EventSourceArn: streamArn("split"), StartingPosition: "TRIM_HORIZON", BatchSize: 5 });
    for (let i = 0; i < 5; i++) await put("split", `k${i}`, `before-${i}`);
    await waitUntil(() => seen("split").length >= 1, "reading begun");
    await kinesis.send(
      new UpdateShardCountCommand({ StreamName: "split", TargetShardCount: 2, ScalingType: "UNIFORM_SCALING" }),
    );
    for (let i = 0; i < 5; i++) await put("split", `k${i}`, `after-${i}`);
    await waitUntil(() => seen("split").length >= 10, "every record", 20_000);
    const all = batches("split").flat();
    const lastParent = Math.max(...all.flatMap((r, i) => (r.data.startsWith("before") ? [i] : [])));
    const firstChild = Math.min(...all.flatMap((r, i) => (r.data.startsWith("after") ? [i] : [])));
    assert.ok(lastParent < firstChild, "the parent's records all came before the children's");
    assert.equal(new Set(all.map((r) => r.data)).size, 10, "no record twice");
    assert.ok(all.filter((r) => r.data.startsWith("after")).every((r) => r.id.startsWith("shardId-00000000000")));
  });
});
