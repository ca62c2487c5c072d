import type { AlarmHistoryRecord, AlarmRecord, AlarmStore, HistoryQuery } from "../../ports/alarm-store.js";
import type { PgDatabase } from "./database.js";
import * as sql from "./sql/alarms.js";

/** The AlarmStore on PostgreSQL, shared by the nodes of a cluster (the leader evaluates). */
export class PgAlarmStore implements AlarmStore {
  readonly #db: PgDatabase;
  #closed = false;

  /** A store over `db` (already open and migrated); it releases its use of `db` on close. */
  constructor(db: PgDatabase) {
    this.#db = db;
    db.retain();
  }

  putAlarm(alarm: AlarmRecord): Promise<void> {
    return sql.upsertAlarm(this.#db, alarm.name, JSON.stringify(alarm));
  }

  async listAlarms(): Promise<AlarmRecord[]> {
    return (await sql.selectAlarms(this.#db)).map((b) => JSON.parse(b) as AlarmRecord);
  }

  deleteAlarm(name: string): Promise<boolean> {
    return sql.deleteAlarm(this.#db, name);
  }

  appendHistory(item: AlarmHistoryRecord): Promise<void> {
    return sql.insertHistory(this.#db, {
      name: item.alarmName,
      at: item.timestamp,
      type: item.historyItemType,
      body: JSON.stringify(item),
    });
  }

  async listHistory(query: HistoryQuery): Promise<AlarmHistoryRecord[]> {
    return (await sql.selectHistory(this.#db, query)).map((b) => JSON.parse(b) as AlarmHistoryRecord);
  }

  deleteHistoryBefore(before: number): Promise<number> {
    return sql.deleteHistory(this.#db, before);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#db.release();
  }
}
