import type { Database } from "better-sqlite3";
import type { HistoryQuery } from "../../../ports/alarm-store.js";
import { stmt } from "../statements.js";

/** UPSERT an alarm's body. */
export function upsertAlarm(db: Database, name: string, body: string): void {
  stmt(
    db,
    "INSERT INTO cw_alarms (name, body) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET body = excluded.body",
  ).run(name, body);
}

/** SELECT every alarm body by name. */
export function selectAlarms(db: Database): string[] {
  return (stmt(db, "SELECT body FROM cw_alarms ORDER BY name").all() as { body: string }[]).map((r) => r.body);
}

/** DELETE an alarm and its history. */
export function deleteAlarm(db: Database, name: string): boolean {
  stmt(db, "DELETE FROM cw_alarm_history WHERE alarm_name = ?").run(name);
  return stmt(db, "DELETE FROM cw_alarms WHERE name = ?").run(name).changes === 1;
}

/** INSERT a history entry. */
export function insertHistory(db: Database, r: { name: string; at: number; type: string; body: string }): void {
  stmt(db, "INSERT INTO cw_alarm_history (alarm_name, at, item_type, body) VALUES (?, ?, ?, ?)").run(
    r.name,
    r.at,
    r.type,
    r.body,
  );
}

/** SELECT history entries, newest first. */
export function selectHistory(db: Database, q: HistoryQuery): string[] {
  const rows = stmt(
    db,
    `SELECT body FROM cw_alarm_history WHERE (@name IS NULL OR alarm_name = @name) AND (@type IS NULL OR item_type = @type)
     AND at >= @from AND at < @to ORDER BY at DESC, seq DESC LIMIT @limit`,
  ).all({
    name: q.alarmName ?? null,
    type: q.type ?? null,
    from: q.from ?? 0,
    to: q.to ?? Number.MAX_SAFE_INTEGER,
    limit: q.limit,
  }) as { body: string }[];
  return rows.map((r) => r.body);
}

/** DELETE history older than `before`. */
export function deleteHistory(db: Database, before: number): number {
  return stmt(db, "DELETE FROM cw_alarm_history WHERE at < ?").run(before).changes;
}
