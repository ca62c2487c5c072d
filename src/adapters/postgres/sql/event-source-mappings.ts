import type { PgDatabase } from "../database.js";

/** INSERT a mapping; false when its source and function are joined already (or its UUID is taken). */
export async function insertMapping(
  db: PgDatabase,
  m: { uuid: string; source: string; fn: string; body: string },
): Promise<boolean> {
  const sql =
    "INSERT INTO event_source_mappings (uuid, source_arn, function_arn, body) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING";
  return (await db.run(sql, [m.uuid, m.source, m.fn, m.body])) === 1;
}

/** SELECT the UUID of the mapping joining `source` and `fn`. */
export async function selectJoining(db: PgDatabase, source: string, fn: string): Promise<string | undefined> {
  const rows = await db.rows<{ uuid: string }>(
    "SELECT uuid FROM event_source_mappings WHERE source_arn = $1 AND function_arn = $2",
    [source, fn],
  );
  return rows[0]?.uuid;
}

/** SELECT one mapping's body. */
export async function selectMapping(db: PgDatabase, uuid: string): Promise<string | undefined> {
  const rows = await db.rows<{ body: string }>("SELECT body FROM event_source_mappings WHERE uuid = $1", [uuid]);
  return rows[0]?.body;
}

/** SELECT every mapping's body, oldest first. */
export async function selectMappings(db: PgDatabase): Promise<string[]> {
  const rows = await db.rows<{ body: string }>("SELECT body FROM event_source_mappings ORDER BY created_seq");
  return rows.map((r) => r.body);
}

/** UPDATE a mapping's body and function (only while its body is `expected`, when given). */
export async function updateMapping(
  db: PgDatabase,
  m: { uuid: string; fn: string; body: string; expected?: string },
): Promise<boolean> {
  const sql =
    "UPDATE event_source_mappings SET body = $1, function_arn = $2 WHERE uuid = $3 AND ($4::text IS NULL OR body = $4)";
  return (await db.run(sql, [m.body, m.fn, m.uuid, m.expected ?? null])) === 1;
}

/** DELETE a mapping. */
export async function deleteMapping(db: PgDatabase, uuid: string): Promise<boolean> {
  return (await db.run("DELETE FROM event_source_mappings WHERE uuid = $1", [uuid])) === 1;
}
