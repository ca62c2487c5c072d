/**
 * FilterLogEvents over 1 million log lines in the store (SQLite file), page after page as the AWS
 * CLI reads it (following nextToken), against `grep -c` over the same lines as a text file, in the
 * same run. One line in a thousand holds the phrase looked for. Median of 3 runs of each.
 * Run: npm run build && node dist/bench/logs-filter.bench.js   (BENCH_LINES to change the size)
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteLogStore } from "../src/adapters/sqlite/log-store.js";
import { filterLogEvents } from "../src/api/logs/events.js";
import { InsightsQueries } from "../src/api/logs/insights.js";
import type { LogEventInput } from "../src/ports/log-store.js";
import { ManualClock } from "../src/shared/clock.js";
import { fmt, median } from "./stats.js";

const LINES = Number(process.env["BENCH_LINES"] ?? 1_000_000);
const T0 = Date.UTC(2026, 0, 1);
const GROUP = "/aws/lambda/bench";

function line(n: number): string {
  const id = `0b8e6f1a-1111-2222-3333-${String(n).padStart(12, "0")}`;
  const text = n % 1000 === 7 ? "payment failed for order" : "order processed";
  return `2026-01-01T00:00:00.000Z\t${id}\tINFO\t${text} ${n}`;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "haneul-filter-bench-"));
  const store = SqliteLogStore.open({ path: join(dir, "haneul.db") });
  try {
    const text: string[] = [];
    for (let from = 0; from < LINES; from += 5000) {
      const batch: LogEventInput[] = [];
      for (let n = from; n < Math.min(LINES, from + 5000); n++) {
        const message = line(n);
        text.push(message);
        batch.push({ groupName: GROUP, streamName: `s${n % 20}`, timestamp: T0 + Math.floor(n / 60) * 1000, message });
      }
      await store.append(batch, T0, { create: true });
    }
    const file = join(dir, "lines.txt");
    writeFileSync(file, text.join("\n") + "\n");
    const ctx = {
      store,
      clock: new ManualClock(T0 + LINES * 1000),
      groupArn: (n: string) => n,
      queries: new InsightsQueries(),
    };
    const filterMs: number[] = [];
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
      filterMs.push(performance.now() - started);
    }
    const grepMs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      spawnSync("grep", ["-c", "payment failed", file]);
      grepMs.push(performance.now() - started);
    }
    const f = median(filterMs);
    console.log(`${LINES} lines, ${found} matching, ${calls} FilterLogEvents calls; median of 3 runs`);
    console.log(`FilterLogEvents: ${fmt(f, 0).padStart(7)} ms  (${fmt(LINES / (f / 1000), 0)} lines/s)`);
    console.log(`grep -c:         ${fmt(median(grepMs), 0).padStart(7)} ms  ratio ${fmt(f / median(grepMs), 1)}×`);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
