import type { SlotRequest } from "../../../ports/cluster.js";
import type { PgDatabase, Queryable } from "../database.js";

/** Takes the transaction-scoped lock of one pool: grants of a pool are serialized across nodes. */
export async function lockPool(db: PgDatabase, on: Queryable, pool: string): Promise<void> {
  await db.rows("SELECT pg_advisory_xact_lock(hashtext('haneul.slots'), hashtext($1))", [pool], on);
}

/** SELECT the unexpired slots other nodes hold of a pool. */
export async function sumOthersSlots(db: PgDatabase, on: Queryable, r: SlotRequest): Promise<number> {
  const sql = `SELECT COALESCE(SUM(slots), 0) AS held FROM concurrency_slots
    WHERE pool = $1 AND node_id <> $2 AND expires_at > $3`;
  return Number((await db.rows<{ held: string }>(sql, [r.pool, r.node, r.now], on))[0]?.held ?? 0);
}

/** INSERT or UPDATE a node's holding of a pool. */
export async function upsertSlots(
  db: PgDatabase,
  h: { pool: string; node: string; slots: number; until: number },
  on?: Queryable,
): Promise<void> {
  const sql = `INSERT INTO concurrency_slots (pool, node_id, slots, expires_at) VALUES ($1, $2, $3, $4)
    ON CONFLICT (pool, node_id) DO UPDATE SET slots = excluded.slots, expires_at = excluded.expires_at`;
  await db.run(sql, [h.pool, h.node, h.slots, h.until], on);
}

/** DELETE a node's holding of a pool. */
export async function deleteSlots(db: PgDatabase, pool: string, node: string): Promise<void> {
  await db.run("DELETE FROM concurrency_slots WHERE pool = $1 AND node_id = $2", [pool, node]);
}

/** UPDATE the expiry of every holding of a node. */
export async function renewSlots(db: PgDatabase, node: string, until: number): Promise<void> {
  await db.run("UPDATE concurrency_slots SET expires_at = $2 WHERE node_id = $1", [node, until]);
}

/** DELETE every holding of a node. */
export async function deleteNodeSlots(db: PgDatabase, node: string): Promise<void> {
  await db.run("DELETE FROM concurrency_slots WHERE node_id = $1", [node]);
}

/** SELECT unexpired slots per pool. */
export async function sumSlotsByPool(db: PgDatabase, now: number): Promise<Map<string, number>> {
  const rows = await db.rows<{ pool: string; held: string }>(
    "SELECT pool, SUM(slots) AS held FROM concurrency_slots WHERE expires_at > $1 GROUP BY pool ORDER BY pool",
    [now],
  );
  return new Map(rows.map((r) => [r.pool, Number(r.held)]));
}
