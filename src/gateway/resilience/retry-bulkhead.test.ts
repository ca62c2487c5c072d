import assert from "node:assert/strict";
import { test } from "node:test";
import { parseResiliencePolicy, type ResiliencePolicy } from "../../domain/resilience-policy.js";
import { ManualClock } from "../../shared/clock.js";
import { Bulkhead } from "./bulkhead.js";
import { RetryBudget } from "./retry-budget.js";

function policy(v: unknown): ResiliencePolicy {
  const p = parseResiliencePolicy(v);
  assert.ok(!("error" in p), JSON.stringify(p));
  return p;
}

test("the retry budget allows the minimum plus the percentage of requests in its window", () => {
  const clock = new ManualClock(0);
  const p = policy({ retry: { maxAttempts: 3, budgetPercent: 20, minRetriesPerWindow: 1, budgetWindowMs: 1000 } });
  const budget = new RetryBudget(p.retry!, clock, () => 0.5);
  for (let i = 0; i < 10; i++) budget.recordRequest();
  // 10 requests: 20% is 2, plus the minimum of 1.
  assert.deepEqual(
    [budget.tryRetry(), budget.tryRetry(), budget.tryRetry(), budget.tryRetry()],
    [true, true, true, false],
  );
  clock.advance(1000);
  assert.equal(budget.tryRetry(), true, "a new window has the minimum again");
  assert.equal(budget.tryRetry(), false);
});

test("retry delays are full jitter under an exponential cap", () => {
  const p = policy({ retry: { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 300 } });
  const top = new RetryBudget(p.retry!, new ManualClock(0), () => 0.999);
  assert.deepEqual(
    [1, 2, 3, 4].map((n) => top.delayMs(n)),
    [99, 199, 299, 299],
  );
  const bottom = new RetryBudget(p.retry!, new ManualClock(0), () => 0);
  assert.equal(bottom.delayMs(3), 0);
  assert.equal(top.retries("GET"), true);
  assert.equal(top.retries("POST"), false, "POST is not idempotent unless listed");
});

test("a full bulkhead refuses at once without a wait, and queues up to maxWaitMs with one", async () => {
  const clock = new ManualClock(0);
  const now = new Bulkhead(policy({ bulkhead: { maxConcurrent: 1 } }).bulkhead!, clock);
  assert.equal(await now.acquire(), true);
  assert.equal(await now.acquire(), false);
  now.release();
  assert.equal(now.active, 0);

  const queued = new Bulkhead(policy({ bulkhead: { maxConcurrent: 1, maxWaitMs: 100 } }).bulkhead!, clock);
  assert.equal(await queued.acquire(), true);
  const second = queued.acquire();
  const third = queued.acquire();
  queued.release();
  assert.equal(await second, true, "the slot goes to the first in line");
  clock.advance(100);
  assert.equal(await third, false, "the second in line waited maxWaitMs and is refused");
  assert.equal(queued.active, 1);
});

test("invalid settings name their field", () => {
  const cases: [unknown, string][] = [
    [{ circuitBreaker: { openMs: 5 } }, "Invalid x-haneul-resilience.circuitBreaker: circuitBreaker needs"],
    [{ circuitBreaker: { consecutiveFailures: 0 } }, "Invalid x-haneul-resilience.circuitBreaker.consecutiveFailures:"],
    [{ retry: { maxAttempts: 3, methods: ["FETCH"] } }, "Invalid x-haneul-resilience.retry.methods.0:"],
    [{ bulkhead: { maxConcurrent: 2, queue: 1 } }, "Invalid x-haneul-resilience.bulkhead:"],
    [{}, "Invalid x-haneul-resilience: sets none"],
    ["yes", "Invalid x-haneul-resilience:"],
  ];
  for (const [value, prefix] of cases) {
    const p = parseResiliencePolicy(value);
    assert.ok("error" in p && p.error.startsWith(prefix), `${JSON.stringify(value)} → ${JSON.stringify(p)}`);
  }
});
