import type { LeaseStore } from "../ports/cluster.js";
import type { Clock } from "../shared/clock.js";

/** What a LeaderLease is built from. */
export interface LeaderLeaseOptions {
  readonly leases: LeaseStore;
  /** The lease's name: one leader per name (`leader` for the node-wide singleton work). */
  readonly name: string;
  /** This node. */
  readonly owner: string;
  readonly clock: Clock;
  /** The lease runs this long after each renewal; another node takes over at most this long after the leader died. */
  readonly leaseMs: number;
  /** Told when this node becomes the leader, and when it stops being it. */
  readonly onChange?: ((leader: boolean) => void) | undefined;
  readonly onError?: ((message: string, error: unknown) => void) | undefined;
}

/**
 * Leadership of one named lease, for work that must run on one node at a time (deployments,
 * schedules, housekeeping). Every node tries to take the lease every third of its time; the holder
 * renews it. A holder that cannot renew (database unreachable) steps down when its lease runs out,
 * which is also when another node may take it: never two leaders by the lease's clock.
 */
export class LeaderLease {
  readonly #o: LeaderLeaseOptions;
  #leaderUntil = 0;
  #leader = false;
  #cancelTimer: (() => void) | undefined;
  #ticking: Promise<void> | undefined;
  #running = false;

  constructor(options: LeaderLeaseOptions) {
    this.#o = options;
  }

  /** True while this node holds the lease. */
  get isLeader(): boolean {
    return this.#leader && this.#o.clock.now() < this.#leaderUntil;
  }

  /** Starts trying to take (and then renewing) the lease. Resolves after the first try. */
  async start(): Promise<void> {
    this.#running = true;
    await this.tick();
  }

  /** One try: take or renew the lease, then schedule the next. */
  tick(): Promise<void> {
    this.#ticking ??= this.#try().finally(() => {
      this.#ticking = undefined;
      this.#schedule();
    });
    return this.#ticking;
  }

  /** Stops trying; a leader gives the lease up so that another node takes over at once. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    await this.#ticking;
    if (this.#leader) {
      this.#set(false);
      await this.#o.leases.release(this.#o.name, this.#o.owner).catch(() => undefined);
    }
  }

  async #try(): Promise<void> {
    if (!this.#running) return;
    const now = this.#o.clock.now();
    const until = now + this.#o.leaseMs;
    let held: boolean;
    try {
      held = await this.#o.leases.acquire(this.#o.name, this.#o.owner, { now, until });
    } catch (e) {
      this.#o.onError?.(`renewing the ${this.#o.name} lease failed`, e);
      // Still the leader until the lease the database last granted runs out.
      if (this.#leader && this.#o.clock.now() >= this.#leaderUntil) this.#set(false);
      return;
    }
    if (held) {
      this.#leaderUntil = until;
      if (!this.#leader) this.#set(true);
    } else if (this.#leader) {
      this.#set(false);
    }
  }

  #set(leader: boolean): void {
    this.#leader = leader;
    this.#o.onChange?.(leader);
  }

  #schedule(): void {
    if (!this.#running || this.#cancelTimer) return;
    const every = Math.max(1, Math.floor(this.#o.leaseMs / 3));
    // A leader whose lease runs out before the next try steps down on time.
    this.#cancelTimer = this.#o.clock.setTimer(() => {
      this.#cancelTimer = undefined;
      void this.tick();
    }, every);
  }
}
