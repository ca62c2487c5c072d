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
