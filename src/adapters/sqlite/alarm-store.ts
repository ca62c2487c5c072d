import type { Database } from "better-sqlite3";
import type { AlarmHistoryRecord, AlarmRecord, AlarmStore, HistoryQuery } from "../../ports/alarm-store.js";
import { closeDatabase, openDatabase, settle, type SqliteDatabaseOptions } from "./database.js";
import * as sql from "./sql/alarms.js";

/** The AlarmStore on one SQLite file (WAL) or in memory; it may share the node's database file. */
export class SqliteAlarmStore implements AlarmStore {
  readonly #db: Database;

  private constructor(db: Database) {
    this.#db = db;
  }

  /** Opens (and migrates) the database. */
  static open(options: SqliteDatabaseOptions): SqliteAlarmStore {
    return new SqliteAlarmStore(openDatabase(options));
  }

  putAlarm(alarm: AlarmRecord): Promise<void> {
    return settle(() => sql.upsertAlarm(this.#db, alarm.name, JSON.stringify(alarm)));
  }

  listAlarms(): Promise<AlarmRecord[]> {
    return settle(() => sql.selectAlarms(this.#db).map((b) => JSON.parse(b) as AlarmRecord));
  }

  deleteAlarm(name: string): Promise<boolean> {
    return settle(() => this.#db.transaction(() => sql.deleteAlarm(this.#db, name))());
  }

  appendHistory(item: AlarmHistoryRecord): Promise<void> {
    return settle(() =>
      sql.insertHistory(this.#db, {
        name: item.alarmName,
        at: item.timestamp,
        type: item.historyItemType,
        body: JSON.stringify(item),
      }),
    );
  }

  listHistory(query: HistoryQuery): Promise<AlarmHistoryRecord[]> {
    return settle(() => sql.selectHistory(this.#db, query).map((b) => JSON.parse(b) as AlarmHistoryRecord));
  }

  deleteHistoryBefore(before: number): Promise<number> {
    return settle(() => sql.deleteHistory(this.#db, before));
  }

  close(): Promise<void> {
    closeDatabase(this.#db);
    return Promise.resolve();
  }
}
