import { migrationsDirOf, type Migration } from "../migration-files.js";
import type pg from "pg";

export { readMigrations, type Migration } from "../migration-files.js";

/** The advisory lock every node takes while it migrates: two nodes starting together migrate once. */
export const MIGRATION_LOCK = 0x68616e65; // "hane"

/** Finds `migrations/postgres` above this module. */
export function defaultMigrationsDir(): string {
  return migrationsDirOf("postgres");
}

/**
 * Applies, in order and each in its own transaction, the migrations not yet recorded, holding the
 * migration advisory lock on `client` throughout. Resolves to the versions applied by this call.
 */
export async function migrate(client: pg.ClientBase, migrations: readonly Migration[], now: number): Promise<number[]> {
  await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
  try {
    await client.query(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
    );
    const { rows } = await client.query<{ version: number }>("SELECT version FROM schema_migrations");
    const applied = new Set(rows.map((r) => r.version));
    const done: number[] = [];
    for (const m of migrations) {
      if (applied.has(m.version)) continue;
      await client.query("BEGIN");
      try {
        await client.query(m.sql);
        await client.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)", [
          m.version,
          m.name,
          now,
        ]);
        await client.query("COMMIT");
      } catch (e) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw new Error(`haneul: migration ${m.name} failed: ${(e as Error).message}`, { cause: e });
      }
      done.push(m.version);
    }
    return done;
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]).catch(() => undefined);
  }
}
