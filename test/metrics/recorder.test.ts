/**
 * The metric recorder and reader on a real SQLite store in simulated time: samples are batched
 * (one write per flush, not per sample), the three resolutions agree, two nodes' rows merge into
 * one exact percentile, and the retention tiers drop 1-second points after 3 hours while 1-minute
 * points still answer.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SqliteMetricStore } from "../../src/adapters/sqlite/metric-store.js";
import { LambdaMetrics, MetricReader, MetricRecorder } from "../../src/metrics/index.js";
import type { MetricStore } from "../../src/ports/metric-store.js";
import { ManualClock } from "../../src/shared/clock.js";

const T0 = Date.UTC(2026, 0, 1);
const metric = { namespace: "App", name: "Latency", dimensions: [{ name: "Page", value: "cart" }] };

/** The real store, counting its writes. */
function countingStore(): { store: MetricStore; writes: () => number } {
  const inner = SqliteMetricStore.open({ path: ":memory:" });
  let writes = 0;
  const store: MetricStore = {
    writePoints: (s, p) => {
      writes++;
      return inner.writePoints(s, p);
    },
    readPoints: (q) => inner.readPoints(q),
    listSeries: (f) => inner.listSeries(f),
    deletePointsBefore: (r, b) => inner.deletePointsBefore(r, b),
    deleteSeriesBefore: (b) => inner.deleteSeriesBefore(b),
    close: () => inner.close(),
  };
  return { store, writes: () => writes };
}

