/**
 * The canary judge's data as a node reads it: invocation records of alias calls fed to the real
 * Lambda metrics over a real SQLite metric store, in simulated time, read back per executed
 * version (invocations, errors, the duration histogram) for the window of a step; and a metric the
 * judge was told to compare, as a function emits it with a version dimension, read per version.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SqliteMetricStore } from "../../src/adapters/sqlite/metric-store.js";
import { metricSampleOf, versionStatsOf } from "../../src/compose/deployments.js";
import { versionDimensions, parseJudgeMetric } from "../../src/deployments/judge-metrics.js";
import { countedQuantile } from "../../src/deployments/statistics.js";
import type { InvocationRecord } from "../../src/domain/invocation.js";
import { LambdaMetrics, MetricReader, MetricRecorder } from "../../src/metrics/index.js";
import { ManualClock } from "../../src/shared/clock.js";

const T0 = Date.UTC(2026, 0, 1);
const ARN = "arn:aws:lambda:us-east-1:123456789012:function:fn";
const target = { resourceName: "fn", functionName: "fn", alias: "live", currentVersion: "1", targetVersion: "2" };

function call(version: string, at: number, failed: boolean, durationMs: number): InvocationRecord {
  return {
    ...{ requestId: `r-${at}`, functionName: "fn", functionArn: ARN, invokedArn: `${ARN}:live` },
    ...{ executedVersion: version, outcome: failed ? "function-error" : "ok", startedAt: at, durationMs },
    ...{ billedDurationMs: durationMs, memorySizeMb: 128, maxMemoryUsedMb: 40, timeoutSec: 3 },
  } as InvocationRecord;
}

describe("canary judge data from the Lambda metrics", () => {
  it("reads each version's invocations, errors and durations in the step's window", async () => {
    const clock = new ManualClock(T0);
    const store = SqliteMetricStore.open({ path: ":memory:" });
    const recorder = new MetricRecorder({ store, clock, writer: "n1" });
    const reader = new MetricReader({ store, clock, beforeRead: () => recorder.flush() });
    const lambda = new LambdaMetrics(recorder);
    recorder.start();
    try {
      // Before the step: not counted.
      lambda.onRecord(call("2", clock.now(), true, 500));
      await clock.advanceAsync(120_000);
      const since = clock.now();
      for (let i = 0; i < 300; i++) {
        lambda.onRecord(call("1", clock.now(), i % 100 === 0, 10 + (i % 10)));
        if (i % 3 === 0) lambda.onRecord(call("2", clock.now(), i % 30 === 0, 40 + (i % 10)));
        await clock.advanceAsync(1000);
      }
      const old = await versionStatsOf(reader, target, "1", { from: since, to: clock.now() });
      const next = await versionStatsOf(reader, target, "2", { from: since, to: clock.now() });
      assert.deepEqual([old.invocations, old.errors], [300, 3]);
      assert.deepEqual([next.invocations, next.errors], [100, 10]);
      assert.equal(
        next.durations.reduce((s, [, c]) => s + c, 0),
        100,
      );
      const p99 = countedQuantile(next.durations, 0.99) ?? 0;
      assert.ok(Math.abs(p99 - 49) <= 49 * 0.01, `p99 ${p99}`);
    } finally {
      await recorder.stop();
      await store.close();
    }
  });

  it("reads a named metric per version: its statistic, count, sum and values over the window", async () => {
    const clock = new ManualClock(T0);
    const store = SqliteMetricStore.open({ path: ":memory:" });
    const recorder = new MetricRecorder({ store, clock, writer: "n1" });
    const reader = new MetricReader({ store, clock, beforeRead: () => recorder.flush() });
    recorder.start();
    try {
      const metric = parseJudgeMetric("haneul:judgeMetric:checkout", "Shop CheckoutMs p90 higher Version=@version");
      const handle = (version: string) =>
        recorder.handle(
          { namespace: "Shop", name: "CheckoutMs", dimensions: versionDimensions(metric, target, version) },
          "Milliseconds",
        );
      const [h1, h2] = [handle("1"), handle("2")];
      recorder.record(h2, 9999, clock.now());
      await clock.advanceAsync(120_000);
      const since = clock.now();
      for (let i = 0; i < 200; i++) {
        recorder.record(h1, 100 + (i % 10), clock.now());
        if (i % 2 === 0) recorder.record(h2, 200 + (i % 10), clock.now());
        await clock.advanceAsync(1000);
      }
      const read = (version: string) =>
        metricSampleOf(
          reader,
          { namespace: "Shop", name: "CheckoutMs", dimensions: versionDimensions(metric, target, version) },
          "p90",
          { from: since, to: clock.now() },
        );
      const [old, next] = [await read("1"), await read("2")];
      assert.deepEqual([old.count, next.count], [200, 100], "the sample before the step is not counted");
      assert.equal(next.sum, 100 * 204);
      assert.ok(Math.abs((old.value ?? 0) - 108) <= 108 * 0.02, `p90 ${old.value}`);
      assert.ok(Math.abs((next.value ?? 0) - 208) <= 208 * 0.02, `p90 ${next.value}`);
      assert.equal(
        next.values.reduce((s, [, c]) => s + c, 0),
        100,
      );
    } finally {
      await recorder.stop();
      await store.close();
    }
  });
});
