/**
 * Shard iterators: opaque strings that name a stream (and its creation, so a recreated stream's
 * iterators do not carry over), a shard, where reading goes on (after a counter, or from an arrival
 * time) and when the iterator was issued (it expires 5 minutes later, as on Kinesis).
 */

/** Kinesis's tolerated age of an iterator. */
export const ITERATOR_TTL_MS = 300_000;

/** What an iterator holds. */
export interface IteratorState {
  readonly stream: string;
  readonly streamCreatedAt: number;
  readonly shardIndex: number;
  /** Records above this counter come next. */
  readonly after: number;
  /** AT_TIMESTAMP (and retention): only records that arrived at or after this time. */
  readonly since?: number | undefined;
  readonly issuedAt: number;
}

/** The iterator string for `s`. */
export function encodeIterator(s: IteratorState): string {
  const parts = [1, s.stream, s.streamCreatedAt, s.shardIndex, s.after, s.since ?? "", s.issuedAt];
  return Buffer.from(parts.join("|"), "utf8").toString("base64");
}

/** An iterator string's state; undefined when it is not one. */
export function decodeIterator(text: string): IteratorState | undefined {
  if (text.length === 0 || text.length > 512 || !/^[A-Za-z0-9+/]+=*$/.test(text)) return undefined;
  const parts = Buffer.from(text, "base64").toString("utf8").split("|");
  if (parts.length !== 7 || parts[0] !== "1") return undefined;
  const [, stream, created, shard, after, since, issued] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const nums = [created, shard, after, issued].map(Number);
  if (!stream || nums.some((n) => !Number.isSafeInteger(n) || n < 0)) return undefined;
  const sinceAt = since === "" ? undefined : Number(since);
  if (sinceAt !== undefined && !Number.isSafeInteger(sinceAt)) return undefined;
  return {
    stream,
    streamCreatedAt: nums[0]!,
    shardIndex: nums[1]!,
    after: nums[2]!,
    since: sinceAt,
    issuedAt: nums[3]!,
  };
}
