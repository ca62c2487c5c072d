import type { Database } from "better-sqlite3";
import type { ShardCheckpoint, StreamCheckpointStore } from "../../ports/stream-checkpoint-store.js";
import { closeDatabase, openDatabase, settle, type SqliteDatabaseOptions } from "./database.js";
import { stmt } from "./statements.js";

// Every right-hand side sees the row before the update: the window follows an advance that does not go back.
const ADVANCE = `INSERT INTO stream_checkpoints (mapping_uuid, shard_index, seq, done, window_start, window_state)
  VALUES (?, ?, ?, ?, ?, ?)
  ON CONFLICT (mapping_uuid, shard_index) DO UPDATE SET seq = MAX(seq, excluded.seq), done = MAX(done, excluded.done),
  window_start = CASE WHEN excluded.seq >= seq THEN excluded.window_start ELSE window_start END,
  window_state = CASE WHEN excluded.seq >= seq THEN excluded.window_state ELSE window_state END`;
const LIST = `SELECT shard_index, seq, done, window_start, window_state FROM stream_checkpoints
  WHERE mapping_uuid = ? ORDER BY shard_index`;

interface Row {
  shard_index: number;
  seq: number;
  done: number;
  window_start: number | null;
  window_state: string | null;
}

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
      const rows = stmt(this.#db, LIST).all(uuid) as Row[];
      return rows.map((r) => ({
        shardIndex: r.shard_index,
        seq: r.seq,
        done: r.done === 1,
        ...(r.window_start !== null && { window: { start: r.window_start, state: r.window_state ?? "{}" } }),
      }));
    });
  }

  advance(uuid: string, c: ShardCheckpoint): Promise<void> {
    return settle(
      () =>
        void stmt(this.#db, ADVANCE).run(
          uuid,
          c.shardIndex,
          c.seq,
          c.done ? 1 : 0,
          c.window?.start ?? null,
          c.window?.state ?? null,
        ),
    );
  }

  forget(uuid: string): Promise<void> {
    return settle(() => void stmt(this.#db, "DELETE FROM stream_checkpoints WHERE mapping_uuid = ?").run(uuid));
  }

  close(): Promise<void> {
    return settle(() => closeDatabase(this.#db));
  }
}
