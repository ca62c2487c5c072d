/**
 * What happens to a delivery to a rule's target that failed (EventBridge's RetryPolicy and
 * DeadLetterConfig). A retryable failure waits in the BusStore for its next try, after an
 * exponential backoff with jitter on the platform clock, until its retries (MaximumRetryAttempts,
 * default 185) or its age (MaximumEventAgeInSeconds, default 86400) run out; a failure that is not
 * retried, or one whose retries ran out, goes to the target's dead-letter queue with EventBridge's
 * message attributes, or is dropped without one. Only failures are stored: an event delivered the
 * first time costs nothing here. Every node tries the retries that are due, each claimed in the
 * store first, so a retry runs on one node and survives a restart (a dead node's claim expires).
 * Scheduler's schedules (stored as rules) are retried the same way: what is stored is the input
 * their target is given, tried again and dead-lettered as Scheduler does (schedule-delivery.ts).
 */
import type { BusStore, EventRuleRecord, RuleTargetRecord, TargetRetryRecord } from "../ports/bus-store.js";
import type { Clock } from "../shared/clock.js";
import type { RandomSource } from "../shared/random.js";
import type { DeliveryFailure } from "./delivery-failure.js";
import type { EventBusService } from "./event-bus-service.js";
import { deadLetterSchedule, deliverScheduleInput, type ExhaustedCondition } from "./schedule-delivery.js";
import { deliverToTarget, type Delivery } from "./target-delivery.js";

/** AWS's defaults of a target's RetryPolicy. */
export const DEFAULT_RETRY_ATTEMPTS = 185;
export const DEFAULT_EVENT_AGE_SECONDS = 86_400;
/** The backoff: the first retry after about a second, doubling, at most five minutes apart. */
const BACKOFF_BASE_MS = 1000;
const BACKOFF_CAP_MS = 300_000;
/** Retries claimed at once, and how long a claim holds (a delivery is one send). */
const CLAIM_LIMIT = 50;
const LEASE_MS = 30_000;

export interface TargetRetriesOptions {
  readonly store: BusStore;
  readonly clock: Clock;
  /** The name this node claims retries under. */
  readonly owner: string;
  readonly random?: RandomSource | undefined;
  /** Look for due retries at least this often (platform ms): other nodes store them too. */
  readonly pollMs?: number | undefined;
  readonly onError?: ((message: string, error: unknown) => void) | undefined;
}

/** A failed try of one target: what was tried, how it failed, and the tries before it. */
export interface FailedTry {
  readonly rule: EventRuleRecord;
  readonly target: RuleTargetRecord;
  readonly delivery: Delivery;
  readonly failure: DeliveryFailure;
  /** The stored retry this try was (undefined: the first try). */
  readonly retry?: TargetRetryRecord | undefined;
}

/** Why an event went to the DLQ after retries: the EXHAUSTED_RETRY_CONDITION attribute. */
type Exhausted = ExhaustedCondition;

/** Counts a rule's AWS/Events metric; a Scheduler schedule (no rule on AWS) counts none of them. */
function count(svc: EventBusService, rule: EventRuleRecord, name: Parameters<EventBusService["count"]>[2]): void {
  if (rule.schedule === undefined) svc.count(rule.busName, rule.name, name);
}

/** See the file comment. */
export class TargetRetries {
  readonly #o: TargetRetriesOptions;
  #svc: EventBusService | undefined;
  #cancel: (() => void) | undefined;
  /** When the armed timer fires (platform ms). */
  #armedAt = Infinity;
  #running = false;
  #pass: Promise<void> | undefined;
  #again = false;

  constructor(options: TargetRetriesOptions) {
    this.#o = options;
  }

  /** Starts trying the stored retries of `service`'s rules. */
  start(service: EventBusService): void {
    this.#svc = service;
    this.#running = true;
    this.wake();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#cancel?.();
    this.#armedAt = Infinity;
    await this.#pass;
  }

