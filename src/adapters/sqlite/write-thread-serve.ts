/**
 * The body of a SQLite store's write thread: its own connection to the store's WAL file (immediate
 * transactions, as every store connection has them), running the work the store posts, in order,
 * and answering each with its sequence number and result (or the error's message). Reads stay on
 * the store's connection.
 */
import { parentPort, workerData } from "node:worker_threads";
import BetterSqlite3 from "better-sqlite3";
import type { Database } from "better-sqlite3";
import { immediateTransactions } from "./database.js";
import type { WriteReply, WriteRequest } from "./write-thread.js";

/** Serves the posted work with `start(db)`'s runner until the store closes the thread. */
export function serveWrites<W>(start: (db: Database) => (work: W) => number): void {
  const port = parentPort;
  if (!port) throw new Error("a store's write thread runs as a worker thread");
  const db = immediateTransactions(new BetterSqlite3((workerData as { path: string }).path));
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  db.pragma("synchronous = NORMAL");
  const run = start(db);
  port.on("message", (m: WriteRequest<W>) => {
    let reply: WriteReply;
    try {
      if ("exit" in m) process.exit(1);
      if ("close" in m) {
        db.close();
        port.close();
        return;
      }
      reply = { seq: m.seq, result: run(m.work) };
    } catch (e) {
      reply = { seq: m.seq, error: e instanceof Error ? e.message : String(e) };
    }
    port.postMessage(reply);
  });
}
