import type { MappingInsert, MappingRecord, MappingStore } from "../../ports/mapping-store.js";
import type { PgDatabase } from "./database.js";
import * as sql from "./sql/event-source-mappings.js";

const parse = (body: string) => JSON.parse(body) as MappingRecord;

/** The MappingStore on PostgreSQL, shared by the nodes of a cluster. */
export class PgMappingStore implements MappingStore {
  readonly #db: PgDatabase;
  #closed = false;

  /** A store over `db` (already open and migrated); it releases its use of `db` on close. */
  constructor(db: PgDatabase) {
    this.#db = db;
    db.retain();
  }

  async insert(m: MappingRecord): Promise<MappingInsert> {
    const row = { uuid: m.uuid, source: m.eventSourceArn, fn: m.functionArn, body: JSON.stringify(m) };
    if (await sql.insertMapping(this.#db, row)) return { inserted: true };
    return { inserted: false, existing: (await sql.selectJoining(this.#db, row.source, row.fn)) ?? m.uuid };
  }

  async get(uuid: string): Promise<MappingRecord | undefined> {
    const body = await sql.selectMapping(this.#db, uuid);
    return body === undefined ? undefined : parse(body);
  }

  async list(): Promise<MappingRecord[]> {
    return (await sql.selectMappings(this.#db)).map(parse);
  }

  update(m: MappingRecord, expected?: MappingRecord): Promise<boolean> {
    const row = { uuid: m.uuid, fn: m.functionArn, body: JSON.stringify(m) };
    return sql.updateMapping(this.#db, expected === undefined ? row : { ...row, expected: JSON.stringify(expected) });
  }

  delete(uuid: string): Promise<boolean> {
    return sql.deleteMapping(this.#db, uuid);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#db.release();
  }
}
