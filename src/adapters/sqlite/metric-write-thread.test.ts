/**
 * A SQLite metric store writing on its thread, with a real recorder in simulated time: a reader
 * sees a sample once the flush has run; a clean close writes everything held; a crashed thread
 * loses nothing it was given (the store's connection takes its writes over), and a process that
 * stops without closing loses at most what was recorded since the last flush.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { MetricReader, MetricRecorder } from "../../metrics/index.js";
import { ManualClock, systemClock } from "../../shared/clock.js";
import { SqliteMetricStore } from "./metric-store.js";

const T0 = Date.UTC(2026, 0, 1);
const metric = { namespace: "App", name: "Hits", dimensions: [{ name: "Page", value: "cart" }] };
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDb(): string {
  const d = mkdtempSync(join(tmpdir(), "haneul-metric-thread-"));
  dirs.push(d);
  return join(d, "haneul.db");
}

/** Sum and SampleCount over the first hour, read from a fresh connection to the file. */
async function storedSum(path: string, clock: ManualClock): Promise<[number, number]> {
  const store = SqliteMetricStore.open({ path });
  try {
    const reader = new MetricReader({ store, clock });
    const points = await reader.statistics({
      metric,
      from: T0,
      to: T0 + 3_600_000,
      periodSec: 3600,
      statistics: ["Sum", "SampleCount"],
    });
    return [points[0]?.values["Sum"] ?? 0, points[0]?.values["SampleCount"] ?? 0];
  } finally {
    await store.close();
  }
}

describe("SqliteMetricStore with its write thread", () => {
  test("writes run on the thread, and a reader sees a sample once the flush has run", async () => {
    const path = tempDb();
    const clock = new ManualClock(T0);
    const store = SqliteMetricStore.open({ path, writeThread: { onCrash: (e) => assert.fail(e) } });
    assert.equal(store.writesOnThread, true);
    const recorder = new MetricRecorder({ store, clock, writer: "n1" });
    const reader = new MetricReader({ store, clock, beforeRead: () => recorder.flush() });
    recorder.start();
    const h = recorder.handle(metric, "Count");
    recorder.record(h, 5);
    // Not flushed yet: another connection sees nothing.
    assert.deepEqual(await storedSum(path, clock), [0, 0]);
    await clock.advanceAsync(1000);
    await recorder.flush();
    assert.deepEqual(await storedSum(path, clock), [5, 1]);
    recorder.record(h, 7);
    const [p] = await reader.statistics({ metric, from: T0, to: T0 + 60_000, periodSec: 60, statistics: ["Sum"] });
    assert.equal(p?.values["Sum"], 12, "the reader's flush is read back through the thread");
    assert.deepEqual(
      (await store.listSeries({ namespace: "App" })).map((s) => s.name),
      ["Hits"],
    );
    await recorder.stop();
    await store.close();
  });

  test("a clean close writes every sample held, in many flushes' order", async () => {
    const path = tempDb();
    const clock = new ManualClock(T0);
    const store = SqliteMetricStore.open({ path, writeThread: { onCrash: (e) => assert.fail(e) } });
    const recorder = new MetricRecorder({ store, clock, writer: "n1" });
    recorder.start();
    const h = recorder.handle(metric, "Count");
    for (let s = 0; s < 30; s++) {
      for (let k = 1; k <= 10; k++) recorder.record(h, k);
      await clock.advanceAsync(1000);
    }
    for (let k = 1; k <= 10; k++) recorder.record(h, k);
    await recorder.stop();
    await store.close();
    assert.deepEqual(await storedSum(path, clock), [31 * 55, 310]);
  });

  test("a thread that dies loses no write: what it had not answered, and every later one, go through the store's connection", async () => {
    const path = tempDb();
    const clock = new ManualClock(T0);
    const crashes: Error[] = [];
    const store = SqliteMetricStore.open({ path, writeThread: { onCrash: (e) => crashes.push(e) } });
    const recorder = new MetricRecorder({ store, clock, writer: "n1" });
    const h = recorder.handle(metric, "Count");
    recorder.record(h, 1);
    await recorder.flush();
    const crashed = store.crashWriteThreadForTest();
    recorder.record(h, 2, T0 + 1500);
    const flushed = recorder.flush();
    await crashed;
    await flushed;
    recorder.record(h, 4, T0 + 2500);
    await recorder.flush();
    assert.equal(crashes.length, 1);
    assert.deepEqual(await storedSum(path, clock), [7, 3]);
    await store.close();
  });

  test("stopping without a close loses at most what was recorded since the last flush", async () => {
    const path = tempDb();
    const clock = new ManualClock(T0);
    const store = SqliteMetricStore.open({ path, writeThread: { onCrash: (e) => assert.fail(e) } });
    const recorder = new MetricRecorder({ store, clock, writer: "n1" });
    recorder.start();
    const h = recorder.handle(metric, "Count");
    for (let s = 0; s < 5; s++) {
      recorder.record(h, 1);
      await clock.advanceAsync(1000);
    }
    await recorder.flush();
    // The last second's sample is held in memory only: a process ending now loses just that.
    recorder.record(h, 100);
    assert.deepEqual(await storedSum(path, clock), [5, 5]);
    // (The store is closed without the recorder's stop: what it held is not written.)
    await store.close();
    assert.deepEqual(await storedSum(path, clock), [5, 5]);
  });
});

describe("SqliteMetricStore with its write thread in real time", () => {
  test("the recorder's own timer flushes through the thread within seconds", async () => {
    const path = tempDb();
    const store = SqliteMetricStore.open({ path, writeThread: { onCrash: (e) => assert.fail(e) } });
    const recorder = new MetricRecorder({ store, clock: systemClock, writer: "n1", flushMs: 200 });
    recorder.start();
    const h = recorder.handle(metric, "Count");
    const at = systemClock.now();
    recorder.record(h, 3, at);
    const other = SqliteMetricStore.open({ path });
    const deadline = Date.now() + 30_000;
    let sum = 0;
    while (Date.now() < deadline) {
      const rows = await other.readPoints({
        keys: [h.key],
        resolution: 60,
        from: 0,
        to: at + 120_000,
        histograms: false,
      });
      sum = rows.reduce((s, r) => s + r.sum, 0);
      if (sum === 3) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(sum, 3);
    await recorder.stop();
    await other.close();
    await store.close();
  });
});
