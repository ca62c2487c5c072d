import assert from "node:assert/strict";
import { lineageHash } from "../../src/domain/recursion.js";
import { afterEach, beforeEach, describe, test } from "node:test";
import { SqliteStore } from "../../src/adapters/sqlite/sqlite-store.js";
import { FakeInvokeService } from "../../src/ports/invoke-service.fake.js";
import { ManualClock, scaledClock } from "../../src/shared/clock.js";
import { PlatformError } from "../../src/shared/errors.js";
import type { IdSource } from "../../src/shared/ids.js";
import { AsyncInvoker } from "../../src/events/async-invoker.js";

async function until(cond: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await cond()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error("timed out waiting for " + what);
}

let store: SqliteStore;
let clock: ManualClock;
let invoker: FakeInvokeService;
let runner: AsyncInvoker;
const event = (id: string) => ({
  functionName: "fn",
  qualifier: "live",
  payload: Buffer.from(`{"n":"${id}"}`),
  requestId: `req-${id}`,
});

/** Event ids evt-1, evt-2, … in enqueue order. */
function eventIds(): IdSource {
  let n = 0;
  return { requestId: () => `evt-${++n}`, hex: () => "owner" };
}

beforeEach(() => {
  store = SqliteStore.open({ path: ":memory:" });
  clock = new ManualClock(10_000);
  invoker = new FakeInvokeService();
  runner = new AsyncInvoker({ store, invoker, clock, ids: eventIds(), concurrency: 2 });
});
afterEach(async () => {
  await runner.stop();
  await store.close();
});

describe("AsyncInvoker", () => {
  test("an enqueued event is stored first, then run with its request id, then marked done", async () => {
    await runner.start();
    await runner.enqueue({ ...event("a"), clientContext: '{"c":1}', traceId: "Root=1-x" });
    await until(() => invoker.calls.length === 1, "the call");
    const call = invoker.calls[0]!;
    assert.deepEqual(call.target, { functionName: "fn", qualifier: "live" });
    assert.equal(call.payload, '{"n":"a"}');
    // The trace header goes on with the function's lineage count (recursive loop detection).
    assert.deepEqual(call.options, {
      requestId: "req-a",
      clientContext: '{"c":1}',
      traceId: `Root=1-x;Lineage=${lineageHash("fn")}:1`,
    });
    await until(async () => (await store.getEvent("evt-1"))?.state === "done", "done");
    // The runner looks for more once the completion is in (a turn later): then no timer is left.
    await until(() => clock.pending === 0, "nothing queued: no timer, no polling");
  });

  test("events accepted before a restart, also ones that were running, are run on start", async () => {
    const old = new AsyncInvoker({ store, invoker, clock, ids: { requestId: () => "old-1", hex: () => "old" } });
    invoker.answer = undefined;
    await old.enqueue(event("queued"));
    await store.enqueueEvent({ ...event("interrupted"), id: "e2", enqueuedAt: 1, nextRunAt: 1 });
    await store.claimEvents({ now: 10_000, limit: 1, leaseMs: 3_600_000, owner: "dead-node" });
    invoker.answer = { kind: "ok", payload: Buffer.from("1") };
    await runner.start();
    await until(() => invoker.calls.length === 2, "both events");
    assert.deepEqual(invoker.calls.map((c) => c.options.requestId).sort(), ["req-interrupted", "req-queued"]);
  });

  test("a throttled event waits with backoff and runs again", async () => {
    invoker.answer = { kind: "throttled", reason: "ReservedFunctionConcurrentInvocationLimitExceeded" };
    await runner.start();
    await runner.enqueue(event("t"));
    await until(() => invoker.calls.length === 1, "first try");
    await until(() => clock.pending === 1, "the backoff timer");
    invoker.answer = { kind: "ok", payload: Buffer.from("{}") };
    clock.advance(999);
    await new Promise((r) => setImmediate(r));
    assert.equal(invoker.calls.length, 1, "not before the backoff");
    clock.advance(1);
    await until(() => invoker.calls.length === 2, "second try");
    await until(() => clock.pending === 0, "done, no timer left");
    assert.deepEqual([(await store.getEvent("evt-1"))?.state, (await store.getEvent("evt-1"))?.attempts], ["done", 1]);
  });

  test("under a time scale, retries come faster but a claim still outlasts a function's real run", async () => {
    const fast = scaledClock(1000, clock);
    const scaled = new AsyncInvoker({ store, invoker, clock: fast, ids: eventIds(), leaseMs: 60_000 });
    invoker.answer = undefined;
    try {
      await scaled.start();
      await scaled.enqueue(event("s"));
      await until(() => invoker.calls.length === 1, "first try");
      const claimed = await store.getEvent("evt-1");
      assert.equal((claimed?.lockedUntil ?? 0) - (claimed?.nextRunAt ?? 0), 60_000 * 1000, "a real minute");
      invoker.calls[0]!.finish({ kind: "throttled", reason: "ReservedFunctionConcurrentInvocationLimitExceeded" });
      await until(() => clock.pending === 1, "the backoff timer");
      clock.advance(1); // the platform's 1 s backoff is a real millisecond
      await until(() => invoker.calls.length === 2, "second try");
    } finally {
      invoker.calls.at(-1)?.finish();
      await scaled.stop();
    }
  });

  test("an event whose function is gone fails for good", async () => {
    invoker.answer = new PlatformError("ERR_FUNCTION_NOT_FOUND", "Function not found: x");
    await runner.start();
    await runner.enqueue(event("gone"));
    await until(() => invoker.calls.length === 1, "the call");
    const id = "evt-1";
    await until(async () => (await store.getEvent(id))?.state === "failed", "failed");
    assert.equal((await store.getEvent(id))?.lastError, "Function not found: x");
  });

  test("at most `concurrency` events run at once; stop() waits for them", async () => {
    invoker.answer = undefined;
    await runner.start();
    for (const id of ["1", "2", "3", "4"]) await runner.enqueue(event(id));
    await until(() => invoker.calls.length === 2, "two running");
    await new Promise((r) => setImmediate(r));
    assert.equal(invoker.calls.length, 2);
    invoker.calls[0]!.finish();
    await until(() => invoker.calls.length === 3, "a third after a slot freed");
    let stopped = false;
    const stopping = runner.stop().then(() => (stopped = true));
    await new Promise((r) => setImmediate(r));
    assert.equal(stopped, false, "stop waits for running events");
    invoker.calls[1]!.finish();
    invoker.calls[2]!.finish();
    await stopping;
    assert.equal(invoker.calls.length, 3, "no new events after stop");
    assert.equal((await store.getEvent("evt-4"))?.state, "pending", "the fourth waits for the next start");
  });

  test("a running event's claim is renewed while it runs; a runner that stops renewing loses it", async () => {
    invoker.answer = undefined;
    const lease = { leaseMs: 3000, reclaimOnStart: false, pollMs: 0 };
    const live = new AsyncInvoker({ store, invoker, clock, ids: eventIds(), ...lease });
    // The other runner lives on its own clock: it is another node, here one whose time moves on
    // while the first node's is frozen (a node killed with -9 renews nothing).
    const otherClock = new ManualClock(10_000);
    const other = new AsyncInvoker({
      store,
      invoker,
      clock: otherClock,
      ids: { requestId: () => "x", hex: () => "other" },
      ...lease,
    });
    await live.start();
    await live.enqueue(event("long"));
    await until(() => invoker.calls.length === 1, "the first run");
    for (let t = 0; t < 10; t++) {
      clock.advance(1000);
      await until(async () => ((await store.getEvent("evt-1"))?.lockedUntil ?? 0) >= clock.now() + 2000, "renewed");
    }
    await other.start();
    otherClock.advance(clock.now() - otherClock.now() + 1000);
    other.notify();
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(invoker.calls.length, 1, "a live runner keeps its event past the first lease");
    // The live runner dies: nobody renews; after its lease the other runner takes the event over.
    const frozenUntil = (await store.getEvent("evt-1"))?.lockedUntil ?? 0;
    otherClock.advance(frozenUntil - otherClock.now());
    other.notify();
    await until(() => invoker.calls.length === 2, "the takeover");
    const takeover = await store.getEvent("evt-1");
    assert.deepEqual([takeover?.lockedBy, takeover?.attempts], ["runner-other", 2]);
    invoker.calls[1]!.finish();
    await until(async () => (await store.getEvent("evt-1"))?.state === "done", "done by the other runner");
    invoker.calls[0]!.finish();
    await live.stop();
    await other.stop();
    assert.equal((await store.getEvent("evt-1"))?.lockedBy, undefined, "the dead runner's late answer changes nothing");
  });
});

