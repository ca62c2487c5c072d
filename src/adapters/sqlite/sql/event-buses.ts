import type { Database } from "better-sqlite3";
import { stmt } from "../statements.js";

/** Row of a rule. */
export interface RuleRow {
  readonly body: string;
  readonly last_fired_at: number | null;
}

/** INSERT a bus; false when the name is taken. */
export function insertBus(db: Database, name: string, body: string): boolean {
  return (
    stmt(db, "INSERT INTO event_buses (name, body) VALUES (?, ?) ON CONFLICT (name) DO NOTHING").run(name, body)
      .changes === 1
  );
}

/** UPDATE a bus's body. */
export function updateBus(db: Database, name: string, body: string): void {
  stmt(db, "UPDATE event_buses SET body = ? WHERE name = ?").run(body, name);
}

/** SELECT every bus body, by name. */
export function selectBuses(db: Database): string[] {
  return (stmt(db, "SELECT body FROM event_buses ORDER BY name").all() as { body: string }[]).map((r) => r.body);
}

/** DELETE a bus. */
export function deleteBus(db: Database, name: string): boolean {
  return stmt(db, "DELETE FROM event_buses WHERE name = ?").run(name).changes === 1;
}

/** DELETE every rule of a bus. */
export function deleteRulesOf(db: Database, bus: string): void {
  stmt(db, "DELETE FROM event_rules WHERE bus = ?").run(bus);
}

/** INSERT or UPDATE a rule's body, keeping its last firing. */
export function upsertRule(db: Database, bus: string, name: string, body: string): void {
  stmt(
    db,
    "INSERT INTO event_rules (bus, name, body) VALUES (?, ?, ?) ON CONFLICT (bus, name) DO UPDATE SET body = excluded.body",
  ).run(bus, name, body);
}

/** SELECT one rule. */
export function selectRule(db: Database, bus: string, name: string): RuleRow | undefined {
  return stmt(db, "SELECT body, last_fired_at FROM event_rules WHERE bus = ? AND name = ?").get(bus, name) as
    RuleRow | undefined;
}

/** SELECT every rule, by bus then name. */
export function selectRules(db: Database): RuleRow[] {
  return stmt(db, "SELECT body, last_fired_at FROM event_rules ORDER BY bus, name").all() as RuleRow[];
}

/** DELETE a rule. */
export function deleteRule(db: Database, bus: string, name: string): boolean {
  return stmt(db, "DELETE FROM event_rules WHERE bus = ? AND name = ?").run(bus, name).changes === 1;
}

/** UPDATE the last firing if it is still `previous` (NULL: never fired). */
export function claimFiring(
  db: Database,
  bus: string,
  name: string,
  previous: number | null,
  firedAt: number,
): boolean {
  return (
    stmt(db, "UPDATE event_rules SET last_fired_at = ? WHERE bus = ? AND name = ? AND last_fired_at IS ?").run(
      firedAt,
      bus,
      name,
      previous,
    ).changes === 1
  );
}

/** INSERT a retry. */
export function insertRetry(db: Database, id: string, body: string, dueAt: number): void {
  stmt(db, "INSERT INTO event_target_retries (id, body, due_at) VALUES (?, ?, ?)").run(id, body, dueAt);
}

/** UPDATE … RETURNING: claims due retries (not claimed, or with an expired claim), oldest due first. */
export function claimRetries(
  db: Database,
  c: { now: number; limit: number; leaseMs: number; owner: string },
): { body: string }[] {
  return stmt(
    db,
    `UPDATE event_target_retries SET locked_by = ?, locked_until = ?
     WHERE id IN (SELECT id FROM event_target_retries
                  WHERE due_at <= ? AND (locked_until IS NULL OR locked_until <= ?)
                  ORDER BY due_at, id LIMIT ?)
     RETURNING body`,
  ).all(c.owner, c.now + c.leaseMs, c.now, c.now, c.limit) as { body: string }[];
}

/** UPDATE a claimed retry's body and due time, releasing the claim; false when `owner` no longer holds it. */
export function updateRetry(db: Database, r: { id: string; body: string; dueAt: number; owner: string }): boolean {
  return (
    stmt(
      db,
      "UPDATE event_target_retries SET body = ?, due_at = ?, locked_by = NULL, locked_until = NULL WHERE id = ? AND locked_by = ?",
    ).run(r.body, r.dueAt, r.id, r.owner).changes === 1
  );
}

/** DELETE a claimed retry; false when `owner` no longer holds it. */
export function deleteRetry(db: Database, id: string, owner: string): boolean {
  return stmt(db, "DELETE FROM event_target_retries WHERE id = ? AND locked_by = ?").run(id, owner).changes === 1;
}

/** SELECT when the next retry becomes claimable (its due time, or the expiry of its claim). */
export function nextRetryDueAt(db: Database): number | undefined {
  const row = stmt(db, "SELECT MIN(COALESCE(locked_until, due_at)) AS due FROM event_target_retries").get() as {
    due: number | null;
  };
  return row.due ?? undefined;
}
