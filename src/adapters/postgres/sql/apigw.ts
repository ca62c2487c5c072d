import type { Row } from "../../sqlite/rows.js";
import type { ApiChildTable } from "../../sqlite/sql/apigw.js";
import type { PgDatabase, Queryable } from "../database.js";

/** The child tables: the same as SQLite's (migrations/postgres/0002_api_gateway.sql mirrors its schema). */
export { CHILD_TABLES, type ApiChildTable } from "../../sqlite/sql/apigw.js";

const writable = (t: ApiChildTable): string[] => ["api_id", ...t.keys, ...t.columns, "body"];
const placeholders = (n: number, from = 1): string => Array.from({ length: n }, (_, i) => `$${i + from}`).join(", ");
const whereKeys = (t: ApiChildTable): string => ["api_id", ...t.keys].map((k, i) => `${k} = $${i + 1}`).join(" AND ");
const valuesOf = (t: ApiChildTable, p: Row): unknown[] => writable(t).map((c) => p[c] ?? null);

/** INSERT an API row; false when the id is taken. */
export async function insertApi(db: PgDatabase, on: Queryable, p: Row): Promise<boolean> {
  const sql = `INSERT INTO apigw_apis (api_id, protocol, created_at, body) VALUES ($1, $2, $3, $4) ON CONFLICT (api_id) DO NOTHING`;
  return (await db.run(sql, [p.api_id, p.protocol, p.created_at, p.body], on)) === 1;
}

/** SELECT one API row. */
export async function selectApi(db: PgDatabase, apiId: string, on?: Queryable): Promise<Row | undefined> {
  return (await db.rows("SELECT body FROM apigw_apis WHERE api_id = $1", [apiId], on))[0];
}

/** SELECT API rows, of one protocol or all, oldest first. */
export function selectApis(db: PgDatabase, protocol: string | null): Promise<Row[]> {
  const sql = "SELECT body FROM apigw_apis WHERE $1::text IS NULL OR protocol = $1 ORDER BY created_at, api_id";
  return db.rows(sql, [protocol]);
}

/** UPDATE an API's own fields. */
export async function updateApi(db: PgDatabase, apiId: string, body: string): Promise<boolean> {
  return (await db.run("UPDATE apigw_apis SET body = $2 WHERE api_id = $1", [apiId, body])) === 1;
}

/** DELETE an API (everything it holds goes by ON DELETE CASCADE). */
export async function deleteApi(db: PgDatabase, apiId: string): Promise<boolean> {
  return (await db.run("DELETE FROM apigw_apis WHERE api_id = $1", [apiId])) === 1;
}

/** INSERT a child row; false when a key or unique column is taken (a missing parent throws). */
export async function insertChild(db: PgDatabase, t: ApiChildTable, p: Row, on?: Queryable): Promise<boolean> {
  const cols = writable(t);
  const sql = `INSERT INTO ${t.name} (${cols.join(", ")}) VALUES (${placeholders(cols.length)}) ON CONFLICT DO NOTHING`;
  return (await db.run(sql, valuesOf(t, p), on)) === 1;
}

/** INSERT or replace a child row by its key. */
export async function upsertChild(db: PgDatabase, t: ApiChildTable, p: Row): Promise<void> {
  const cols = writable(t);
  const updates = [...t.columns, "body"].map((c) => `${c} = excluded.${c}`).join(", ");
  const sql = `INSERT INTO ${t.name} (${cols.join(", ")}) VALUES (${placeholders(cols.length)})
    ON CONFLICT (${["api_id", ...t.keys].join(", ")}) DO UPDATE SET ${updates}`;
  await db.run(sql, valuesOf(t, p));
}

/** UPDATE a child row by its key; false when it does not exist (a taken unique column throws). */
export async function updateChild(db: PgDatabase, t: ApiChildTable, p: Row, on?: Queryable): Promise<boolean> {
  const keys = ["api_id", ...t.keys];
  const sets = [...t.columns, "body"];
  const sql = `UPDATE ${t.name} SET ${sets.map((c, i) => `${c} = $${i + keys.length + 1}`).join(", ")}
    WHERE ${keys.map((k, i) => `${k} = $${i + 1}`).join(" AND ")}`;
  return (
    (await db.run(
      sql,
      [...keys, ...sets].map((c) => p[c] ?? null),
      on,
    )) === 1
  );
}

/** SELECT one child row by its key. */
export async function selectChild(db: PgDatabase, t: ApiChildTable, key: readonly string[]): Promise<Row | undefined> {
  return (await db.rows(`SELECT body FROM ${t.name} WHERE ${whereKeys(t)}`, key))[0];
}

/** SELECT an API's child rows in the table's order. */
export function selectChildren(db: PgDatabase, t: ApiChildTable, apiId: string, on?: Queryable): Promise<Row[]> {
  return db.rows(`SELECT body FROM ${t.name} WHERE api_id = $1 ORDER BY ${t.order}`, [apiId], on);
}

/** DELETE one child row by its key. */
export async function deleteChild(db: PgDatabase, t: ApiChildTable, key: readonly string[]): Promise<boolean> {
  return (await db.run(`DELETE FROM ${t.name} WHERE ${whereKeys(t)}`, key)) === 1;
}
