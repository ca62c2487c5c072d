/**
 * What PutRecords and GetRecords need of a stream without a store round trip: the stream and its
 * open shards' hash ranges as integers. Dropped on every change this node makes, on a change another
 * node announces, and when a put finds a shard closed under it.
 */
import type { ShardRecord, StreamRecord, StreamStore } from "../ports/stream-store.js";

/** An open shard's range, ready for routing. */
export interface OpenShard {
  readonly index: number;
  readonly start: bigint;
  readonly end: bigint;
}

/** A stream as the record path sees it. */
export interface CachedStream {
  readonly stream: StreamRecord;
  readonly shards: readonly ShardRecord[];
  readonly open: readonly OpenShard[];
}

/** Streams read through from the store. */
export class StreamCache {
  readonly #store: StreamStore;
  readonly #streams = new Map<string, Promise<CachedStream | undefined>>();

  constructor(store: StreamStore) {
    this.#store = store;
  }

  /** The stream named `name` and its shards; undefined when there is none. */
  get(name: string): Promise<CachedStream | undefined> {
    let hit = this.#streams.get(name);
    if (!hit) {
      hit = this.#load(name);
      this.#streams.set(name, hit);
      // A failed read is not remembered.
      hit.catch(() => this.#streams.delete(name));
    }
    return hit;
  }

  /** Forgets one stream (or all). */
  drop(name?: string): void {
    if (name === undefined) this.#streams.clear();
    else this.#streams.delete(name);
  }

  async #load(name: string): Promise<CachedStream | undefined> {
    const stream = await this.#store.getStream(name);
    if (!stream) return undefined;
    const shards = await this.#store.listShards(name);
    const open = shards
      .filter((s) => s.endingSeq === undefined)
      .map((s) => ({ index: s.index, start: BigInt(s.startingHashKey), end: BigInt(s.endingHashKey) }));
    return { stream, shards, open };
  }
}

/** The open shard whose range holds `hashKey`. */
export function shardFor(open: readonly OpenShard[], hashKey: bigint): OpenShard | undefined {
  for (const s of open) if (hashKey >= s.start && hashKey <= s.end) return s;
  return undefined;
}
