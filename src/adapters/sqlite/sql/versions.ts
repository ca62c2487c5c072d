import type { Database } from "better-sqlite3";
import { stmt } from "../statements.js";
import type { Row } from "../rows.js";

/** INSERT a published version. */
export function insertVersion(db: Database, p: Row): void {
  const sql = `INSERT INTO function_versions (function_name, version, config, revision_id, config_revision, last_modified, created_at)
    VALUES (@function_name, @version, @config, @revision_id, @config_revision, @last_modified, @created_at)`;
  stmt(db, sql).run(p);
}

/** SELECT one version row. */
export function selectVersion(db: Database, functionName: string, version: number): Row | undefined {
  const sql = "SELECT * FROM function_versions WHERE function_name = ? AND version = ?";
  return stmt(db, sql).get(functionName, version) as Row | undefined;
}

/** SELECT a function's version rows, ascending. */
export function selectVersions(db: Database, functionName: string): Row[] {
  return stmt(db, "SELECT * FROM function_versions WHERE function_name = ? ORDER BY version").all(
    functionName,
  ) as Row[];
}

/** DELETE one version. */
export function deleteVersion(db: Database, functionName: string, version: number): boolean {
  const sql = "DELETE FROM function_versions WHERE function_name = ? AND version = ?";
  return stmt(db, sql).run(functionName, version).changes === 1;
}

/** SELECT the names of aliases routing to a version (as primary or extra version). */
export function selectAliasesOfVersion(db: Database, functionName: string, version: string): string[] {
  const sql = `SELECT name FROM aliases WHERE function_name = ? AND (function_version = ? OR additional_version = ?) ORDER BY name`;
  return (stmt(db, sql).all(functionName, version, version) as { name: string }[]).map((r) => r.name);
}
