/**
 * The contract every MetricStore adapter passes (SQLite file and memory, PostgreSQL).
 * `open` gives a fresh, empty store per test.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import { metricKey } from "../domain/metrics/metric-key.js";
import type { MetricPointRow, MetricSeriesRecord, MetricStore } from "./metric-store.js";

/** A metric record; fields overridable. */
export function sampleSeries(key: string, over: Partial<MetricSeriesRecord> = {}): MetricSeriesRecord {
  return {
    key,
    namespace: "AWS/Lambda",
    name: "Duration",
    dimensions: [],
    unit: "Milliseconds",
    lastSeen: 1000,
    ...over,
  };
}

/** A point row; fields overridable. */
export function samplePoint(key: string, start: number, over: Partial<MetricPointRow> = {}): MetricPointRow {
  return {
    key,
    resolution: 60,
    start,
    writer: "w1",
    count: 2,
    sum: 3,
    min: 1,
    max: 2,
    histogram: '{"z":0,"p":[0,1,35,1],"n":[]}',
    ...over,
  };
}

/** Runs the MetricStore contract against the adapter `open` makes. */
export function runMetricStoreContract(name: string, open: () => Promise<MetricStore>): void {
  void describe(`MetricStore contract: ${name}`, () => {
    let store: MetricStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    void test("keys as the metrics feature makes them (control-character separators) are stored and read back", async () => {
      const key = metricKey({
        namespace: "AWS/Lambda",
        name: "Errors",
        dimensions: [
          { name: "Resource", value: "f:live" },
          { name: "FunctionName", value: "f" },
        ],
      });
      await store.writePoints([sampleSeries(key)], [samplePoint(key, 60_000)]);
      const rows = await store.readPoints({ keys: [key], resolution: 60, from: 0, to: 120_000, histograms: false });
      assert.deepEqual(
        rows.map((r) => r.key),
        [key],
      );
      assert.deepEqual(
        (await store.listSeries({})).map((s) => s.key),
        [key],
      );
    });

    void test("points round-trip, a writer's row is replaced, other writers' rows stay", async () => {
      await store.writePoints([sampleSeries("k")], [samplePoint("k", 60_000), samplePoint("k", 120_000)]);
      await store.writePoints([], [samplePoint("k", 60_000, { count: 5, sum: 9.5, max: 4 })]);
      await store.writePoints([], [samplePoint("k", 60_000, { writer: "w2", count: 1 })]);
      const rows = await store.readPoints({ keys: ["k"], resolution: 60, from: 0, to: 180_000, histograms: true });
      const at60 = rows.filter((r) => r.start === 60_000).sort((a, b) => (a.writer < b.writer ? -1 : 1));
      assert.deepEqual(
        at60.map((r) => [r.writer, r.count, r.sum, r.max]),
        [
          ["w1", 5, 9.5, 4],
          ["w2", 1, 3, 2],
        ],
      );
      assert.equal(rows.find((r) => r.start === 120_000)?.histogram, samplePoint("k", 0).histogram);
    });

    void test("reads select by key, resolution and [from, to), and may leave histograms out", async () => {
      await store.writePoints(
        [],
        [
          samplePoint("a", 0),
          samplePoint("a", 60_000),
          samplePoint("a", 120_000),
          samplePoint("b", 60_000),
          samplePoint("a", 60_000, { resolution: 1 }),
        ],
      );
      const rows = await store.readPoints({
        keys: ["a"],
        resolution: 60,
        from: 60_000,
        to: 120_000,
        histograms: false,
      });
      assert.deepEqual(
        rows.map((r) => [r.key, r.start, r.histogram]),
        [["a", 60_000, ""]],
      );
      const both = await store.readPoints({
        keys: ["a", "b"],
        resolution: 60,
        from: 60_000,
        to: 61_000,
        histograms: false,
      });
      assert.equal(both.length, 2);
    });

    void test("series are listed by namespace and name, keep their latest sighting, and age out", async () => {
      const dims = [{ name: "FunctionName", value: "f" }];
      await store.writePoints(
        [sampleSeries("a", { dimensions: dims, lastSeen: 5000 }), sampleSeries("b", { name: "Errors", unit: "Count" })],
        [],
      );
      await store.writePoints([sampleSeries("a", { dimensions: dims, lastSeen: 2000 })], []);
      const durations = await store.listSeries({ namespace: "AWS/Lambda", name: "Duration" });
      assert.deepEqual(durations, [sampleSeries("a", { dimensions: dims, lastSeen: 5000 })]);
      assert.equal((await store.listSeries({ namespace: "Other" })).length, 0);
      assert.equal((await store.listSeries({ seenSince: 3000 })).length, 1);
      assert.equal(await store.deleteSeriesBefore(3000), 1);
      assert.deepEqual(
        (await store.listSeries({})).map((s) => s.key),
        ["a"],
      );
    });

    void test("retention deletes one resolution's old points only", async () => {
      await store.writePoints(
        [],
        [samplePoint("a", 0, { resolution: 1 }), samplePoint("a", 5000, { resolution: 1 }), samplePoint("a", 0)],
      );
      assert.equal(await store.deletePointsBefore(1, 5000), 1);
      const fine = await store.readPoints({ keys: ["a"], resolution: 1, from: 0, to: 10_000, histograms: false });
      const coarse = await store.readPoints({ keys: ["a"], resolution: 60, from: 0, to: 10_000, histograms: false });
      assert.deepEqual([fine.length, coarse.length], [1, 1]);
      await store.writePoints(
        [],
        [samplePoint("a", 0, { resolution: 3600 }), samplePoint("a", 3_600_000, { resolution: 3600 })],
      );
      assert.equal(await store.deletePointsBefore(3600, 3_600_000), 1);
      const hourly = await store.readPoints({
        keys: ["a"],
        resolution: 3600,
        from: 0,
        to: 7_200_000,
        histograms: false,
      });
      assert.deepEqual(
        hourly.map((p) => p.start),
        [3_600_000],
      );
    });

    void test("a large batch is written in one call", async () => {
      const points = Array.from({ length: 2000 }, (_, i) => samplePoint(`k${i % 50}`, Math.floor(i / 50) * 60_000));
      await store.writePoints([], points);
      const rows = await store.readPoints({
        keys: ["k7"],
        resolution: 60,
        from: 0,
        to: 40 * 60_000,
        histograms: false,
      });
      assert.equal(rows.length, 40);
    });
  });
}
