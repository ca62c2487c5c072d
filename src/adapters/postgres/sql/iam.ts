import type { PgDatabase } from "../database.js";

/** The entity tables keyed by name, each row a JSON body. */
export type EntityTable = "iam_users" | "iam_roles" | "iam_policies";

/** Row of an inline policy. */
export interface InlineRow {
  readonly owner_kind: string;
  readonly owner_name: string;
  readonly policy_name: string;
  readonly document: string;
}

/** Row of an attachment. */
export interface AttachmentRow {
  readonly owner_kind: string;
  readonly owner_name: string;
  readonly policy_arn: string;
}

/** INSERT a named entity; false when the name (in any case) is taken. */
export async function insertEntity(db: PgDatabase, table: EntityTable, name: string, body: string): Promise<boolean> {
  const sql = `INSERT INTO ${table} (name, body) VALUES ($1, $2) ON CONFLICT ((lower(name))) DO NOTHING`;
  return (await db.run(sql, [name, body])) === 1;
}

/** SELECT every entity body of a table, oldest first. */
export async function selectEntities(db: PgDatabase, table: EntityTable): Promise<string[]> {
  return (await db.rows<{ body: string }>(`SELECT body FROM ${table} ORDER BY seq`)).map((r) => r.body);
}

/** UPDATE the body of a named entity (in any case); false when there is none. */
export async function updateEntity(db: PgDatabase, table: EntityTable, name: string, body: string): Promise<boolean> {
  return (await db.run(`UPDATE ${table} SET body = $2 WHERE lower(name) = lower($1)`, [name, body])) === 1;
}

/** DELETE one entity by name (in any case). */
export async function deleteEntity(db: PgDatabase, table: EntityTable, name: string): Promise<boolean> {
  return (await db.run(`DELETE FROM ${table} WHERE lower(name) = lower($1)`, [name])) === 1;
}

/** INSERT an access key. */
export async function insertKey(db: PgDatabase, accessKeyId: string, userName: string, body: string): Promise<void> {
  await db.run("INSERT INTO iam_access_keys (access_key_id, user_name, body) VALUES ($1, $2, $3)", [
    accessKeyId,
    userName,
    body,
  ]);
}

/** SELECT every access key body, oldest first. */
export async function selectKeys(db: PgDatabase): Promise<string[]> {
  return (await db.rows<{ body: string }>("SELECT body FROM iam_access_keys ORDER BY seq")).map((r) => r.body);
}

/** DELETE one key of a user. */
export async function deleteKey(db: PgDatabase, userName: string, accessKeyId: string): Promise<boolean> {
  const sql = "DELETE FROM iam_access_keys WHERE lower(user_name) = lower($1) AND access_key_id = $2";
  return (await db.run(sql, [userName, accessKeyId])) === 1;
}

/** INSERT or replace an inline policy. */
export async function upsertInline(db: PgDatabase, row: InlineRow): Promise<void> {
  const sql = `INSERT INTO iam_inline_policies (owner_kind, owner_name, policy_name, document) VALUES ($1, $2, $3, $4)
    ON CONFLICT (owner_kind, (lower(owner_name)), (lower(policy_name))) DO UPDATE SET document = excluded.document`;
  await db.run(sql, [row.owner_kind, row.owner_name, row.policy_name, row.document]);
}

/** SELECT every inline policy, oldest first. */
export function selectInline(db: PgDatabase): Promise<InlineRow[]> {
  return db.rows<InlineRow>(
    "SELECT owner_kind, owner_name, policy_name, document FROM iam_inline_policies ORDER BY seq",
  );
}

/** DELETE one inline policy. */
export async function deleteInline(db: PgDatabase, kind: string, owner: string, name: string): Promise<boolean> {
  const sql = `DELETE FROM iam_inline_policies
    WHERE owner_kind = $1 AND lower(owner_name) = lower($2) AND lower(policy_name) = lower($3)`;
  return (await db.run(sql, [kind, owner, name])) === 1;
}

/** INSERT an attachment; false when it exists. */
export async function insertAttachment(db: PgDatabase, row: AttachmentRow): Promise<boolean> {
  const sql = `INSERT INTO iam_attached_policies (owner_kind, owner_name, policy_arn) VALUES ($1, $2, $3)
    ON CONFLICT (owner_kind, (lower(owner_name)), policy_arn) DO NOTHING`;
  return (await db.run(sql, [row.owner_kind, row.owner_name, row.policy_arn])) === 1;
}

/** SELECT every attachment, oldest first. */
export function selectAttachments(db: PgDatabase): Promise<AttachmentRow[]> {
  return db.rows<AttachmentRow>("SELECT owner_kind, owner_name, policy_arn FROM iam_attached_policies ORDER BY seq");
}

/** DELETE one attachment. */
export async function deleteAttachment(db: PgDatabase, row: AttachmentRow): Promise<boolean> {
  const sql = `DELETE FROM iam_attached_policies
    WHERE owner_kind = $1 AND lower(owner_name) = lower($2) AND policy_arn = $3`;
  return (await db.run(sql, [row.owner_kind, row.owner_name, row.policy_arn])) === 1;
}
