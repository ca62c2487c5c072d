import type { ThrottleReason } from "../domain/invocation.js";
import type { SlotLeases } from "../ports/cluster.js";
import type { ConcurrencySlots } from "../ports/concurrency.js";
import type { Clock } from "../shared/clock.js";

/** What ClusterConcurrency is built from. */
export interface ClusterConcurrencyOptions {
  readonly slots: SlotLeases;
  readonly nodeId: string;
  readonly clock: Clock;
  /** Account-wide concurrent executions, for the whole cluster. */
  readonly accountLimit: number;
  /** A node's slots count until this long after its last renewal (a dead node's come back then). */
  readonly leaseMs: number;
  /** Asks the other nodes to give back the idle slots of a pool (a signal on the change feed). */
  readonly askOthers: (pool: string) => void;
  /** How long a call short of a slot waits for other nodes to give theirs back before it is throttled. */
  readonly waitMs?: number | undefined;
  /** Idle slots beyond a node's working set are given back after this long. */
  readonly trimAfterMs?: number | undefined;
  readonly onError?: ((message: string, error: unknown) => void) | undefined;
}

/** One pool as this node holds it: `*` (unreserved) or a function with reserved concurrency. */
interface Pool {
  readonly key: string;
  /** Slots this node holds in the database. */
  held: number;
  inFlight: number;
  /** Calls waiting for a slot. */
  waiting: number;
  limit: number;
  /** Slots taken since the last renewal: a pool left unused for a whole period gives its slots back. */
  taken: number;
  /** Grants and give-backs of a pool run one at a time. */
  tail: Promise<void>;
  growing: Promise<void> | undefined;
  cancelTrim: (() => void) | undefined;
  /** Why the last request for more slots failed (the database unreachable), until one succeeds. */
  grantError: Error | undefined;
}

const UNRESERVED = "*";

/**
 * Concurrency limits across a cluster. Each node holds leases of slots in the database, per pool,
 * and counts its executions against what it holds, in memory: a call that finds a held slot free
 * takes it without touching the database. A node short of slots asks the database for more (one
 * round trip, granted only from what no other node holds); if the pool is exhausted it signals the
 * others to give back idle slots and tries again for up to `waitMs` before the call is throttled.
 * Idle slots beyond a working margin go back after `trimAfterMs`. Holdings are renewed every third
 * of the lease; a dead node's slots count until its lease runs out.
 */
export class ClusterConcurrency implements ConcurrencySlots {
  readonly #o: ClusterConcurrencyOptions;
  readonly #pools = new Map<string, Pool>();
  #inFlight = 0;
  #cancelRenewal: (() => void) | undefined;
  #running = true;

