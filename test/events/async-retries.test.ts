import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import { SqliteStore } from "../../src/adapters/sqlite/sqlite-store.js";
import type { InvokeOutcome } from "../../src/domain/invocation.js";
import { AsyncInvoker, type AsyncResultHandler } from "../../src/events/async-invoker.js";
import type { AsyncMetric, AsyncSettings } from "../../src/events/async-settings.js";
import { FakeInvokeService } from "../../src/ports/invoke-service.fake.js";
import { ManualClock } from "../../src/shared/clock.js";

async function until(cond: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await cond()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error("timed out waiting for " + what);
}
const settle = () => new Promise((r) => setTimeout(r, 5));

const ERROR: InvokeOutcome = {
  kind: "function-error",
  payload: Buffer.from('{"errorMessage":"boom"}'),
  errorType: "Error",
};
const TIMEOUT: InvokeOutcome = { kind: "timeout", payload: Buffer.from("{}"), errorType: "Sandbox.Timedout" };
const THROTTLED: InvokeOutcome = { kind: "throttled", reason: "ConcurrentInvocationLimitExceeded" };
const OK: InvokeOutcome = { kind: "ok", payload: Buffer.from('"fine"') };

let store: SqliteStore;
let clock: ManualClock;
let invoker: FakeInvokeService;
let runner: AsyncInvoker;
let settings: AsyncSettings;
let metrics: AsyncMetric[];
let failures: { condition: string; reason: string; attempts: number }[];
let successes: number;

const results: AsyncResultHandler = {
  succeeded: () => Promise.resolve(void successes++),
  failed: ({ event, failure }) => {
    failures.push({ condition: failure.condition, reason: failure.reason, attempts: failure.invokeCount });
    assert.ok(event.attempts >= failure.invokeCount);
    return Promise.resolve(true);
  },
};

beforeEach(async () => {
  store = SqliteStore.open({ path: ":memory:" });
  clock = new ManualClock(1_000_000);
  invoker = new FakeInvokeService({ answer: ERROR });
  settings = { functionArn: "arn:aws:lambda:us-east-1:000000000000:function:fn:$LATEST" };
  metrics = [];
  failures = [];
  successes = 0;
  let n = 0;
  runner = new AsyncInvoker({
    store,
    invoker,
    clock,
    ids: { requestId: () => `evt-${++n}`, hex: () => "me" },
    settings: (name) => (name === "fn" ? settings : undefined),
    results,
    onMetric: (m) => metrics.push(m),
  });
  await runner.start();
});
afterEach(async () => {
  await runner.stop();
  await store.close();
});

const enqueue = () => runner.enqueue({ functionName: "fn", payload: Buffer.from("{}"), requestId: "r-1" });
const state = async () => (await store.getEvent("evt-1"))?.state;

