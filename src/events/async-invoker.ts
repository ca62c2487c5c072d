import type { InvokeResult } from "../domain/invocation.js";
import type { InvokeService } from "../ports/invoke-service.js";
import type { AsyncEventRecord, NewAsyncEvent, Store } from "../ports/store.js";
import type { Clock } from "../shared/clock.js";
import { isRecursionStopped, newTraceRoot, nextLineage, RECURSION_STOPPED } from "../domain/recursion.js";
import { isPlatformError } from "../shared/errors.js";
import type { IdSource } from "../shared/ids.js";
import { afterInvoke, afterThrottle, beforeInvoke, type AsyncDecision } from "./async-policy.js";
import type {
  AsyncMetricListener,
  AsyncMetricName,
  AsyncSettings,
  AsyncSettingsSource,
  FailureCondition,
} from "./async-settings.js";

/** How an event failed for good: its function is gone, or it failed as Lambda says (condition). */
export type EventFailure =
  | { readonly kind: "gone"; readonly reason: string }
  | {
      readonly kind: "failed";
      readonly condition: FailureCondition;
      readonly reason: string;
      readonly invokeCount: number;
      /** The last invocation's result, when one ran. */
      readonly result?: InvokeResult | undefined;
    };

/** Where results go: destinations and the dead-letter queue (part of the events feature). */
export interface AsyncResultHandler {
  /** The event succeeded: delivers it to OnSuccess, if configured. */
  succeeded(r: { event: AsyncEventRecord; settings: AsyncSettings; result: InvokeResult }): Promise<void>;
  /** The event failed for good: DLQ and OnFailure; resolves to whether it reached one of them. */
  failed(r: {
    event: AsyncEventRecord;
    settings: AsyncSettings;
    failure: Extract<EventFailure, { kind: "failed" }>;
  }): Promise<boolean>;
}

export interface AsyncInvokerOptions {
  readonly store: Store;
  readonly invoker: InvokeService;
  /** The platform clock: retries, leases and due times run on it (faster under `--time-scale`). */
  readonly clock: Clock;
  readonly ids: IdSource;
  /** The name claims are taken under (default `runner-<random>`); a cluster node uses its node id. */
  readonly owner?: string | undefined;
  /** Events run at once on this node. */
  readonly concurrency?: number | undefined;
  /**
   * How long a claim holds before another runner may take the event, in real milliseconds (a
   * function's run is real time, also under a time scale). The runner renews the claims of the
   * events it runs every third of it, so only a runner that died (or lost the store) loses them.
   */
  readonly leaseMs?: number | undefined;
  /** Also look for due events this often (events queued by other nodes); 0 = only when notified. */
  readonly pollMs?: number | undefined;
  /**
   * On start, put events still marked running back to pending. Right for a single node (they were
   * running when it stopped); a cluster relies on lease expiry instead.
   */
  readonly reclaimOnStart?: boolean | undefined;
  /** The retry settings of a function (event-invoke config, reserved concurrency); default: Lambda's defaults. */
  readonly settings?: AsyncSettingsSource | undefined;
  /** Destinations and DLQ; without it, an event that fails for good is dropped. */
  readonly results?: AsyncResultHandler | undefined;
  /** Receives the async metrics (AsyncEventsReceived, AsyncEventAge, AsyncEventsDropped, …). */
  readonly onMetric?: AsyncMetricListener | undefined;
  /** Told when an event is not invoked because its chain loops (RecursiveLoop Terminate). */
  readonly onRecursionStopped?: ((e: { functionName: string; requestId: string }) => void) | undefined;
  /** Told about store errors the runner recovers from. */
  readonly onError?: ((error: unknown) => void) | undefined;
}

/** What the API needs to accept an Event invocation. */
export interface AsyncEventQueue {
  /** Stores the event durably, then wakes the runner. Resolves once the event is safe. */
  enqueue(event: Omit<NewAsyncEvent, "id" | "enqueuedAt" | "nextRunAt">): Promise<void>;
}

/**
 * Runs queued Event invocations through the InvokeService, at least once each: an event is marked
 * done or failed only after its invocation returned, and a restart resumes everything not done.
 * Retries follow Lambda's rules (async-policy.ts) on the platform clock; an event that fails for
 * good goes to the result handler (DLQ, OnFailure) or is dropped.
 */
export class AsyncInvoker implements AsyncEventQueue {
  readonly #o: AsyncInvokerOptions;
  readonly #owner: string;
  readonly #inFlight = new Set<Promise<void>>();
  #running = false;
  #pumping: Promise<void> | undefined;
  #again = false;
  #cancelTimer: (() => void) | undefined;
  #timerAt: number | undefined;
  #cancelRenewal: (() => void) | undefined;

