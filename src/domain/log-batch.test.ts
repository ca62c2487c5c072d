import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { InvocationRecord } from "./invocation.js";
import {
  batchColumns,
  eachInvocationEvent,
  invocationEventSpan,
  LogBatchBuilder,
  recordOf,
  recordStreamName,
  visitBatch,
  type LogColumns,
} from "./log-batch.js";

const T0 = Date.UTC(2026, 0, 31, 12, 0, 0);
const ID = "11111111-2222-3333-4444-555555555555";
const STREAM = "2026/01/31/[$LATEST]0123456789abcdef0123456789abcdef";

function record(over: Partial<InvocationRecord> = {}): InvocationRecord {
  return {
    requestId: ID,
    functionName: "orders",
    functionArn: "arn:aws:lambda:us-east-1:000000000000:function:orders",
    executedVersion: "$LATEST",
    outcome: "ok",
    startedAt: T0,
    durationMs: 12.5,
    billedDurationMs: 13,
    memorySizeMb: 128,
    maxMemoryUsedMb: 60,
    instanceId: "0123456789abcdef",
    logStreamName: STREAM,
    timeoutSec: 3,
    initLines: [],
    lines: [`2026-01-31T12:00:00.001Z\t${ID}\tINFO\thello`],
    ...over,
  };
}

const json = (systemLevel?: string): InvocationRecord["logging"] => ({ format: "JSON", group: "/custom", systemLevel });

/** Every shape of record the platform's lines depend on. */
const RECORDS: readonly InvocationRecord[] = [
  record({ initDurationMs: 150.25, initLines: ["init says hi", "init again"] }),
  record({ requestId: "r-timeout", outcome: "timeout", errorType: "Sandbox.Timedout", durationMs: 3000.4 }),
  record({ requestId: "r-crash", outcome: "crashed", errorType: "Runtime.ExitError", lines: [] }),
  record({ requestId: "r-init", outcome: "init-error", errorType: "Runtime.ImportModuleError", initDurationMs: 9 }),
  record({ requestId: "r-error", outcome: "function-error", errorType: "Error", durationMs: 0.004 }),
  record({ requestId: "r-dropped", droppedLines: 1234, lines: ["a", "b\tc", "ünïcödé 🙂", ""] }),
  record({ requestId: "r-nostream", logStreamName: undefined, executedVersion: "7" }),
  record({ requestId: "r-noinstance", logStreamName: undefined, instanceId: undefined }),
  record({ requestId: "r-throttled", outcome: "throttled" }),
  record({ requestId: "r-json", logging: json(), initDurationMs: 33.3333, initLines: ['{"a":1}'] }),
  record({ requestId: "r-json-timeout", logging: json("DEBUG"), outcome: "timeout", errorType: "Sandbox.Timedout" }),
  record({ requestId: "r-json-warn", logging: json("WARN"), droppedLines: 2 }),
  record({ requestId: "r-json-crash", logging: json("INFO"), outcome: "crashed", errorType: "Runtime.ExitError" }),
  record({ requestId: "r-json-odd", logging: json("TRACE"), outcome: "function-error", errorType: "TypeError" }),
  record({ requestId: "r-text-group", logging: { format: "Text", group: "/custom" } }),
];

/** The events as the writer made them before batches carried raw records: rows of group, stream, time, text. */
function expected(records: readonly InvocationRecord[], group = "/aws/lambda/orders"): string[][] {
  const rows: string[][] = [];
  for (const r of records) {
    if (r.outcome === "throttled") continue;
    const stream = recordStreamName(r);
    eachInvocationEvent(r, (t, m) => rows.push([group, stream, String(t), m]));
  }
  return rows;
}

function rowsOf(c: LogColumns): string[][] {
  return c.messages.map((m, i) => {
    const ref = (c.refs[i] as number) * 2;
    return [c.pairs[ref] as string, c.pairs[ref + 1] as string, String(c.timestamps[i]), m];
  });
}

