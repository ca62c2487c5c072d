import type { Database } from "better-sqlite3";
import { stmt } from "../statements.js";
import type { Row } from "../rows.js";

/** INSERT an alias; false when the name is taken. */
export function insertAlias(db: Database, p: Row): boolean {
  const sql = `INSERT INTO aliases (function_name, name, function_version, description, additional_version, additional_weight, revision_id)
    VALUES (@function_name, @name, @function_version, @description, @additional_version, @additional_weight, @revision_id)
    ON CONFLICT (function_name, name) DO NOTHING`;
  return stmt(db, sql).run(p).changes === 1;
}

/** SELECT one alias row. */
export function selectAlias(db: Database, functionName: string, name: string): Row | undefined {
  return stmt(db, "SELECT * FROM aliases WHERE function_name = ? AND name = ?").get(functionName, name) as
    Row | undefined;
}

/** SELECT a function's alias rows by name. */
export function selectAliases(db: Database, functionName: string): Row[] {
  return stmt(db, "SELECT * FROM aliases WHERE function_name = ? ORDER BY name").all(functionName) as Row[];
}

/** UPDATE an alias if its revision is still the expected one. */
export function updateAlias(db: Database, p: Row, expectedRevisionId: string): boolean {
  const sql = `UPDATE aliases SET function_version = @function_version, description = @description,
    additional_version = @additional_version, additional_weight = @additional_weight, revision_id = @revision_id
    WHERE function_name = @function_name AND name = @name AND revision_id = @expected`;
  return stmt(db, sql).run({ ...p, expected: expectedRevisionId }).changes === 1;
}

/** DELETE one alias. */
export function deleteAlias(db: Database, functionName: string, name: string): boolean {
  return stmt(db, "DELETE FROM aliases WHERE function_name = ? AND name = ?").run(functionName, name).changes === 1;
}

/** UPDATE only an alias's RevisionId. */
export function updateAliasRevision(db: Database, functionName: string, name: string, revisionId: string): void {
  stmt(db, "UPDATE aliases SET revision_id = ? WHERE function_name = ? AND name = ?").run(
    revisionId,
    functionName,
    name,
  );
}