  constructor(options: AsyncInvokerOptions) {
    this.#o = options;
    this.#owner = options.owner ?? `runner-${options.ids.hex(8)}`;
  }

  /** Starts taking events (after reclaiming interrupted ones when configured). */
  async start(): Promise<void> {
    if (this.#running) return;
    if (this.#o.reclaimOnStart ?? true) await this.#o.store.releaseEventClaims();
    this.#running = true;
    this.notify();
  }

  async enqueue(event: Omit<NewAsyncEvent, "id" | "enqueuedAt" | "nextRunAt">): Promise<void> {
    const now = this.#o.clock.now();
    await this.#o.store.enqueueEvent({ ...event, id: this.#o.ids.requestId(), enqueuedAt: now, nextRunAt: now });
    this.#metric("AsyncEventsReceived", event, 1);
    this.notify();
  }

  /**
   * Looks for due events (an event was queued or a slot freed). The claim starts once the current
   * microtasks have run, within the same turn of the event loop: the slots freed (and the events
   * queued) by writes that committed together are then filled by one claim, not one each, and an
   * event accepted before a stop is still running (and drained) rather than left for the next
   * start; slots that free while a claim is under way are filled by the one after it.
   */
  notify(): void {
    if (!this.#running) return;
    if (this.#pumping) {
      this.#again = true;
      return;
    }
    this.#pumping = Promise.resolve()
      .then(() => this.#pump())
      .finally(() => {
        this.#pumping = undefined;
        if (this.#again) {
          this.#again = false;
          this.notify();
        }
      });
  }

  /** Stops taking events and waits for the ones running (their claims renewed meanwhile). */
  async stop(): Promise<void> {
    this.#running = false;
    this.#wakeAt(undefined);
    await this.#pumping;
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
    this.#cancelRenewal?.();
    this.#cancelRenewal = undefined;
  }

  /** The owner name this runner claims events under. */
  get owner(): string {
    return this.#owner;
  }

  /** Events running on this node now. */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  async #pump(): Promise<void> {
    if (!this.#running) return;
    try {
      const free = (this.#o.concurrency ?? 16) - this.#inFlight.size;
      if (free <= 0) return;
      const now = this.#o.clock.now();
      const events = await this.#o.store.claimEvents({ now, limit: free, leaseMs: this.#leaseMs, owner: this.#owner });
      for (const e of events) this.#track(this.#run(e));
      if (events.length > 0) this.#renewLater();
      if (events.length === free) this.#again = true;
      else await this.#scheduleNext();
    } catch (e) {
      this.#o.onError?.(e);
      this.#wakeAt(this.#o.clock.now() + 1000);
    }
  }

  #track(run: Promise<void>): void {
    const p = run.finally(() => {
      this.#inFlight.delete(p);
      if (this.#inFlight.size === 0) {
        this.#cancelRenewal?.();
        this.#cancelRenewal = undefined;
      }
      this.notify();
    });
    this.#inFlight.add(p);
  }

  /** The lease in platform milliseconds (the store's times are the platform clock's). */
  get #leaseMs(): number {
    return (this.#o.leaseMs ?? 16 * 60_000) * this.#o.clock.scale;
  }

  /** While events run, renews their claims every third of the lease. */
  #renewLater(): void {
    if (this.#cancelRenewal) return;
    const every = Math.max(1, Math.floor(this.#leaseMs / 3));
    this.#cancelRenewal = this.#o.clock.setTimer(() => {
      this.#cancelRenewal = undefined;
      if (this.#inFlight.size === 0) return;
      this.#renewLater();
      this.#o.store
        .renewEventClaims(this.#owner, this.#o.clock.now() + this.#leaseMs)
        .catch((e: unknown) => this.#o.onError?.(e));
    }, every);
  }

  /** Sleeps until the next event is due (or the poll interval), never spinning; no timer when nothing waits. */
  async #scheduleNext(): Promise<void> {
    const due = await this.#o.store.nextEventDueAt();
    const poll = this.#o.pollMs ?? 0;
    const candidates = [due, poll > 0 ? this.#o.clock.now() + poll : undefined].filter(
      (t): t is number => t !== undefined,
    );
    this.#wakeAt(candidates.length > 0 ? Math.min(...candidates) : undefined);
  }

  /** Replaces the wake-up timer (undefined: none). */
  #wakeAt(at: number | undefined): void {
    if (at === this.#timerAt) return;
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    this.#timerAt = at;
    if (at === undefined || !this.#running) return;
    this.#cancelTimer = this.#o.clock.setTimer(
      () => {
        this.#timerAt = undefined;
        this.#cancelTimer = undefined;
        this.notify();
      },
      Math.max(0, at - this.#o.clock.now()),
    );
  }

  async #run(e: AsyncEventRecord): Promise<void> {
    const settings = this.#o.settings?.(e.functionName, e.qualifier) ?? this.#fallbackSettings(e);
    if (!settings) return this.#end(e, undefined, { kind: "gone", reason: "Function not found" });
    const first = beforeInvoke(e, settings, this.#o.clock.now());
    if (first.kind !== "invoke") return this.#apply(e, settings, first);
    this.#metric("AsyncEventAge", e, this.#o.clock.now() - e.enqueuedAt);
    const step = nextLineage(e.traceId, { functionArn: settings.functionArn, newRoot: this.#newRoot });
    if (isRecursionStopped(step.count, settings.recursiveLoop)) return this.#stopLoop(e, settings);
    let result: InvokeResult;
    try {
      result = await this.#o.invoker.invoke({ functionName: e.functionName, qualifier: e.qualifier }, e.payload, {
        requestId: e.requestId,
        clientContext: e.clientContext,
        traceId: step.header,
      });
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      // The function (or qualifier) is gone: the event can never run.
      if (isPlatformError(err)) return this.#end(e, settings, { kind: "gone", reason });
      return this.#apply(e, settings, afterThrottle(e, settings, { now: this.#o.clock.now(), reason }));
    }
    const next = afterInvoke(e, settings, { outcome: result.outcome, now: this.#o.clock.now() });
    return this.#apply(e, settings, next, result);
  }

  readonly #newRoot = (): string => newTraceRoot(this.#o.clock.now(), this.#o.ids.hex(12));

  /** A recursive loop is stopped: the event is not invoked and goes to failure handling (DLQ, OnFailure). */
  #stopLoop(e: AsyncEventRecord, s: AsyncSettings): Promise<void> {
    this.#metric("RecursiveInvocationsDropped", e, 1);
    this.#o.onRecursionStopped?.({ functionName: e.functionName, requestId: e.requestId });
    const invokeCount = e.attempts - 1;
    return this.#end(e, s, { kind: "failed", condition: "RetriesExhausted", reason: RECURSION_STOPPED, invokeCount });
  }

  /** Without a settings source (tests of the queue alone): Lambda's defaults. */
  #fallbackSettings(e: AsyncEventRecord): AsyncSettings | undefined {
    return this.#o.settings ? undefined : { functionArn: e.functionName };
  }

  /** Carries out a decision: store the retry, or hand the result on and end the event. */
  async #apply(e: AsyncEventRecord, s: AsyncSettings, d: AsyncDecision, result?: InvokeResult): Promise<void> {
    if (d.kind === "invoke") return;
    if (d.kind === "retry") {
      await this.#store(() =>
        this.#o.store.rescheduleEvent(e.id, this.#owner, {
          nextRunAt: d.at,
          lastError: d.reason,
          notInvoked: d.notInvoked,
        }),
      );
      return;
    }
    if (d.kind === "succeeded") {
      await this.#hand(e, () => this.#o.results?.succeeded({ event: e, settings: s, result: result! }));
      await this.#store(() => this.#o.store.completeEvent(e.id, this.#owner, this.#o.clock.now()));
      return;
    }
    return this.#end(e, s, { ...d, result });
  }

  /** Ends an event that failed for good: failure handling (DLQ, OnFailure), else it is dropped. */
  async #end(e: AsyncEventRecord, s: AsyncSettings | undefined, f: EventFailure): Promise<void> {
    let delivered = false;
    if (s && f.kind === "failed") {
      await this.#hand(e, async () => {
        delivered = (await this.#o.results?.failed({ event: e, settings: s, failure: f })) ?? false;
      });
    }
    if (!delivered) this.#metric("AsyncEventsDropped", e, 1);
    const lastError = f.kind === "failed" ? `${f.condition}: ${f.reason}` : f.reason;
    await this.#store(() => this.#o.store.failEvent(e.id, this.#owner, { at: this.#o.clock.now(), lastError }));
  }

  /** Runs a result handler; its failures are its own (it counts them), never the event's. */
  async #hand(e: AsyncEventRecord, fn: () => Promise<unknown> | undefined): Promise<void> {
    try {
      await fn();
    } catch (err) {
      this.#o.onError?.(err);
    }
  }

  async #store(write: () => Promise<boolean>): Promise<void> {
    try {
      await write();
    } catch (storeError) {
      // The claim lapses and the event runs again: at least once, never lost.
      this.#o.onError?.(storeError);
    }
  }

  #metric(name: AsyncMetricName, e: { functionName: string; qualifier?: string | undefined }, value: number): void {
    this.#o.onMetric?.({ name, functionName: e.functionName, qualifier: e.qualifier, value, at: this.#o.clock.now() });
  }
}
