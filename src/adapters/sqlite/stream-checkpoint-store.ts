import type { Database } from "better-sqlite3";
import type { ShardCheckpoint, StreamCheckpointStore } from "../../ports/stream-checkpoint-store.js";
import { closeDatabase, openDatabase, settle, type SqliteDatabaseOptions } from "./database.js";
import { stmt } from "./statements.js";

const ADVANCE = `INSERT INTO stream_checkpoints (mapping_uuid, shard_index, seq, done) VALUES (?, ?, ?, ?)
  ON CONFLICT (mapping_uuid, shard_index) DO UPDATE SET seq = MAX(seq, excluded.seq), done = MAX(done, excluded.done)`;

/** The StreamCheckpointStore on one SQLite file (WAL) or in memory; it may share the Lambda store's file. */
export class SqliteStreamCheckpointStore implements StreamCheckpointStore {
  readonly #db: Database;

  private constructor(db: Database) {
    this.#db = db;
  }

  /** Opens (and migrates) the database. */
  static open(options: SqliteDatabaseOptions): SqliteStreamCheckpointStore {
    return new SqliteStreamCheckpointStore(openDatabase(options));
  }

  list(uuid: string): Promise<ShardCheckpoint[]> {
    return settle(() => {
      const sql = "SELECT shard_index, seq, done FROM stream_checkpoints WHERE mapping_uuid = ? ORDER BY shard_index";
      const rows = stmt(this.#db, sql).all(uuid) as { shard_index: number; seq: number; done: number }[];
      return rows.map((r) => ({ shardIndex: r.shard_index, seq: r.seq, done: r.done === 1 }));
    });
  }

  advance(uuid: string, c: ShardCheckpoint): Promise<void> {
    return settle(() => void stmt(this.#db, ADVANCE).run(uuid, c.shardIndex, c.seq, c.done ? 1 : 0));
  }

  forget(uuid: string): Promise<void> {
    return settle(() => void stmt(this.#db, "DELETE FROM stream_checkpoints WHERE mapping_uuid = ?").run(uuid));
  }

  close(): Promise<void> {
    return settle(() => closeDatabase(this.#db));
  }
}
