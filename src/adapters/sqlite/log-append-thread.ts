/**
 * The append thread of a SQLite log store: its own connection to the store's WAL file, appending
 * the batches the store posts, in order, and answering each with its sequence number (and the
 * error's message when the batch was not stored). Reads stay on the store's connection.
 */
import { parentPort, workerData } from "node:worker_threads";
import BetterSqlite3 from "better-sqlite3";
import { immediateTransactions } from "./database.js";
import { LogAppender, type EventColumns } from "./log-append.js";

/** What the store posts to the thread. */
export type AppendRequest =
  | { readonly seq: number; readonly batch: EventColumns; readonly ingestionTime: number; readonly create: boolean }
  | { readonly seq: number; readonly forget: true }
  | { readonly seq: number; readonly close: true }
  /** Ends the thread as a crash would, before it reads anything posted after (tests). */
  | { readonly seq: number; readonly exit: true };

/** What the thread answers: the request's sequence number, and an error message when it failed. */
export interface AppendReply {
  readonly seq: number;
  readonly error?: string;
}

const port = parentPort;
if (!port) throw new Error("log-append-thread runs as a worker thread");
// Immediate transactions, as every store's connection has them: the thread's appends read ids and
// then write, while the stores commit on their own connections.
const db = immediateTransactions(new BetterSqlite3((workerData as { path: string }).path));
db.pragma("foreign_keys = ON");
db.pragma("busy_timeout = 5000");
db.pragma("synchronous = NORMAL");
const appender = new LogAppender(db);

port.on("message", (m: AppendRequest) => {
  let reply: AppendReply;
  try {
    if ("exit" in m) process.exit(1);
    if ("close" in m) {
      db.close();
      port.close();
      return;
    }
    if ("forget" in m) appender.forget();
    else appender.append(m.batch, m.ingestionTime, m.create);
    reply = { seq: m.seq };
  } catch (e) {
    reply = { seq: m.seq, error: e instanceof Error ? e.message : String(e) };
  }
  port.postMessage(reply);
});
