import assert from "node:assert/strict";
import { test } from "node:test";
import { parseResiliencePolicy, type CircuitBreakerPolicy } from "../../domain/resilience-policy.js";
import { ManualClock } from "../../shared/clock.js";
import { CircuitBreaker, type CircuitState } from "./circuit-breaker.js";

function breakerPolicy(cb: Record<string, unknown>): CircuitBreakerPolicy {
  const p = parseResiliencePolicy({ circuitBreaker: cb });
  assert.ok(!("error" in p) && p.circuitBreaker, JSON.stringify(p));
  return p.circuitBreaker;
}

function setup(cb: Record<string, unknown>) {
  const clock = new ManualClock(1_000_000);
  const changes: string[] = [];
  const breaker = new CircuitBreaker(breakerPolicy(cb), clock, (from: CircuitState, to: CircuitState) =>
    changes.push(`${from}->${to}`),
  );
  const call = (failed: boolean): boolean => {
    if (!breaker.tryAcquire()) return false;
    breaker.record(failed);
    return true;
  };
  return { clock, breaker, changes, call };
}

test("consecutive failures open the circuit, which refuses until its open time is up", () => {
  const { clock, breaker, changes, call } = setup({ consecutiveFailures: 3, openMs: 5000 });
  call(true);
  call(true);
  call(false); // a success resets the run
  call(true);
  call(true);
  assert.equal(breaker.state, "closed");
  call(true);
  assert.equal(breaker.state, "open");
  assert.equal(breaker.tryAcquire(), false);
  clock.advance(4999);
  assert.equal(breaker.tryAcquire(), false);
  clock.advance(1);
  assert.equal(breaker.state, "half-open");
  assert.deepEqual(changes, ["closed->open", "open->half-open"]);
});

test("half-open lets exactly the probes through; all succeeding closes, one failing reopens", () => {
  const { clock, breaker, changes, call } = setup({ consecutiveFailures: 1, openMs: 100, halfOpenProbes: 2 });
  call(true);
  clock.advance(100);
  assert.equal(breaker.tryAcquire(), true);
  assert.equal(breaker.tryAcquire(), true);
  assert.equal(breaker.tryAcquire(), false, "a third request while two probes run is refused");
  breaker.record(false);
  assert.equal(breaker.state, "half-open");
  breaker.record(true);
  assert.equal(breaker.state, "open");
  assert.equal(breaker.tryAcquire(), false);
  clock.advance(100);
  assert.equal(call(false), true);
  assert.equal(call(false), true);
  assert.equal(breaker.state, "closed");
  assert.deepEqual(changes, [
    "closed->open",
    "open->half-open",
    "half-open->open",
    "open->half-open",
    "half-open->closed",
  ]);
});

test("the failure rate opens the circuit only once the window holds the minimum of requests", () => {
  const { breaker, call } = setup({ failureRatePercent: 50, minimumRequests: 4, windowMs: 10_000 });
  call(true);
  call(true);
  call(true);
  assert.equal(breaker.state, "closed", "3 failures of 3 requests: below the minimum");
  call(true);
  assert.equal(breaker.state, "open");
});

test("the rate counts only the rolling window: old failures fall out of it", () => {
  const { clock, breaker, call } = setup({ failureRatePercent: 50, minimumRequests: 4, windowMs: 10_000 });
  call(true);
  call(true);
  call(true);
  clock.advance(11_000);
  call(false);
  call(false);
  call(false);
  call(true);
  assert.equal(breaker.state, "closed", "1 failure of 4 in the window");
  call(true);
  assert.equal(breaker.state, "closed", "2 failures of 5 in the window");
  call(true);
  assert.equal(breaker.state, "open", "3 failures of 6 in the window");
});

test("an outcome arriving while the circuit is open changes nothing", () => {
  const { clock, breaker } = setup({ consecutiveFailures: 1, openMs: 1000 });
  assert.equal(breaker.tryAcquire(), true);
  assert.equal(breaker.tryAcquire(), true);
  breaker.record(true);
  clock.advance(500);
  breaker.record(false);
  assert.equal(breaker.state, "open");
  clock.advance(500);
  assert.equal(breaker.state, "half-open", "the open time counts from the first failure");
});
