import type { PgDatabase, Queryable } from "../database.js";

/** One statement's key. */
export interface StatementKey {
  readonly functionName: string;
  readonly qualifier: string;
  readonly sid: string;
}

/** INSERT a policy statement; false when its statement id is taken for that qualifier. */
export async function insertStatement(
  db: PgDatabase,
  on: Queryable,
  key: StatementKey,
  statement: string,
): Promise<boolean> {
  const sql = `INSERT INTO function_policy_statements (function_name, qualifier, sid, statement) VALUES ($1, $2, $3, $4)
    ON CONFLICT (function_name, qualifier, sid) DO NOTHING`;
  return (await db.run(sql, [key.functionName, key.qualifier, key.sid, statement], on)) === 1;
}

/** SELECT the statements of one qualifier, in the order they were added. */
export function selectStatements(
  db: PgDatabase,
  functionName: string,
  qualifier: string,
): Promise<{ sid: string; statement: string }[]> {
  const sql =
    "SELECT sid, statement FROM function_policy_statements WHERE function_name = $1 AND qualifier = $2 ORDER BY seq";
  return db.rows<{ sid: string; statement: string }>(sql, [functionName, qualifier]);
}

/** DELETE one statement. */
export async function deleteStatement(db: PgDatabase, on: Queryable, key: StatementKey): Promise<boolean> {
  const sql = "DELETE FROM function_policy_statements WHERE function_name = $1 AND qualifier = $2 AND sid = $3";
  return (await db.run(sql, [key.functionName, key.qualifier, key.sid], on)) === 1;
}

/** DELETE every statement of one qualifier (its version or alias is gone). */
export async function deleteQualifierStatements(
  db: PgDatabase,
  on: Queryable,
  functionName: string,
  qualifier: string,
): Promise<void> {
  const sql = "DELETE FROM function_policy_statements WHERE function_name = $1 AND qualifier = $2";
  await db.run(sql, [functionName, qualifier], on);
}