describe("async retries as Lambda does them", () => {
  test("a function error is retried twice, 1 then 2 minutes later, then goes to failure handling", async () => {
    await enqueue();
    await until(() => invoker.calls.length === 1, "first attempt");
    await until(() => clock.pending === 1, "the retry timer");
    clock.advance(59_999);
    await settle();
    assert.equal(invoker.calls.length, 1, "not before a minute");
    clock.advance(1);
    await until(() => invoker.calls.length === 2, "second attempt after 1 min");
    await until(() => clock.pending === 1, "the second retry timer");
    clock.advance(119_999);
    await settle();
    assert.equal(invoker.calls.length, 2, "not before two more minutes");
    invoker.answer = TIMEOUT;
    clock.advance(1);
    await until(() => invoker.calls.length === 3, "third attempt after 2 min");
    await until(async () => (await state()) === "failed", "failed for good");
    assert.deepEqual(failures, [{ condition: "RetriesExhausted", reason: "Sandbox.Timedout", attempts: 3 }]);
    await until(() => clock.pending === 0, "no retry timer left");
    assert.deepEqual(new Set(invoker.calls.map((c) => c.options.requestId)), new Set(["r-1"]), "one request id");
    assert.equal(metrics.filter((m) => m.name === "AsyncEventsDropped").length, 0, "delivered, not dropped");
  });

  test("MaximumRetryAttempts 0: one attempt only; a success on a retry ends the event well", async () => {
    settings = { ...settings, maximumRetryAttempts: 0 };
    await enqueue();
    await until(async () => (await state()) === "failed", "failed after one attempt");
    assert.equal(invoker.calls.length, 1);
    settings = { ...settings, maximumRetryAttempts: 1 };
    await runner.enqueue({ functionName: "fn", payload: Buffer.from("{}"), requestId: "r-2" });
    await until(() => invoker.calls.length === 2, "the second event");
    invoker.answer = OK;
    await until(() => clock.pending === 1, "retry timer");
    clock.advance(60_000);
    await until(async () => (await store.getEvent("evt-2"))?.state === "done", "done on the retry");
    assert.equal(successes, 1);
  });

  test("throttles are retried with doubling backoff until MaximumEventAgeInSeconds, without using retries", async () => {
    settings = { ...settings, maximumEventAgeInSeconds: 60 };
    invoker.answer = THROTTLED;
    await enqueue();
    const times: number[] = [];
    for (let i = 0; i < 40 && (await state()) !== "failed"; i++) {
      await until(async () => clock.pending === 1 || (await state()) === "failed", "a timer or the end");
      if (clock.pending === 1) {
        times.push(clock.now());
        clock.advance(((await store.nextEventDueAt()) ?? clock.now()) - clock.now());
        await settle();
      }
    }
    assert.equal(await state(), "failed");
    assert.deepEqual(failures, [
      { condition: "EventAgeExceeded", reason: "ConcurrentInvocationLimitExceeded", attempts: 0 },
    ]);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    assert.deepEqual(gaps.slice(0, 5), [1000, 1000, 2000, 4000, 8000], "waits double from 1 s");
    assert.equal(clock.now() - 1_000_000, 60_000, "dropped when exactly 60 s old");
    assert.ok(invoker.calls.length >= 7);
  });

  test("reserved concurrency 0 sends events straight to failure handling, never invoking", async () => {
    settings = { ...settings, reservedConcurrency: 0 };
    await enqueue();
    await until(async () => (await state()) === "failed", "failed");
    assert.equal(invoker.calls.length, 0);
    assert.equal(failures[0]?.condition, "RetriesExhausted");
  });

  test("a function error whose retry would come after the maximum age ends as EventAgeExceeded", async () => {
    settings = { ...settings, maximumEventAgeInSeconds: 90 };
    await enqueue();
    await until(() => clock.pending === 1, "first retry timer");
    clock.advance(60_000);
    await until(async () => (await state()) === "failed", "failed");
    assert.equal(invoker.calls.length, 2);
    assert.equal(failures[0]?.condition, "EventAgeExceeded");
  });

  test("metrics: received, age at each attempt, dropped when no failure handling took it", async () => {
    await runner.stop();
    const drop = new AsyncInvoker({
      store,
      invoker,
      clock,
      ids: { requestId: () => "evt-x", hex: () => "x" },
      settings: () => ({ ...settings, maximumRetryAttempts: 0 }),
      onMetric: (m) => metrics.push(m),
    });
    await drop.start();
    await drop.enqueue({ functionName: "fn", qualifier: "live", payload: Buffer.from("{}"), requestId: "r" });
    await until(async () => (await store.getEvent("evt-x"))?.state === "failed", "failed");
    await drop.stop();
    assert.deepEqual(
      metrics.map((m) => [m.name, m.functionName, m.qualifier, m.value]),
      [
        ["AsyncEventsReceived", "fn", "live", 1],
        ["AsyncEventAge", "fn", "live", 0],
        ["AsyncEventsDropped", "fn", "live", 1],
      ],
    );
  });

  test("an event of a function deleted meanwhile is dropped", async () => {
    await runner.enqueue({ functionName: "gone", payload: Buffer.from("{}"), requestId: "r" });
    await until(async () => (await state()) === "failed", "failed");
    assert.equal(invoker.calls.length, 0);
    assert.deepEqual(
      metrics.map((m) => m.name),
      ["AsyncEventsReceived", "AsyncEventsDropped"],
    );
  });
});
