/**
 * The contract every BusStore adapter passes (SQLite file and memory, PostgreSQL).
 * `open` gives a fresh, empty store per test.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import type { BusStore, EventBusRecord, EventRuleRecord } from "./bus-store.js";
import { registerRetryContract } from "./bus-store.retry-contract.js";

/** A bus record. */
export function sampleBus(name: string, over: Partial<EventBusRecord> = {}): EventBusRecord {
  return {
    name,
    arn: `arn:aws:events:us-east-1:000000000000:event-bus/${name}`,
    createdAt: 1_700_000_000_000,
    tags: {},
    ...over,
  };
}

/** A rule record on `busName`. */
export function sampleRule(busName: string, name: string, over: Partial<EventRuleRecord> = {}): EventRuleRecord {
  return {
    busName,
    name,
    arn: `arn:aws:events:us-east-1:000000000000:rule/${busName}/${name}`,
    eventPattern: '{"source":["app"]}',
    state: "ENABLED",
    createdAt: 1_700_000_000_000,
    enabledAt: 1_700_000_000_000,
    targets: [],
    tags: {},
    ...over,
  };
}

/** Runs the BusStore contract against the adapter `open` makes. */
export function runBusStoreContract(name: string, open: () => Promise<BusStore>): void {
  void describe(`BusStore contract: ${name}`, () => {
    let store: BusStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    void test("buses: insert once, list in name order, update, delete", async () => {
      assert.equal(await store.insertBus(sampleBus("orders")), true);
      assert.equal(await store.insertBus(sampleBus("orders", { description: "again" })), false);
      assert.equal(await store.insertBus(sampleBus("audit")), true);
      assert.deepEqual(
        (await store.listBuses()).map((b) => b.name),
        ["audit", "orders"],
      );
      await store.updateBus(sampleBus("orders", { tags: { team: "a" } }));
      assert.deepEqual((await store.listBuses()).find((b) => b.name === "orders")?.tags, { team: "a" });
      assert.equal(await store.deleteBus("orders"), true);
      assert.equal(await store.deleteBus("orders"), false);
      assert.deepEqual(
        (await store.listBuses()).map((b) => b.name),
        ["audit"],
      );
    });

    void test("rules: saved whole with targets, replaced, listed by bus then name, deleted", async () => {
      const target = {
        id: "t1",
        arn: "arn:aws:lambda:us-east-1:000000000000:function:f",
        inputTransformer: { inputPathsMap: { s: "$.source" }, inputTemplate: '"<s>"' },
      };
      await store.saveRule(sampleRule("default", "b", { targets: [target] }));
      await store.saveRule(sampleRule("default", "a"));
      await store.saveRule(sampleRule("audit", "z"));
      const all = await store.listRules();
      assert.deepEqual(
        all.map((r) => `${r.rule.busName}/${r.rule.name}`),
        ["audit/z", "default/a", "default/b"],
      );
      assert.deepEqual((await store.getRule("default", "b"))?.rule.targets, [target]);
      await store.saveRule(sampleRule("default", "b", { state: "DISABLED" }));
      const b = await store.getRule("default", "b");
      assert.equal(b?.rule.state, "DISABLED");
      assert.deepEqual(b?.rule.targets, []);
      assert.equal(await store.deleteRule("default", "b"), true);
      assert.equal(await store.deleteRule("default", "b"), false);
      assert.equal(await store.getRule("default", "b"), undefined);
    });

    void test("deleting a bus deletes its rules", async () => {
      await store.insertBus(sampleBus("orders"));
      await store.saveRule(sampleRule("orders", "r"));
      await store.saveRule(sampleRule("default", "r"));
      await store.deleteBus("orders");
      assert.deepEqual(
        (await store.listRules()).map((r) => r.rule.busName),
        ["default"],
      );
    });

    void test("claimFiring: compare-and-set of the last firing, kept across saves", async () => {
      await store.saveRule(
        sampleRule("default", "tick", { eventPattern: undefined, scheduleExpression: "rate(1 minute)" }),
      );
      assert.equal((await store.getRule("default", "tick"))?.lastFiredAt, undefined);
      assert.equal(await store.claimFiring("default", "tick", undefined, 60_000), true);
      assert.equal(await store.claimFiring("default", "tick", undefined, 60_000), false);
      assert.equal(await store.claimFiring("default", "tick", 0, 120_000), false);
      assert.equal(await store.claimFiring("default", "tick", 60_000, 120_000), true);
      await store.saveRule(sampleRule("default", "tick", { description: "changed" }));
      assert.equal((await store.getRule("default", "tick"))?.lastFiredAt, 120_000);
      assert.equal(await store.claimFiring("default", "nope", undefined, 1), false);
    });

    void test("two claims of the same tick at once: exactly one wins", async () => {
      await store.saveRule(sampleRule("default", "race"));
      const wins = await Promise.all([1, 2, 3, 4].map(() => store.claimFiring("default", "race", undefined, 5_000)));
      assert.equal(wins.filter(Boolean).length, 1);
    });

    registerRetryContract(() => store);
  });
}
