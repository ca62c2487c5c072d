import assert from "node:assert/strict";
import { test } from "node:test";
import type { StoredStreamRecord } from "../ports/stream-store.js";
import { laneBatch, laneOf, ShardProgress } from "./shard-lanes.js";

const rec = (seq: number, partitionKey: string): StoredStreamRecord => ({
  seq,
  partitionKey,
  data: Buffer.from(""),
  arrivedAt: 0,
});

test("a partition key always has the same lane, and keys spread over every lane", () => {
  const lanes = new Set<number>();
  for (let i = 0; i < 200; i++) {
    const lane = laneOf(`key-${i}`, 10);
    assert.equal(laneOf(`key-${i}`, 10), lane);
    assert.ok(lane >= 0 && lane < 10);
    lanes.add(lane);
  }
  assert.equal(lanes.size, 10);
  assert.equal(laneOf("anything", 1), 0);
});

test("a lane's batch: its own records only; a full batch covers the lane up to its last record", () => {
  const keys = ["a", "b", "c", "d", "e", "f"];
  const raw = Array.from({ length: 30 }, (_, i) => rec(i + 1, keys[i % keys.length]!));
  const lane = { index: laneOf("a", 3), count: 3 };
  const full = laneBatch(raw, { lane, limit: 2, after: 0 });
  assert.equal(full.records.length, 2);
  assert.ok(full.records.every((r) => laneOf(r.partitionKey, 3) === lane.index));
  assert.equal(full.scannedTo, full.records[1]!.seq);
  const rest = laneBatch(raw, { lane, limit: 100, after: 0 });
  assert.equal(rest.scannedTo, 30, "a partial batch covers the whole page");
  assert.deepEqual(laneBatch([], { lane, limit: 5, after: 7 }), { records: [], scannedTo: 7 });
  const single = laneBatch(raw, { lane: { index: 0, count: 1 }, limit: 4, after: 0 });
  assert.deepEqual(
    single.records.map((r) => r.seq),
    [1, 2, 3, 4],
  );
});

test("the shard checkpoint is the lowest lane position and never goes back", () => {
  const progress = new ShardProgress(10, 3);
  assert.equal(progress.move(0, 20), undefined, "lanes 1 and 2 still at 10");
  assert.equal(progress.move(1, 15), undefined);
  assert.equal(progress.move(2, 30), 15);
  assert.equal(progress.move(1, 12), undefined, "a lane never goes back");
  assert.equal(progress.position(1), 15);
  let last = 15;
  for (let i = 0; i < 300; i++) {
    const lane = i % 3;
    const moved = progress.move(lane, progress.position(lane) + ((i * 7) % 5));
    if (moved !== undefined) {
      assert.ok(moved > last, "each stored checkpoint is above the previous one");
      assert.ok([0, 1, 2].every((l) => progress.position(l) >= moved));
      last = moved;
    }
  }
});