describe("LogBatchBuilder and batchColumns", () => {
  test("a batch of raw records formats to the events the records make, byte for byte and in order", () => {
    const b = new LogBatchBuilder();
    for (const r of RECORDS) b.addInvocation(r, "/aws/lambda/orders");
    const batch = b.take();
    assert.ok(batch);
    assert.deepEqual(rowsOf(batchColumns(batch)), expected(RECORDS));
    assert.equal(b.take(), undefined, "the builder starts anew");
  });

  test("the platform's lines: cold start, timeout, crash, dropped lines (Text); platform records (JSON)", () => {
    const b = new LogBatchBuilder();
    b.addInvocation(RECORDS[0] as InvocationRecord, "/g");
    b.addInvocation(RECORDS[1] as InvocationRecord, "/g");
    b.addInvocation(RECORDS[2] as InvocationRecord, "/g");
    b.addInvocation(RECORDS[5] as InvocationRecord, "/g");
    b.addInvocation(RECORDS[10] as InvocationRecord, "/g");
    const c = batchColumns(b.take() as NonNullable<ReturnType<LogBatchBuilder["take"]>>);
    const rows = rowsOf(c).map(([, , t, m]) => `${Number(t) - T0} ${m}`);
    assert.deepEqual(rows, [
      "-151 init says hi",
      "-151 init again",
      `0 START RequestId: ${ID} Version: $LATEST`,
      `0 2026-01-31T12:00:00.001Z\t${ID}\tINFO\thello`,
      `13 END RequestId: ${ID}`,
      `13 REPORT RequestId: ${ID}\tDuration: 12.50 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\tInit Duration: 150.25 ms\t`,
      "0 START RequestId: r-timeout Version: $LATEST",
      `0 2026-01-31T12:00:00.001Z\t${ID}\tINFO\thello`,
      "3001 2026-01-31T12:00:03.000Z r-timeout Task timed out after 3.00 seconds",
      "3001 END RequestId: r-timeout",
      "3001 REPORT RequestId: r-timeout\tDuration: 3000.40 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\tStatus: timeout\t",
      "0 START RequestId: r-crash Version: $LATEST",
      "13 END RequestId: r-crash",
      "13 REPORT RequestId: r-crash\tDuration: 12.50 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\tStatus: error\t",
      "0 START RequestId: r-dropped Version: $LATEST",
      "0 a",
      "0 b\tc",
      "0 ünïcödé 🙂",
      "0 ",
      "13 WARNING RequestId: r-dropped 1234 log lines dropped: the function wrote past its log rate",
      "13 END RequestId: r-dropped",
      "13 REPORT RequestId: r-dropped\tDuration: 12.50 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\t",
      `0 {"time":"2026-01-31T12:00:00.000Z","type":"platform.start","record":{"requestId":"r-json-timeout","version":"$LATEST"}}`,
      `0 2026-01-31T12:00:00.001Z\t${ID}\tINFO\thello`,
      `13 {"time":"2026-01-31T12:00:00.012Z","type":"platform.report","record":{"requestId":"r-json-timeout","metrics":{"durationMs":12.5,"billedDurationMs":13,"memorySizeMB":128,"maxMemoryUsedMB":60},"status":"timeout","errorType":"Sandbox.Timedout"}}`,
    ]);
  });

  test("events and records keep their order; streams named again share their pair of names", () => {
    const b = new LogBatchBuilder();
    b.addEvent("/access", "s1", T0, "line 1");
    b.addInvocation(RECORDS[0] as InvocationRecord, "/aws/lambda/orders");
    b.addEvent("/access", "s1", T0 + 1, "line 2");
    b.addEvent("/other", "s1", T0 + 2, "same stream name, another group");
    b.addInvocation(RECORDS[4] as InvocationRecord, "/aws/lambda/orders");
    const batch = b.take() as NonNullable<ReturnType<LogBatchBuilder["take"]>>;
    assert.deepEqual(batch.pairs, ["/access", "s1", "/aws/lambda/orders", STREAM, "/other", "s1"]);
    const records = expected([RECORDS[0] as InvocationRecord]);
    assert.deepEqual(rowsOf(batchColumns(batch)), [
      ["/access", "s1", String(T0), "line 1"],
      ...records,
      ["/access", "s1", String(T0 + 1), "line 2"],
      ["/other", "s1", String(T0 + 2), "same stream name, another group"],
      ...expected([RECORDS[4] as InvocationRecord]),
    ]);
    assert.equal(batch.events, 3 + records.length + 4, "records count their Text events");
  });

  test("a batch past the builder's first buffer keeps every entry", () => {
    const b = new LogBatchBuilder();
    const many = Array.from({ length: 2000 }, (_, i) =>
      record({ requestId: `r${i}`, startedAt: T0 + i, durationMs: i / 7, lines: [`line ${i}`] }),
    );
    for (const r of many) b.addInvocation(r, "/aws/lambda/orders");
    for (let i = 0; i < 3000; i++) b.addEvent("/access", "s", T0 + i, `access ${i}`);
    const rows = rowsOf(batchColumns(b.take() as NonNullable<ReturnType<LogBatchBuilder["take"]>>));
    assert.deepEqual(rows.slice(0, 8000), expected(many));
    assert.equal(rows.length, 11_000);
    assert.deepEqual(rows[10_999], ["/access", "s", String(T0 + 2999), "access 2999"]);
  });

  test("a record's span (count, first and last time) is that of the events it makes, known without its text", () => {
    const odd = [
      record({ requestId: "r-json-warn-quiet", logging: json("WARN"), lines: [] }),
      record({ requestId: "r-json-warn-init", logging: json("WARN"), lines: [], initLines: ["i"], initDurationMs: 5 }),
      record({ requestId: "r-json-warn-line", logging: json("WARN"), lines: ['{"platform.start":1}'] }),
      record({ requestId: "r-json-warn-drop", logging: json("WARN"), lines: [], droppedLines: 3 }),
    ];
    for (const r of [...RECORDS, ...odd]) {
      const times: number[] = [];
      eachInvocationEvent(r, (t) => times.push(t));
      const span = invocationEventSpan(r);
      assert.equal(span.count, times.length, r.requestId);
      if (times.length > 0) assert.deepEqual([span.first, span.last], [times[0], times.at(-1)], r.requestId);
    }
    const b = new LogBatchBuilder();
    for (const r of [...RECORDS, ...odd]) b.addInvocation(r, "/g");
    const seen: string[] = [];
    visitBatch(b.take() as NonNullable<ReturnType<LogBatchBuilder["take"]>>, {
      event: () => assert.fail("no events"),
      record(ref, blob, span) {
        const back = recordOf(blob, "/g");
        assert.deepEqual(span, invocationEventSpan(back), back.requestId);
        seen.push(back.requestId);
      },
    });
    const withEvents = [...RECORDS, ...odd].filter((r) => invocationEventSpan(r).count > 0).map((r) => r.requestId);
    assert.deepEqual(seen, withEvents, "a record that makes no event (a throttle, a quiet WARN call) is not handed on");
    assert.ok(!withEvents.includes("r-json-warn-quiet") && withEvents.includes("r-json-warn-line"));
  });
});
