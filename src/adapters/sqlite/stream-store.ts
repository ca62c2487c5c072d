import type { Database } from "better-sqlite3";
import type {
  NewStreamRecord,
  Reshard,
  ShardPage,
  ShardRead,
  ShardRecord,
  StreamRecord,
  StreamStore,
} from "../../ports/stream-store.js";
import { closeDatabase, openDatabase, settle, type SqliteDatabaseOptions } from "./database.js";
import { stmt } from "./statements.js";
import {
  recordOf,
  SHARD_COLUMNS,
  shardOf,
  shardValues,
  streamOf,
  type RecordRow,
  type ShardRow,
} from "./stream-rows.js";

const INSERT_SHARD = `INSERT INTO kinesis_shards (stream_name, ${SHARD_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
const INSERT_RECORD = `INSERT INTO kinesis_records
  (stream_name, shard_index, seq, partition_key, explicit_hash_key, data, arrived_at) VALUES (?, ?, ?, ?, ?, ?, ?)`;

/** The StreamStore on SQLite (one node): a put is one transaction, so counters of a shard never interleave. */
export class SqliteStreamStore implements StreamStore {
  readonly #db: Database;

  private constructor(db: Database) {
    this.#db = db;
  }

  /** Opens (and migrates) the database; it may share the Lambda store's file. */
  static open(options: SqliteDatabaseOptions): SqliteStreamStore {
    return new SqliteStreamStore(openDatabase(options));
  }

  createStream(stream: StreamRecord, shards: readonly ShardRecord[]): Promise<boolean> {
    return settle(() =>
      this.#db.transaction(() => {
        const sql = "INSERT INTO kinesis_streams (name, body) VALUES (?, ?) ON CONFLICT DO NOTHING";
        if (stmt(this.#db, sql).run(stream.name, JSON.stringify(stream)).changes === 0) return false;
        for (const s of shards) stmt(this.#db, INSERT_SHARD).run(stream.name, ...shardValues(s));
        return true;
      })(),
    );
  }

  getStream(name: string): Promise<StreamRecord | undefined> {
    return settle(() => {
      const row = stmt(this.#db, "SELECT body FROM kinesis_streams WHERE name = ?").get(name) as
        { body: string } | undefined;
      return row && streamOf(row.body);
    });
  }

  listStreams(): Promise<StreamRecord[]> {
    return settle(() =>
      (stmt(this.#db, "SELECT body FROM kinesis_streams ORDER BY name").all() as { body: string }[]).map((r) =>
        streamOf(r.body),
      ),
    );
  }

  updateStream(stream: StreamRecord): Promise<boolean> {
    const sql = "UPDATE kinesis_streams SET body = ? WHERE name = ?";
    return settle(() => stmt(this.#db, sql).run(JSON.stringify(stream), stream.name).changes === 1);
  }

  deleteStream(name: string): Promise<boolean> {
    return settle(() =>
      this.#db.transaction(() => {
        stmt(this.#db, "DELETE FROM kinesis_records WHERE stream_name = ?").run(name);
        stmt(this.#db, "DELETE FROM kinesis_shards WHERE stream_name = ?").run(name);
        return stmt(this.#db, "DELETE FROM kinesis_streams WHERE name = ?").run(name).changes === 1;
      })(),
    );
  }

  listShards(stream: string): Promise<ShardRecord[]> {
    return settle(() => this.#shards(stream));
  }

  #shards(stream: string): ShardRecord[] {
    const sql = "SELECT * FROM kinesis_shards WHERE stream_name = ? ORDER BY shard_index";
    return (stmt(this.#db, sql).all(stream) as ShardRow[]).map(shardOf);
  }

  reshard(stream: string, change: Reshard): Promise<ShardRecord[]> {
    return settle(() =>
      this.#db.transaction(() => {
        const close = `UPDATE kinesis_shards SET ending_seq = last_seq, closed_at = ?
          WHERE stream_name = ? AND shard_index = ? AND ending_seq IS NULL`;
        for (const index of change.close) stmt(this.#db, close).run(change.at, stream, index);
        for (const s of change.open) stmt(this.#db, INSERT_SHARD).run(stream, ...shardValues(s));
        return this.#shards(stream);
      })(),
    );
  }

  putRecords(stream: string, records: readonly NewStreamRecord[], at: number): Promise<(number | undefined)[]> {
    // IMMEDIATE: the put reads then writes (see queue-store.ts receive).
    return settle(() => this.#db.transaction(() => this.#put(stream, records, at)).immediate());
  }

  #put(stream: string, records: readonly NewStreamRecord[], at: number): (number | undefined)[] {
    const db = this.#db;
    // Counters are taken per shard first (one statement per shard), then the rows written.
    const counts = new Map<number, number>();
    for (const r of records) counts.set(r.shardIndex, (counts.get(r.shardIndex) ?? 0) + 1);
    const next = new Map<number, number>();
    const bump = `UPDATE kinesis_shards SET last_seq = last_seq + ?
      WHERE stream_name = ? AND shard_index = ? AND ending_seq IS NULL RETURNING last_seq`;
    for (const [index, n] of counts) {
      const row = stmt(db, bump).get(n, stream, index) as { last_seq: number } | undefined;
      if (row) next.set(index, row.last_seq - n + 1);
    }
    const insert = stmt(db, INSERT_RECORD);
    return records.map((r) => {
      const seq = next.get(r.shardIndex);
      if (seq === undefined) return undefined;
      next.set(r.shardIndex, seq + 1);
      insert.run(stream, r.shardIndex, seq, r.partitionKey, r.explicitHashKey ?? null, r.data, at);
      return seq;
    });
  }

  readShard(stream: string, shardIndex: number, read: ShardRead): Promise<ShardPage> {
    const db = this.#db;
    return settle(() =>
      db.transaction(() => {
        const shard = stmt(
          db,
          "SELECT last_seq, ending_seq FROM kinesis_shards WHERE stream_name = ? AND shard_index = ?",
        ).get(stream, shardIndex) as { last_seq: number; ending_seq: number | null } | undefined;
        const rows = stmt(
          db,
          `SELECT seq, partition_key, explicit_hash_key, data, arrived_at FROM kinesis_records
           WHERE stream_name = ? AND shard_index = ? AND seq > ? AND arrived_at >= ? ORDER BY seq LIMIT ?`,
        ).all(stream, shardIndex, read.after, read.since ?? 0, read.limit) as RecordRow[];
        const last = stmt(
          db,
          "SELECT arrived_at FROM kinesis_records WHERE stream_name = ? AND shard_index = ? ORDER BY seq DESC LIMIT 1",
        ).get(stream, shardIndex) as { arrived_at: number } | undefined;
        return {
          records: rows.map(recordOf),
          lastSeq: shard?.last_seq ?? 0,
          endingSeq: shard?.ending_seq ?? undefined,
          lastArrivedAt: last?.arrived_at,
        };
      })(),
    );
  }

  trimRecords(stream: string, before: number): Promise<number> {
    const sql = "DELETE FROM kinesis_records WHERE stream_name = ? AND arrived_at < ?";
    return settle(() => stmt(this.#db, sql).run(stream, before).changes);
  }

  close(): Promise<void> {
    return settle(() => closeDatabase(this.#db));
  }
}
