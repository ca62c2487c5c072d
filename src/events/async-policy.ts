/**
 * Lambda's retry rules for asynchronous invocation, as pure decisions on one event (aws-semantics
 * §3): function errors and timeouts are retried MaximumRetryAttempts times, 1 then 2 minutes later;
 * throttles and platform errors are retried with backoff (1 s doubling up to 5 min) until the event
 * is MaximumEventAgeInSeconds old; reserved concurrency 0 sends events straight to failure handling.
 */
import type { InvokeOutcome } from "../domain/invocation.js";
import type { AsyncEventRecord } from "../ports/store.js";
import {
  DEFAULT_MAXIMUM_EVENT_AGE_SECONDS,
  DEFAULT_MAXIMUM_RETRY_ATTEMPTS,
  type AsyncSettings,
  type FailureCondition,
} from "./async-settings.js";

const RETRY_STEP_MS = 60_000;
const MIN_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 5 * 60_000;

/** What happens to an event next. */
export type AsyncDecision =
  | { readonly kind: "invoke" }
  | { readonly kind: "succeeded" }
  | { readonly kind: "retry"; readonly at: number; readonly notInvoked: boolean; readonly reason: string }
  | {
      readonly kind: "failed";
      readonly condition: FailureCondition;
      readonly reason: string;
      /** How many times the function ran (the destination record's approximateInvokeCount). */
      readonly invokeCount: number;
    };

/** When the event becomes too old to run, on the platform clock. */
export function eventDeadline(e: AsyncEventRecord, s: AsyncSettings): number {
  return e.enqueuedAt + (s.maximumEventAgeInSeconds ?? DEFAULT_MAXIMUM_EVENT_AGE_SECONDS) * 1000;
}

/** Before invoking a claimed event: too old, or nothing may run (reserved concurrency 0)? */
export function beforeInvoke(e: AsyncEventRecord, s: AsyncSettings, now: number): AsyncDecision {
  const invokeCount = e.attempts - 1;
  if (s.reservedConcurrency === 0) {
    const reason = "ReservedFunctionConcurrentInvocationLimitExceeded";
    return { kind: "failed", condition: "RetriesExhausted", reason, invokeCount };
  }
  if (now >= eventDeadline(e, s)) {
    return { kind: "failed", condition: "EventAgeExceeded", reason: e.lastError ?? "EventAgeExceeded", invokeCount };
  }
  return { kind: "invoke" };
}

/** After an invocation returned `outcome` (the claim's attempt counted in `e.attempts`). */
export function afterInvoke(
  e: AsyncEventRecord,
  s: AsyncSettings,
  o: { outcome: InvokeOutcome; now: number },
): AsyncDecision {
  const { outcome, now } = o;
  if (outcome.kind === "ok") return { kind: "succeeded" };
  if (outcome.kind === "throttled") return afterThrottle(e, s, { now, reason: outcome.reason });
  const reason = outcome.errorType;
  const retries = s.maximumRetryAttempts ?? DEFAULT_MAXIMUM_RETRY_ATTEMPTS;
  const invokeCount = e.attempts;
  if (e.attempts > retries) return { kind: "failed", condition: "RetriesExhausted", reason, invokeCount };
  // About 1 minute after the first failure, 2 minutes after the second.
  const at = now + RETRY_STEP_MS * e.attempts;
  if (at > eventDeadline(e, s)) return { kind: "failed", condition: "EventAgeExceeded", reason, invokeCount };
  return { kind: "retry", at, notInvoked: false, reason };
}

/**
 * A throttle or a platform error: the function did not run, so the attempt is given back and the
 * event waits (its age so far, between 1 s and 5 min: the waits double) until it is too old.
 */
export function afterThrottle(
  e: AsyncEventRecord,
  s: AsyncSettings,
  o: { now: number; reason: string },
): AsyncDecision {
  const invokeCount = e.attempts - 1;
  if (s.reservedConcurrency === 0)
    return { kind: "failed", condition: "RetriesExhausted", reason: o.reason, invokeCount };
  const deadline = eventDeadline(e, s);
  if (o.now >= deadline) return { kind: "failed", condition: "EventAgeExceeded", reason: o.reason, invokeCount };
  const wait = Math.min(Math.max(MIN_BACKOFF_MS, o.now - e.enqueuedAt), MAX_BACKOFF_MS);
  return { kind: "retry", at: Math.min(o.now + wait, deadline), notInvoked: true, reason: o.reason };
}
