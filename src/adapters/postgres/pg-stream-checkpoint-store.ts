import type { ShardCheckpoint, StreamCheckpointStore } from "../../ports/stream-checkpoint-store.js";
import type { PgDatabase } from "./database.js";

// Every right-hand side sees the row before the update: the window follows an advance that does not go back.
const ADVANCE = `INSERT INTO stream_checkpoints (mapping_uuid, shard_index, seq, done, window_start, window_state)
  VALUES ($1, $2, $3, $4, $5, $6)
  ON CONFLICT (mapping_uuid, shard_index) DO UPDATE
  SET seq = GREATEST(stream_checkpoints.seq, excluded.seq), done = stream_checkpoints.done OR excluded.done,
  window_start = CASE WHEN excluded.seq >= stream_checkpoints.seq THEN excluded.window_start
    ELSE stream_checkpoints.window_start END,
  window_state = CASE WHEN excluded.seq >= stream_checkpoints.seq THEN excluded.window_state
    ELSE stream_checkpoints.window_state END`;
const LIST = `SELECT shard_index, seq, done, window_start, window_state FROM stream_checkpoints
  WHERE mapping_uuid = $1 ORDER BY shard_index`;

interface Row {
  shard_index: number;
  seq: string;
  done: boolean;
  window_start: string | null;
  window_state: string | null;
}

/** The StreamCheckpointStore on PostgreSQL, shared by the nodes of a cluster. */
export class PgStreamCheckpointStore implements StreamCheckpointStore {
  readonly #db: PgDatabase;
  #closed = false;

  /** A store over `db` (already open and migrated); it releases its use of `db` on close. */
  constructor(db: PgDatabase) {
    this.#db = db;
    db.retain();
  }

  async list(uuid: string): Promise<ShardCheckpoint[]> {
    const rows = await this.#db.rows<Row>(LIST, [uuid]);
    return rows.map((r) => ({
      shardIndex: r.shard_index,
      seq: Number(r.seq),
      done: r.done,
      ...(r.window_start !== null && { window: { start: Number(r.window_start), state: r.window_state ?? "{}" } }),
    }));
  }

  async advance(uuid: string, c: ShardCheckpoint): Promise<void> {
    await this.#db.run(ADVANCE, [uuid, c.shardIndex, c.seq, c.done, c.window?.start ?? null, c.window?.state ?? null]);
  }

  async forget(uuid: string): Promise<void> {
    await this.#db.run("DELETE FROM stream_checkpoints WHERE mapping_uuid = $1", [uuid]);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#db.release();
  }
}
