import type { Database } from "better-sqlite3";
import { stmt } from "../statements.js";

/** The entity tables keyed by name, each row a JSON body. */
export type EntityTable = "iam_users" | "iam_roles" | "iam_policies";

/** INSERT a named entity; false when the name (in any case) is taken. */
export function insertEntity(db: Database, table: EntityTable, name: string, body: string): boolean {
  return (
    stmt(db, `INSERT INTO ${table} (name, body) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`).run(name, body)
      .changes === 1
  );
}

/** SELECT every entity body of a table, oldest first. */
export function selectEntities(db: Database, table: EntityTable): string[] {
  return (stmt(db, `SELECT body FROM ${table} ORDER BY seq`).all() as { body: string }[]).map((r) => r.body);
}

/** UPDATE the body of a named entity; false when there is none. */
export function updateEntity(db: Database, table: EntityTable, name: string, body: string): boolean {
  return stmt(db, `UPDATE ${table} SET body = ? WHERE name = ?`).run(body, name).changes === 1;
}

/** DELETE one entity by name. */
export function deleteEntity(db: Database, table: EntityTable, name: string): boolean {
  return stmt(db, `DELETE FROM ${table} WHERE name = ?`).run(name).changes === 1;
}

/** INSERT an access key. */
export function insertKey(db: Database, accessKeyId: string, userName: string, body: string): void {
  stmt(db, "INSERT INTO iam_access_keys (access_key_id, user_name, body) VALUES (?, ?, ?)").run(
    accessKeyId,
    userName,
    body,
  );
}

/** SELECT every access key body, oldest first. */
export function selectKeys(db: Database): string[] {
  return (stmt(db, "SELECT body FROM iam_access_keys ORDER BY seq").all() as { body: string }[]).map((r) => r.body);
}

/** DELETE one key of a user. */
export function deleteKey(db: Database, userName: string, accessKeyId: string): boolean {
  return (
    stmt(db, "DELETE FROM iam_access_keys WHERE user_name = ? AND access_key_id = ?").run(userName, accessKeyId)
      .changes === 1
  );
}

/** INSERT or replace an inline policy. */
export function upsertInline(db: Database, kind: string, owner: string, name: string, document: string): void {
  const sql = `INSERT INTO iam_inline_policies (owner_kind, owner_name, policy_name, document) VALUES (?, ?, ?, ?)
    ON CONFLICT (owner_kind, owner_name, policy_name) DO UPDATE SET document = excluded.document`;
  stmt(db, sql).run(kind, owner, name, document);
}

/** SELECT every inline policy, oldest first. */
export function selectInline(
  db: Database,
): { owner_kind: string; owner_name: string; policy_name: string; document: string }[] {
  const sql = "SELECT owner_kind, owner_name, policy_name, document FROM iam_inline_policies ORDER BY seq";
  return stmt(db, sql).all() as { owner_kind: string; owner_name: string; policy_name: string; document: string }[];
}

/** DELETE one inline policy. */
export function deleteInline(db: Database, kind: string, owner: string, name: string): boolean {
  const sql = "DELETE FROM iam_inline_policies WHERE owner_kind = ? AND owner_name = ? AND policy_name = ?";
  return stmt(db, sql).run(kind, owner, name).changes === 1;
}

/** INSERT an attachment; false when it exists. */
export function insertAttachment(db: Database, kind: string, owner: string, arn: string): boolean {
  const sql = `INSERT INTO iam_attached_policies (owner_kind, owner_name, policy_arn) VALUES (?, ?, ?)
    ON CONFLICT (owner_kind, owner_name, policy_arn) DO NOTHING`;
  return stmt(db, sql).run(kind, owner, arn).changes === 1;
}

/** SELECT every attachment, oldest first. */
export function selectAttachments(db: Database): { owner_kind: string; owner_name: string; policy_arn: string }[] {
  const sql = "SELECT owner_kind, owner_name, policy_arn FROM iam_attached_policies ORDER BY seq";
  return stmt(db, sql).all() as { owner_kind: string; owner_name: string; policy_arn: string }[];
}

/** DELETE one attachment. */
export function deleteAttachment(db: Database, kind: string, owner: string, arn: string): boolean {
  const sql = "DELETE FROM iam_attached_policies WHERE owner_kind = ? AND owner_name = ? AND policy_arn = ?";
  return stmt(db, sql).run(kind, owner, arn).changes === 1;
}
