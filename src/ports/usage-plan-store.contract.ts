/**
 * The contract every UsagePlanStore adapter passes (SQLite file and memory, PostgreSQL).
 * `open` gives a fresh, empty store per test.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import type { ApiKeyRecord, UsagePlanRecord } from "../domain/usage-plans.js";
import type { UsagePlanStore } from "./usage-plan-store.js";

/** An API key record. */
export function sampleKey(id: string, over: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  return {
    id,
    value: `${id}-value-at-least-20-chars`,
    name: id,
    enabled: true,
    stageKeys: [],
    tags: {},
    createdAt: 1,
    lastUpdatedAt: 1,
    ...over,
  };
}

/** A usage plan record. */
export function samplePlan(id: string, over: Partial<UsagePlanRecord> = {}): UsagePlanRecord {
  return { id, name: id, apiStages: [{ apiId: "api1", stage: "prod" }], tags: {}, ...over };
}

/** Runs the UsagePlanStore contract against the adapter `open` makes. */
export function runUsagePlanStoreContract(name: string, open: () => Promise<UsagePlanStore>): void {
  void describe(`UsagePlanStore contract: ${name}`, () => {
    let store: UsagePlanStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(() => store.close());

    void test("keys: insert, read back whole, list by creation, update, delete", async () => {
      const a = sampleKey("a", { createdAt: 2, description: "d", customerId: "c", tags: { t: "1" } });
      assert.equal(await store.insertApiKey(a), true);
      assert.equal(await store.insertApiKey(sampleKey("b", { createdAt: 1 })), true);
      assert.deepEqual(await store.getApiKey("a"), a);
      assert.deepEqual(
        (await store.listApiKeys()).map((k) => k.id),
        ["b", "a"],
      );
      assert.equal(await store.updateApiKey({ ...a, enabled: false }), true);
      assert.equal((await store.getApiKey("a"))?.enabled, false);
      assert.equal(await store.updateApiKey(sampleKey("zz")), false);
      assert.equal(await store.deleteApiKey("a"), true);
      assert.equal(await store.deleteApiKey("a"), false);
      assert.equal(await store.getApiKey("a"), undefined);
    });

    void test("a key's id and its value are unique", async () => {
      assert.equal(await store.insertApiKey(sampleKey("a")), true);
      assert.equal(await store.insertApiKey(sampleKey("a", { value: "another-value-of-20-chars" })), false);
      assert.equal(await store.insertApiKey(sampleKey("b", { value: sampleKey("a").value })), false);
    });

    void test("plans: insert, read back whole, update, delete", async () => {
      const p = samplePlan("p1", {
        throttle: { rateLimit: 1.5, burstLimit: 3 },
        quota: { limit: 10, period: "WEEK", offset: 2 },
        apiStages: [{ apiId: "x", stage: "s", throttle: { "/pets/GET": { rateLimit: 1, burstLimit: 1 } } }],
      });
      assert.equal(await store.insertUsagePlan(p), true);
      assert.equal(await store.insertUsagePlan(p), false);
      assert.deepEqual(await store.getUsagePlan("p1"), p);
      assert.equal(await store.updateUsagePlan({ ...p, name: "renamed" }), true);
      assert.equal((await store.getUsagePlan("p1"))?.name, "renamed");
      assert.equal(await store.updateUsagePlan(samplePlan("none")), false);
      await store.insertUsagePlan(samplePlan("p0"));
      assert.deepEqual(
        (await store.listUsagePlans()).map((x) => x.id),
        ["p0", "p1"],
      );
      assert.equal(await store.deleteUsagePlan("p1"), true);
      assert.equal(await store.getUsagePlan("p1"), undefined);
    });

    void test("plan keys need both sides, are unique, and go with either side", async () => {
      await store.insertUsagePlan(samplePlan("p"));
      await store.insertUsagePlan(samplePlan("q"));
      await store.insertApiKey(sampleKey("k"));
      await store.insertApiKey(sampleKey("j"));
      assert.equal(await store.addPlanKey({ planId: "nope", keyId: "k" }), "missing-plan");
      assert.equal(await store.addPlanKey({ planId: "p", keyId: "nope" }), "missing-key");
      assert.equal(await store.addPlanKey({ planId: "p", keyId: "k" }), "ok");
      assert.equal(await store.addPlanKey({ planId: "p", keyId: "k" }), "conflict");
      assert.equal(await store.addPlanKey({ planId: "p", keyId: "j" }), "ok");
      assert.equal(await store.addPlanKey({ planId: "q", keyId: "k" }), "ok");
      assert.deepEqual(await store.listPlanKeys("p"), [
        { planId: "p", keyId: "j" },
        { planId: "p", keyId: "k" },
      ]);
      await store.deleteApiKey("k");
      assert.deepEqual(await store.listPlanKeys(), [{ planId: "p", keyId: "j" }]);
      assert.equal(await store.deletePlanKey({ planId: "p", keyId: "j" }), true);
      assert.equal(await store.deletePlanKey({ planId: "p", keyId: "j" }), false);
      await store.addPlanKey({ planId: "q", keyId: "j" });
      await store.deleteUsagePlan("q");
      assert.deepEqual(await store.listPlanKeys(), []);
    });

    void test("usage counts add up per plan, key and day; set replaces one; listed by range", async () => {
      await store.addUsage([
        { planId: "p", keyId: "k", day: "2026-01-01", count: 2 },
        { planId: "p", keyId: "k", day: "2026-01-01", count: 3 },
        { planId: "p", keyId: "k", day: "2026-01-02", count: 1 },
        { planId: "p", keyId: "j", day: "2026-01-02", count: 4 },
        { planId: "q", keyId: "k", day: "2026-01-02", count: 9 },
      ]);
      await store.addUsage([{ planId: "p", keyId: "k", day: "2026-01-02", count: 1 }]);
      assert.deepEqual(await store.listUsage({ planId: "p", from: "2026-01-01", to: "2026-01-31" }), [
        { planId: "p", keyId: "j", day: "2026-01-02", count: 4 },
        { planId: "p", keyId: "k", day: "2026-01-01", count: 5 },
        { planId: "p", keyId: "k", day: "2026-01-02", count: 2 },
      ]);
      assert.deepEqual(await store.listUsage({ planId: "p", keyId: "k", from: "2026-01-02", to: "2026-01-02" }), [
        { planId: "p", keyId: "k", day: "2026-01-02", count: 2 },
      ]);
      await store.setUsage({ planId: "p", keyId: "k", day: "2026-01-02", count: 7 });
      await store.setUsage({ planId: "p", keyId: "k", day: "2026-01-03", count: 1 });
      assert.deepEqual(
        (await store.listUsage({ planId: "p", keyId: "k", from: "2026-01-02", to: "2026-01-03" })).map((c) => c.count),
        [7, 1],
      );
      await store.addUsage([]);
    });
  });
}
