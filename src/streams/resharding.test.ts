import assert from "node:assert/strict";
import { test } from "node:test";
import type { ShardRecord } from "../ports/stream-store.js";
import { evenRanges, hashKeyOf, MAX_HASH_KEY, shardIndexOf } from "./hash-keys.js";
import { planUniformScaling } from "./resharding.js";
import { formatSequenceNumber, parseSequenceNumber } from "./sequence-numbers.js";

const open = (n: number): ShardRecord[] =>
  evenRanges(n).map((r, index) => ({
    index,
    startingHashKey: r.start,
    endingHashKey: r.end,
    createdAt: 0,
    lastSeq: 0,
  }));
const view = (s: ShardRecord) => [s.index, s.parentIndex, s.adjacentParentIndex, s.endingSeq !== undefined];

test("even ranges cover the key space without gaps; MD5 hash keys as Kinesis computes them", () => {
  const ranges = evenRanges(3).map((r) => [BigInt(r.start), BigInt(r.end)] as const);
  assert.equal(ranges[0]![0], 0n);
  assert.equal(ranges[2]![1], MAX_HASH_KEY);
  assert.equal(ranges[1]![0], ranges[0]![1] + 1n);
  assert.equal(ranges[2]![0], ranges[1]![1] + 1n);
  // md5("a") = 0cc175b9c0f1b6a831c399e269772661
  assert.equal(hashKeyOf("a"), 0x0cc175b9c0f1b6a831c399e269772661n);
});

test("sequence numbers: 56 digits, growing with the counter, naming their shard", () => {
  const a = formatSequenceNumber(3, 41);
  const b = formatSequenceNumber(3, 42);
  assert.match(a, /^49\d{54}$/);
  assert.ok(BigInt(b) > BigInt(a));
  assert.deepEqual(parseSequenceNumber(b), { shardIndex: 3, seq: 42 });
  assert.equal(parseSequenceNumber("123"), undefined);
  assert.deepEqual(
    [shardIndexOf("shardId-000000000007"), shardIndexOf("7"), shardIndexOf("shard-x")],
    [7, 7, undefined],
  );
});

test("1 → 2 splits, 2 → 1 merges, 2 → 4 splits each", () => {
  const split = planUniformScaling(open(1), 2, 5);
  assert.deepEqual(split.close, [0]);
  assert.deepEqual(split.open.map(view), [
    [1, 0, undefined, false],
    [2, 0, undefined, false],
  ]);
  const merge = planUniformScaling(open(2), 1, 5);
  assert.deepEqual(merge.close, [0, 1]);
  assert.deepEqual(merge.open.map(view), [[2, 0, 1, false]]);
  assert.equal(merge.open[0]!.endingHashKey, String(MAX_HASH_KEY));
  assert.equal(planUniformScaling(open(2), 4, 5).open.length, 4);
});

test("3 → 2: the middle shard is split, then each half merged with its neighbour; the pieces are closed", () => {
  const plan = planUniformScaling(open(3), 2, 5);
  assert.deepEqual([...plan.close].sort(), [0, 1, 2]);
  assert.deepEqual(plan.open.map(view), [
    [3, 1, undefined, true],
    [4, 1, undefined, true],
    [5, 0, 3, false],
    [6, 4, 2, false],
  ]);
  const finals = plan.open.filter((s) => s.endingSeq === undefined);
  assert.deepEqual(
    finals.map((s) => [s.startingHashKey, s.endingHashKey]),
    evenRanges(2).map((r) => [r.start, r.end]),
  );
});
