import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const MIGRATION_FILE = /^(\d{4})_[a-z0-9_]+\.sql$/;

/** A numbered migration file. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/**
 * Finds `migrations/<engine>` by walking up from this module, so the same code works from `src/`
 * and from `dist/src/`, whose depths differ.
 */
export function migrationsDirOf(engine: "sqlite" | "postgres"): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, "migrations", engine);
    if (existsSync(join(dir, "package.json")) && existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error(`haneul: migrations/${engine} not found above ${fileURLToPath(import.meta.url)}`);
}

/** Reads the migration files of `dir`, ordered by number. */
export function readMigrations(dir: string): Migration[] {
  return readdirSync(dir)
    .filter((f) => MIGRATION_FILE.test(f))
    .sort()
    .map((name) => ({ version: Number(name.slice(0, 4)), name, sql: readFileSync(join(dir, name), "utf8") }));
}
