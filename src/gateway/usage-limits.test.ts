import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SqliteUsagePlanStore } from "../adapters/sqlite/usage-plan-store.js";
import type { UsageSnapshot } from "../domain/usage-plans.js";
import { ManualClock } from "../shared/clock.js";
import { QuotaLedger } from "./quota-ledger.js";
import { UsageLimits, type QuotaGate } from "./usage-limits.js";

const KEY = { value: "k-value-of-twenty-chars", id: "k1" };

function snapshot(plan: Partial<UsageSnapshot["plans"][number]> = {}, enabled = true): UsageSnapshot {
  return {
    keys: [
      { id: KEY.id, value: KEY.value, name: "k", enabled, stageKeys: [], tags: {}, createdAt: 0, lastUpdatedAt: 0 },
    ],
    plans: [{ id: "p1", name: "p", apiStages: [{ apiId: "a", stage: "prod" }], tags: {}, ...plan }],
    planKeys: [{ planId: "p1", keyId: KEY.id }],
  };
}

function checker(limits: UsageLimits, clock: ManualClock, quota?: QuotaGate) {
  // The refusal, or undefined when the request may go on (with the key's id, checked below).
  return (o: { value?: string | undefined; stage?: string; method?: string } = {}) => {
    const verdict = limits.check({
      apiId: "a",
      stage: o.stage ?? "prod",
      value: "value" in o ? o.value : KEY.value,
      resourcePath: "/pets",
      method: o.method ?? "GET",
      monotonicNow: clock.monotonicNow(),
      now: clock.now(),
      quota,
    });
    if (typeof verdict === "string") return verdict;
    assert.equal(verdict.keyId, KEY.id, "the key the request goes on with");
    return undefined;
  };
}

describe("UsageLimits (simulated time)", () => {
  it("needs an enabled key of a plan covering the stage", () => {
    const clock = new ManualClock(0);
    const check = checker(new UsageLimits(snapshot()), clock);
    assert.equal(check(), undefined);
    assert.equal(check({ value: undefined }), "invalid-api-key");
    assert.equal(check({ value: "other" }), "invalid-api-key");
    assert.equal(check({ stage: "dev" }), "invalid-api-key");
    assert.equal(checker(new UsageLimits(snapshot({}, false)), clock)(), "invalid-api-key");
  });

  it("a change elsewhere keeps a key's spent bucket; a changed throttle or a key leaving its plan starts afresh", () => {
    const clock = new ManualClock(0);
    const throttled = snapshot({ throttle: { rateLimit: 1, burstLimit: 2 } });
    const first = new UsageLimits(throttled);
    const check = checker(first, clock);
    assert.deepEqual([check(), check(), check()], [undefined, undefined, "throttled"]);
    // Another key added to the plan: this key's bucket is still empty.
    const other = { ...throttled.keys[0]!, id: "k2", value: "another-value-of-twenty" };
    const widened: UsageSnapshot = {
      ...throttled,
      keys: [...throttled.keys, other],
      planKeys: [...throttled.planKeys, { planId: "p1", keyId: "k2" }],
    };
    const second = new UsageLimits(widened, first);
    assert.equal(checker(second, clock)(), "throttled", "no fresh burst from an unrelated change");
    // The throttle itself changed: a new bucket, full.
    const raised = new UsageLimits(snapshot({ throttle: { rateLimit: 1, burstLimit: 3 } }), second);
    const checkRaised = checker(raised, clock);
    assert.deepEqual(
      [checkRaised(), checkRaised(), checkRaised(), checkRaised()],
      [undefined, undefined, undefined, "throttled"],
    );
    // The key leaves the plan and comes back: its old bucket is not kept meanwhile.
    const gone = new UsageLimits({ ...throttled, planKeys: [] }, raised);
    const back = new UsageLimits(throttled, gone);
    assert.deepEqual([checker(back, clock)(), checker(back, clock)()], [undefined, undefined]);
  });

  it("throttles with a token bucket: the burst at once, then the rate", () => {
    const clock = new ManualClock(0);
    const check = checker(new UsageLimits(snapshot({ throttle: { rateLimit: 2, burstLimit: 3 } })), clock);
    assert.deepEqual([check(), check(), check(), check()], [undefined, undefined, undefined, "throttled"]);
    clock.advance(499);
    assert.equal(check(), "throttled", "less than one token refilled");
    clock.advance(1);
    assert.equal(check(), undefined);
    clock.advance(10_000);
    assert.deepEqual(
      [check(), check(), check(), check()],
      [undefined, undefined, undefined, "throttled"],
      "never above the burst",
    );
  });

  it("a per-method throttle applies to its method only; /*/* to every method", () => {
    const clock = new ManualClock(0);
    const stages = [{ apiId: "a", stage: "prod", throttle: { "/pets/GET": { rateLimit: 1, burstLimit: 1 } } }];
    const check = checker(new UsageLimits(snapshot({ apiStages: stages })), clock);
    assert.deepEqual([check(), check()], [undefined, "throttled"]);
    assert.deepEqual([check({ method: "POST" }), check({ method: "POST" })], [undefined, undefined]);
    const all = [{ apiId: "a", stage: "prod", throttle: { "/*/*": { rateLimit: 1, burstLimit: 1 } } }];
    const checkAll = checker(new UsageLimits(snapshot({ apiStages: all })), clock);
    assert.deepEqual([checkAll({ method: "POST" }), checkAll({ method: "POST" })], [undefined, "throttled"]);
  });

  it("a quota counts across flushes and starts again with the next period", async () => {
    const day = Date.UTC(2026, 0, 5, 12); // a Monday
    const clock = new ManualClock(day);
    const store = SqliteUsagePlanStore.open({ path: ":memory:" });
    const ledger = new QuotaLedger({ store, clock, flushMs: 3_600_000 });
    ledger.start();
    try {
      const check = checker(
        new UsageLimits(snapshot({ quota: { limit: 3, period: "WEEK", offset: 1 } })),
        clock,
        ledger,
      );
      assert.deepEqual([check(), check()], [undefined, undefined]);
      await clock.advanceAsync(3_600_000);
      assert.deepEqual(await store.listUsage({ planId: "p1", from: "2026-01-01", to: "2026-01-31" }), [
        { planId: "p1", keyId: "k1", day: "2026-01-05", count: 2 },
      ]);
      // Another node's requests reach this one's count with the next read.
      await store.addUsage([{ planId: "p1", keyId: "k1", day: "2026-01-06", count: 1 }]);
      await clock.advanceAsync(86_400_000);
      assert.equal(check(), "quota-exceeded");
      // Weeks start on Monday with offset 1: next Monday is a new period.
      await clock.advanceAsync(6 * 86_400_000);
      assert.equal(check(), undefined);
    } finally {
      await ledger.stop();
      await store.close();
    }
  });

  it("counts made while the store is down are kept and written later", async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 5));
    const store = SqliteUsagePlanStore.open({ path: ":memory:" });
    const ledger = new QuotaLedger({ store, clock });
    const check = checker(new UsageLimits(snapshot({ quota: { limit: 10, period: "DAY", offset: 0 } })), clock, ledger);
    check();
    const addUsage = store.addUsage.bind(store);
    store.addUsage = () => Promise.reject(new Error("down"));
    await assert.rejects(ledger.flush(), /down/);
    store.addUsage = addUsage;
    check();
    await ledger.flush();
    const rows = await store.listUsage({ planId: "p1", from: "2026-01-05", to: "2026-01-05" });
    assert.equal(rows[0]?.count, 2);
    await store.close();
  });
});
