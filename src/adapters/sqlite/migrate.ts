import { migrationsDirOf, type Migration } from "../migration-files.js";
import type { Database } from "better-sqlite3";

export { readMigrations, type Migration } from "../migration-files.js";

/** Finds `migrations/sqlite` above this module. */
export function defaultMigrationsDir(): string {
  return migrationsDirOf("sqlite");
}

/** Applies, in order and each in its own transaction, the migrations not yet recorded. */
export function migrate(db: Database, migrations: readonly Migration[], now: number): number[] {
  db.exec(
    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)",
  );
  const applied = new Set(
    (db.prepare("SELECT version FROM schema_migrations").all() as { version: number }[]).map((r) => r.version),
  );
  const record = db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)");
  const done: number[] = [];
  for (const m of migrations) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      record.run(m.version, m.name, now);
    })();
    done.push(m.version);
  }
  return done;
}
