import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import type { Database } from "better-sqlite3";
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
  return db;
}

/** Closes `db` unless it is closed already. */
export function closeDatabase(db: Database): void {
  if (db.open) db.close();
}

/** Runs synchronous statements as the stores' promise APIs expect (throws become rejections). */
export function settle<T>(run: () => T): Promise<T> {
  return new Promise<T>((resolve) => resolve(run()));
}
