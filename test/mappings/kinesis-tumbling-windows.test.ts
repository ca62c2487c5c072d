/**
 * TumblingWindowInSeconds on Kinesis event source mappings, on a real node through the real SDK v3
 * and AWS CLI v2: in simulated time (a ManualClock), batches carry the window of their records'
 * arrival and the state the function returned last in it, a final invocation with no records
 * closes the window once it is over, the state survives the mapping's restart (it is stored with
 * the checkpoint), an answer without a state is a failed batch, and a state over 1 MB terminates
 * the window early; then once in real time.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  CreateEventSourceMappingCommand,
  CreateFunctionCommand,
  GetEventSourceMappingCommand,
  UpdateEventSourceMappingCommand,
} from "@aws-sdk/client-lambda";
import { CreateStreamCommand, KinesisClient, PutRecordCommand, waitUntilStreamExists } from "@aws-sdk/client-kinesis";
import { ManualClock } from "../../src/shared/clock.js";
import { awsCli } from "../helpers/apigw-stack.js";
import { NODE_ACCOUNT, NODE_REGION, NODE_ROLE, startLambdaNode } from "../helpers/lambda-node.js";
import { tempDir } from "../helpers/temp-dir.js";
import { waitFor } from "../helpers/wait.js";
import { WINDOW_HANDLER_ZIP, windowInvokesIn, type LoggedWindowInvoke } from "./window-handler.js";

const streamArn = (name: string) => `arn:aws:kinesis:${NODE_REGION}:${NODE_ACCOUNT}:stream/${name}`;
const MINUTE = 60_000;

/** A node with the `windowed` function, a Kinesis client, and helpers over its logged invocations. */
async function startWindowNode(clock?: ManualClock) {
  const node = await startLambdaNode({ clock });
  const kinesis = new KinesisClient({
    region: NODE_REGION,
    endpoint: node.url,
    credentials: { accessKeyId: node.accessKeyId, secretAccessKey: node.secretAccessKey },
  });
  await node.client.send(
    new CreateFunctionCommand({
      FunctionName: "windowed",
      Runtime: "nodejs20.x",
      Role: NODE_ROLE,
      Handler: "index.handler",
      Timeout: 10,
      MemorySize: 512,
      Code: { ZipFile: WINDOW_HANDLER_ZIP },
    }),
  );
  const stream = async (name: string) => {
    await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
    await waitUntilStreamExists({ client: kinesis, maxWaitTime: 30 }, { StreamName: name });
  };
  const put = (name: string, data: string) =>
    kinesis.send(new PutRecordCommand({ StreamName: name, PartitionKey: "k", Data: Buffer.from(data) }));
  const invokes = (name: string): LoggedWindowInvoke[] =>
    node.records
      .filter((r) => r.functionName === "windowed")
      .flatMap((r) => windowInvokesIn(r.lines))
      .filter((i) => i.arn === streamArn(name));
  const map = async (name: string, extra: Record<string, unknown> = {}) =>
    (
      await node.client.send(
        new CreateEventSourceMappingCommand({
          FunctionName: "windowed",
          EventSourceArn: streamArn(name),
          StartingPosition: "TRIM_HORIZON",
          TumblingWindowInSeconds: 60,
          ...extra,
        }),
      )
    ).UUID!;
  const close = async () => {
    kinesis.destroy();
    await node.close();
  };
  return { node, stream, put, invokes, map, close };
}

