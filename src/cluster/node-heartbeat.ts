import type { LeaseStore, NodeLoad, NodeRecord, NodeRegistry } from "../ports/cluster.js";
import type { Clock } from "../shared/clock.js";

/** What a NodeHeartbeat is built from. */
export interface NodeHeartbeatOptions {
  readonly registry: NodeRegistry;
  /** This node's registration, without the heartbeat time and load (filled in on each beat). */
  readonly node: Omit<NodeRecord, "heartbeatAt" | "load">;
  /** The node's load now. */
  readonly load: () => NodeLoad;
  readonly clock: Clock;
  /** Time between beats. */
  readonly everyMs: number;
  /** Where the leader lease is read, to show who leads. */
  readonly leases?: LeaseStore | undefined;
  /** The leader lease's name. */
  readonly leaderLease?: string | undefined;
  /** Told when a beat fails after one succeeded (the database went away), and when beats work again. */
  readonly onReachability?: ((reachable: boolean, error?: unknown) => void) | undefined;
}

/** The cluster as the last beat saw it. */
export interface ClusterSnapshot {
  readonly nodes: readonly NodeRecord[];
  /** The node holding the leader lease (maybe expired: compare `leaderUntil` with the time). */
  readonly leader: string | undefined;
  readonly leaderUntil: number;
  /** When this snapshot was read. */
  readonly at: number;
}

/**
 * Registers this node and refreshes its registration (with its load) on a timer, so that every
 * node can list the cluster; each beat also reads the list back, so a health probe answers from
 * memory. A node whose beats stop (killed, cut off) is shown as down once its last beat is older
 * than the lease time, and removed by the leader later.
 */
export class NodeHeartbeat {
  readonly #o: NodeHeartbeatOptions;
  #cancelTimer: (() => void) | undefined;
  #beating: Promise<void> | undefined;
  #reachable = true;
  #lastBeat = 0;
  #running = false;
  #snapshot: ClusterSnapshot = { nodes: [], leader: undefined, leaderUntil: 0, at: 0 };

  constructor(options: NodeHeartbeatOptions) {
    this.#o = options;
  }

  /** False while beats fail (the database cannot be reached). */
  get storeReachable(): boolean {
    return this.#reachable;
  }

  /** When the last beat succeeded. */
  get lastBeatAt(): number {
    return this.#lastBeat;
  }

  /** The cluster as the last successful beat read it. */
  get snapshot(): ClusterSnapshot {
    return this.#snapshot;
  }

  /** Registers the node (throws when that fails), then beats on a timer. */
  async start(): Promise<void> {
    await this.#o.registry.heartbeat(this.#record());
    this.#lastBeat = this.#o.clock.now();
    await this.#read().catch(() => undefined);
    this.#running = true;
    this.#schedule();
  }

  /** One beat now. */
  beat(): Promise<void> {
    this.#beating ??= this.#o.registry
      .heartbeat(this.#record())
      .then(() => this.#read())
      .then(
        () => {
          this.#lastBeat = this.#o.clock.now();
          if (!this.#reachable) this.#setReachable(true);
        },
        (e: unknown) => {
          if (this.#reachable) this.#setReachable(false, e);
        },
      )
      .finally(() => (this.#beating = undefined));
    return this.#beating;
  }

  /** Stops beating and removes the registration (a node that stops on purpose is not shown as down). */
  async stop(): Promise<void> {
    this.#running = false;
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    await this.#beating;
    await this.#o.registry.remove(this.#o.node.nodeId).catch(() => undefined);
  }

  async #read(): Promise<void> {
    const nodes = await this.#o.registry.list();
    const name = this.#o.leaderLease;
    const holder = name !== undefined ? await this.#o.leases?.holder(name) : undefined;
    this.#snapshot = { nodes, leader: holder?.owner, leaderUntil: holder?.expiresAt ?? 0, at: this.#o.clock.now() };
  }

  #record(): NodeRecord {
    return { ...this.#o.node, heartbeatAt: this.#o.clock.now(), load: this.#o.load() };
  }

  #setReachable(reachable: boolean, error?: unknown): void {
    this.#reachable = reachable;
    this.#o.onReachability?.(reachable, error);
  }

  #schedule(): void {
    if (!this.#running) return;
    this.#cancelTimer = this.#o.clock.setTimer(() => {
      this.#cancelTimer = undefined;
      void this.beat().finally(() => this.#schedule());
    }, this.#o.everyMs);
  }
}
