/** The retry part of the BusStore contract: failed deliveries waiting, claimed by one owner at a time. */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { BusStore, TargetRetryRecord } from "./bus-store.js";

/** A retry record; fields overridable. */
export function sampleRetry(id: string, over: Partial<TargetRetryRecord> = {}): TargetRetryRecord {
  return {
    id,
    busName: "default",
    ruleName: "r",
    targetId: "t",
    event: `{"id":"${id}"}`,
    ingestionTime: "2026-01-01T00:00:00Z",
    firstAttemptAt: 1000,
    retryAttempts: 0,
    dueAt: 2000,
    lastErrorCode: "THROTTLING",
    lastErrorMessage: "slow down",
    ...over,
  };
}

const claim = { limit: 10, leaseMs: 500, owner: "node-a" };

/** Registers the retry tests on the store `store()` gives (fresh per test). */
export function registerRetryContract(store: () => BusStore): void {
  void test("retries: claimed when due, oldest first, by one owner until the claim expires", async () => {
    const s = store();
    assert.equal(await s.nextRetryDueAt(), undefined);
    await s.insertRetry(sampleRetry("late", { dueAt: 5000 }));
    await s.insertRetry(sampleRetry("b", { dueAt: 2000, via: ["orders"] }));
    await s.insertRetry(sampleRetry("a", { dueAt: 1500 }));
    assert.equal(await s.nextRetryDueAt(), 1500);
    assert.deepEqual(await s.claimRetries({ ...claim, now: 1499 }), []);
    const got = await s.claimRetries({ ...claim, now: 2000 });
    assert.deepEqual(
      got.map((r) => r.id),
      ["a", "b"],
    );
    assert.deepEqual(got[1], sampleRetry("b", { dueAt: 2000, via: ["orders"] }));
    assert.deepEqual(await s.claimRetries({ ...claim, owner: "node-b", now: 2499 }), []);
    assert.equal(await s.nextRetryDueAt(), 2500, "the claims expire at 2500");
    const again = await s.claimRetries({ ...claim, owner: "node-b", now: 2500 });
    assert.deepEqual(
      again.map((r) => r.id),
      ["a", "b"],
    );
    assert.equal(await s.deleteRetry("a", "node-a"), false, "node-a lost its claim");
    assert.equal(await s.deleteRetry("a", "node-b"), true);
    assert.equal(await s.deleteRetry("a", "node-b"), false);
  });

  void test("retries: an update replaces the record, moves its due time and releases the claim", async () => {
    const s = store();
    await s.insertRetry(sampleRetry("r1"));
    const [r] = await s.claimRetries({ ...claim, now: 2000 });
    const next = { ...r!, retryAttempts: 1, dueAt: 9000, lastErrorCode: "INTERNAL_ERROR" };
    assert.equal(await s.updateRetry(next, "node-b"), false);
    assert.equal(await s.updateRetry(next, "node-a"), true);
    assert.equal(await s.nextRetryDueAt(), 9000);
    assert.deepEqual(await s.claimRetries({ ...claim, now: 8999 }), []);
    assert.deepEqual(await s.claimRetries({ ...claim, owner: "node-b", now: 9000 }), [next]);
  });

  void test("retries: claims at once from several owners never take the same retry", async () => {
    const s = store();
    for (let i = 0; i < 20; i++) await s.insertRetry(sampleRetry(`r${String(i).padStart(2, "0")}`));
    const claims = await Promise.all(
      ["a", "b", "c", "d"].map((owner) => s.claimRetries({ ...claim, limit: 6, owner, now: 2000 })),
    );
    const ids = claims.flat().map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length);
    assert.equal(ids.length, 20);
  });
}
