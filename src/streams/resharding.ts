/**
 * UpdateShardCount with UNIFORM_SCALING as Kinesis carries it out: a series of splits and merges.
 * Every open shard is first split at each boundary of the target's even ranges that falls inside
 * it; then the pieces of each target range are merged pairwise, left to right. A split's children
 * name the split shard as ParentShardId; a merge's child names the left shard as ParentShardId and
 * the right one as AdjacentParentShardId. Intermediate shards are closed at once (they took no
 * record), so a consumer that follows parents reaches the final shards through them.
 */
import type { Reshard, ShardRecord } from "../ports/stream-store.js";
import { evenRanges } from "./hash-keys.js";

interface Piece {
  readonly index: number;
  readonly start: bigint;
  readonly end: bigint;
}

/** The shards to close and open to go from the open shards of `shards` to `target` even ranges. */
export function planUniformScaling(shards: readonly ShardRecord[], target: number, at: number): Reshard {
  let next = Math.max(-1, ...shards.map((s) => s.index)) + 1;
  const open: ShardRecord[] = [];
  const close: number[] = [];
  const make = (start: bigint, end: bigint, parents: { parentIndex: number; adjacentParentIndex?: number }) => {
    const shard: ShardRecord = {
      index: next++,
      startingHashKey: String(start),
      endingHashKey: String(end),
      ...parents,
      createdAt: at,
      lastSeq: 0,
    };
    open.push(shard);
    return shard;
  };
  const ranges = evenRanges(target).map((r) => ({ start: BigInt(r.start), end: BigInt(r.end) }));
  const current = shards
    .filter((s) => s.endingSeq === undefined)
    .map((s) => ({ index: s.index, start: BigInt(s.startingHashKey), end: BigInt(s.endingHashKey) }))
    .sort((a, b) => (a.start < b.start ? -1 : 1));
  const pieces: Piece[] = [];
  for (const shard of current) {
    const cuts = ranges.map((r) => r.start).filter((b) => b > shard.start && b <= shard.end);
    if (cuts.length === 0) {
      pieces.push(shard);
      continue;
    }
    close.push(shard.index);
    const bounds = [shard.start, ...cuts, shard.end + 1n];
    for (let i = 0; i + 1 < bounds.length; i++) {
      const child = make(bounds[i]!, bounds[i + 1]! - 1n, { parentIndex: shard.index });
      pieces.push({ index: child.index, start: bounds[i]!, end: bounds[i + 1]! - 1n });
    }
  }
  for (const range of ranges) {
    const inside = pieces.filter((p) => p.start >= range.start && p.end <= range.end);
    let left = inside[0]!;
    for (const right of inside.slice(1)) {
      close.push(left.index, right.index);
      const merged = make(left.start, right.end, { parentIndex: left.index, adjacentParentIndex: right.index });
      left = { index: merged.index, start: left.start, end: right.end };
    }
  }
  // Shards made here and merged again are closed as they are opened: they never took a record.
  const stillOpen = new Set(open.map((s) => s.index));
  for (const i of close) stillOpen.delete(i);
  return {
    close: close.filter((i) => !open.some((s) => s.index === i)),
    open: open.map((s) => (stillOpen.has(s.index) ? s : { ...s, endingSeq: 0, closedAt: at })),
    at,
  };
}
