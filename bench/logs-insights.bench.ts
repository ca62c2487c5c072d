/**
 * Logs Insights: a stats query over 1 million log lines in the store (SQLite file), against `grep -c`
 * and an awk script over the same lines as a text file, in the same run. A third of the lines are
 * REPORT lines; the query counts them and takes their average and p99 duration per minute; awk
 * computes the count and average (no percentile), grep only counts.
 * Reports the median of 3 runs of each and the ratios.
 * Run: npm run build && node dist/bench/logs-insights.bench.js   (BENCH_LINES to change the size)
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteLogStore } from "../src/adapters/sqlite/log-store.js";
import type { LogEventInput } from "../src/ports/log-store.js";
import { insights } from "../src/telemetry/index.js";
import { fmt, median } from "./stats.js";

const LINES = Number(process.env["BENCH_LINES"] ?? 1_000_000);
const T0 = Date.UTC(2026, 0, 1);
const GROUP = "/aws/lambda/bench";
const QUERY =
  "filter @type = 'REPORT' | stats count(*) as n, avg(@duration) as avg, pct(@duration, 99) as p99 by bin(1m)";

function line(n: number): string {
  const id = `0b8e6f1a-1111-2222-3333-${String(n).padStart(12, "0")}`;
  if (n % 3 === 2) {
    return `REPORT RequestId: ${id}\tDuration: ${(n % 250) + 0.25} ms\tBilled Duration: ${(n % 250) + 1} ms\tMemory Size: 128 MB\tMax Memory Used: 61 MB\t`;
  }
  return n % 3 === 0
    ? `START RequestId: ${id} Version: $LATEST`
    : `2026-01-01T00:00:00.000Z\t${id}\tINFO\torder processed`;
}

function timed(run: () => void): number {
  const started = performance.now();
  run();
  return performance.now() - started;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "haneul-insights-bench-"));
  const store = SqliteLogStore.open({ path: join(dir, "haneul.db") });
  try {
    const text: string[] = [];
    for (let from = 0; from < LINES; from += 5000) {
      const batch: LogEventInput[] = [];
      for (let n = from; n < Math.min(LINES, from + 5000); n++) {
        const message = line(n);
        text.push(message);
        // 60 lines a second: a million lines span about 4.6 hours, 278 minutes.
        batch.push({ groupName: GROUP, streamName: "s", timestamp: T0 + Math.floor(n / 60) * 1000, message });
      }
      await store.append(batch, T0, { create: true });
    }
    const file = join(dir, "lines.txt");
    writeFileSync(file, text.join("\n") + "\n");
    const query = insights.parseQuery(QUERY);
    const insightsMs: number[] = [];
    let groups = 0;
    for (let i = 0; i < 3; i++) {
      const statistics = { recordsMatched: 0, recordsScanned: 0, bytesScanned: 0 };
      const started = performance.now();
      const rows = await insights.runQuery(query, {
        store,
        groups: [GROUP],
        startTime: T0,
        endTime: T0 + LINES * 1000,
        limit: 10_000,
        statistics,
      });
      insightsMs.push(performance.now() - started);
      groups = rows.length;
    }
    const grepMs: number[] = [];
    const awkMs: number[] = [];
    const awk = `/^REPORT/ { split($2, d, " "); m = int(NR / 3 / 60 / 60); n[m]++; s[m] += d[2] } END { for (k in n) print k, n[k], s[k] / n[k] }`;
    for (let i = 0; i < 3; i++) {
      grepMs.push(timed(() => spawnSync("grep", ["-c", "^REPORT", file])));
      awkMs.push(timed(() => spawnSync("awk", ["-F", "\t", awk, file])));
    }
    const q = median(insightsMs);
    console.log(`${LINES} lines (${LINES / 3} REPORT), ${groups} one-minute bins; median of 3 runs`);
    console.log(`Insights stats query: ${fmt(q, 0).padStart(7)} ms  (${fmt(LINES / (q / 1000), 0)} lines/s)`);
    console.log(`grep -c:              ${fmt(median(grepMs), 0).padStart(7)} ms  ratio ${fmt(q / median(grepMs), 1)}×`);
    console.log(`awk count+avg by min: ${fmt(median(awkMs), 0).padStart(7)} ms  ratio ${fmt(q / median(awkMs), 1)}×`);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
