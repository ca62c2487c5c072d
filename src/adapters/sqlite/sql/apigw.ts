import type { Database } from "better-sqlite3";
import { stmt } from "../statements.js";
import type { Row } from "../rows.js";

/** A table of things an API holds: keyed by `api_id` plus `keys`, the record as JSON in `body`. */
export interface ApiChildTable {
  readonly name: string;
  readonly keys: readonly string[];
  /** Columns kept beside the body because a constraint or an ORDER BY needs them. */
  readonly columns: readonly string[];
  readonly order: string;
}

/** The child tables of migrations/sqlite/0002_api_gateway.sql (names are constants, never input). */
export const CHILD_TABLES = {
  routes: { name: "apigw_routes", keys: ["route_id"], columns: ["route_key"], order: "route_key" },
  integrations: { name: "apigw_integrations", keys: ["integration_id"], columns: [], order: "integration_id" },
  stages: { name: "apigw_stages", keys: ["stage_name"], columns: [], order: "stage_name" },
  authorizers: { name: "apigw_authorizers", keys: ["authorizer_id"], columns: [], order: "authorizer_id" },
  resources: {
    name: "apigw_resources",
    keys: ["resource_id"],
    columns: ["parent_id", "path_part", "path"],
    order: "path, resource_id",
  },
  methods: {
    name: "apigw_methods",
    keys: ["resource_id", "http_method"],
    columns: [],
    order: "resource_id, http_method",
  },
  deployments: {
    name: "apigw_deployments",
    keys: ["deployment_id"],
    columns: ["created_at"],
    order: "created_at, deployment_id",
  },
} as const satisfies Record<string, ApiChildTable>;

const writable = (t: ApiChildTable): string[] => ["api_id", ...t.keys, ...t.columns, "body"];
const whereKeys = (t: ApiChildTable): string => ["api_id", ...t.keys].map((k) => `${k} = ?`).join(" AND ");

/** INSERT an API row; false when the id is taken. */
export function insertApi(db: Database, p: Row): boolean {
  const sql = `INSERT INTO apigw_apis (api_id, protocol, created_at, body) VALUES (@api_id, @protocol, @created_at, @body)
    ON CONFLICT (api_id) DO NOTHING`;
  return stmt(db, sql).run(p).changes === 1;
}

/** SELECT one API row. */
export function selectApi(db: Database, apiId: string): Row | undefined {
  return stmt(db, "SELECT body FROM apigw_apis WHERE api_id = ?").get(apiId) as Row | undefined;
}

/** SELECT API rows, of one protocol or all, oldest first. */
export function selectApis(db: Database, protocol: string | null): Row[] {
  const sql = "SELECT body FROM apigw_apis WHERE @protocol IS NULL OR protocol = @protocol ORDER BY created_at, api_id";
  return stmt(db, sql).all({ protocol }) as Row[];
}

/** UPDATE an API's own fields. */
export function updateApi(db: Database, apiId: string, body: string): boolean {
  return stmt(db, "UPDATE apigw_apis SET body = ? WHERE api_id = ?").run(body, apiId).changes === 1;
}

/** DELETE an API (everything it holds goes by ON DELETE CASCADE). */
export function deleteApi(db: Database, apiId: string): boolean {
  return stmt(db, "DELETE FROM apigw_apis WHERE api_id = ?").run(apiId).changes === 1;
}

/** INSERT a child row; false when a key or unique column is taken (a missing parent throws). */
export function insertChild(db: Database, t: ApiChildTable, p: Row): boolean {
  const cols = writable(t);
  const sql = `INSERT INTO ${t.name} (${cols.join(", ")}) VALUES (${cols.map((c) => "@" + c).join(", ")}) ON CONFLICT DO NOTHING`;
  return stmt(db, sql).run(p).changes === 1;
}

/** INSERT or replace a child row by its key. */
export function upsertChild(db: Database, t: ApiChildTable, p: Row): void {
  const cols = writable(t);
  const updates = [...t.columns, "body"].map((c) => `${c} = excluded.${c}`).join(", ");
  const sql = `INSERT INTO ${t.name} (${cols.join(", ")}) VALUES (${cols.map((c) => "@" + c).join(", ")})
    ON CONFLICT (${["api_id", ...t.keys].join(", ")}) DO UPDATE SET ${updates}`;
  stmt(db, sql).run(p);
}

/** UPDATE a child row by its key; false when it does not exist (a taken unique column throws). */
export function updateChild(db: Database, t: ApiChildTable, p: Row): boolean {
  const sets = [...t.columns, "body"].map((c) => `${c} = @${c}`).join(", ");
  const where = ["api_id", ...t.keys].map((k) => `${k} = @${k}`).join(" AND ");
  return stmt(db, `UPDATE ${t.name} SET ${sets} WHERE ${where}`).run(p).changes === 1;
}

/** SELECT one child row by its key. */
export function selectChild(db: Database, t: ApiChildTable, key: readonly string[]): Row | undefined {
  return stmt(db, `SELECT body FROM ${t.name} WHERE ${whereKeys(t)}`).get(...key) as Row | undefined;
}

/** SELECT an API's child rows in the table's order. */
export function selectChildren(db: Database, t: ApiChildTable, apiId: string): Row[] {
  return stmt(db, `SELECT body FROM ${t.name} WHERE api_id = ? ORDER BY ${t.order}`).all(apiId) as Row[];
}

/** DELETE one child row by its key. */
export function deleteChild(db: Database, t: ApiChildTable, key: readonly string[]): boolean {
  return stmt(db, `DELETE FROM ${t.name} WHERE ${whereKeys(t)}`).run(...key).changes === 1;
}
