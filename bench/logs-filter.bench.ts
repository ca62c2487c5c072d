/**
 * FilterLogEvents over 1 million log lines in the store, on SQLite (a file) and on PostgreSQL (a
 * temporary cluster) in the same run, page after page as the AWS CLI reads it (following
 * nextToken), against `grep -c` over the same lines as a text file. One line in a thousand holds
 * the phrase looked for. Median of 3 runs of each. BENCH_EXPLAIN=1 prints PostgreSQL's plans of a
 * FilterLogEvents page read and a GetLogEvents (newest first) read.
 * Run: npm run build && node dist/bench/logs-filter.bench.js   (BENCH_LINES, BENCH_STORES=sqlite,postgres)
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eventsSql } from "../src/adapters/log-rows.js";
import type { PgDatabase } from "../src/adapters/postgres/database.js";
import { filterLogEvents } from "../src/api/logs/events.js";
import { InsightsQueries } from "../src/api/logs/insights.js";
import type { LogStore } from "../src/ports/log-store.js";
import { ManualClock } from "../src/shared/clock.js";
import { explain, fill, openBenchStores } from "./log-stores.js";
import { fmt, median } from "./stats.js";

const LINES = Number(process.env["BENCH_LINES"] ?? 1_000_000);
const T0 = Date.UTC(2026, 0, 1);
const GROUP = "/aws/lambda/bench";

function line(n: number): string {
  const id = `0b8e6f1a-1111-2222-3333-${String(n).padStart(12, "0")}`;
  const text = n % 1000 === 7 ? "payment failed for order" : "order processed";
  return `2026-01-01T00:00:00.000Z\t${id}\tINFO\t${text} ${n}`;
}

async function filterMs(store: LogStore): Promise<{ ms: number[]; found: number; calls: number }> {
  const ctx = {
    store,
    clock: new ManualClock(T0 + LINES * 1000),
    groupArn: (n: string) => n,
    queries: new InsightsQueries(),
  };
  const ms: number[] = [];
  let found = 0;
  let calls = 0;
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    found = 0;
    calls = 0;
    let nextToken: string | undefined;
    do {
      const page = (await filterLogEvents(ctx, {
        logGroupName: GROUP,
        filterPattern: '"payment failed"',
        ...(nextToken && { nextToken }),
      })) as { events: unknown[]; nextToken?: string };
      found += page.events.length;
      calls++;
      nextToken = page.nextToken;
    } while (nextToken);
    ms.push(performance.now() - started);
  }
  return { ms, found, calls };
}

async function printPlans(db: PgDatabase): Promise<void> {
  const page = eventsSql(
    {
      groupName: GROUP,
      startTime: T0,
      endTime: T0 + LINES * 1000,
      after: { timestamp: T0 + 8_000_000, id: 480_000 },
      limit: 10_000,
    },
    "$",
  );
  console.log(`  PostgreSQL plan of a FilterLogEvents page read:\n${await explain(db, page.sql, page.params)}`);
  const newest = eventsSql({ groupName: GROUP, streamNames: ["s3"], descending: true, limit: 10_000 }, "$");
  console.log(
    `  PostgreSQL plan of a GetLogEvents read (one stream, newest first):\n${await explain(db, newest.sql, newest.params)}`,
  );
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "haneul-filter-bench-"));
  const stores = await openBenchStores(dir);
  try {
    const file = join(dir, "lines.txt");
    writeFileSync(file, Array.from({ length: LINES }, (_, n) => line(n)).join("\n") + "\n");
    const grepMs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      spawnSync("grep", ["-c", "payment failed", file]);
      grepMs.push(performance.now() - started);
    }
    const grep = median(grepMs);
    console.log(`${LINES} lines; median of 3 runs`);
    console.log(`grep -c:                    ${fmt(grep, 0).padStart(7)} ms`);
    for (const s of stores) {
      const seconds = await fill(s.store, LINES, (n) => ({
        ...{ groupName: GROUP, streamName: `s${n % 20}`, timestamp: T0 + Math.floor(n / 60) * 1000, message: line(n) },
      }));
      console.log(`${s.name}: filled in ${fmt(seconds, 1)} s (${fmt(LINES / seconds, 0)} lines/s)`);
      const { ms, found, calls } = await filterMs(s.store);
      const f = median(ms);
      const label = `${s.name} FilterLogEvents:`.padEnd(28);
      console.log(
        `${label}${fmt(f, 0).padStart(7)} ms  (${fmt(LINES / (f / 1000), 0)} lines/s, ${found} matching, ${calls} calls)  ratio to grep ${fmt(f / grep, 1)}×`,
      );
      if (s.db && process.env["BENCH_EXPLAIN"] === "1") await printPlans(s.db);
    }
  } finally {
    for (const s of stores) await s.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
