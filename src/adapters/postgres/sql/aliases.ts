import type { Row } from "../../sqlite/rows.js";
import type { PgDatabase, Queryable } from "../database.js";

const values = (p: Row): unknown[] => [
  p.function_name,
  p.name,
  p.function_version,
  p.description,
  p.additional_version,
  p.additional_weight,
  p.revision_id,
];

/** INSERT an alias; false when the name is taken. */
export async function insertAlias(db: PgDatabase, on: Queryable, p: Row): Promise<boolean> {
  const sql = `INSERT INTO aliases (function_name, name, function_version, description, additional_version, additional_weight, revision_id)
    VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (function_name, name) DO NOTHING`;
  return (await db.run(sql, values(p), on)) === 1;
}

/** SELECT one alias row. */
export async function selectAlias(
  db: PgDatabase,
  functionName: string,
  name: string,
  on?: Queryable,
): Promise<Row | undefined> {
  return (await db.rows("SELECT * FROM aliases WHERE function_name = $1 AND name = $2", [functionName, name], on))[0];
}

/** SELECT a function's alias rows by name. */
export function selectAliases(db: PgDatabase, functionName: string): Promise<Row[]> {
  return db.rows("SELECT * FROM aliases WHERE function_name = $1 ORDER BY name", [functionName]);
}

/** UPDATE an alias if its revision is still the expected one. */
export async function updateAlias(db: PgDatabase, on: Queryable, p: Row, expectedRevisionId: string): Promise<boolean> {
  const sql = `UPDATE aliases SET function_version = $3, description = $4, additional_version = $5,
    additional_weight = $6, revision_id = $7 WHERE function_name = $1 AND name = $2 AND revision_id = $8`;
  return (await db.run(sql, [...values(p), expectedRevisionId], on)) === 1;
}

/** DELETE one alias. */
export async function deleteAlias(db: PgDatabase, on: Queryable, functionName: string, name: string): Promise<boolean> {
  return (await db.run("DELETE FROM aliases WHERE function_name = $1 AND name = $2", [functionName, name], on)) === 1;
}

/** UPDATE only an alias's RevisionId. */
export async function updateAliasRevision(
  db: PgDatabase,
  on: Queryable,
  key: { functionName: string; name: string; revisionId: string },
): Promise<void> {
  const sql = "UPDATE aliases SET revision_id = $3 WHERE function_name = $1 AND name = $2";
  await db.run(sql, [key.functionName, key.name, key.revisionId], on);
}
