import type { Row } from "../../sqlite/rows.js";
import type { PgDatabase, Queryable } from "../database.js";

/** INSERT a published version. */
export async function insertVersion(db: PgDatabase, on: Queryable, p: Row): Promise<void> {
  const sql = `INSERT INTO function_versions (function_name, version, config, revision_id, config_revision, last_modified, created_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7)`;
  const values = [p.function_name, p.version, p.config, p.revision_id, p.config_revision, p.last_modified];
  await db.run(sql, [...values, p.created_at], on);
}

/** SELECT one version row. */
export async function selectVersion(
  db: PgDatabase,
  functionName: string,
  version: number,
  on?: Queryable,
): Promise<Row | undefined> {
  const sql = "SELECT * FROM function_versions WHERE function_name = $1 AND version = $2";
  return (await db.rows(sql, [functionName, version], on))[0];
}

/** SELECT a function's version rows, ascending. */
export function selectVersions(db: PgDatabase, functionName: string): Promise<Row[]> {
  return db.rows("SELECT * FROM function_versions WHERE function_name = $1 ORDER BY version", [functionName]);
}

/** DELETE one version. */
export async function deleteVersion(
  db: PgDatabase,
  on: Queryable,
  functionName: string,
  version: number,
): Promise<boolean> {
  const sql = "DELETE FROM function_versions WHERE function_name = $1 AND version = $2";
  return (await db.run(sql, [functionName, version], on)) === 1;
}

/** SELECT the names of aliases routing to a version (as primary or extra version). */
export async function selectAliasesOfVersion(
  db: PgDatabase,
  on: Queryable,
  functionName: string,
  version: string,
): Promise<string[]> {
  const sql = `SELECT name FROM aliases WHERE function_name = $1 AND (function_version = $2 OR additional_version = $2) ORDER BY name`;
  return (await db.rows<{ name: string }>(sql, [functionName, version], on)).map((r) => r.name);
}
