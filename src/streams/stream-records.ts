/**
 * The record path: PutRecord(s) route each record by its hash key to the open shard that owns it
 * and store a batch in one write; GetShardIterator and GetRecords read a shard after a counter,
 * with the stream's retention applied on the injected clock.
 */
import type { ShardRecord, StreamStore } from "../ports/stream-store.js";
import type { Clock } from "../shared/clock.js";
import { PlatformError } from "../shared/errors.js";
import { invalidArgument, noShard, noStream, notActive } from "./errors.js";
import { hashKeyOf, parseHashKey, shardIdOf, shardIndexOf } from "./hash-keys.js";
import { decodeIterator, encodeIterator, ITERATOR_TTL_MS, type IteratorState } from "./iterators.js";
import { formatSequenceNumber, parseSequenceNumber } from "./sequence-numbers.js";
import { shardFor, type CachedStream, type StreamCache } from "./stream-cache.js";
import type { StreamAdmin } from "./stream-admin.js";

const HOUR_MS = 3_600_000;
/** GetRecords returns at most 10 MiB. */
const MAX_READ_BYTES = 10 * 1024 * 1024;

/** A record to put. */
export interface PutEntry {
  readonly partitionKey: string;
  readonly explicitHashKey?: string | undefined;
  readonly data: Buffer;
}

/** Where a put record went, or why it failed (PutRecords' per-record error). */
export type PutResult =
  | { readonly shardId: string; readonly sequenceNumber: string }
  | { readonly errorCode: string; readonly errorMessage: string };

/** A record as GetRecords returns it. */
export interface ReadRecord {
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  readonly data: Buffer;
  readonly arrivedAt: number;
}

/** GetRecords' answer. */
export interface ReadResult {
  readonly records: ReadRecord[];
  /** Undefined once a closed shard is read to its end. */
  readonly nextShardIterator: string | undefined;
  readonly millisBehindLatest: number;
  /** A closed shard read to its end: the shards that replaced it. */
  readonly childShards?: { shardId: string; parentShards: string[]; start: string; end: string }[] | undefined;
}

/** The iterator types of GetShardIterator. */
export type IteratorType = "TRIM_HORIZON" | "LATEST" | "AT_SEQUENCE_NUMBER" | "AFTER_SEQUENCE_NUMBER" | "AT_TIMESTAMP";

export interface StreamRecordsOptions {
  readonly store: StreamStore;
  readonly cache: StreamCache;
  readonly admin: StreamAdmin;
  readonly clock: Clock;
}

/** Puts and reads; see the file comment. */
export class StreamRecords {
  readonly #o: StreamRecordsOptions;

  constructor(o: StreamRecordsOptions) {
    this.#o = o;
  }

