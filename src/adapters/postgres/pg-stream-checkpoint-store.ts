import type { ShardCheckpoint, StreamCheckpointStore } from "../../ports/stream-checkpoint-store.js";
import type { PgDatabase } from "./database.js";

const ADVANCE = `INSERT INTO stream_checkpoints (mapping_uuid, shard_index, seq, done) VALUES ($1, $2, $3, $4)
  ON CONFLICT (mapping_uuid, shard_index) DO UPDATE
  SET seq = GREATEST(stream_checkpoints.seq, excluded.seq), done = stream_checkpoints.done OR excluded.done`;

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
    const rows = await this.#db.rows<{ shard_index: number; seq: string; done: boolean }>(
      "SELECT shard_index, seq, done FROM stream_checkpoints WHERE mapping_uuid = $1 ORDER BY shard_index",
      [uuid],
    );
    return rows.map((r) => ({ shardIndex: r.shard_index, seq: Number(r.seq), done: r.done }));
  }

  async advance(uuid: string, c: ShardCheckpoint): Promise<void> {
    await this.#db.run(ADVANCE, [uuid, c.shardIndex, c.seq, c.done]);
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
