/**
 * ParallelizationFactor: a shard's records are spread over N lanes by partition key (the records
 * of one key always share a lane, so their order is kept), and each lane processes its own
 * batches. The shard's checkpoint is the lowest lane position: every record at or below it was
 * processed by its lane, so a restart from it skips nothing (records above it may run again).
 */
import type { StoredStreamRecord } from "../ports/stream-store.js";

/** One lane of a shard: `index` of `count`. */
export interface Lane {
  readonly index: number;
  readonly count: number;
}

/** The lane of a partition key (FNV-1a of its UTF-16 units, modulo the lane count). */
export function laneOf(partitionKey: string, count: number): number {
  if (count === 1) return 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < partitionKey.length; i++) {
    h ^= partitionKey.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % count;
}

/** The first `limit` records of `lane` in a raw page, and how far the page covers that lane. */
export function laneBatch(
  raw: readonly StoredStreamRecord[],
  o: { lane: Lane; limit: number; after: number },
): { records: StoredStreamRecord[]; scannedTo: number } {
  const { lane, limit } = o;
  if (lane.count === 1) {
    const records = raw.length > limit ? raw.slice(0, limit) : [...raw];
    return { records, scannedTo: records.at(-1)?.seq ?? o.after };
  }
  const records: StoredStreamRecord[] = [];
  for (const r of raw) {
    if (laneOf(r.partitionKey, lane.count) !== lane.index) continue;
    records.push(r);
    // A full batch covers the lane up to its last record; records after it are the next batch's.
    if (records.length === limit) return { records, scannedTo: r.seq };
  }
  return { records, scannedTo: raw.at(-1)?.seq ?? o.after };
}

/** Where each lane of a shard stands, and the shard checkpoint they allow. */
export class ShardProgress {
  readonly #positions: number[];
  #saved: number;

  constructor(after: number, lanes: number) {
    this.#positions = Array.from({ length: lanes }, () => after);
    this.#saved = after;
  }

  position(lane: number): number {
    return this.#positions[lane]!;
  }

  /** Moves a lane forward; returns the new shard checkpoint when it moved, else undefined. */
  move(lane: number, to: number): number | undefined {
    if (to <= this.#positions[lane]!) return undefined;
    this.#positions[lane] = to;
    const low = Math.min(...this.#positions);
    if (low <= this.#saved) return undefined;
    this.#saved = low;
    return low;
  }
}
