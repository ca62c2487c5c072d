/**
 * The log writer's cost on the thread that serves the calls (not a test): CPU time of this thread
 * per invocation record handed to a SQLite log store on a file with its append thread, as a node
 * opens it, flushed every 1 000 records. Two ways in the same run, alternating:
 *   before: each record formatted here into its events (`invocationEvents`, as the writer did
 *           before it held raw records), then `store.append` (columns posted to the thread);
 *   writer: `LogWriter.write` (raw records in flat arrays, `appendBatch`: formatted on the thread).
 * No HTTP, no instances: the figure is the log path alone, steady on a loaded machine (this
 * thread's CPU from /proc; the append thread is not in it). Medians of BENCH_ROUNDS rounds.
 * Run: npm run build && node dist/bench/log-writer.bench.js   Knobs: BENCH_ROUNDS=5 BENCH_RECORDS=200000
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteLogStore } from "../src/adapters/sqlite/log-store.js";
import type { InvocationRecord } from "../src/domain/invocation.js";
import type { LogEventInput } from "../src/ports/log-store.js";
import { ManualClock } from "../src/shared/clock.js";
import { invocationEvents, LogWriter } from "../src/telemetry/index.js";
import { fmt, median } from "./stats.js";

const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 5);
const RECORDS = Number(process.env["BENCH_RECORDS"] ?? 200_000);
const T0 = Date.UTC(2026, 11, 7);

/** CPU time (ms) of this process's main thread, from /proc (clock ticks of 10 ms). */
function threadCpuMs(): number {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** A warm call of the no-op function on one of 4 instances: what the gateway bench's records look like. */
function record(i: number): InvocationRecord {
  return {
    requestId: `${i.toString(16).padStart(8, "0")}-2222-3333-4444-555555555555`,
    functionName: "noop",
    functionArn: "arn:aws:lambda:us-east-1:000000000000:function:noop",
    executedVersion: "$LATEST",
    outcome: "ok",
    startedAt: T0 + i,
    durationMs: 1.234 + (i % 7),
    billedDurationMs: 2 + (i % 7),
    memorySizeMb: 128,
    maxMemoryUsedMb: 50,
    timeoutSec: 3,
    instanceId: `instance${i % 4}`,
    logStreamName: `2026/12/07/[$LATEST]${"0123456789abcdef".repeat(2)}${i % 4}`,
    initLines: [],
    lines: [],
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "haneul-log-writer-bench-"));
  const store = SqliteLogStore.open({
    path: join(dir, "logs.db"),
    appendThread: { onCrash: (e) => console.error("append thread", e) },
  });
  const clock = new ManualClock(T0);
  const writer = new LogWriter({ store, clock, onError: (m, e) => console.error(m, e) });
  const ways = {
    before: async (): Promise<void> => {
      let events: LogEventInput[] = [];
      for (let i = 0; i < RECORDS; i++) {
        invocationEvents(record(i), "/aws/lambda/noop", events);
        if (i % 1000 === 999) {
          await store.append(events, clock.now(), { create: true });
          events = [];
        }
      }
      await store.append(events, clock.now(), { create: true });
    },
    writer: async (): Promise<void> => {
      for (let i = 0; i < RECORDS; i++) {
        writer.write(record(i));
        if (i % 1000 === 999) await writer.flush();
      }
      await writer.flush();
    },
  };
  const us: Record<keyof typeof ways, number[]> = { before: [], writer: [] };
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const way of Object.keys(ways) as (keyof typeof ways)[]) {
        const before = threadCpuMs();
        await ways[way]();
        us[way].push(((threadCpuMs() - before) * 1000) / RECORDS);
      }
    }
    console.log(`${ROUNDS} rounds × ${RECORDS} records each way, flushed every 1 000`);
    for (const way of Object.keys(us) as (keyof typeof ways)[]) {
      console.log(
        `${way}: ${us[way].map((v) => fmt(v, 2)).join(", ")} µs/record of this thread's CPU (median ${fmt(median(us[way]), 2)})`,
      );
    }
    console.log(`writer/before: ${fmt(median(us.writer) / median(us.before), 3)}`);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
