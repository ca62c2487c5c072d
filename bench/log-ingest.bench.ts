/**
 * Log ingest: how many log lines per second the log store takes, batched as the platform's writer
 * batches them (one append per flush, events of many instances' streams). SQLite on a file in the
 * OS temporary directory; PostgreSQL too when HANEUL_BENCH_PG_URL names an (empty) database.
 * Reports lines/s for 1 million lines of ~100 bytes (runs of 5 per stream, as invocations come),
 * median of 3 runs, per batch size.
 * Run: npm run build && node dist/bench/log-ingest.bench.js     Target: ≥ 200 000 lines/s batched.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PgDatabase } from "../src/adapters/postgres/database.js";
import { PgLogStore } from "../src/adapters/postgres/pg-log-store.js";
import { SqliteLogStore } from "../src/adapters/sqlite/log-store.js";
import type { LogEventInput, LogStore } from "../src/ports/log-store.js";
import { fmt, median } from "./stats.js";

const LINES = Number(process.env["BENCH_LINES"] ?? 1_000_000);
const STREAMS = 20;
const T0 = Date.UTC(2026, 0, 1);

function batchOf(size: number, from: number): LogEventInput[] {
  const out: LogEventInput[] = [];
  for (let i = 0; i < size; i++) {
    const n = from + i;
    // As the writer hands them: an invocation's ~5 lines together, invocations of many instances interleaved.
    const call = Math.floor(n / 5);
    out.push({
      groupName: `/aws/lambda/fn-${call % 4}`,
      streamName: `2026/01/01/[$LATEST]${(call % STREAMS).toString(16).padStart(32, "0")}`,
      timestamp: T0 + n,
      message: `2026-01-01T00:00:00.000Z\t0b8e6f1a-1111-2222-3333-${String(n).padStart(12, "0")}\tINFO\torder processed`,
    });
  }
  return out;
}

async function run(open: () => Promise<LogStore>, batch: number): Promise<number> {
  const store = await open();
  // Unbatched appends are slow: a twentieth of the lines tells their rate.
  const lines = batch === 1 ? LINES / 20 : LINES;
  try {
    const batches = Array.from({ length: Math.ceil(lines / batch) }, (_, i) => batchOf(batch, i * batch));
    const started = performance.now();
    for (const b of batches) await store.append(b, T0, { create: true });
    return lines / ((performance.now() - started) / 1000);
  } finally {
    await store.close();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "haneul-log-bench-"));
  let n = 0;
  const targets: [string, () => Promise<LogStore>][] = [
    ["SQLite", () => Promise.resolve(SqliteLogStore.open({ path: join(dir, `b${n++}.db`) }))],
  ];
  const pgUrl = process.env["HANEUL_BENCH_PG_URL"];
  if (pgUrl) {
    const db = await PgDatabase.open({ url: pgUrl, now: Date.now() });
    targets.push([
      "PostgreSQL",
      async () => {
        await db.run("TRUNCATE log_events, log_streams, log_groups");
        return new PgLogStore(db);
      },
    ]);
  }
  console.log(`${LINES} lines of ~100 bytes into ${STREAMS} streams of 4 groups; median of 3 runs`);
  try {
    for (const [name, open] of targets) {
      for (const batch of [1, 1000, 5000]) {
        if (batch === 1 && name === "PostgreSQL") continue;
        const rates: number[] = [];
        for (let i = 0; i < 3; i++) rates.push(await run(open, batch));
        console.log(
          `${name.padEnd(11)} batch ${String(batch).padStart(5)}: ${fmt(median(rates), 0).padStart(9)} lines/s`,
        );
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
