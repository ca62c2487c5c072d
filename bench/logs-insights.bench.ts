/**
 * Logs Insights: a stats query over 1 million log lines in the store, on SQLite (a file) and on
 * PostgreSQL (a temporary cluster) in the same run, with the store-side pre-filter and without it,
 * against `grep -c` and an awk script over the same lines as a text file. A third of the lines are
 * REPORT lines; the query counts them and takes their average and p99 duration per minute; awk
 * computes the count and average (no percentile), grep only counts.
 * Reports the median of 3 runs of each and the ratios; BENCH_EXPLAIN=1 prints PostgreSQL's plan of a chunk read.
 * Run: npm run build && node dist/bench/logs-insights.bench.js   (BENCH_LINES, BENCH_STORES=sqlite,postgres)
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eventsSql } from "../src/adapters/log-rows.js";
import type { LogStore } from "../src/ports/log-store.js";
import { insights } from "../src/telemetry/index.js";
import { explain, fill, openBenchStores } from "./log-stores.js";
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

async function queryMs(store: LogStore, prefilter: boolean): Promise<number[]> {
  const query = insights.parseQuery(QUERY);
  const ms: number[] = [];
  for (let i = 0; i < 3; i++) {
    const statistics = { recordsMatched: 0, recordsScanned: 0, bytesScanned: 0 };
    const started = performance.now();
    await insights.runQuery(query, {
      ...{ store, groups: [GROUP], startTime: T0, endTime: T0 + LINES * 1000, limit: 10_000 },
      ...{ statistics, prefilter },
    });
    ms.push(performance.now() - started);
  }
  return ms;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "haneul-insights-bench-"));
  const stores = await openBenchStores(dir);
  try {
    const file = join(dir, "lines.txt");
    writeFileSync(file, Array.from({ length: LINES }, (_, n) => line(n)).join("\n") + "\n");
    const grepMs: number[] = [];
    const awkMs: number[] = [];
    const awk = `/^REPORT/ { split($2, d, " "); m = int(NR / 3 / 60 / 60); n[m]++; s[m] += d[2] } END { for (k in n) print k, n[k], s[k] / n[k] }`;
    for (let i = 0; i < 3; i++) {
      grepMs.push(timed(() => spawnSync("grep", ["-c", "^REPORT", file])));
      awkMs.push(timed(() => spawnSync("awk", ["-F", "\t", awk, file])));
    }
    const grep = median(grepMs);
    console.log(`${LINES} lines (${Math.floor(LINES / 3)} REPORT), 1-minute bins; median of 3 runs`);
    console.log(`grep -c:              ${fmt(grep, 0).padStart(7)} ms`);
    console.log(`awk count+avg by min: ${fmt(median(awkMs), 0).padStart(7)} ms`);
    for (const s of stores) {
      // 60 lines a second: a million lines span about 4.6 hours, 278 minutes.
      const seconds = await fill(s.store, LINES, (n) => ({
        ...{ groupName: GROUP, streamName: "s", timestamp: T0 + Math.floor(n / 60) * 1000, message: line(n) },
      }));
      console.log(`${s.name}: filled in ${fmt(seconds, 1)} s (${fmt(LINES / seconds, 0)} lines/s)`);
      for (const prefilter of [false, true]) {
        const q = median(await queryMs(s.store, prefilter));
        const label = `${s.name}, pre-filter ${prefilter ? "on" : "off"}:`.padEnd(30);
        console.log(
          `${label}${fmt(q, 0).padStart(7)} ms  (${fmt(LINES / (q / 1000), 0)} lines/s)  ratio to grep ${fmt(q / grep, 1)}×  to awk ${fmt(q / median(awkMs), 1)}×`,
        );
      }
      if (s.db && process.env["BENCH_EXPLAIN"] === "1") {
        const chunk = eventsSql(
          {
            ...{ groupName: GROUP, startTime: T0 + 3_600_000, endTime: T0 + LINES * 1000, limit: 2000 },
            ...{
              after: { timestamp: T0 + 3_600_000, id: 200_000 },
              messageTerms: [[{ text: "REPORT ", atStart: true }, { text: "{" }]],
            },
          },
          "$",
        );
        console.log(
          `  PostgreSQL plan of an Insights chunk read (pre-filter on):\n${await explain(s.db, chunk.sql, chunk.params)}`,
        );
      }
    }
  } finally {
    for (const s of stores) await s.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
