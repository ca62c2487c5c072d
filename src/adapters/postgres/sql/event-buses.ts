import type { PgDatabase, Queryable } from "../database.js";

/** Row of a rule (BIGINT arrives as a string). */
export interface RuleRow {
  readonly body: string;
  readonly last_fired_at: string | null;
}

/** INSERT a bus; false when the name is taken. */
export async function insertBus(db: PgDatabase, name: string, body: string): Promise<boolean> {
  return (
    (await db.run("INSERT INTO event_buses (name, body) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING", [
      name,
      body,
    ])) === 1
  );
}

/** UPDATE a bus's body. */
export async function updateBus(db: PgDatabase, name: string, body: string): Promise<void> {
  await db.run("UPDATE event_buses SET body = $1 WHERE name = $2", [body, name]);
}

/** SELECT every bus body, by name. */
export async function selectBuses(db: PgDatabase): Promise<string[]> {
  return (await db.rows<{ body: string }>("SELECT body FROM event_buses ORDER BY name")).map((r) => r.body);
}

/** DELETE a bus. */
export async function deleteBus(db: PgDatabase, name: string, on?: Queryable): Promise<boolean> {
  return (await db.run("DELETE FROM event_buses WHERE name = $1", [name], on)) === 1;
}

/** DELETE every rule of a bus. */
export async function deleteRulesOf(db: PgDatabase, bus: string, on?: Queryable): Promise<void> {
  await db.run("DELETE FROM event_rules WHERE bus = $1", [bus], on);
}

/** INSERT or UPDATE a rule's body, keeping its last firing. */
export async function upsertRule(db: PgDatabase, bus: string, name: string, body: string): Promise<void> {
  await db.run(
    "INSERT INTO event_rules (bus, name, body) VALUES ($1, $2, $3) ON CONFLICT (bus, name) DO UPDATE SET body = excluded.body",
    [bus, name, body],
  );
}

/** SELECT one rule. */
export async function selectRule(db: PgDatabase, bus: string, name: string): Promise<RuleRow | undefined> {
  return (
    await db.rows<RuleRow>("SELECT body, last_fired_at FROM event_rules WHERE bus = $1 AND name = $2", [bus, name])
  )[0];
}

/** SELECT every rule, by bus then name. */
export async function selectRules(db: PgDatabase): Promise<RuleRow[]> {
  return db.rows<RuleRow>("SELECT body, last_fired_at FROM event_rules ORDER BY bus, name");
}

/** DELETE a rule. */
export async function deleteRule(db: PgDatabase, bus: string, name: string): Promise<boolean> {
  return (await db.run("DELETE FROM event_rules WHERE bus = $1 AND name = $2", [bus, name])) === 1;
}

/** UPDATE the last firing if it is still `previous` (NULL: never fired); one row lock decides races. */
export async function claimFiring(
  db: PgDatabase,
  key: { readonly bus: string; readonly name: string },
  previous: number | null,
  firedAt: number,
): Promise<boolean> {
  const sql =
    "UPDATE event_rules SET last_fired_at = $1 WHERE bus = $2 AND name = $3 AND last_fired_at IS NOT DISTINCT FROM $4";
  return (await db.run(sql, [firedAt, key.bus, key.name, previous])) === 1;
}

/** INSERT a retry. */
export async function insertRetry(db: PgDatabase, id: string, body: string, dueAt: number): Promise<void> {
  await db.run("INSERT INTO event_target_retries (id, body, due_at) VALUES ($1, $2, $3)", [id, body, dueAt]);
}

/**
 * UPDATE … FROM (SELECT … FOR UPDATE SKIP LOCKED) RETURNING: claims due retries (not claimed, or
 * with an expired claim), oldest due first; nodes claiming at once never take the same row.
 */
export async function claimRetries(
  db: PgDatabase,
  c: { now: number; limit: number; leaseMs: number; owner: string },
): Promise<string[]> {
  const sql = `UPDATE event_target_retries r SET locked_by = $1, locked_until = $2
    FROM (SELECT id FROM event_target_retries
          WHERE due_at <= $3 AND (locked_until IS NULL OR locked_until <= $3)
          ORDER BY due_at, id LIMIT $4 FOR UPDATE SKIP LOCKED) due
    WHERE r.id = due.id RETURNING r.body`;
  const rows = await db.rows<{ body: string }>(sql, [c.owner, c.now + c.leaseMs, c.now, c.limit]);
  return rows.map((r) => r.body);
}

/** UPDATE a claimed retry's body and due time, releasing the claim; false when `owner` no longer holds it. */
export async function updateRetry(
  db: PgDatabase,
  r: { id: string; body: string; dueAt: number; owner: string },
): Promise<boolean> {
  const sql = `UPDATE event_target_retries SET body = $1, due_at = $2, locked_by = NULL, locked_until = NULL
    WHERE id = $3 AND locked_by = $4`;
  return (await db.run(sql, [r.body, r.dueAt, r.id, r.owner])) === 1;
}

/** DELETE a claimed retry; false when `owner` no longer holds it. */
export async function deleteRetry(db: PgDatabase, id: string, owner: string): Promise<boolean> {
  return (await db.run("DELETE FROM event_target_retries WHERE id = $1 AND locked_by = $2", [id, owner])) === 1;
}

/** SELECT when the next retry becomes claimable (its due time, or the expiry of its claim). */
export async function nextRetryDueAt(db: PgDatabase): Promise<number | undefined> {
  const rows = await db.rows<{ due: string | null }>(
    "SELECT MIN(COALESCE(locked_until, due_at)) AS due FROM event_target_retries",
  );
  const due = rows[0]?.due;
  return due === null || due === undefined ? undefined : Number(due);
}
