/**
 * The write thread of a SQLite metric store: its own connection to the store's WAL file, running
 * the writes the store posts (a flush's points, the retention deletes), in order, and answering
 * each with its sequence number and result (or the error's message). Reads stay on the store's
 * connection.
 */
import { parentPort, workerData } from "node:worker_threads";
import BetterSqlite3 from "better-sqlite3";
import { applyMetricWrite, type MetricWrite } from "./metric-write.js";
import { immediateTransactions } from "./database.js";

/** What the store posts to the thread. */
export type MetricWriteRequest =
  | { readonly seq: number; readonly write: MetricWrite }
  | { readonly seq: number; readonly close: true }
  /** Ends the thread as a crash would, before it reads anything posted after (tests). */
  | { readonly seq: number; readonly exit: true };

/** What the thread answers. */
export interface MetricWriteReply {
  readonly seq: number;
  readonly result?: number;
  readonly error?: string;
}

const port = parentPort;
if (!port) throw new Error("metric-write-thread runs as a worker thread");
// Immediate transactions, as every store connection has them (database.ts).
const db = immediateTransactions(new BetterSqlite3((workerData as { path: string }).path));
db.pragma("foreign_keys = ON");
db.pragma("busy_timeout = 5000");
db.pragma("synchronous = NORMAL");

port.on("message", (m: MetricWriteRequest) => {
  let reply: MetricWriteReply;
  try {
    if ("exit" in m) process.exit(1);
    if ("close" in m) {
      db.close();
      port.close();
      return;
    }
    reply = { seq: m.seq, result: applyMetricWrite(db, m.write) };
  } catch (e) {
    reply = { seq: m.seq, error: e instanceof Error ? e.message : String(e) };
  }
  port.postMessage(reply);
});
