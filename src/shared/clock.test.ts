import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ManualClock, scaledClock, sleep, systemClock } from "./clock.js";

describe("ManualClock", () => {
  it("fires due timers in time order, those due together in the order they were set", () => {
    const clock = new ManualClock(100);
    const fired: string[] = [];
    clock.setTimer(() => fired.push(`b@${clock.now()}`), 20);
    clock.setTimer(() => fired.push(`a@${clock.now()}`), 10);
    clock.setTimer(() => fired.push(`c@${clock.now()}`), 20);
    const cancel = clock.setTimer(() => fired.push("cancelled"), 5);
    cancel();
    clock.advance(15);
    assert.deepEqual(fired, ["a@110"]);
    assert.equal(clock.now(), 115);
    clock.advance(100);
    assert.deepEqual(fired, ["a@110", "b@120", "c@120"]);
    assert.equal(clock.pending, 0);
  });

  it("advanceAsync lets promise callbacks run between timers, so a chain of waits completes", async () => {
    const clock = new ManualClock(0);
    const seen: number[] = [];
    const chain = (async () => {
      for (let i = 0; i < 3; i++) {
        await sleep(clock, 10);
        seen.push(clock.now());
      }
    })();
    await clock.advanceAsync(30);
    await chain;
    assert.deepEqual(seen, [10, 20, 30], "each sleep fired at its own time");
    assert.equal(clock.now(), 30);
  });

  it("advance() fires only the timers already set; their continuations run afterwards", async () => {
    const clock = new ManualClock(0);
    const seen: number[] = [];
    const chain = (async () => {
      await sleep(clock, 10);
      seen.push(clock.now());
      await sleep(clock, 10);
      seen.push(clock.now());
    })();
    clock.advance(30);
    assert.deepEqual(seen, []);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(seen, [30], "the first sleep ended; the second was set at 30");
    clock.advance(10);
    await chain;
    assert.deepEqual(seen, [30, 40]);
  });

  it("waitForTimers resolves once the code under test has set its timers", async () => {
    const clock = new ManualClock(0);
    let ready = false;
    const waited = clock.waitForTimers(2).then(() => (ready = true));
    clock.setTimer(() => undefined, 10);
    await new Promise((r) => setImmediate(r));
    assert.equal(ready, false);
    clock.setTimer(() => undefined, 20);
    await waited;
    await clock.waitForTimers(1);
  });

  it("measures durations on its own time", () => {
    const clock = new ManualClock(5);
    const t0 = clock.monotonicNow();
    clock.advance(42);
    assert.equal(clock.monotonicNow() - t0, 42);
  });
});

describe("scaledClock", () => {
  it("runs time, durations and timers `scale` times faster than its base", () => {
    const base = new ManualClock(1_000_000);
    const fast = scaledClock(60, base);
    assert.equal(fast.now(), 1_000_000, "starts at the base's time");
    const fired: number[] = [];
    fast.setTimer(() => fired.push(base.now()), 60_000);
    const t0 = fast.monotonicNow();
    base.advance(999);
    assert.deepEqual(fired, []);
    base.advance(1);
    assert.deepEqual(fired, [1_001_000], "a platform minute is a real second");
    assert.equal(fast.now(), 1_060_000);
    assert.equal(fast.monotonicNow() - t0, 60_000);
    assert.equal(fast.scale, 60);
  });

  it("is the base itself at scale 1, and refuses a scale that is not a positive number", () => {
    assert.equal(scaledClock(1), systemClock);
    for (const bad of [0, -2, Number.NaN, Number.POSITIVE_INFINITY]) assert.throws(() => scaledClock(bad), RangeError);
  });
});

describe("systemClock", () => {
  // Its timers are unref'd: this one keeps the test's process alive meanwhile.
  let keepAlive: NodeJS.Timeout;
  before(() => (keepAlive = setInterval(() => undefined, 1000)));
  after(() => clearInterval(keepAlive));

  it("fires a timer in real time, and a cancelled one never", async () => {
    let cancelledFired = false;
    systemClock.setTimer(() => (cancelledFired = true), 5)();
    const t0 = systemClock.monotonicNow();
    await sleep(systemClock, 20);
    assert.ok(systemClock.monotonicNow() - t0 >= 19);
    assert.equal(cancelledFired, false);
  });

  it("sleep rejects with the abort reason", async () => {
    const controller = new AbortController();
    const slept = sleep(systemClock, 60_000, controller.signal);
    controller.abort(new Error("stopping"));
    await assert.rejects(slept, /stopping/);
  });
});
