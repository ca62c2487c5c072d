import type { Database } from "better-sqlite3";
import type { MappingInsert, MappingRecord, MappingStore } from "../../ports/mapping-store.js";
import { closeDatabase, openDatabase, settle, type SqliteDatabaseOptions } from "./database.js";
import * as sql from "./sql/event-source-mappings.js";

const parse = (body: string) => JSON.parse(body) as MappingRecord;

/** The MappingStore on one SQLite file (WAL) or in memory; it may share the Lambda store's file. */
export class SqliteMappingStore implements MappingStore {
  readonly #db: Database;

  private constructor(db: Database) {
    this.#db = db;
  }

  /** Opens (and migrates) the database. */
  static open(options: SqliteDatabaseOptions): SqliteMappingStore {
    return new SqliteMappingStore(openDatabase(options));
  }

  insert(m: MappingRecord): Promise<MappingInsert> {
    return settle(() => {
      const row = { uuid: m.uuid, source: m.eventSourceArn, fn: m.functionArn, body: JSON.stringify(m) };
      if (sql.insertMapping(this.#db, row)) return { inserted: true };
      return { inserted: false, existing: sql.selectJoining(this.#db, row.source, row.fn) ?? m.uuid };
    });
  }

  get(uuid: string): Promise<MappingRecord | undefined> {
    return settle(() => {
      const body = sql.selectMapping(this.#db, uuid);
      return body === undefined ? undefined : parse(body);
    });
  }

  list(): Promise<MappingRecord[]> {
    return settle(() => sql.selectMappings(this.#db).map(parse));
  }

  update(m: MappingRecord, expected?: MappingRecord): Promise<boolean> {
    const row = { uuid: m.uuid, fn: m.functionArn, body: JSON.stringify(m) };
    return settle(() =>
      sql.updateMapping(this.#db, expected === undefined ? row : { ...row, expected: JSON.stringify(expected) }),
    );
  }

  delete(uuid: string): Promise<boolean> {
    return settle(() => sql.deleteMapping(this.#db, uuid));
  }

  close(): Promise<void> {
    return settle(() => closeDatabase(this.#db));
  }
}
