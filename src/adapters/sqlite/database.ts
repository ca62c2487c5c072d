import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import type { Database, Transaction } from "better-sqlite3";
import { defaultMigrationsDir, migrate, readMigrations } from "./migrate.js";

/** Where a SQLite store keeps its data, and how its schema is brought up to date. */
export interface SqliteDatabaseOptions {
  /** A database file (created with its directory) or `:memory:`. */
  readonly path: string;
  /** Where the numbered migration files are; defaults to the repository's `migrations/sqlite`. */
  readonly migrationsDir?: string | undefined;
  /** Time recorded for applied migrations. */
  readonly now?: number | undefined;
}

/**
 * Opens one connection to a SQLite file (WAL) or in memory and applies the pending migrations.
 * Migrations are recorded once per file, so several stores may open the same file.
 */
export function openDatabase(options: SqliteDatabaseOptions): Database {
  if (options.path !== ":memory:") mkdirSync(dirname(options.path), { recursive: true });
  const db = new BetterSqlite3(options.path);
  db.pragma("journal_mode = WAL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  db.pragma("synchronous = NORMAL");
  migrate(db, readMigrations(options.migrationsDir ?? defaultMigrationsDir()), options.now ?? Date.now());
  return immediateTransactions(db);
}

/**
 * Makes `db.transaction(fn)` begin with `BEGIN IMMEDIATE` when called (its `.deferred` variant
 * stays for whoever wants it). Several connections write to one file (each store has its own, and
 * the log store's append thread has one more): a deferred transaction that reads and then writes
 * gets SQLITE_BUSY at once, without waiting, when another connection committed in between (its
 * read snapshot is stale); an immediate one takes the write lock first, waiting up to the busy
 * timeout, and then reads fresh. Nested calls stay savepoints.
 */
export function immediateTransactions(db: Database): Database {
  const make = db.transaction.bind(db);
  const transaction = <F extends (...args: never[]) => unknown>(fn: F): Transaction<F> => {
    // The variants better-sqlite3 makes are plain functions (they pass `this` on to `fn`).
    const { immediate, deferred, exclusive } = make(fn) as unknown as Variants;
    const run = (...args: unknown[]): unknown => immediate(...args);
    return Object.assign(run, { default: immediate, deferred, immediate, exclusive }) as unknown as Transaction<F>;
  };
  db.transaction = transaction as Database["transaction"];
  return db;
}

interface Variants {
  readonly immediate: (this: void, ...args: unknown[]) => unknown;
  readonly deferred: (this: void, ...args: unknown[]) => unknown;
  readonly exclusive: (this: void, ...args: unknown[]) => unknown;
}

/** Closes `db` unless it is closed already. */
export function closeDatabase(db: Database): void {
  if (db.open) db.close();
}

/** Runs synchronous statements as the stores' promise APIs expect (throws become rejections). */
export function settle<T>(run: () => T): Promise<T> {
  return new Promise<T>((resolve) => resolve(run()));
}
