/**
 * The log stores a logs benchmark runs on, in one run: SQLite on a file, and PostgreSQL in a
 * temporary cluster (initdb + postgres, as the tests' helper starts it), each filled with the same lines.
 */
import { join } from "node:path";
import { PgDatabase } from "../src/adapters/postgres/database.js";
import { PgLogStore } from "../src/adapters/postgres/pg-log-store.js";
import { SqliteLogStore } from "../src/adapters/sqlite/log-store.js";
import type { LogEventInput, LogStore } from "../src/ports/log-store.js";
import { startPgServer } from "../test/helpers/pg-server.js";

/** One store under benchmark; `db` is PostgreSQL's pool (for EXPLAIN). */
export interface BenchStore {
  readonly name: "SQLite" | "PostgreSQL";
  readonly store: LogStore;
  readonly db?: PgDatabase | undefined;
  close(): Promise<void>;
}

/** Opens the stores BENCH_STORES names (default `sqlite,postgres`), SQLite's file in `dir`. */
export async function openBenchStores(dir: string): Promise<BenchStore[]> {
  const wanted = (process.env["BENCH_STORES"] ?? "sqlite,postgres").split(",");
  const stores: BenchStore[] = [];
  if (wanted.includes("sqlite")) {
    const store = SqliteLogStore.open({ path: join(dir, "haneul.db") });
    stores.push({ name: "SQLite", store, close: () => store.close() });
  }
  if (wanted.includes("postgres")) {
    const server = await startPgServer();
    const db = await PgDatabase.open({ url: server.url(), poolSize: 4 });
    const store = new PgLogStore(db);
    const close = async (): Promise<void> => {
      await store.close();
      await server.destroy();
    };
    stores.push({ name: "PostgreSQL", store, db, close });
  }
  return stores;
}

/** Appends `lines` lines (`lineOf(n)`) in batches of 5 000; `eventOf` places each; returns seconds taken. */
export async function fill(store: LogStore, lines: number, eventOf: (n: number) => LogEventInput): Promise<number> {
  const started = performance.now();
  for (let from = 0; from < lines; from += 5000) {
    const batch: LogEventInput[] = [];
    for (let n = from; n < Math.min(lines, from + 5000); n++) batch.push(eventOf(n));
    await store.append(batch, Date.UTC(2026, 0, 1), { create: true });
  }
  return (performance.now() - started) / 1000;
}

/** PostgreSQL's plan of `sql` (EXPLAIN ANALYZE), one line per plan node. */
export async function explain(db: PgDatabase, sql: string, params: unknown[]): Promise<string> {
  const rows = await db.rows<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, COSTS OFF) ${sql}`, params);
  return rows.map((r) => `    ${r["QUERY PLAN"]}`).join("\n");
}
