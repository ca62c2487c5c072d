import type { HistoryQuery } from "../../../ports/alarm-store.js";
import type { PgDatabase } from "../database.js";

/** UPSERT an alarm's body. */
export async function upsertAlarm(db: PgDatabase, name: string, body: string): Promise<void> {
  await db.run(
    "INSERT INTO cw_alarms (name, body) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET body = excluded.body",
    [name, body],
  );
}

/** SELECT every alarm body by name. */
export async function selectAlarms(db: PgDatabase): Promise<string[]> {
  return (await db.rows<{ body: string }>("SELECT body FROM cw_alarms ORDER BY name")).map((r) => r.body);
}

/** DELETE an alarm and its history. */
export function deleteAlarm(db: PgDatabase, name: string): Promise<boolean> {
  return db.transaction(async (q) => {
    await db.run("DELETE FROM cw_alarm_history WHERE alarm_name = $1", [name], q);
    return (await db.run("DELETE FROM cw_alarms WHERE name = $1", [name], q)) === 1;
  });
}

/** INSERT a history entry. */
export async function insertHistory(
  db: PgDatabase,
  r: { name: string; at: number; type: string; body: string },
): Promise<void> {
  await db.run("INSERT INTO cw_alarm_history (alarm_name, at, item_type, body) VALUES ($1, $2, $3, $4)", [
    r.name,
    r.at,
    r.type,
    r.body,
  ]);
}

/** SELECT history entries, newest first. */
export async function selectHistory(db: PgDatabase, q: HistoryQuery): Promise<string[]> {
  const rows = await db.rows<{ body: string }>(
    `SELECT body FROM cw_alarm_history WHERE ($1::text IS NULL OR alarm_name = $1) AND ($2::text IS NULL OR item_type = $2)
     AND at >= $3 AND at < $4 ORDER BY at DESC, seq DESC LIMIT $5`,
    [q.alarmName ?? null, q.type ?? null, q.from ?? 0, q.to ?? Number.MAX_SAFE_INTEGER, q.limit],
  );
  return rows.map((r) => r.body);
}

/** DELETE history older than `before`. */
export function deleteHistory(db: PgDatabase, before: number): Promise<number> {
  return db.run("DELETE FROM cw_alarm_history WHERE at < $1", [before]);
}
