/**
 * The store of Kinesis data streams: streams, their shards and the records of each shard.
 *
 * A record's position in its shard is a counter (`seq`, 1, 2, 3 …) that only grows: the service
 * formats it with the shard's index as Kinesis's decimal sequence number. Writers of one shard are
 * serialized by the shard's row (its `lastSeq`), so a reader that has seen `seq` n never sees a
 * record below n appear later: reading "after n" is a safe checkpoint. Records of a closed shard
 * stop at its `endingSeq`. Retention is applied on read (`since`) and by `trimRecords`.
 */

/** ON_DEMAND or PROVISIONED, as StreamModeDetails says. */
export type StreamMode = "PROVISIONED" | "ON_DEMAND";

/** CREATING, DELETING, ACTIVE or UPDATING. */
export type StreamStatus = "CREATING" | "DELETING" | "ACTIVE" | "UPDATING";

/** A stream as DescribeStreamSummary shows it. */
export interface StreamRecord {
  readonly name: string;
  readonly arn: string;
  readonly status: StreamStatus;
  readonly mode: StreamMode;
  readonly retentionHours: number;
  readonly encryption: "NONE" | "KMS";
  readonly keyId?: string | undefined;
  readonly createdAt: number;
  readonly tags: Readonly<Record<string, string>>;
}

/** One shard: a range of 128-bit hash keys (decimal strings) and the records it took. */
export interface ShardRecord {
  /** 0, 1, 2 …: the shard id is `shardId-` and this number on 12 digits. */
  readonly index: number;
  readonly startingHashKey: string;
  readonly endingHashKey: string;
  readonly parentIndex?: number | undefined;
  readonly adjacentParentIndex?: number | undefined;
  readonly createdAt: number;
  /** The highest counter given to a record of this shard (0: none yet). */
  readonly lastSeq: number;
  /** Set when the shard was closed by a split or merge: its last counter. */
  readonly endingSeq?: number | undefined;
  readonly closedAt?: number | undefined;
}

/** A record to store, already routed to its shard. */
export interface NewStreamRecord {
  readonly shardIndex: number;
  readonly partitionKey: string;
  readonly explicitHashKey?: string | undefined;
  readonly data: Buffer;
}

/** A stored record. */
export interface StoredStreamRecord {
  readonly seq: number;
  readonly partitionKey: string;
  readonly explicitHashKey?: string | undefined;
  readonly data: Buffer;
  readonly arrivedAt: number;
}

/** Where `readShard` starts and how much it returns. */
export interface ShardRead {
  /** Records with a counter above this one (0: from the oldest kept). */
  readonly after: number;
  /** Only records that arrived at or after this time (retention cut-off, AT_TIMESTAMP). */
  readonly since?: number | undefined;
  readonly limit: number;
}

/** A page of a shard, with where the shard stands. */
export interface ShardPage {
  readonly records: StoredStreamRecord[];
  /** The shard's highest counter when it was read. */
  readonly lastSeq: number;
  /** The closed shard's last counter (undefined while open). */
  readonly endingSeq: number | undefined;
  /** Arrival time of the shard's newest record (undefined: none). */
  readonly lastArrivedAt: number | undefined;
}

/** A split or merge: shards to close (at their current last counter) and the shards that replace them. */
export interface Reshard {
  readonly close: readonly number[];
  readonly open: readonly ShardRecord[];
  readonly at: number;
}

/** Streams, shards and records; see the file comment. */
export interface StreamStore {
  /** Inserts a stream with its first shards; false when the name is taken. */
  createStream(stream: StreamRecord, shards: readonly ShardRecord[]): Promise<boolean>;
  /** The stream named `name`, if any. */
  getStream(name: string): Promise<StreamRecord | undefined>;
  /** Every stream, in name order. */
  listStreams(): Promise<StreamRecord[]>;
  /** Replaces a stored stream's fields (status, retention, tags); false when there is none. */
  updateStream(stream: StreamRecord): Promise<boolean>;
  /** Deletes a stream with its shards and records; false when there was none. */
  deleteStream(name: string): Promise<boolean>;
  /** The stream's shards, open and closed, by index. */
  listShards(stream: string): Promise<ShardRecord[]>;
  /** Closes shards and opens their children in one transaction, after the writes in flight. */
  reshard(stream: string, change: Reshard): Promise<ShardRecord[]>;
  /**
   * Appends records (in order; one transaction) arriving at `at`; resolves to each record's counter,
   * or undefined for a record whose shard was closed meanwhile (the caller routes it again).
   */
  putRecords(stream: string, records: readonly NewStreamRecord[], at: number): Promise<(number | undefined)[]>;
  /** Records of one shard after a counter, oldest first, with the shard's state: the poller's read. */
  readShard(stream: string, shardIndex: number, read: ShardRead): Promise<ShardPage>;
  /** Deletes the stream's records that arrived before `before`; resolves to how many. */
  trimRecords(stream: string, before: number): Promise<number>;
  close(): Promise<void>;
}