  /** PutRecord(s): every record is stored or gets its own error; order within a shard is the entries' order. */
  async put(name: string, entries: readonly PutEntry[]): Promise<PutResult[]> {
    const cached = await this.#writable(name);
    const keys = entries.map((e) => {
      if (e.explicitHashKey === undefined) return hashKeyOf(e.partitionKey);
      const k = parseHashKey(e.explicitHashKey);
      if (k === undefined) {
        throw invalidArgument(
          `Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was ${e.explicitHashKey}`,
        );
      }
      return k;
    });
    const results: (PutResult | undefined)[] = entries.map(() => undefined);
    let pending = entries.map((_, i) => i);
    let stream: CachedStream = cached;
    // A record routed to a shard closed meanwhile (a reshard on another node) is routed again once.
    for (let attempt = 0; attempt < 2 && pending.length; attempt++) {
      if (attempt > 0) {
        this.#o.cache.drop(name);
        stream = await this.#writable(name);
      }
      const routed = pending.map((i) => ({ i, shard: shardFor(stream.open, keys[i]!) }));
      const now = this.#o.clock.now();
      const seqs = await this.#o.store.putRecords(
        name,
        routed.map(({ i, shard }) => ({
          shardIndex: shard?.index ?? -1,
          partitionKey: entries[i]!.partitionKey,
          explicitHashKey: entries[i]!.explicitHashKey,
          data: entries[i]!.data,
        })),
        now,
      );
      const left: number[] = [];
      routed.forEach(({ i, shard }, k) => {
        const seq = seqs[k];
        if (shard && seq !== undefined) {
          results[i] = { shardId: shardIdOf(shard.index), sequenceNumber: formatSequenceNumber(shard.index, seq) };
        } else left.push(i);
      });
      pending = left;
    }
    return results.map((r) => r ?? { errorCode: "InternalFailure", errorMessage: "Internal service failure." });
  }

  /** GetShardIterator. */
  async iterator(
    name: string,
    shardId: string,
    at: { type: IteratorType; sequenceNumber?: string | undefined; timestamp?: number | undefined },
  ): Promise<string> {
    const { stream, shards } = await this.#o.admin.get(name);
    const shard = findShard(shards, shardId);
    const id = shard ? shardIdOf(shard.index) : shardId;
    if (!shard) throw noShard(this.#o.admin.scope, name, id);
    const base = {
      stream: name,
      streamCreatedAt: stream.createdAt,
      shardIndex: shard.index,
      issuedAt: this.#o.clock.now(),
    };
    const bySequence = at.type === "AT_SEQUENCE_NUMBER" || at.type === "AFTER_SEQUENCE_NUMBER";
    if (bySequence !== (at.sequenceNumber !== undefined)) {
      throw invalidArgument(
        `Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified ${at.type} and ${at.sequenceNumber === undefined ? "no" : "also a"} StartingSequenceNumber.`,
      );
    }
    if (at.type === "AT_TIMESTAMP") {
      if (at.timestamp === undefined) {
        throw invalidArgument("The timestampInMillis parameter cannot be null for ShardIteratorType AT_TIMESTAMP");
      }
      return encodeIterator({ ...base, after: 0, since: at.timestamp });
    }
    if (at.timestamp !== undefined) {
      throw invalidArgument(`The timestampInMillis parameter can only be given for ShardIteratorType AT_TIMESTAMP`);
    }
    if (at.type === "TRIM_HORIZON") return encodeIterator({ ...base, after: 0 });
    if (at.type === "LATEST") {
      const page = await this.#o.store.readShard(name, shard.index, { after: 0, limit: 0 });
      return encodeIterator({ ...base, after: page.endingSeq ?? page.lastSeq });
    }
    const parsed = parseSequenceNumber(at.sequenceNumber!);
    if (!parsed) {
      throw invalidArgument(
        `StartingSequenceNumber ${at.sequenceNumber} used in GetShardIterator on shard ${id} in stream ${name} under account ${this.#o.admin.scope.accountId} is invalid.`,
      );
    }
    if (parsed.shardIndex !== shard.index) {
      throw invalidArgument(
        `Invalid StartingSequenceNumber. It encodes ${shardIdOf(parsed.shardIndex)}, while it was used in a call to a shard with ${id}`,
      );
    }
    const after = at.type === "AT_SEQUENCE_NUMBER" ? Math.max(0, parsed.seq - 1) : parsed.seq;
    return encodeIterator({ ...base, after });
  }

  /** GetRecords. */
  async read(iterator: string, limit: number): Promise<ReadResult> {
    const it = decodeIterator(iterator);
    if (!it) throw invalidArgument("Invalid ShardIterator.");
    const now = this.#o.clock.now();
    if (now - it.issuedAt > ITERATOR_TTL_MS) {
      throw new PlatformError(
        "ERR_KINESIS_EXPIRED_ITERATOR",
        `Iterator expired. The iterator was created at time ${amzUtc(it.issuedAt)} while right now it is ${amzUtc(now)} which is further in the future than the tolerated delay of ${ITERATOR_TTL_MS} milliseconds.`,
      );
    }
    const cached = await this.#o.cache.get(it.stream);
    if (!cached || cached.stream.createdAt !== it.streamCreatedAt) {
      throw noShard(this.#o.admin.scope, it.stream, shardIdOf(it.shardIndex));
    }
    const cutoff = now - cached.stream.retentionHours * HOUR_MS;
    const since = Math.max(cutoff, it.since ?? 0);
    const page = await this.#o.store.readShard(it.stream, it.shardIndex, { after: it.after, since, limit });
    const records = withinBytes(page.records, MAX_READ_BYTES).map((r) => ({
      sequenceNumber: formatSequenceNumber(it.shardIndex, r.seq),
      partitionKey: r.partitionKey,
      data: r.data,
      arrivedAt: r.arrivedAt,
    }));
    const lastRead = records.length ? page.records[records.length - 1]! : undefined;
    const after = lastRead?.seq ?? it.after;
    const next: IteratorState = { ...it, after, since: lastRead ? undefined : it.since, issuedAt: now };
    const behind = after >= page.lastSeq ? 0 : Math.max(0, now - (lastRead?.arrivedAt ?? page.lastArrivedAt ?? now));
    if (page.endingSeq !== undefined && after >= page.endingSeq) {
      const children = await this.#childrenOf(cached, it.shardIndex);
      return { records, nextShardIterator: undefined, millisBehindLatest: behind, childShards: children };
    }
    return { records, nextShardIterator: encodeIterator(next), millisBehindLatest: behind };
  }

  /** Deletes records past every stream's retention (run on a timer, on one node). */
  async trim(): Promise<number> {
    const now = this.#o.clock.now();
    let trimmed = 0;
    for (const s of await this.#o.store.listStreams()) {
      trimmed += await this.#o.store.trimRecords(s.name, now - s.retentionHours * HOUR_MS);
    }
    return trimmed;
  }

  /** The shards that replaced a closed one; read again when this node's copy still has it open (another node resharded). */
  async #childrenOf(cached: CachedStream, index: number): Promise<ReadResult["childShards"]> {
    let stream = cached;
    if (stream.shards.find((s) => s.index === index)?.endingSeq === undefined) {
      this.#o.cache.drop(stream.stream.name);
      stream = (await this.#o.cache.get(stream.stream.name)) ?? stream;
    }
    return childrenOf(stream, index);
  }

  async #writable(name: string): Promise<CachedStream> {
    const cached = await this.#o.cache.get(name);
    if (!cached) throw noStream(this.#o.admin.scope, name);
    const status = cached.stream.status;
    if (status !== "ACTIVE" && status !== "UPDATING") throw notActive(this.#o.admin.scope, name, status);
    return cached;
  }
}

function findShard(shards: readonly ShardRecord[], shardId: string): ShardRecord | undefined {
  const index = shardIndexOf(shardId);
  return index === undefined ? undefined : shards.find((s) => s.index === index);
}

function childrenOf(cached: CachedStream, index: number): ReadResult["childShards"] {
  return cached.shards
    .filter((s) => s.parentIndex === index || s.adjacentParentIndex === index)
    .map((s) => ({
      shardId: shardIdOf(s.index),
      parentShards: [s.parentIndex, s.adjacentParentIndex].filter((p) => p !== undefined).map(shardIdOf),
      start: s.startingHashKey,
      end: s.endingHashKey,
    }));
}

function withinBytes<T extends { data: Buffer; partitionKey: string }>(records: T[], max: number): T[] {
  let bytes = 0;
  for (let i = 0; i < records.length; i++) {
    bytes += records[i]!.data.length + records[i]!.partitionKey.length;
    if (bytes > max && i > 0) return records.slice(0, i);
  }
  return records;
}

/** `Thu Jan 22 01:22:02 UTC 2015`, as Kinesis writes times in messages. */
function amzUtc(ms: number): string {
  const m = /^(.+), (.+) (.+) (.+) (.+) GMT$/.exec(new Date(ms).toUTCString());
  return m ? [m[1], m[3], m[2], m[5], "UTC", m[4]].join(" ") : new Date(ms).toISOString();
}
