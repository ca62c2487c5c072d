import type {
  NewStreamRecord,
  Reshard,
  ShardPage,
  ShardRead,
  ShardRecord,
  StreamRecord,
  StreamStore,
} from "../../ports/stream-store.js";
import {
  recordOf,
  SHARD_COLUMNS,
  shardOf,
  shardValues,
  streamOf,
  type RecordRow,
  type ShardRow,
} from "../sqlite/stream-rows.js";
import type { PgDatabase, Queryable } from "./database.js";

const INSERT_SHARD = `INSERT INTO kinesis_shards (stream_name, ${SHARD_COLUMNS})
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`;
// One statement per shard: the shard's row lock orders writers, so counters are given out (and
// committed) in order; a closed shard updates no row and so takes no record.
const APPEND = `WITH s AS (
    UPDATE kinesis_shards SET last_seq = last_seq + $3
    WHERE stream_name = $1 AND shard_index = $2 AND ending_seq IS NULL RETURNING last_seq)
  INSERT INTO kinesis_records (stream_name, shard_index, seq, partition_key, explicit_hash_key, data, arrived_at)
  SELECT $1, $2, s.last_seq - $3 + r.ord, r.pk, r.ehk, r.data, $7
  FROM s, unnest($4::text[], $5::text[], $6::bytea[]) WITH ORDINALITY AS r (pk, ehk, data, ord)
  RETURNING seq`;

/**
 * The StreamStore on PostgreSQL, shared by the nodes of a cluster. Writers of one shard queue on the
 * shard's row; a reshard locks the shards it closes, so a closed shard's ending counter is final.
 */
export class PgStreamStore implements StreamStore {
  readonly #db: PgDatabase;

  /** A store over `db` (already open and migrated); it releases its use of `db` on close. */
  constructor(db: PgDatabase) {
    this.#db = db;
    db.retain();
  }

  createStream(stream: StreamRecord, shards: readonly ShardRecord[]): Promise<boolean> {
    return this.#db.transaction(async (q) => {
      const sql = "INSERT INTO kinesis_streams (name, body) VALUES ($1, $2) ON CONFLICT DO NOTHING";
      if ((await this.#db.run(sql, [stream.name, JSON.stringify(stream)], q)) === 0) return false;
      for (const s of shards) await this.#db.run(INSERT_SHARD, [stream.name, ...shardValues(s)], q);
      return true;
    });
  }

  async getStream(name: string): Promise<StreamRecord | undefined> {
    const rows = await this.#db.rows<{ body: string }>("SELECT body FROM kinesis_streams WHERE name = $1", [name]);
    return rows[0] && streamOf(rows[0].body);
  }

  async listStreams(): Promise<StreamRecord[]> {
    const rows = await this.#db.rows<{ body: string }>("SELECT body FROM kinesis_streams ORDER BY name");
    return rows.map((r) => streamOf(r.body));
  }

  async updateStream(stream: StreamRecord): Promise<boolean> {
    const sql = "UPDATE kinesis_streams SET body = $2 WHERE name = $1";
    return (await this.#db.run(sql, [stream.name, JSON.stringify(stream)])) === 1;
  }

  deleteStream(name: string): Promise<boolean> {
    return this.#db.transaction(async (q) => {
      await this.#db.run("DELETE FROM kinesis_records WHERE stream_name = $1", [name], q);
      await this.#db.run("DELETE FROM kinesis_shards WHERE stream_name = $1", [name], q);
      return (await this.#db.run("DELETE FROM kinesis_streams WHERE name = $1", [name], q)) === 1;
    });
  }

  listShards(stream: string): Promise<ShardRecord[]> {
    return this.#shards(stream, this.#db.pool);
  }

  async #shards(stream: string, q: Queryable): Promise<ShardRecord[]> {
    const sql = "SELECT * FROM kinesis_shards WHERE stream_name = $1 ORDER BY shard_index";
    return (await this.#db.rows<ShardRow>(sql, [stream], q)).map(shardOf);
  }