  /** Looks for due retries now. */
  wake(): void {
    if (!this.#running) return;
    if (this.#pass) {
      this.#again = true;
      return;
    }
    this.#cancel?.();
    this.#armedAt = Infinity;
    this.#pass = this.runOnce()
      .catch((e: unknown) => this.#o.onError?.("event target retries", e))
      .finally(() => {
        this.#pass = undefined;
        if (this.#again) {
          this.#again = false;
          this.wake();
        } else void this.#arm();
      });
  }

  /** Tries every due retry once (claimed first); resolves when they are done. */
  async runOnce(): Promise<void> {
    const svc = this.#svc;
    if (!svc) return;
    for (;;) {
      const now = this.#o.clock.now();
      const due = await this.#o.store.claimRetries({
        now,
        limit: CLAIM_LIMIT,
        leaseMs: LEASE_MS,
        owner: this.#o.owner,
      });
      await Promise.all(due.map((r) => this.#retry(svc, r)));
      if (due.length < CLAIM_LIMIT) return;
    }
  }

  /** Handles a failed try: stores its next try, or sends the event to the DLQ (or drops it). */
  async failed(svc: EventBusService, t: FailedTry): Promise<void> {
    const now = this.#o.clock.now();
    const retryAttempts = t.retry?.retryAttempts ?? 0;
    const firstAttemptAt = t.retry?.firstAttemptAt ?? now;
    const exhausted = t.failure.retryable
      ? this.#exhausted(t.target, { retryAttempts, firstAttemptAt, now })
      : undefined;
    if (t.failure.retryable && exhausted === undefined) {
      const dueAt = now + this.#backoff(retryAttempts);
      const next: TargetRetryRecord = {
        id: t.retry?.id ?? svc.ids.requestId(),
        busName: t.rule.busName,
        ruleName: t.rule.name,
        targetId: t.target.id,
        event: t.retry?.event ?? t.delivery.whole().toString("utf8"),
        ingestionTime: t.delivery.ingestionTime,
        firstAttemptAt,
        retryAttempts,
        dueAt,
        lastErrorCode: t.failure.code,
        lastErrorMessage: t.failure.message,
        via: t.delivery.via && [...t.delivery.via],
      };
      if (t.retry) await this.#o.store.updateRetry(next, this.#o.owner);
      else await this.#o.store.insertRetry(next);
      this.#soon(dueAt);
      return;
    }
    await this.#deadLetter(svc, t, { retryAttempts, exhausted });
    if (t.retry) await this.#o.store.deleteRetry(t.retry.id, this.#o.owner);
  }

  async #retry(svc: EventBusService, r: TargetRetryRecord): Promise<void> {
    const rule = svc.cache.get(r.busName, r.ruleName)?.record;
    const target = rule?.targets.find((t) => t.id === r.targetId);
    if (!rule || !target) {
      // The rule or its target was removed: the event has nowhere to go (as on AWS).
      await this.#o.store.deleteRetry(r.id, this.#o.owner);
      return;
    }
    // A schedule's input need not be JSON (a queue's message body).
    const scheduled = rule.schedule !== undefined;
    const delivery: Delivery = {
      event: scheduled ? {} : (JSON.parse(r.event) as Record<string, unknown>),
      ingestionTime: r.ingestionTime,
      whole: () => Buffer.from(r.event),
      via: r.via && new Set(r.via),
    };
    const attempt = { ...r, retryAttempts: r.retryAttempts + 1 };
    count(svc, rule, "RetryInvocationAttempts");
    count(svc, rule, "InvocationAttempts");
    const failure = scheduled
      ? await deliverScheduleInput(svc, rule, r.event)
      : await deliverToTarget(svc, rule, target, delivery);
    if (!failure) {
      count(svc, rule, "Invocations");
      await this.#o.store.deleteRetry(r.id, this.#o.owner);
      return;
    }
    await this.failed(svc, { rule, target, delivery, failure, retry: attempt });
  }

  #exhausted(
    target: RuleTargetRecord,
    at: { retryAttempts: number; firstAttemptAt: number; now: number },
  ): Exhausted | undefined {
    const maxRetries = target.retryPolicy?.maximumRetryAttempts ?? DEFAULT_RETRY_ATTEMPTS;
    const maxAgeMs = (target.retryPolicy?.maximumEventAgeInSeconds ?? DEFAULT_EVENT_AGE_SECONDS) * 1000;
    if (at.retryAttempts >= maxRetries) return "MaximumRetryAttempts";
    // The next try would come after the event's age ran out.
    if (at.now + this.#backoffFloor(at.retryAttempts) - at.firstAttemptAt > maxAgeMs) return "MaximumEventAgeInSeconds";
    return undefined;
  }

  /** Sends the event to the target's DLQ with EventBridge's attributes; without one it is dropped. */
  async #deadLetter(
    svc: EventBusService,
    t: FailedTry,
    why: { retryAttempts: number; exhausted: Exhausted | undefined },
  ): Promise<void> {
    const { rule, target, failure } = t;
    const dlq = target.deadLetterConfig?.arn;
    const body = t.retry?.event ?? t.delivery.whole().toString("utf8");
    if (rule.schedule) {
      if (dlq !== undefined) await deadLetterSchedule(svc, rule, { body, failure, ...why });
      return;
    }
    svc.count(rule.busName, rule.name, "Invocations");
    if (dlq === undefined) {
      svc.count(rule.busName, rule.name, "FailedInvocations");
      return;
    }
    const attributes: Record<string, { DataType: string; StringValue: string }> = {
      RULE_ARN: { DataType: "String", StringValue: rule.arn },
      TARGET_ARN: { DataType: "String", StringValue: target.arn },
      ERROR_CODE: { DataType: "String", StringValue: failure.code },
      ERROR_MESSAGE: { DataType: "String", StringValue: failure.message },
      ...(why.exhausted && { EXHAUSTED_RETRY_CONDITION: { DataType: "String", StringValue: why.exhausted } }),
      RETRY_ATTEMPTS: { DataType: "String", StringValue: String(why.retryAttempts) },
    };
    const sent = await svc.senders.sendToQueue(dlq, { body, ruleArn: rule.arn, attributes });
    if (sent === undefined) {
      svc.count(rule.busName, rule.name, "InvocationsSentToDlq");
      return;
    }
    svc.count(rule.busName, rule.name, "InvocationsFailedToBeSentToDlq");
    svc.count(rule.busName, rule.name, "FailedInvocations");
  }