  constructor(options: ClusterConcurrencyOptions) {
    this.#o = options;
    this.#renewLater();
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  tryAcquire(
    functionName: string,
    reserved: number | undefined,
    reservedTotal: number,
  ): ThrottleReason | undefined | Promise<ThrottleReason | undefined> {
    const p = this.#pool(reserved === undefined ? UNRESERVED : functionName);
    p.limit = reserved ?? this.#o.accountLimit - reservedTotal;
    if (this.#take(p)) return undefined;
    const reason: ThrottleReason =
      reserved === undefined
        ? "ConcurrentInvocationLimitExceeded"
        : "ReservedFunctionConcurrentInvocationLimitExceeded";
    // Already running as many as the whole pool allows: no other node can help.
    if (p.inFlight >= p.limit) return reason;
    return this.#acquireSlowly(p, reason);
  }

  release(functionName: string, reserved: number | undefined): void {
    const p = this.#pools.get(reserved === undefined ? UNRESERVED : functionName);
    if (!p) return;
    p.inFlight--;
    this.#inFlight--;
    if (p.waiting === 0 && p.held > p.inFlight + chunk(p.limit)) this.#trimLater(p);
  }

  /** Another node is short of slots of `pool`: give back the ones idle here now. */
  onPressure(pool: string): void {
    const p = this.#pools.get(pool);
    if (p && p.held > p.inFlight + p.waiting) void this.#trim(p, p.inFlight + p.waiting);
  }

  /** Slots this node holds per pool (for `haneul nodes` and tests). */
  held(): ReadonlyMap<string, number> {
    return new Map([...this.#pools.values()].filter((p) => p.held > 0).map((p) => [p.key, p.held]));
  }

  /** Stops renewing and gives every slot back. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#cancelRenewal?.();
    for (const p of this.#pools.values()) p.cancelTrim?.();
    await Promise.allSettled([...this.#pools.values()].map((p) => p.tail));
    await this.#o.slots
      .releaseAll(this.#o.nodeId)
      .catch((e: unknown) => this.#o.onError?.("giving slots back failed", e));
  }

  #pool(key: string): Pool {
    let p = this.#pools.get(key);
    if (!p) {
      p = {
        key,
        held: 0,
        inFlight: 0,
        waiting: 0,
        limit: 0,
        taken: 0,
        tail: Promise.resolve(),
        growing: undefined,
        cancelTrim: undefined,
        grantError: undefined,
      };
      this.#pools.set(key, p);
    }
    return p;
  }

  #take(p: Pool): boolean {
    if (p.inFlight >= p.held || p.inFlight >= p.limit) return false;
    p.inFlight++;
    p.taken++;
    this.#inFlight++;
    return true;
  }

  async #acquireSlowly(p: Pool, reason: ThrottleReason): Promise<ThrottleReason | undefined> {
    const deadline = this.#o.clock.now() + (this.#o.waitMs ?? 50);
    p.waiting++;
    try {
      for (let asked = false; ; asked = true) {
        await this.#grow(p);
        if (this.#take(p)) return undefined;
        if (!asked) this.#o.askOthers(p.key);
        const left = deadline - this.#o.clock.now();
        if (left <= 0 || !this.#running) {
          // Short because the database could not be asked: that is the platform's failure
          // (ServiceException), not the caller's concurrency.
          if (p.grantError !== undefined) throw p.grantError;
          return reason;
        }
        await new Promise<void>((resolve) => this.#o.clock.setTimer(resolve, Math.min(10, left)));
        if (this.#take(p)) return undefined;
      }
    } finally {
      p.waiting--;
    }
  }

  /** Asks for enough slots for what runs and waits here, plus a margin; concurrent askers share one request. */
  #grow(p: Pool): Promise<void> {
    p.growing ??= this.#serial(p, async () => {
      const now = this.#o.clock.now();
      const min = p.inFlight + 1;
      // Never less than held: calls may have taken held slots while the request was on its way.
      const want = Math.max(min, p.held, p.inFlight + p.waiting + chunk(p.limit));
      const request = {
        pool: p.key,
        node: this.#o.nodeId,
        min,
        want,
        limit: p.limit,
        now,
        until: now + this.#o.leaseMs,
      };
      try {
        const granted = await this.#o.slots.grant(request);
        if (granted >= 0) p.held = granted;
        p.grantError = undefined;
      } catch (e) {
        p.grantError = e instanceof Error ? e : new Error(String(e));
        throw e;
      }
    }).finally(() => (p.growing = undefined));
    return p.growing;
  }

  #trimLater(p: Pool): void {
    if (p.cancelTrim || !this.#running) return;
    p.cancelTrim = this.#o.clock.setTimer(() => {
      p.cancelTrim = undefined;
      void this.#trim(p, p.inFlight + p.waiting + chunk(p.limit));
    }, this.#o.trimAfterMs ?? 1000);
  }

  /** Gives back slots above `keep` (held drops first: the slots are never used once offered back). */
  #trim(p: Pool, keep: number): Promise<void> {
    return this.#serial(p, async () => {
      if (p.held <= keep) return;
      p.held = keep;
      await this.#o.slots.set(p.key, this.#o.nodeId, { slots: keep, until: this.#o.clock.now() + this.#o.leaseMs });
    });
  }

  #serial(p: Pool, work: () => Promise<void>): Promise<void> {
    const run = p.tail.then(work).catch((e: unknown) => this.#o.onError?.(`concurrency slots of ${p.key}`, e));
    p.tail = run;
    return run;
  }

  #renewLater(): void {
    if (!this.#running) return;
    this.#cancelRenewal = this.#o.clock.setTimer(
      () => {
        this.#cancelRenewal = undefined;
        // A pool nothing ran in since the last renewal (a reservation removed, a quiet function)
        // gives everything back.
        for (const p of this.#pools.values()) {
          if (p.taken === 0 && p.inFlight === 0 && p.waiting === 0 && p.held > 0) void this.#trim(p, 0);
          p.taken = 0;
        }
        const holding = [...this.#pools.values()].some((p) => p.held > 0);
        const renewed = holding
          ? this.#o.slots.renew(this.#o.nodeId, this.#o.clock.now() + this.#o.leaseMs)
          : Promise.resolve();
        void renewed
          .catch((e: unknown) => this.#o.onError?.("renewing concurrency slots failed", e))
          .finally(() => this.#renewLater());
      },
      Math.max(1, Math.floor(this.#o.leaseMs / 3)),
    );
  }
}

/** The margin a node asks for beyond what it needs, so that a rising load is not a round trip per call. */
function chunk(limit: number): number {
  return Math.min(100, Math.floor(limit / 10));
}