  reshard(stream: string, change: Reshard): Promise<ShardRecord[]> {
    return this.#db.transaction(async (q) => {
      await this.#db.run(
        `UPDATE kinesis_shards SET ending_seq = last_seq, closed_at = $3
         WHERE stream_name = $1 AND shard_index = ANY($2::bigint[]) AND ending_seq IS NULL`,
        [stream, [...change.close].sort((a, b) => a - b), change.at],
        q,
      );
      for (const s of change.open) await this.#db.run(INSERT_SHARD, [stream, ...shardValues(s)], q);
      return this.#shards(stream, q);
    });
  }

  async putRecords(stream: string, records: readonly NewStreamRecord[], at: number): Promise<(number | undefined)[]> {
    const byShard = new Map<number, number[]>();
    records.forEach((r, i) => {
      const list = byShard.get(r.shardIndex);
      if (list) list.push(i);
      else byShard.set(r.shardIndex, [i]);
    });
    const out: (number | undefined)[] = records.map(() => undefined);
    const append = async (q: Queryable, index: number, positions: number[]) => {
      const batch = positions.map((i) => records[i]!);
      const rows = await this.#db.rows<{ seq: string }>(
        APPEND,
        [
          stream,
          index,
          batch.length,
          batch.map((r) => r.partitionKey),
          batch.map((r) => r.explicitHashKey ?? null),
          batch.map((r) => r.data),
          at,
        ],
        q,
      );
      const seqs = rows.map((r) => Number(r.seq)).sort((a, b) => a - b);
      if (seqs.length === positions.length) positions.forEach((p, k) => (out[p] = seqs[k]));
    };
    const shards = [...byShard].sort((a, b) => a[0] - b[0]);
    if (shards.length === 1) {
      await append(this.#db.pool, shards[0]![0], shards[0]![1]);
      return out;
    }
    // Shards in index order, so that two batches never wait on each other's rows crosswise.
    await this.#db.transaction(async (q) => {
      for (const [index, positions] of shards) await append(q, index, positions);
    });
    return out;
  }

  async readShard(stream: string, shardIndex: number, read: ShardRead): Promise<ShardPage> {
    // One statement, one snapshot: the records and where the shard stood when they were read.
    const rows = await this.#db.rows<
      RecordRow & { last_seq: string; ending_seq: string | null; last_at: string | null }
    >(
      `SELECT sh.last_seq, sh.ending_seq,
         (SELECT arrived_at FROM kinesis_records l WHERE l.stream_name = $1 AND l.shard_index = $2
          ORDER BY seq DESC LIMIT 1) AS last_at,
         r.seq, r.partition_key, r.explicit_hash_key, r.data, r.arrived_at
       FROM kinesis_shards sh
       LEFT JOIN LATERAL (SELECT * FROM kinesis_records x WHERE x.stream_name = $1 AND x.shard_index = $2
         AND x.seq > $3 AND x.arrived_at >= $4 ORDER BY x.seq LIMIT $5) r ON true
       WHERE sh.stream_name = $1 AND sh.shard_index = $2 ORDER BY r.seq`,
      [stream, shardIndex, read.after, read.since ?? 0, read.limit],
    );
    const head = rows[0];
    return {
      records: rows.filter((r) => r.seq !== null).map(recordOf),
      lastSeq: head ? Number(head.last_seq) : 0,
      endingSeq: head?.ending_seq == null ? undefined : Number(head.ending_seq),
      lastArrivedAt: head?.last_at == null ? undefined : Number(head.last_at),
    };
  }

  trimRecords(stream: string, before: number): Promise<number> {
    return this.#db.run("DELETE FROM kinesis_records WHERE stream_name = $1 AND arrived_at < $2", [stream, before]);
  }

  close(): Promise<void> {
    return this.#db.release();
  }
}