  /** The wait before retry `n + 1`: exponential, capped, with jitter in its upper half. */
  #backoff(n: number): number {
    const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.min(n, 30));
    return Math.round(ceiling / 2 + (ceiling / 2) * (this.#o.random ?? Math.random)());
  }

  #backoffFloor(n: number): number {
    return Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.min(n, 30)) / 2;
  }

  /** Makes sure the timer fires by `dueAt`. */
  #soon(dueAt: number): void {
    if (!this.#running || this.#pass || dueAt >= this.#armedAt) return;
    this.#setTimer(dueAt);
  }

  #setTimer(at: number): void {
    this.#cancel?.();
    this.#armedAt = at;
    this.#cancel = this.#o.clock.setTimer(
      () => {
        this.#armedAt = Infinity;
        this.wake();
      },
      Math.max(0, at - this.#o.clock.now()),
    );
  }

  async #arm(): Promise<void> {
    if (!this.#running) return;
    const now = this.#o.clock.now();
    let next = now + (this.#o.pollMs ?? 30_000);
    try {
      const due = await this.#o.store.nextRetryDueAt();
      if (due !== undefined && due < next) next = due;
    } catch (e) {
      this.#o.onError?.("event target retries", e);
    }
    if (!this.#running || this.#pass) return;
    this.#setTimer(next);
  }
}
