/**
 * The contract every StreamStore adapter passes (SQLite; PostgreSQL runs it too). `open` gives a
 * fresh, empty store per test.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import type { NewStreamRecord, ShardRecord, StreamRecord, StreamStore } from "./stream-store.js";

/** A stream record; fields overridable. */
export function sampleStream(name: string, over: Partial<StreamRecord> = {}): StreamRecord {
  return {
    name,
    arn: `arn:aws:kinesis:us-east-1:000000000000:stream/${name}`,
    status: "ACTIVE",
    mode: "PROVISIONED",
    retentionHours: 24,
    encryption: "NONE",
    createdAt: 1000,
    tags: {},
    ...over,
  };
}

/** An open shard `index` over [start, end]. */
export function sampleShard(index: number, start = "0", end = "340282366920938463463374607431768211455"): ShardRecord {
  return { index, startingHashKey: start, endingHashKey: end, createdAt: 1000, lastSeq: 0 };
}

const rec = (shardIndex: number, pk: string, data = pk): NewStreamRecord => ({
  shardIndex,
  partitionKey: pk,
  data: Buffer.from(data),
});

/** Runs the StreamStore contract against the adapter `open` makes. */
export function runStreamStoreContract(name: string, open: () => Promise<StreamStore>): void {
  void describe(`StreamStore contract: ${name}`, () => {
    let s: StreamStore;
    beforeEach(async () => {
      s = await open();
      assert.equal(
        await s.createStream(sampleStream("st"), [sampleShard(0, "0", "9"), sampleShard(1, "10", "99")]),
        true,
      );
    });
    afterEach(() => s.close());

    void test("streams: create once, update, list by name, delete with shards and records", async () => {
      assert.equal(await s.createStream(sampleStream("st", { retentionHours: 48 }), []), false);
      assert.equal((await s.getStream("st"))?.retentionHours, 24, "the first one stays");
      await s.createStream(sampleStream("a"), [sampleShard(0)]);
      assert.deepEqual(
        (await s.listStreams()).map((x) => x.name),
        ["a", "st"],
      );
      assert.equal(await s.updateStream(sampleStream("st", { tags: { team: "x" }, status: "UPDATING" })), true);
      assert.deepEqual((await s.getStream("st"))?.tags, { team: "x" });
      assert.equal(await s.updateStream(sampleStream("nope")), false);
      await s.putRecords("st", [rec(0, "k")], 2000);
      assert.equal(await s.deleteStream("st"), true);
      assert.equal(await s.getStream("st"), undefined);
      assert.deepEqual(await s.listShards("st"), []);
      assert.equal(await s.deleteStream("st"), false);
      await s.createStream(sampleStream("st"), [sampleShard(0)]);
      assert.deepEqual((await s.readShard("st", 0, { after: 0, limit: 10 })).records, [], "records went with it");
    });

    void test("records: counters grow per shard in put order, across batches; data and keys kept", async () => {
      const first = await s.putRecords(
        "st",
        [rec(0, "a"), rec(1, "b"), rec(0, "c"), { ...rec(1, "d"), explicitHashKey: "42", data: Buffer.from([0, 255]) }],
        2000,
      );
      assert.deepEqual(first, [1, 1, 2, 2]);
      assert.deepEqual(await s.putRecords("st", [rec(0, "e")], 3000), [3]);
      const page = await s.readShard("st", 0, { after: 0, limit: 10 });
      assert.deepEqual(
        page.records.map((r) => [r.seq, r.partitionKey, r.data.toString(), r.arrivedAt]),
        [
          [1, "a", "a", 2000],
          [2, "c", "c", 2000],
          [3, "e", "e", 3000],
        ],
      );
      assert.equal(page.lastSeq, 3);
      assert.equal(page.lastArrivedAt, 3000);
      assert.equal(page.endingSeq, undefined);
      const other = (await s.readShard("st", 1, { after: 1, limit: 10 })).records;
      assert.equal(other.length, 1);
      assert.equal(other[0]!.explicitHashKey, "42");
      assert.deepEqual([...other[0]!.data], [0, 255]);
    });

    void test("readShard: after a counter, with a limit and an arrival cut-off", async () => {
      for (let t = 1; t <= 5; t++) await s.putRecords("st", [rec(0, `k${t}`)], t * 1000);
      const seqs = async (after: number, limit: number, since?: number) =>
        (await s.readShard("st", 0, { after, limit, since })).records.map((r) => r.seq);
      assert.deepEqual(await seqs(2, 2), [3, 4]);
      assert.deepEqual(await seqs(0, 10, 3500), [4, 5]);
      assert.deepEqual(await seqs(5, 10), []);
      const empty = await s.readShard("st", 1, { after: 0, limit: 10 });
      assert.deepEqual([empty.records, empty.lastSeq, empty.lastArrivedAt], [[], 0, undefined]);
    });

    void test("trimRecords deletes what arrived before the cut-off, counters go on", async () => {
      await s.putRecords("st", [rec(0, "old"), rec(1, "old")], 1000);
      await s.putRecords("st", [rec(0, "new")], 5000);
      assert.equal(await s.trimRecords("st", 2000), 2);
      const page = await s.readShard("st", 0, { after: 0, limit: 10 });
      assert.deepEqual(
        page.records.map((r) => [r.seq, r.partitionKey]),
        [[2, "new"]],
      );
      assert.deepEqual(await s.putRecords("st", [rec(0, "next")], 6000), [3]);
    });

    void test("reshard: parents closed at their last counter, children open; a closed shard takes no record", async () => {
      await s.putRecords("st", [rec(0, "a"), rec(0, "b")], 2000);
      const shards = await s.reshard("st", {
        close: [0],
        open: [
          { ...sampleShard(2, "0", "4"), parentIndex: 0 },
          { ...sampleShard(3, "5", "9"), parentIndex: 0 },
        ],
        at: 3000,
      });
      assert.deepEqual(
        shards.map((x) => [x.index, x.endingSeq, x.closedAt, x.parentIndex]),
        [
          [0, 2, 3000, undefined],
          [1, undefined, undefined, undefined],
          [2, undefined, undefined, 0],
          [3, undefined, undefined, 0],
        ],
      );
      assert.deepEqual(await s.putRecords("st", [rec(0, "late"), rec(2, "child")], 4000), [undefined, 1]);
      const parent = await s.readShard("st", 0, { after: 0, limit: 10 });
      assert.deepEqual([parent.records.length, parent.endingSeq], [2, 2]);
      const merged = await s.reshard("st", {
        close: [1, 2],
        open: [{ ...sampleShard(4, "0", "99"), parentIndex: 2, adjacentParentIndex: 1 }],
        at: 5000,
      });
      assert.deepEqual(merged.at(-1), { ...sampleShard(4, "0", "99"), parentIndex: 2, adjacentParentIndex: 1 });
      assert.equal(merged[2]!.endingSeq, 1);
      assert.deepEqual(await s.listShards("st"), merged);
    });

    void test("concurrent puts to one shard: every counter given once, in order", async () => {
      const puts = Array.from({ length: 20 }, (_, i) =>
        s.putRecords("st", [rec(0, `p${i}`), rec(1, `q${i}`), rec(0, `r${i}`)], 2000),
      );
      const all = (await Promise.all(puts)).flat();
      assert.equal(all.length, 60);
      const page = await s.readShard("st", 0, { after: 0, limit: 100 });
      assert.deepEqual(
        page.records.map((r) => r.seq),
        Array.from({ length: 40 }, (_, i) => i + 1),
      );
      for (let i = 0; i < 20; i++) {
        const mine = page.records.filter((r) => r.partitionKey === `p${i}` || r.partitionKey === `r${i}`);
        assert.equal(mine[0]!.partitionKey, `p${i}`, "a batch's records keep their order");
        assert.equal(mine[1]!.seq, mine[0]!.seq + 1, "a batch's records of one shard are contiguous");
      }
    });
  });
}
