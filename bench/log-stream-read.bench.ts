/**
 * GetLogEvents of one stream among many, with and without the per-stream index
 * `log_events_stream_ts (stream_id, ts, id)` (PostgreSQL has it; SQLite does not), on SQLite and
 * PostgreSQL in one run: the same rows, the index made and dropped between alternating rounds.
 * Each round times the read a GetLogEvents call makes (one stream, newest first, 10 000 events:
 * the API's page) in two groups — 20 streams written at the same time (concurrent instances) and
 * 20 streams one after another (instances replaced over time) — and the append of 50 000 lines
 * (what the index costs on ingest).
 * Run: npm run build && node dist/bench/log-stream-read.bench.js
 * Knobs: BENCH_LINES=400000 (rows per group) BENCH_ROUNDS=4 BENCH_STORES=sqlite,postgres BENCH_VERBOSE=1 (every round)
 */
import Database from "better-sqlite3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LogEventInput } from "../src/ports/log-store.js";
import { fill, openBenchStores, type BenchStore } from "./log-stores.js";
import { fmt, median } from "./stats.js";

const LINES = Number(process.env["BENCH_LINES"] ?? 400_000);
const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 4);
const STREAMS = 20;
const APPEND = 50_000;
const READS = 5;
const T0 = Date.UTC(2026, 0, 1);
const GROUP = "/aws/lambda/f";
const ROTATED = "/aws/lambda/rotated";
const INDEX = "CREATE INDEX IF NOT EXISTS log_events_stream_ts ON log_events (stream_id, ts, id)";

const streamOf = (n: number): string => `2026/01/01/[$LATEST]${(n % STREAMS).toString(16).padStart(32, "0")}`;

function eventAt(n: number): LogEventInput {
  const message = `2026-01-01T00:00:00.000Z\t0b8e6f1a-1111-2222-3333-${String(n).padStart(12, "0")}\tINFO\torder processed`;
  return { groupName: GROUP, streamName: streamOf(Math.floor(n / 5)), timestamp: T0 + n, message };
}

/** The same lines in streams that follow each other in time. */
function rotatedAt(n: number): LogEventInput {
  return { ...eventAt(n), groupName: ROTATED, streamName: streamOf(Math.floor((n * STREAMS) / LINES)) };
}

/** Runs DDL on the store's database: a second connection for SQLite's file, the pool for PostgreSQL. */
function ddlOf(s: BenchStore, dir: string): (sql: string) => Promise<void> {
  if (s.db) {
    const db = s.db;
    return async (sql) => void (await db.run(sql));
  }
  return (sql) => {
    const db = new Database(join(dir, "haneul.db"));
    db.exec(sql);
    db.close();
    return Promise.resolve();
  };
}

/** The median ms of READS GetLogEvents-shaped reads of one stream. */
async function readMs(s: BenchStore, groupName: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < READS; i++) {
    const started = performance.now();
    const page = await s.store.readEvents({
      groupName,
      streamNames: [streamOf(7)],
      descending: true,
      limit: 10_000,
    });
    times.push(performance.now() - started);
    if (page.length !== 10_000) throw new Error(`read ${page.length} events`);
  }
  return median(times);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "haneul-stream-read-"));
  const stores = await openBenchStores(dir);
  try {
    for (const s of stores) {
      const fillS = (await fill(s.store, LINES, eventAt)) + (await fill(s.store, LINES, rotatedAt));
      console.log(
        `${s.name}: ${LINES} lines in each of two groups of ${STREAMS} streams, filled in ${fmt(fillS, 1)} s`,
      );
      const ddl = ddlOf(s, dir);
      const rows: { indexed: boolean; read: number; rotated: number; append: number }[] = [];
      let next = LINES;
      for (let round = 0; round < ROUNDS * 2; round++) {
        const indexed = round % 2 === 0;
        await ddl(indexed ? INDEX : "DROP INDEX IF EXISTS log_events_stream_ts");
        if (s.db) await s.db.run("ANALYZE log_events");
        const read = await readMs(s, GROUP);
        const rotated = await readMs(s, ROTATED);
        const append = await fill(s.store, APPEND, (n) => eventAt(next + n));
        next += APPEND;
        rows.push({ indexed, read, rotated, append: APPEND / append });
        if (process.env["BENCH_VERBOSE"]) console.log({ indexed, read, rotated, append: APPEND / append });
        if (indexed) await ddl("DROP INDEX log_events_stream_ts");
      }
      const med = (indexed: boolean, f: (r: (typeof rows)[number]) => number): number =>
        median(rows.filter((r) => r.indexed === indexed).map(f));
      const [readOn, readOff] = [med(true, (r) => r.read), med(false, (r) => r.read)];
      const [rotOn, rotOff] = [med(true, (r) => r.rotated), med(false, (r) => r.rotated)];
      const [appendOn, appendOff] = [med(true, (r) => r.append), med(false, (r) => r.append)];
      console.log("| store | index | read p50, concurrent streams | read p50, streams in turn | append lines/s |");
      console.log("| --- | --- | --- | --- | --- |");
      console.log(`| ${s.name} | none | ${fmt(readOff)} ms | ${fmt(rotOff)} ms | ${fmt(appendOff, 0)} |`);
      console.log(`| ${s.name} | (stream_id, ts, id) | ${fmt(readOn)} ms | ${fmt(rotOn)} ms | ${fmt(appendOn, 0)} |`);
      console.log(`read with/without ${fmt(readOn / readOff, 3)}; append with/without ${fmt(appendOn / appendOff, 3)}`);
    }
  } finally {
    for (const s of stores) await s.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
