import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type pg from "pg";

const MIGRATION_FILE = /^(\d{4})_[a-z0-9_]+\.sql$/;

/** The advisory lock every node takes while it migrates: two nodes starting together migrate once. */
export const MIGRATION_LOCK = 0x68616e65; // "hane"

/** A numbered migration file. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/**
 * Finds `migrations/postgres` by walking up from this module, so the same code works from `src/`
 * and from `dist/src/`, whose depths differ.
 */
export function defaultMigrationsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, "migrations", "postgres");
    if (existsSync(join(dir, "package.json")) && existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error("haneul: migrations/postgres not found above " + fileURLToPath(import.meta.url));
}

/** Reads the migration files of `dir`, ordered by number. */
export function readMigrations(dir: string): Migration[] {
  return readdirSync(dir)
    .filter((f) => MIGRATION_FILE.test(f))
    .sort()
    .map((name) => ({ version: Number(name.slice(0, 4)), name, sql: readFileSync(join(dir, name), "utf8") }));
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
