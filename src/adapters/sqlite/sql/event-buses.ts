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
