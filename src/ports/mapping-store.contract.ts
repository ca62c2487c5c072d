/**
 * The contract every MappingStore adapter passes (SQLite file and memory, PostgreSQL).
 * `open` gives a fresh, empty store per test.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import type { MappingRecord, MappingStore } from "./mapping-store.js";

/** A mapping record from queue `queue` to function `fn`. */
export function sampleMapping(uuid: string, over: Partial<MappingRecord> = {}): MappingRecord {
  return {
    uuid,
    eventSourceArn: "arn:aws:sqs:us-east-1:000000000000:orders",
    functionArn: "arn:aws:lambda:us-east-1:000000000000:function:work",
    state: "Creating",
    stateTransitionReason: "USER_INITIATED",
    enabled: true,
    lastModified: 1_700_000_000_123,
    settings: { BatchSize: 10, MaximumBatchingWindowInSeconds: 0, FunctionResponseTypes: [] },
    ...over,
  };
}

/** Runs the MappingStore contract against the adapter `open` makes. */
export function runMappingStoreContract(name: string, open: () => Promise<MappingStore>): void {
  void describe(`MappingStore contract: ${name}`, () => {
    let store: MappingStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    void test("insert, get, list oldest first; a source and function are joined once", async () => {
      const a = sampleMapping("a-uuid", {
        settings: { BatchSize: 5, FilterCriteria: { Filters: [{ Pattern: "{}" }] } },
      });
      assert.deepEqual(await store.insert(a), { inserted: true });
      assert.deepEqual(await store.get("a-uuid"), a);
      assert.deepEqual(await store.insert(sampleMapping("b-uuid")), { inserted: false, existing: "a-uuid" });
      const other = sampleMapping("0-uuid", { eventSourceArn: "arn:aws:sqs:us-east-1:000000000000:audit" });
      assert.deepEqual(await store.insert(other), { inserted: true });
      const qualified = sampleMapping("c-uuid", { functionArn: `${a.functionArn}:live` });
      assert.deepEqual(await store.insert(qualified), { inserted: true });
      assert.deepEqual(
        (await store.list()).map((m) => m.uuid),
        ["a-uuid", "0-uuid", "c-uuid"],
      );
      assert.equal(await store.get("b-uuid"), undefined);
    });

    void test("update replaces the body; delete once; a deleted pair may be joined again", async () => {
      await store.insert(sampleMapping("a-uuid"));
      const changed = sampleMapping("a-uuid", {
        state: "Disabled",
        enabled: false,
        functionArn: "arn:aws:lambda:us-east-1:000000000000:function:other",
        settings: { BatchSize: 1 },
      });
      assert.equal(await store.update(changed), true);
      assert.deepEqual(await store.get("a-uuid"), changed);
      const sameJoin = sampleMapping("x-uuid", { functionArn: changed.functionArn });
      assert.deepEqual(await store.insert(sameJoin), { inserted: false, existing: "a-uuid" });
      assert.equal(await store.update(sampleMapping("nope")), false);
      const settled = { ...changed, state: "Enabled" as const };
      assert.equal(await store.update(settled, sampleMapping("a-uuid")), false, "not the stored one");
      assert.equal(await store.update(settled, changed), true);
      assert.deepEqual(await store.get("a-uuid"), settled);
      assert.equal(await store.delete("a-uuid"), true);
      assert.equal(await store.delete("a-uuid"), false);
      assert.equal(await store.get("a-uuid"), undefined);
      assert.deepEqual(await store.insert(sampleMapping("b-uuid")), { inserted: true });
      assert.deepEqual(
        (await store.list()).map((m) => m.uuid),
        ["b-uuid"],
      );
    });
  });
}
