/**
 * GetMetricData over one day at 1-minute resolution (1440 datapoints) on a SQLite file, through the
 * CloudWatch handler (request parsing, store read, per-period merge, statistic, response shape), for
 * Sum and for p99 (which reads and merges the histograms). Baseline, same run: the bare SELECT of
 * the same 1440 rows, the floor any implementation on this store pays.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { SqliteMetricStore } from "../src/adapters/sqlite/metric-store.js";
import { getMetricData } from "../src/api/cloudwatch/get-metric-data.js";
import { MetricReader, MetricRecorder } from "../src/metrics/index.js";
import { ManualClock } from "../src/shared/clock.js";
import { fmt, median, percentile } from "./stats.js";

const DAY = 86_400_000;
const END = Date.UTC(2026, 0, 2);
const START = END - DAY;
const dir = mkdtempSync(join(tmpdir(), "haneul-bench-metrics-"));
const path = join(dir, "haneul.db");
const clock = new ManualClock(END);
const store = SqliteMetricStore.open({ path });
const recorder = new MetricRecorder({ store, clock, writer: "bench" });
const dims = [{ name: "FunctionName", value: "checkout" }];
const h = recorder.handle({ namespace: "AWS/Lambda", name: "Duration", dimensions: dims }, "Milliseconds");
let seed = 7;
for (let t = START; t < END; t += 3000) {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  recorder.record(h, 5 + (seed / 2 ** 31) * 200, t);
}
await recorder.flush();
const reader = new MetricReader({ store, clock });

const query = (stat: string) => ({
  StartTime: START / 1000,
  EndTime: END / 1000,
  MetricDataQueries: [
    {
      Id: "m",
      MetricStat: {
        Metric: {
          Namespace: "AWS/Lambda",
          MetricName: "Duration",
          Dimensions: [{ Name: "FunctionName", Value: "checkout" }],
        },
        Period: 60,
        Stat: stat,
      },
    },
  ],
});

const raw = new BetterSqlite3(path, { readonly: true });
const select = raw.prepare(
  "SELECT count, sum, min, max, histogram FROM metric_points WHERE resolution = 60 AND start >= ? AND start < ?",
);

async function time(run: () => unknown, n = 60): Promise<number[]> {
  for (let k = 0; k < 5; k++) await run();
  const out: number[] = [];
  for (let k = 0; k < n; k++) {
    const t0 = performance.now();
    await run();
    out.push(performance.now() - t0);
  }
  return out;
}

const deps = { reader, recorder, clock };
const baseline = await time(() => select.all(START, END));
const sum = await time(() => getMetricData(deps, query("Sum")));
const p99 = await time(() => getMetricData(deps, query("p99")));
const rows = select.all(START, END).length;
const check = (await getMetricData(deps, query("Sum"))) as { MetricDataResults: { Values: number[] }[] };
console.log(`one day at 1-minute resolution: ${rows} rows, ${check.MetricDataResults[0]?.Values.length} datapoints`);
for (const [name, v] of [
  ["baseline: bare SELECT of the rows", baseline],
  ["GetMetricData Sum", sum],
  ["GetMetricData p99", p99],
] as const) {
  console.log(
    `${name.padEnd(36)} p50 ${fmt(median(v))} ms  p99 ${fmt(percentile(v, 99))} ms  ×${fmt(median(v) / median(baseline), 1)} baseline`,
  );
}
raw.close();
await store.close();
rmSync(dir, { recursive: true, force: true });
