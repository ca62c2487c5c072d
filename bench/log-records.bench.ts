/**
 * What keeping an invocation as one row of its raw record costs and saves in a SQLite log store on
 * a file (not a test). Two ways in the same run, on the same batches (1 000 warm calls of a
 * function on 4 instances, each printing one line; one in a hundred prints "ERROR"):
 *   events: the batch formatted into its events (START, the line, END, REPORT) and appended as
 *           text, one row each — how a writer's batch was stored before;
 *   records: `LogAppender.appendBatch`, one row per call, its text made when read.
 * Appends: µs of this thread per call (the append thread's work, run here). Reads: a whole scan of
 * the group in pages of 10 000 (`readEvents`, as FilterLogEvents pages), and a scan for "ERROR"
 * (a message term, as FilterLogEvents pushes a filter's words). Medians of BENCH_ROUNDS rounds.
 * Run: npm run build && node dist/bench/log-records.bench.js   Knobs: BENCH_ROUNDS=5 BENCH_CALLS=100000
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../src/adapters/sqlite/database.js";
import { LogAppender } from "../src/adapters/sqlite/log-append.js";
import { SqliteLogStore } from "../src/adapters/sqlite/log-store.js";
import { batchColumns, LogBatchBuilder, type LogBatch } from "../src/domain/log-batch.js";
import type { EventCursor, MessageTerm } from "../src/ports/log-store.js";
import { fmt, median } from "./stats.js";

const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 5);
const CALLS = Number(process.env["BENCH_CALLS"] ?? 100_000);
const T0 = Date.UTC(2026, 11, 7);

function batchOf(from: number): LogBatch {
  const b = new LogBatchBuilder();
  for (let n = from; n < from + 1000; n++) {
    const requestId = randomUUID();
    b.addInvocation(
      {
        requestId,
        functionName: "f",
        functionArn: "arn:aws:lambda:us-east-1:000000000000:function:f",
        executedVersion: "$LATEST",
        outcome: "ok",
        startedAt: T0 + n,
        durationMs: 0.6,
        billedDurationMs: 1,
        memorySizeMb: 128,
        maxMemoryUsedMb: 60,
        logStreamName: `2026/12/07/[$LATEST]${"0123"[n % 4]}`,
        timeoutSec: 3,
        initLines: [],
        lines: [`${new Date(T0 + n).toISOString()}\t${requestId}\tINFO\t${n % 100 === 0 ? "ERROR" : "ok"} ${n}`],
      },
      "/aws/lambda/f",
    );
  }
  return b.take() as LogBatch;
}

/** Appends every batch both ways (alternating), returning µs per call of each. */
function appendBoth(appender: LogAppender, batches: LogBatch[]): { events: number; records: number } {
  let events = 0;
  let records = 0;
  for (const b of batches) {
    let started = performance.now();
    const c = batchColumns(b);
    appender.append({ ...c, pairs: c.pairs.map((p, i) => (i % 2 === 0 ? "/events" : p)) }, T0, true);
    events += performance.now() - started;
    started = performance.now();
    appender.appendBatch({ ...b, pairs: b.pairs.map((p, i) => (i % 2 === 0 ? "/records" : p)) }, T0);
    records += performance.now() - started;
  }
  const calls = batches.length * 1000;
  return { events: (events * 1000) / calls, records: (records * 1000) / calls };
}

/** A whole scan of a group in pages of 10 000: ms, and the events read. */
async function scan(store: SqliteLogStore, groupName: string, terms?: MessageTerm[][]): Promise<[number, number]> {
  const started = performance.now();
  let n = 0;
  for (let after: EventCursor | undefined; ;) {
    const page = await store.readEvents({ groupName, limit: 10_000, after, messageTerms: terms });
    n += page.length;
    if (page.length < 10_000) return [performance.now() - started, n];
    after = page.at(-1);
  }
}

const rows: Record<string, number[]> = {};
const add = (k: string, v: number): number => (rows[k] ??= []).push(v);
for (let round = 0; round < ROUNDS; round++) {
  const dir = mkdtempSync(join(tmpdir(), "haneul-log-records-"));
  const path = join(dir, "haneul.db");
  const db = openDatabase({ path });
  const batches = Array.from({ length: CALLS / 1000 }, (_, i) => batchOf(i * 1000));
  const a = appendBoth(new LogAppender(db), batches);
  add("append events", a.events);
  add("append records", a.records);
  db.close();
  const store = SqliteLogStore.open({ path });
  for (const [name, terms] of [
    ["scan", undefined],
    ["scan for ERROR", [[{ text: "ERROR" }]]],
  ] as const) {
    const [e, en] = await scan(store, "/events", terms as MessageTerm[][] | undefined);
    const [r, rn] = await scan(store, "/records", terms as MessageTerm[][] | undefined);
    if (en !== rn) throw new Error(`${name}: ${en} events as text, ${rn} from records`);
    add(`${name} events`, e);
    add(`${name} records`, r);
  }
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
const m = (k: string): number => median(rows[k] ?? []);
console.log(`rounds: ${ROUNDS} × ${CALLS} calls (4 events each) both ways`);
console.log(`| measure | events as text | records | records/events |`);
console.log(`| --- | ---: | ---: | ---: |`);
const line = (label: string, k: string, unit: string): void =>
  console.log(
    `| ${label} | ${fmt(m(`${k} events`))} ${unit} | ${fmt(m(`${k} records`))} ${unit} | ${fmt(m(`${k} records`) / m(`${k} events`), 3)} |`,
  );
line("append, per call", "append", "µs");
line(`scan of ${CALLS * 4} events`, "scan", "ms");
line(`scan for ERROR (${CALLS / 100} hits)`, "scan for ERROR", "ms");