describe("AsyncInvoker: recursive loops", () => {
  const looped = `Root=1-x;Lineage=${lineageHash("fn")}:16`;
  let ids: IdSource;
  beforeEach(() => (ids = eventIds()));
  const start = async (recursiveLoop?: "Allow" | "Terminate") => {
    const metrics: string[] = [];
    const failed: string[] = [];
    const stopped: string[] = [];
    await runner.stop();
    runner = new AsyncInvoker({
      ...{ store, invoker, clock, ids },
      settings: () => ({ functionArn: "fn", recursiveLoop }),
      results: {
        succeeded: () => Promise.resolve(),
        failed: ({ failure }) => {
          failed.push(failure.reason);
          return Promise.resolve(true);
        },
      },
      onMetric: (m) => metrics.push(m.name),
      onRecursionStopped: (e) => stopped.push(e.requestId),
    });
    await runner.start();
    return { metrics, failed, stopped };
  };

  test("an event whose chain already ran the function 16 times is not invoked and goes to failure handling", async () => {
    const seen = await start();
    await runner.enqueue({ ...event("a"), traceId: looped });
    await until(async () => (await store.getEvent("evt-1"))?.state === "failed", "failed");
    assert.equal(invoker.calls.length, 0);
    assert.deepEqual(seen.stopped, ["req-a"]);
    assert.ok(seen.metrics.includes("RecursiveInvocationsDropped"));
    assert.match(seen.failed[0] ?? "", /recursive loop/);
  });

  test("the 16th invocation runs; with RecursiveLoop Allow the 17th does too", async () => {
    await start();
    await runner.enqueue({ ...event("a"), traceId: `Root=1-x;Lineage=${lineageHash("fn")}:15` });
    await until(() => invoker.calls.length === 1, "the 16th call");
    await start("Allow");
    await runner.enqueue({ ...event("b"), traceId: looped });
    await until(() => invoker.calls.length === 2, "the call allowed");
    assert.equal(invoker.calls[1]!.options?.traceId, `Root=1-x;Lineage=${lineageHash("fn")}:17`);
  });
});
