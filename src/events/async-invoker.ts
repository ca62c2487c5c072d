import type { InvokeService } from "../ports/invoke-service.js";
import type { AsyncEventRecord, NewAsyncEvent, Store } from "../ports/store.js";
import type { Clock } from "../shared/clock.js";
import { isPlatformError } from "../shared/errors.js";
import type { IdSource } from "../shared/ids.js";

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
  /** Told about store errors the runner recovers from. */
  readonly onError?: ((error: unknown) => void) | undefined;
}

/** What the API needs to accept an Event invocation. */
export interface AsyncEventQueue {
  /** Stores the event durably, then wakes the runner. Resolves once the event is safe. */
  enqueue(event: Omit<NewAsyncEvent, "id" | "enqueuedAt" | "nextRunAt">): Promise<void>;
}

const MAX_BACKOFF_MS = 5 * 60_000;

/**
 * Runs queued Event invocations through the InvokeService, at least once each: an event is marked
 * done only after its invocation returned, and a restart resumes everything not done. Retries,
 * maximum event age, DLQs and destinations come later; the state machine (attempts, next run at,
 * reschedule, fail) is already in the store.
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
    this.notify();
  }

  /** Looks for due events soon (an event was queued or a slot freed). */
  notify(): void {
    if (!this.#running) return;
    if (this.#pumping) {
      this.#again = true;
      return;
    }
    this.#pumping = this.#pump().finally(() => {
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
    const { store, invoker, clock } = this.#o;
    try {
      const result = await invoker.invoke({ functionName: e.functionName, qualifier: e.qualifier }, e.payload, {
        requestId: e.requestId,
        clientContext: e.clientContext,
        traceId: e.traceId,
      });
      if (result.outcome.kind === "throttled") {
        // Lambda keeps throttled events and tries again with backoff (1 s up to 5 min).
        const delay = Math.min(1000 * 2 ** Math.max(0, e.attempts - 1), MAX_BACKOFF_MS);
        await store.rescheduleEvent(e.id, this.#owner, {
          nextRunAt: clock.now() + delay,
          lastError: result.outcome.reason,
        });
        return;
      }
      await store.completeEvent(e.id, this.#owner, clock.now());
    } catch (err) {
      await this.#failed(e, err);
    }
  }

  /** A platform error (the function is gone) ends the event; anything else is retried later. */
  async #failed(e: AsyncEventRecord, err: unknown): Promise<void> {
    const { store, clock } = this.#o;
    const message = err instanceof Error ? err.message : String(err);
    try {
      if (isPlatformError(err)) await store.failEvent(e.id, this.#owner, { at: clock.now(), lastError: message });
      else await store.rescheduleEvent(e.id, this.#owner, { nextRunAt: clock.now() + 1000, lastError: message });
    } catch (storeError) {
      this.#o.onError?.(storeError);
    }
  }
}