describe("metric recorder and reader in simulated time", () => {
  it("batches samples: one write per flush, and every resolution gives the same sums", async () => {
    const clock = new ManualClock(T0);
    const { store, writes } = countingStore();
    const recorder = new MetricRecorder({ store, clock, writer: "n1" });
    const reader = new MetricReader({ store, clock });
    recorder.start();
    const h = recorder.handle(metric, "Milliseconds");
    for (let s = 0; s < 120; s++) {
      for (let k = 0; k < 50; k++) recorder.record(h, k);
      await clock.advanceAsync(1000);
    }
    assert.ok(writes() <= 121, `${writes()} writes for 6000 samples`);
    const sums = async (periodSec: number) =>
      (
        await reader.statistics({ metric, from: T0, to: T0 + 120_000, periodSec, statistics: ["Sum", "SampleCount"] })
      ).reduce(
        (a: [number, number], p): [number, number] => [
          a[0] + (p.values["Sum"] ?? 0),
          a[1] + (p.values["SampleCount"] ?? 0),
        ],
        [0, 0],
      );
    assert.deepEqual(await sums(1), [120 * 1225, 6000]);
    assert.deepEqual(await sums(60), [120 * 1225, 6000]);
    assert.deepEqual(await sums(300), [120 * 1225, 6000]);
    await recorder.stop();
    await store.close();
  });

  it("two nodes' samples merge into one percentile within 1 %", async () => {
    const clock = new ManualClock(T0);
    const store = SqliteMetricStore.open({ path: ":memory:" });
    const a = new MetricRecorder({ store, clock, writer: "a" });
    const b = new MetricRecorder({ store, clock, writer: "b" });
    for (let v = 1; v <= 1000; v++) (v % 2 ? a : b).record((v % 2 ? a : b).handle(metric), v, T0 + (v % 60) * 1000);
    await a.flush();
    await b.flush();
    const reader = new MetricReader({ store, clock });
    const [p] = await reader.statistics({
      metric,
      from: T0,
      to: T0 + 60_000,
      periodSec: 60,
      statistics: ["p50", "p99", "SampleCount"],
    });
    assert.equal(p?.values["SampleCount"], 1000);
    assert.ok(Math.abs((p?.values["p50"] ?? 0) - 500) <= 5);
    assert.ok(Math.abs((p?.values["p99"] ?? 0) - 990) <= 9.9);
    await store.close();
  });

  it("retention: 1-second points go after 3 hours, 1-minute points stay and answer", async () => {
    const clock = new ManualClock(T0);
    const store = SqliteMetricStore.open({ path: ":memory:" });
    const recorder = new MetricRecorder({ store, clock, writer: "n1" });
    const reader = new MetricReader({ store, clock });
    recorder.start();
    recorder.record(recorder.handle(metric), 7);
    await clock.advanceAsync(2000);
    const count = async (periodSec: number) =>
      (await reader.statistics({ metric, from: T0, to: T0 + 60_000, periodSec, statistics: ["SampleCount"] })).length;
    assert.equal(await count(1), 1);
    for (let m = 0; m < 3 * 60 + 2; m++) await clock.advanceAsync(60_000);
    assert.equal(await count(1), 0, "1-second points are kept 3 hours");
    assert.equal(await count(60), 1, "1-minute points are kept 15 days");
    await recorder.stop();
    await store.close();
  });

  it("the 1-hour tier: past 15 days 5-minute points answer, past 63 days only hourly periods do, past 455 days none", async () => {
    const clock = new ManualClock(T0);
    const store = SqliteMetricStore.open({ path: ":memory:" });
    const recorder = new MetricRecorder({ store, clock, writer: "n1" });
    const reader = new MetricReader({ store, clock });
    const h = recorder.handle(metric);
    // Three samples in three different minutes of one hour (T0 is on the hour).
    for (const minute of [1, 7, 59]) recorder.record(h, minute, T0 + minute * 60_000);
    await recorder.flush();
    const DAY = 86_400_000;
    // The recorder runs retention as it flushes (each flush here is a minute or more later).
    const at = async (days: number) => {
      await clock.advanceAsync(T0 + days * DAY - clock.now());
      await recorder.flush();
    };
    const sums = async (periodSec: number, from = T0) =>
      (await reader.statistics({ metric, from, to: T0 + 3_600_000, periodSec, statistics: ["Sum"] })).map((p) => [
        (p.timestamp - T0) / 60_000,
        p.values["Sum"],
      ]);
    assert.deepEqual(await sums(3600), [[0, 67]], "recent: an hour's period from the 1-minute points");
    await at(16);
    assert.deepEqual(await sums(60), [], "1-minute points are kept 15 days");
    assert.deepEqual(
      await sums(300),
      [
        [0, 1],
        [5, 7],
        [55, 59],
      ],
      "5-minute points answer past 15 days",
    );
    assert.deepEqual(await sums(3600), [[0, 67]]);
    await at(64);
    assert.deepEqual(await sums(300), [], "5-minute points are kept 63 days");
    assert.deepEqual(await sums(3600), [[0, 67]], "past 63 days the 1-hour tier answers");
    assert.deepEqual(await sums(7200, T0 + 25 * 60_000), [[0, 67]], "its start is rounded down to the hour");
    await at(454);
    assert.deepEqual(await sums(86_400), [[0, 67]]);
    await at(456);
    assert.deepEqual(await sums(3600), [], "1-hour points are kept 455 days");
    await store.close();
  });

  it("the async invoker's data points become AWS/Lambda metrics by function and by resource", async () => {
    const clock = new ManualClock(T0);
    const store = SqliteMetricStore.open({ path: ":memory:" });
    const recorder = new MetricRecorder({ store, clock, writer: "n1" });
    const lambda = new LambdaMetrics(recorder);
    for (let i = 0; i < 3; i++)
      lambda.onAsyncMetric({ name: "AsyncEventsReceived", functionName: "f", value: 1, at: T0 });
    lambda.onAsyncMetric({ name: "AsyncEventsReceived", functionName: "f", qualifier: "live", value: 1, at: T0 });
    lambda.onAsyncMetric({ name: "AsyncEventAge", functionName: "f", value: 1500, at: T0 + 1000 });
    lambda.onAsyncMetric({ name: "DeadLetterErrors", functionName: "g", value: 1, at: T0 + 2000 });
    await recorder.flush();
    const reader = new MetricReader({ store, clock });
    const sum = async (name: string, dimensions: { name: string; value: string }[]) =>
      (
        await reader.statistics({
          metric: { namespace: "AWS/Lambda", name, dimensions },
          from: T0,
          to: T0 + 60_000,
          periodSec: 60,
          statistics: ["Sum"],
        })
      ).reduce((n, p) => n + (p.values["Sum"] ?? 0), 0);
    const fn = { name: "FunctionName", value: "f" };
    assert.equal(await sum("AsyncEventsReceived", [fn]), 4);
    assert.equal(await sum("AsyncEventsReceived", [fn, { name: "Resource", value: "f:live" }]), 1);
    assert.equal(await sum("AsyncEventsReceived", []), 4);
    assert.equal(await sum("AsyncEventAge", [fn]), 1500);
    assert.equal(await sum("DeadLetterErrors", [{ name: "FunctionName", value: "g" }]), 1);
    await store.close();
  });
  it("AWS/Lambda from invocation records: every dimension set, resolution and percentile as if each were recorded apart", async () => {
    const clock = new ManualClock(T0);
    const store = SqliteMetricStore.open({ path: ":memory:" });
    const recorder = new MetricRecorder({ store, clock, writer: "n1" });
    recorder.start();
    const lambda = new LambdaMetrics(recorder);
    const arn = "arn:aws:lambda:us-east-1:000000000000:function:f";
    const call = (qualifier: string | undefined, executedVersion: string, durationMs: number, ok = true) =>
      lambda.onRecord({
        ...{ requestId: "r", functionName: "f", functionArn: `${arn}:${executedVersion}`, executedVersion },
        ...{ invokedArn: qualifier === undefined ? arn : `${arn}:${qualifier}`, outcome: ok ? "ok" : "function-error" },
        ...{ startedAt: clock.now(), durationMs, billedDurationMs: durationMs, memorySizeMb: 128, maxMemoryUsedMb: 60 },
        ...{ timeoutSec: 3, initLines: [], lines: [] },
      });
    // Over three flushes: unqualified calls, calls of version 2, calls of alias live (to version 2).
    for (let s = 0; s < 3; s++) {
      for (let k = 1; k <= 10; k++) call(undefined, "$LATEST", k);
      for (let k = 1; k <= 5; k++) call("2", "2", 100 * k, k !== 5);
      for (let k = 1; k <= 4; k++) call("live", "2", 1000 * k);
      await clock.advanceAsync(1000);
    }
    await recorder.stop();
    const reader = new MetricReader({ store, clock });
    const stats = async (name: string, dimensions: { name: string; value: string }[], periodSec: number) =>
      (
        await reader.statistics({
          metric: { namespace: "AWS/Lambda", name, dimensions },
          from: T0,
          to: T0 + 60_000,
          periodSec,
          statistics: ["Sum", "SampleCount", "Minimum", "Maximum", "p50"],
        })
      ).map((p) => p.values);
    const fn = { name: "FunctionName", value: "f" };
    const v2 = [fn, { name: "Resource", value: "f:2" }];
    const live = [fn, { name: "Resource", value: "f:live" }];
    const liveExecuted = [...live, { name: "ExecutedVersion", value: "2" }];
    const one = (sum: number, n: number, min: number, max: number) => [
      { Sum: sum, SampleCount: n, Minimum: min, Maximum: max },
    ];
    const without50 = (v: Record<string, number | undefined>[]) => v.map(({ p50: _, ...rest }) => rest);
    assert.deepEqual(without50(await stats("Invocations", [], 60)), one(57, 57, 1, 1));
    assert.deepEqual(without50(await stats("Invocations", [fn], 60)), one(57, 57, 1, 1));
    assert.deepEqual(without50(await stats("Invocations", v2, 60)), one(15, 15, 1, 1));
    assert.deepEqual(without50(await stats("Invocations", live, 60)), one(12, 12, 1, 1));
    assert.deepEqual(without50(await stats("Invocations", liveExecuted, 60)), one(12, 12, 1, 1));
    assert.deepEqual(without50(await stats("Errors", [fn], 60)), one(3, 57, 0, 1));
    assert.deepEqual(without50(await stats("Errors", v2, 60)), one(3, 15, 0, 1));
    assert.deepEqual(without50(await stats("Duration", [], 60)), one(3 * (55 + 1500 + 10_000), 57, 1, 4000));
    assert.deepEqual(without50(await stats("Duration", live, 60)), one(30_000, 12, 1000, 4000));
    const perSecond = await stats("Duration", [], 1);
    assert.equal(perSecond.length, 3);
    for (const p of perSecond)
      assert.deepEqual(
        { ...p, p50: undefined },
        { Sum: 11_555, SampleCount: 19, Minimum: 1, Maximum: 4000, p50: undefined },
      );
    const [p50] = (await stats("Duration", [], 60)).map((v) => v["p50"] as number);
    // The 29th of 57 samples is 10 (1..10, 100..500, 1000..4000, three times each).
    assert.ok(Math.abs((p50 as number) - 10) / 10 <= 0.01, `p50 ${p50}`);
    const names = (await store.listSeries({ namespace: "AWS/Lambda", name: "Invocations" })).map((s) =>
      s.dimensions.map((d) => d.value).join(","),
    );
    assert.deepEqual(names.sort(), ["", "f", "f,f:2", "f,f:live", "2,f,f:live"].sort());
    await store.close();
  });

  it("a late sample into a handle with wider sets reaches each of them in its own bucket", async () => {
    const clock = new ManualClock(T0 + 120_000);
    const store = SqliteMetricStore.open({ path: ":memory:" });
    const recorder = new MetricRecorder({ store, clock, writer: "n1" });
    const wide = recorder.handle({ ...metric, dimensions: [] });
    const narrow = recorder.handle(metric, "Milliseconds", [wide]);
    recorder.record(narrow, 10);
    recorder.record(narrow, 20, T0 + 30_000);
    recorder.record(wide, 5, T0 + 30_500);
    await recorder.flush();
    const reader = new MetricReader({ store, clock });
    const sums = async (dimensions: { name: string; value: string }[]) =>
      (
        await reader.statistics({
          metric: { ...metric, dimensions },
          from: T0,
          to: T0 + 180_000,
          periodSec: 60,
          statistics: ["Sum"],
        })
      ).map((p) => [(p.timestamp - T0) / 1000, p.values["Sum"]]);
    assert.deepEqual(await sums(metric.dimensions), [
      [0, 20],
      [120, 10],
    ]);
    assert.deepEqual(await sums([]), [
      [0, 25],
      [120, 10],
    ]);
    await store.close();
  });
});