describe(`Kinesis tumbling windows in simulated time (${process.env["HANEUL_TEST_NODE_STORE"] ?? "sqlite"})`, () => {
  // 10 s into a minute: the first window is [10:00:00, 10:01:00).
  const T0 = Date.parse("2026-03-01T10:00:10Z");
  const clock = new ManualClock(T0);
  let w: Awaited<ReturnType<typeof startWindowNode>>;
  before(async () => {
    w = await startWindowNode(clock);
  });
  after(async () => {
    await w.close();
  });

  /** Moves simulated time on a second at a time (the pollers wake), never past `limit`, until `done`. */
  const pump = (done: () => boolean, what: string, limit: number) =>
    waitFor(
      async () => {
        if (done()) return true;
        clock.advance(Math.max(0, Math.min(1000, limit - clock.now())));
        await new Promise((r) => setTimeout(r, 20));
        return done();
      },
      what,
      30_000,
    );

  it("carries the window's state between batches, closes the window with a final invocation, stores the state", async () => {
    await w.stream("w1");
    // The records are in the stream before the mapping reads it, so that its first batch holds two
    // of them (a poller running between two puts would read one).
    for (const data of ["a", "b", "c"]) await w.put("w1", data);
    const uuid = await w.map("w1", { BatchSize: 2 });
    const got = await w.node.client.send(new GetEventSourceMappingCommand({ UUID: uuid }));
    assert.equal(got.TumblingWindowInSeconds, 60);
    const windowEnd = Date.parse("2026-03-01T10:01:00Z");
    await pump(() => w.invokes("w1").length >= 2, "two batches", windowEnd - 5000);
    const first = { start: "2026-03-01T10:00:00Z", end: "2026-03-01T10:01:00Z" };
    const shard = { shardId: "shardId-000000000000", arn: streamArn("w1"), final: false, early: false };
    assert.deepEqual(w.invokes("w1"), [
      { data: ["a", "b"], window: first, padded: false, ...shard },
      { data: ["c"], window: first, count: 2, padded: false, ...shard },
    ]);

    // The mapping restarts from its stored checkpoint: the window's state comes with it.
    await w.node.client.send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: false }));
    await w.put("w1", "d");
    await w.node.client.send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: true }));
    await pump(() => w.invokes("w1").length >= 3, "the batch after the restart", windowEnd - 1000);
    assert.deepEqual(w.invokes("w1")[2], { data: ["d"], window: first, count: 3, padded: false, ...shard });
    assert.equal(w.invokes("w1").length, 3, "no final invocation before the window is over");

    await pump(() => w.invokes("w1").length >= 4, "the final invocation", windowEnd + 5000);
    assert.deepEqual(w.invokes("w1")[3], { data: [], window: first, count: 4, padded: false, ...shard, final: true });

    // A record of a later window starts a fresh state.
    await w.put("w1", "e");
    await pump(() => w.invokes("w1").length >= 5, "the next window", windowEnd + MINUTE - 5000);
    const second = { start: "2026-03-01T10:01:00Z", end: "2026-03-01T10:02:00Z" };
    assert.deepEqual(w.invokes("w1")[4], { data: ["e"], window: second, padded: false, ...shard });
  });

  it("an answer without a state is a failed batch; a state over 1 MB terminates the window early", async () => {
    await w.stream("w2");
    // A window of 15 minutes holds the whole test.
    await w.map("w2", { MaximumRetryAttempts: 1, BatchSize: 1, TumblingWindowInSeconds: 900 });
    const start = clock.now();
    await w.put("w2", "nostate");
    await pump(() => w.invokes("w2").length >= 2, "the failed batch and its retry", start + 20_000);
    await w.put("w2", "big");
    await w.put("w2", "f");
    await pump(
      () => w.invokes("w2").some((i) => i.data.includes("f")),
      "the batch after the early end",
      start + 40_000,
    );
    const calls = w
      .invokes("w2")
      .map(({ data, count, padded, final, early }) => ({ data, count, padded, final, early }));
    const batch = { count: undefined, padded: false, final: false, early: false };
    assert.deepEqual(calls, [
      { ...batch, data: ["nostate"] },
      { ...batch, data: ["nostate"] },
      { ...batch, data: ["big"] },
      { data: [], count: 1, padded: true, final: true, early: true },
      { ...batch, data: ["f"] },
    ]);
    const windows = new Set(w.invokes("w2").map((i) => i.window.start));
    assert.equal(windows.size, 1, "the window goes on after its early end");
  });

  it("is refused out of range, with a ParallelizationFactor above 1, and shown by the AWS CLI", async () => {
    await w.stream("w3");
    await assert.rejects(w.map("w3", { TumblingWindowInSeconds: 901 }), {
      name: "ValidationException",
      message: /Value '901' at 'tumblingWindowInSeconds' failed to satisfy constraint/,
    });
    await assert.rejects(w.map("w3", { ParallelizationFactor: 2 }), {
      name: "InvalidParameterValueException",
      message: "TumblingWindowInSeconds with a ParallelizationFactor above 1 is not supported by haneul.",
    });
    const home = tempDir("cli-home");
    try {
      const cli = { apiUrl: w.node.url, home: home.path, credentials: w.node };
      const created = await awsCli(cli, [
        "lambda",
        "create-event-source-mapping",
        ...["--function-name", "windowed", "--event-source-arn", streamArn("w3")],
        ...["--starting-position", "LATEST", "--tumbling-window-in-seconds", "30"],
      ]);
      assert.equal(created.code, 0, created.stderr);
      const uuid = (JSON.parse(created.stdout) as { UUID: string }).UUID;
      const updated = await awsCli(cli, [
        "lambda",
        "update-event-source-mapping",
        ...["--uuid", uuid, "--tumbling-window-in-seconds", "120"],
      ]);
      assert.equal(updated.code, 0, updated.stderr);
      assert.equal((JSON.parse(updated.stdout) as { TumblingWindowInSeconds: number }).TumblingWindowInSeconds, 120);
    } finally {
      await home.remove();
    }
  });
});

describe("Kinesis tumbling windows in real time", () => {
  let w: Awaited<ReturnType<typeof startWindowNode>>;
  before(async () => {
    w = await startWindowNode();
  });
  after(async () => {
    await w.close();
  });

  it("every window of one second ends with a final invocation holding its records' count", async () => {
    await w.stream("rt");
    await w.map("rt", { TumblingWindowInSeconds: 1 });
    for (const data of ["a", "b", "c"]) await w.put("rt", data);
    const finals = () => w.invokes("rt").filter((i) => i.final);
    await waitFor(
      async () => Promise.resolve(finals().reduce((n, f) => n + (f.count ?? 0), 0) === 3),
      "final invocations counting the three records",
      30_000,
    );
    for (const f of finals()) {
      const records = w.invokes("rt").filter((i) => !i.final && i.window.start === f.window.start);
      assert.equal(
        f.count,
        records.reduce((n, i) => n + i.data.length, 0),
      );
      assert.equal(Date.parse(f.window.end) - Date.parse(f.window.start), 1000);
    }
  });
});
