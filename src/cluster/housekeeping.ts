import type { ChangeFeed, NodeRegistry } from "../ports/cluster.js";
import type { Clock } from "../shared/clock.js";

/** What ClusterHousekeeping is built from. */
export interface ClusterHousekeepingOptions {
  readonly feed: ChangeFeed;
  readonly registry: NodeRegistry;
  readonly clock: Clock;
  /** True while this node is the leader: only the leader sweeps. */
  readonly isLeader: () => boolean;
  /** How often the leader sweeps. */
  readonly everyMs: number;
  /** Change-log rows older than this are deleted (a node that was away longer reloads everything). */
  readonly keepChangesMs: number;
  /** Nodes silent for longer than this are removed from the list (until then they show as down). */
  readonly keepDeadNodesMs: number;
  readonly onError?: ((message: string, error: unknown) => void) | undefined;
}

/** The leader's periodic sweep: trims the change log and forgets nodes that died long ago. */
export class ClusterHousekeeping {
  readonly #o: ClusterHousekeepingOptions;
  #cancelTimer: (() => void) | undefined;
  #running = false;

  constructor(options: ClusterHousekeepingOptions) {
    this.#o = options;
  }

  start(): void {
    this.#running = true;
    this.#schedule();
  }

  /** One sweep now (when leader). */
  async sweep(): Promise<void> {
    if (!this.#o.isLeader()) return;
    const now = this.#o.clock.now();
    try {
      await this.#o.feed.trim(now - this.#o.keepChangesMs);
      await this.#o.registry.removeStale(now - this.#o.keepDeadNodesMs);
    } catch (e) {
      this.#o.onError?.("the leader's sweep failed", e);
    }
  }

  stop(): void {
    this.#running = false;
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
  }

  #schedule(): void {
    if (!this.#running) return;
    this.#cancelTimer = this.#o.clock.setTimer(() => {
      this.#cancelTimer = undefined;
      void this.sweep().finally(() => this.#schedule());
    }, this.#o.everyMs);
  }
}
