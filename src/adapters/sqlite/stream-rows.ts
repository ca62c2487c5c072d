import type { ShardRecord, StoredStreamRecord, StreamRecord } from "../../ports/stream-store.js";

/** A kinesis_shards row as both adapters read it (PostgreSQL's BIGINTs arrive as strings). */
export interface ShardRow {
  readonly shard_index: number | string;
  readonly starting_hash_key: string;
  readonly ending_hash_key: string;
  readonly parent_index: number | string | null;
  readonly adjacent_parent_index: number | string | null;
  readonly created_at: number | string;
  readonly last_seq: number | string;
  readonly ending_seq: number | string | null;
  readonly closed_at: number | string | null;
}

/** A kinesis_records row. */
export interface RecordRow {
  readonly seq: number | string;
  readonly partition_key: string;
  readonly explicit_hash_key: string | null;
  readonly data: Buffer | Uint8Array;
  readonly arrived_at: number | string;
}

const optNumber = (v: number | string | null): number | undefined => (v === null ? undefined : Number(v));

/** A kinesis_shards row → ShardRecord. */
export function shardOf(r: ShardRow): ShardRecord {
  const parent = optNumber(r.parent_index);
  const adjacent = optNumber(r.adjacent_parent_index);
  const ending = optNumber(r.ending_seq);
  const closed = optNumber(r.closed_at);
  return {
    index: Number(r.shard_index),
    startingHashKey: r.starting_hash_key,
    endingHashKey: r.ending_hash_key,
    ...(parent !== undefined && { parentIndex: parent }),
    ...(adjacent !== undefined && { adjacentParentIndex: adjacent }),
    createdAt: Number(r.created_at),
    lastSeq: Number(r.last_seq),
    ...(ending !== undefined && { endingSeq: ending }),
    ...(closed !== undefined && { closedAt: closed }),
  };
}

/** A kinesis_records row → StoredStreamRecord. */
export function recordOf(r: RecordRow): StoredStreamRecord {
  return {
    seq: Number(r.seq),
    partitionKey: r.partition_key,
    explicitHashKey: r.explicit_hash_key ?? undefined,
    data: Buffer.isBuffer(r.data) ? r.data : Buffer.from(r.data),
    arrivedAt: Number(r.arrived_at),
  };
}

/** A kinesis_streams body → StreamRecord. */
export function streamOf(body: string): StreamRecord {
  return JSON.parse(body) as StreamRecord;
}

/** A shard's columns in kinesis_shards order (after the stream name). */
export function shardValues(s: ShardRecord): unknown[] {
  return [
    s.index,
    s.startingHashKey,
    s.endingHashKey,
    s.parentIndex ?? null,
    s.adjacentParentIndex ?? null,
    s.createdAt,
    s.lastSeq,
    s.endingSeq ?? null,
    s.closedAt ?? null,
  ];
}

/** The columns shardValues fills. */
export const SHARD_COLUMNS = `shard_index, starting_hash_key, ending_hash_key, parent_index, adjacent_parent_index,
  created_at, last_seq, ending_seq, closed_at`;
