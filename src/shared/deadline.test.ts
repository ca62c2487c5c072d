import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ManualClock } from "./clock.js";
import { DEADLINE_PASSED, Deadline, withDeadline } from "./deadline.js";

describe("Deadline", () => {
  it("fires once when its time is up and tells how long it ran", () => {
    const clock = new ManualClock(1_000);
    let fired = 0;
    const deadline = Deadline.start(clock, 3_000, () => fired++);
    assert.equal(deadline.at, 4_000);
    clock.advance(2_999);
    assert.equal(fired, 0);
    assert.equal(deadline.remainingMs(), 1);
    assert.equal(deadline.expired, false);
    clock.advance(1);
    assert.equal(fired, 1);
    assert.equal(deadline.expired, true);
    assert.equal(deadline.remainingMs(), 0);
    clock.advance(10_000);
    assert.equal(fired, 1);
    assert.equal(deadline.elapsedMs(), 13_000);
  });

  it("once cancelled, never fires", () => {
    const clock = new ManualClock(0);
    let fired = false;
    const deadline = Deadline.start(clock, 10, () => (fired = true));
    deadline.cancel();
    deadline.cancel();
    clock.advance(100);
    assert.equal(fired, false);
    assert.equal(clock.pending, 0);
  });
});

describe("withDeadline", () => {
  it("gives the work's value when it comes first, and clears its timer", async () => {
    const clock = new ManualClock(0);
    assert.equal(await withDeadline(clock, 50, Promise.resolve("done")), "done");
    assert.equal(clock.pending, 0);
  });

  it("gives DEADLINE_PASSED when the time is up first; the work runs on", async () => {
    const clock = new ManualClock(0);
    let finish!: (v: string) => void;
    const work = new Promise<string>((resolve) => (finish = resolve));
    const raced = withDeadline(clock, 50, work);
    await clock.advanceAsync(50);
    assert.equal(await raced, DEADLINE_PASSED);
    finish("late");
    assert.equal(await work, "late");
  });

  it("rejects when the work fails before the deadline", async () => {
    const clock = new ManualClock(0);
    await assert.rejects(withDeadline(clock, 50, Promise.reject(new Error("refused"))), /refused/);
    assert.equal(clock.pending, 0);
  });
});
