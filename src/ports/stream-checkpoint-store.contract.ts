/**
 * The contract every StreamCheckpointStore adapter passes (SQLite file and memory, PostgreSQL).
 * `open` gives a fresh, empty store per test.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import type { StreamCheckpointStore } from "./stream-checkpoint-store.js";

/** Runs the StreamCheckpointStore contract against the adapter `open` makes. */
export function runStreamCheckpointStoreContract(name: string, open: () => Promise<StreamCheckpointStore>): void {
  void describe(`StreamCheckpointStore contract: ${name}`, () => {
    let store: StreamCheckpointStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    void test("checkpoints per mapping and shard only move forward; done stays set", async () => {
      assert.deepEqual(await store.list("m1"), []);
      await store.advance("m1", { shardIndex: 1, seq: 5, done: false });
      await store.advance("m1", { shardIndex: 0, seq: 2 ** 40, done: false });
      await store.advance("m2", { shardIndex: 0, seq: 9, done: false });
      await store.advance("m1", { shardIndex: 1, seq: 3, done: false });
      assert.deepEqual(await store.list("m1"), [
        { shardIndex: 0, seq: 2 ** 40, done: false },
        { shardIndex: 1, seq: 5, done: false },
      ]);
      await store.advance("m1", { shardIndex: 1, seq: 7, done: true });
      await store.advance("m1", { shardIndex: 1, seq: 7, done: false });
      assert.deepEqual((await store.list("m1"))[1], { shardIndex: 1, seq: 7, done: true });
    });

    void test("a tumbling window travels with the checkpoint: replaced by an advance that does not go back", async () => {
      const window = { start: 1_700_000_000_000, state: '{"count":3}' };
      await store.advance("m1", { shardIndex: 0, seq: 4, done: false, window });
      assert.deepEqual(await store.list("m1"), [{ shardIndex: 0, seq: 4, done: false, window }]);
      await store.advance("m1", { shardIndex: 0, seq: 2, done: false, window: { start: 1, state: "{}" } });
      assert.deepEqual((await store.list("m1"))[0]?.window, window);
      const next = { start: window.start, state: '{"count":5}' };
      await store.advance("m1", { shardIndex: 0, seq: 6, done: false, window: next });
      assert.deepEqual((await store.list("m1"))[0]?.window, next);
      await store.advance("m1", { shardIndex: 0, seq: 6, done: false });
      assert.deepEqual(await store.list("m1"), [{ shardIndex: 0, seq: 6, done: false }]);
    });

    void test("forget drops one mapping's checkpoints", async () => {
      await store.advance("m1", { shardIndex: 0, seq: 1, done: false });
      await store.advance("m2", { shardIndex: 0, seq: 2, done: false });
      await store.forget("m1");
      assert.deepEqual(await store.list("m1"), []);
      assert.deepEqual(await store.list("m2"), [{ shardIndex: 0, seq: 2, done: false }]);
    });
  });
}
