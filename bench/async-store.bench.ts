/**
 * The SQLite store's side of an Event invocation, without HTTP: enqueues arriving 50 at a time
 * (as from 50 connections, one group commit each turn), claims of 16, and completions of the
 * claimed events together, into a store on a temporary file (WAL, `synchronous = NORMAL`, as a
 * node runs it). Prints the CPU time of this process per event for each step, median of 5 rounds
 * of 10 000 events; the figure to compare between two builds of the same machine and load.
 * Run: npm run build && node dist/bench/async-store.bench.js   (BENCH_EVENTS, default 10000)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteStore } from "../src/adapters/sqlite/sqlite-store.js";
import { fmt } from "./stats.js";

const EVENTS = Number(process.env["BENCH_EVENTS"] ?? 10_000);
const ROUNDS = 5;
const GROUP = 50;
const SLOTS = 16;
const PAYLOAD = Buffer.from('{"order":12345,"items":["a","b"]}');

function cpuUs(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return d.user + d.system;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function round(store: SqliteStore, r: number): Promise<{ enqueue: number; run: number }> {
  const t0 = process.cpuUsage();
  for (let i = 0; i < EVENTS; i += GROUP) {
    const writes: Promise<void>[] = [];
    for (let j = i; j < Math.min(EVENTS, i + GROUP); j++) {
      writes.push(
        store.enqueueEvent({
          id: `e-${r}-${j}`,
          functionName: "noop",
          payload: PAYLOAD,
          requestId: `r-${r}-${j}`,
          enqueuedAt: 1000 + j,
          nextRunAt: 1000 + j,
        }),
      );
    }
    await Promise.all(writes);
  }
  const enqueue = cpuUs(t0) / EVENTS;
  const t1 = process.cpuUsage();
  let done = 0;
  for (;;) {
    const claimed = await store.claimEvents({ now: 1_000_000, limit: SLOTS, leaseMs: 60_000, owner: "bench" });
    if (claimed.length === 0) break;
    await Promise.all(claimed.map((e) => store.completeEvent(e.id, "bench", 1_000_001)));
    done += claimed.length;
  }
  if (done !== EVENTS) throw new Error(`ran ${done} events of ${EVENTS}`);
  return { enqueue, run: cpuUs(t1) / EVENTS };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "async-store-bench-"));
  const store = SqliteStore.open({ path: join(dir, "db.sqlite") });
  try {
    const enqueue: number[] = [];
    const run: number[] = [];
    await round(store, -1); // warm-up
    for (let r = 0; r < ROUNDS; r++) {
      const x = await round(store, r);
      enqueue.push(x.enqueue);
      run.push(x.run);
    }
    console.log(
      `SQLite async store, ${EVENTS} events × ${ROUNDS}: enqueue ${fmt(median(enqueue), 1)} µs/event ` +
        `(groups of ${GROUP}); claim (${SLOTS} at a time) and complete ${fmt(median(run), 1)} µs/event`,
    );
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
