import type { Database } from "better-sqlite3";
import { stmt } from "../statements.js";

/** INSERT a mapping; false when its source and function are joined already (or its UUID is taken). */
export function insertMapping(db: Database, m: { uuid: string; source: string; fn: string; body: string }): boolean {
  const sql =
    "INSERT INTO event_source_mappings (uuid, source_arn, function_arn, body) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING";
  return stmt(db, sql).run(m.uuid, m.source, m.fn, m.body).changes === 1;
}

/** SELECT the UUID of the mapping joining `source` and `fn`. */
export function selectJoining(db: Database, source: string, fn: string): string | undefined {
  const row = stmt(db, "SELECT uuid FROM event_source_mappings WHERE source_arn = ? AND function_arn = ?").get(
    source,
    fn,
  ) as { uuid: string } | undefined;
  return row?.uuid;
}

/** SELECT one mapping's body. */
export function selectMapping(db: Database, uuid: string): string | undefined {
  const row = stmt(db, "SELECT body FROM event_source_mappings WHERE uuid = ?").get(uuid) as
    { body: string } | undefined;
  return row?.body;
}

/** SELECT every mapping's body, oldest first. */
export function selectMappings(db: Database): string[] {
  return (stmt(db, "SELECT body FROM event_source_mappings ORDER BY rowid").all() as { body: string }[]).map(
    (r) => r.body,
  );
}

/** UPDATE a mapping's body and function (only while its body is `expected`, when given). */
export function updateMapping(db: Database, m: { uuid: string; fn: string; body: string; expected?: string }): boolean {
  if (m.expected === undefined) {
    const sql = "UPDATE event_source_mappings SET body = ?, function_arn = ? WHERE uuid = ?";
    return stmt(db, sql).run(m.body, m.fn, m.uuid).changes === 1;
  }
  const sql = "UPDATE event_source_mappings SET body = ?, function_arn = ? WHERE uuid = ? AND body = ?";
  return stmt(db, sql).run(m.body, m.fn, m.uuid, m.expected).changes === 1;
}

/** DELETE a mapping. */
export function deleteMapping(db: Database, uuid: string): boolean {
  return stmt(db, "DELETE FROM event_source_mappings WHERE uuid = ?").run(uuid).changes === 1;
}
