import assert from "node:assert/strict";
import { test } from "node:test";
import type { NewAsyncEvent } from "./store.js";
import type { StoreFixture } from "./store.contract.js";

/** A queued event; fields overridable. */
export function sampleEvent(id: string, over: Partial<NewAsyncEvent> = {}): NewAsyncEvent {
  return {
    id,
    functionName: "fn",
    payload: Buffer.from(`{"id":"${id}"}`),
    requestId: `req-${id}`,
    enqueuedAt: 1000,
    nextRunAt: 1000,
    ...over,
  };
}

const claim = { limit: 10, leaseMs: 500, owner: "node-a" };

/** The async event queue part of the Store contract. */
export function registerQueueContract(fx: StoreFixture): void {
  void test("queue: an enqueued event is claimed once, with its payload and request id", async () => {
    const s = fx.store();
    const payload = Buffer.from([0, 1, 2, 255]);
    await s.enqueueEvent(sampleEvent("e1", { payload, qualifier: "live", clientContext: "{}", traceId: "Root=1-a" }));
    assert.equal((await s.getEvent("e1"))?.state, "pending");
    const got = await s.claimEvents({ ...claim, now: 1000 });
    assert.equal(got.length, 1);
    const e = got[0]!;
    assert.deepEqual([e.id, e.state, e.attempts, e.lockedBy, e.lockedUntil], ["e1", "running", 1, "node-a", 1500]);
    assert.deepEqual(
      [e.payload, e.requestId, e.qualifier, e.clientContext, e.traceId],
      [payload, "req-e1", "live", "{}", "Root=1-a"],
    );
    assert.deepEqual(await s.claimEvents({ ...claim, owner: "node-b", now: 1499 }), []);
  });

  void test("queue: not due before next_run_at; oldest first; limit respected", async () => {
    const s = fx.store();
    await s.enqueueEvent(sampleEvent("late", { nextRunAt: 5000, enqueuedAt: 1 }));
    await s.enqueueEvent(sampleEvent("b", { nextRunAt: 1000, enqueuedAt: 3 }));
    await s.enqueueEvent(sampleEvent("a", { nextRunAt: 1000, enqueuedAt: 2 }));
    await s.enqueueEvent(sampleEvent("c", { nextRunAt: 900, enqueuedAt: 4 }));
    assert.equal(await s.nextEventDueAt(), 900);
    const long = { ...claim, leaseMs: 1_000_000 };
    const first = await s.claimEvents({ ...long, limit: 2, now: 1000 });
    assert.deepEqual(
      first.map((e) => e.id),
      ["c", "a"],
    );
    const second = await s.claimEvents({ ...long, now: 1000 });
    assert.deepEqual(
      second.map((e) => e.id),
      ["b"],
    );
    assert.deepEqual(await s.claimEvents({ ...long, now: 4999 }), []);
    assert.deepEqual(
      (await s.claimEvents({ ...long, now: 5000 })).map((e) => e.id),
      ["late"],
    );
  });

  void test("queue: an expired claim is taken again and counts another attempt", async () => {
    const s = fx.store();
    await s.enqueueEvent(sampleEvent("e1"));
    await s.claimEvents({ ...claim, now: 1000 });
    assert.equal(await s.nextEventDueAt(), 1500);
    const again = await s.claimEvents({ ...claim, owner: "node-b", now: 1500 });
    assert.deepEqual(
      again.map((e) => [e.id, e.attempts, e.lockedBy]),
      [["e1", 2, "node-b"]],
    );
    assert.equal(await s.completeEvent("e1", "node-a", 1600), false, "the old owner lost its claim");
    assert.equal(await s.completeEvent("e1", "node-b", 1600), true);
    const done = await s.getEvent("e1");
    assert.deepEqual([done?.state, done?.finishedAt, done?.lockedBy], ["done", 1600, undefined]);
    assert.equal(await s.nextEventDueAt(), undefined);
    assert.deepEqual(await s.claimEvents({ ...claim, now: 99_999 }), []);
  });

  void test("queue: reschedule returns the event to pending at a later time; fail ends it", async () => {
    const s = fx.store();
    await s.enqueueEvent(sampleEvent("r"));
    await s.enqueueEvent(sampleEvent("f"));
    await s.claimEvents({ ...claim, now: 1000 });
    assert.equal(await s.rescheduleEvent("r", "node-a", { nextRunAt: 61_000, lastError: "Throttled" }), true);
    assert.equal(await s.failEvent("f", "node-a", { at: 1100, lastError: "ResourceNotFound" }), true);
    assert.equal(await s.failEvent("f", "node-a", { at: 1100, lastError: "again" }), false);
    const r = await s.getEvent("r");
    assert.deepEqual([r?.state, r?.nextRunAt, r?.lastError, r?.attempts], ["pending", 61_000, "Throttled", 1]);
    assert.equal((await s.getEvent("f"))?.state, "failed");
    assert.deepEqual(await s.claimEvents({ ...claim, now: 60_999 }), []);
    assert.deepEqual(
      (await s.claimEvents({ ...claim, now: 61_000 })).map((e) => [e.id, e.attempts]),
      [["r", 2]],
    );
  });

  void test("queue: a throttled claim given back does not count as an attempt", async () => {
    const s = fx.store();
    await s.enqueueEvent(sampleEvent("t"));
    await s.claimEvents({ ...claim, now: 1000 });
    assert.equal(
      await s.rescheduleEvent("t", "node-a", { nextRunAt: 2000, lastError: "Throttled", notInvoked: true }),
      true,
    );
    assert.equal((await s.getEvent("t"))?.attempts, 0);
    assert.deepEqual(
      (await s.claimEvents({ ...claim, now: 2000 })).map((e) => [e.id, e.attempts]),
      [["t", 1]],
    );
  });

  void test("queue: a renewed lease holds past its first expiry; only the owner's claims are renewed", async () => {
    const s = fx.store();
    await s.enqueueEvent(sampleEvent("mine", { enqueuedAt: 1 }));
    await s.enqueueEvent(sampleEvent("theirs", { enqueuedAt: 2 }));
    await s.claimEvents({ ...claim, limit: 1, now: 1000 });
    await s.claimEvents({ ...claim, owner: "node-b", now: 1000 });
    assert.equal(await s.renewEventClaims("node-a", 3000), 1);
    assert.equal(await s.renewEventClaims("node-a", 2000), 0, "a renewal never shortens a lease");
    assert.deepEqual(
      (await s.claimEvents({ ...claim, owner: "node-c", now: 1500 })).map((e) => e.id),
      ["theirs"],
      "node-b's lease expired; node-a's was renewed",
    );
    assert.equal((await s.getEvent("mine"))?.lockedUntil, 3000);
    assert.equal(await s.completeEvent("mine", "node-a", 2500), true);
    assert.equal(await s.renewEventClaims("node-a", 9000), 0, "a finished event has no lease to renew");
  });

  void test("queue: releasing claims makes running events claimable at once", async () => {
    const s = fx.store();
    await s.enqueueEvent(sampleEvent("e1"));
    await s.enqueueEvent(sampleEvent("e2"));
    await s.claimEvents({ ...claim, leaseMs: 1_000_000, now: 1000 });
    assert.equal(await s.releaseEventClaims(), 2);
    const again = await s.claimEvents({ ...claim, now: 1000 });
    assert.deepEqual(again.map((e) => e.id).sort(), ["e1", "e2"]);
  });

  void test("queue: enqueues and completions made at once are each stored and answered on their own", async () => {
    const s = fx.store();
    const ids = Array.from({ length: 60 }, (_, i) => `c${i}`);
    await Promise.all(ids.map((id, i) => s.enqueueEvent(sampleEvent(id, { enqueuedAt: i }))));
    for (const id of ids) assert.equal((await s.getEvent(id))?.state, "pending", id);
    const claimed = await s.claimEvents({ ...claim, limit: 100, now: 1000 });
    assert.equal(claimed.length, 60);
    const answers = await Promise.all(
      ids.map((id, i) => s.completeEvent(id, i === 7 ? "someone-else" : "node-a", 2000 + i)),
    );
    assert.deepEqual(
      answers.map((ok, i) => [i, ok]).filter(([, ok]) => ok !== true),
      [[7, false]],
      "only the event the caller does not hold is refused",
    );
    assert.deepEqual([(await s.getEvent("c3"))?.state, (await s.getEvent("c3"))?.finishedAt], ["done", 2003]);
    assert.equal((await s.getEvent("c7"))?.state, "running");
  });

  void test("queue: concurrent claims never hand out the same event twice", async () => {
    const s = fx.store();
    for (let i = 0; i < 20; i++) await s.enqueueEvent(sampleEvent(`e${i}`, { enqueuedAt: i }));
    const batches = await Promise.all(
      ["a", "b", "c", "d"].map((owner) => s.claimEvents({ ...claim, owner, limit: 7, now: 1000 })),
    );
    const ids = batches.flat().map((e) => e.id);
    assert.equal(ids.length, 20);
    assert.equal(new Set(ids).size, 20);
  });
}
