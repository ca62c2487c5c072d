import type { Database } from "better-sqlite3";
import { stmt } from "../statements.js";

/** INSERT a policy statement; false when its statement id is taken for that qualifier. */
export function insertStatement(
  db: Database,
  functionName: string,
  qualifier: string,
  sid: string,
  statement: string,
): boolean {
  const sql = `INSERT INTO function_policy_statements (function_name, qualifier, sid, statement) VALUES (?, ?, ?, ?)
    ON CONFLICT (function_name, qualifier, sid) DO NOTHING`;
  return stmt(db, sql).run(functionName, qualifier, sid, statement).changes === 1;
}

/** SELECT the statements of one qualifier, in the order they were added. */
export function selectStatements(
  db: Database,
  functionName: string,
  qualifier: string,
): { sid: string; statement: string }[] {
  const sql =
    "SELECT sid, statement FROM function_policy_statements WHERE function_name = ? AND qualifier = ? ORDER BY seq";
  return stmt(db, sql).all(functionName, qualifier) as { sid: string; statement: string }[];
}

/** DELETE one statement. */
export function deleteStatement(db: Database, functionName: string, qualifier: string, sid: string): boolean {
  const sql = "DELETE FROM function_policy_statements WHERE function_name = ? AND qualifier = ? AND sid = ?";
  return stmt(db, sql).run(functionName, qualifier, sid).changes === 1;
}

/** DELETE every statement of one qualifier (its version or alias is gone). */
export function deleteQualifierStatements(db: Database, functionName: string, qualifier: string): void {
  stmt(db, "DELETE FROM function_policy_statements WHERE function_name = ? AND qualifier = ?").run(
    functionName,
    qualifier,
  );
}
