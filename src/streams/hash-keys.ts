/**
 * Kinesis's key space: a partition key's MD5 read as a 128-bit unsigned integer is its hash key;
 * each shard owns a contiguous range of hash keys, and a stream's first shards split the space
 * evenly (shard i starts at floor(2^128 · i / n)), as Kinesis does.
 */
import { createHash } from "node:crypto";

/** The largest hash key, 2^128 − 1. */
export const MAX_HASH_KEY = (1n << 128n) - 1n;

/** The hash key of a partition key: MD5 of its UTF-8 bytes, big-endian. */
export function hashKeyOf(partitionKey: string): bigint {
  return BigInt(`0x${createHash("md5").update(partitionKey, "utf8").digest("hex")}`);
}

/** n even ranges of the key space, [start, end] inclusive, as decimal strings. */
export function evenRanges(n: number): { start: string; end: string }[] {
  const starts = Array.from({ length: n }, (_, i) => ((MAX_HASH_KEY + 1n) * BigInt(i)) / BigInt(n));
  return starts.map((s, i) => ({ start: String(s), end: String(i + 1 < n ? starts[i + 1]! - 1n : MAX_HASH_KEY) }));
}

/** An ExplicitHashKey as Kinesis takes it: a decimal integer in [0, 2^128 − 1]; undefined otherwise. */
export function parseHashKey(text: string): bigint | undefined {
  if (!/^\d{1,39}$/.test(text)) return undefined;
  const v = BigInt(text);
  return v <= MAX_HASH_KEY ? v : undefined;
}

/** `shardId-000000000007` for index 7. */
export function shardIdOf(index: number): string {
  return `shardId-${String(index).padStart(12, "0")}`;
}

/** The index of a shard id (`shardId-000000000007`; Kinesis also takes `shardId-7` and `7`); undefined if not one. */
export function shardIndexOf(shardId: string): number | undefined {
  const m = /^(?:shardId-)?(\d{1,20})$/.exec(shardId);
  if (!m) return undefined;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) ? n : undefined;
}
