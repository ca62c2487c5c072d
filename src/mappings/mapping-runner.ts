/**
 * Runs the enabled mappings on this node: a worker per mapping, started, updated and stopped as
 * the stored mappings change (a change made here wakes it, a change made on another node arrives
 * through reload(), and a periodic tick catches up anyway). In cluster mode each mapping is run
 * under a lease of its own, renewed every tick: one node at a time consumes a mapping, and when
 * that node dies another takes it over once the lease expires. Transitional states (Creating,
 * Updating, Enabling, Disabling) are settled to Enabled or Disabled once the change is applied.
 */
import type { LeaseStore } from "../ports/cluster.js";
import type { MappingRecord, MappingStore } from "../ports/mapping-store.js";
import { settledState } from "./mapping-view.js";
import type { EventSourceKind, MappingWorker, WorkerContext } from "./types.js";

export interface MappingRunnerOptions {
  readonly store: MappingStore;
  readonly kinds: readonly EventSourceKind[];
  readonly context: WorkerContext;
  /** Cluster mode: the leases that let one node at a time run a mapping. */
  readonly leases?: LeaseStore | undefined;
  readonly owner: string;
  /** How long a lease lasts; it is renewed every third of it. */
  readonly leaseMs: number;
}

interface Running {
  readonly worker: MappingWorker;
  readonly kind: EventSourceKind;
  mapping: MappingRecord;
}

const leaseName = (uuid: string) => `event-source-mapping/${uuid}`;

/** The mappings this node runs. */
export class MappingRunner {
  readonly #o: MappingRunnerOptions;
  readonly #running = new Map<string, Running>();
  #cancelTick: (() => void) | undefined;
  #pass: Promise<void> = Promise.resolve();
  #again = false;
  #passing = false;
  #stopped = false;

  constructor(options: MappingRunnerOptions) {
    this.#o = options;
  }

  /** Starts the workers of the stored mappings and the periodic tick. */
  async start(): Promise<void> {
    await this.refresh();
    this.#arm();
  }

  #arm(): void {
    if (this.#stopped) return;
    this.#cancelTick = this.#o.context.clock.setTimer(() => {
      void this.refresh().finally(() => this.#arm());
    }, this.#o.leaseMs / 3);
  }

  /** Applies the stored mappings now (passes never overlap; one asked for meanwhile runs after). */
  refresh(): Promise<void> {
    if (this.#passing) {
      this.#again = true;
      return this.#pass;
    }
    this.#passing = true;
    this.#pass = (async () => {
      try {
        do {
          this.#again = false;
          await this.#apply().catch((e: unknown) => this.#o.context.log("event source mappings", e));
        } while (this.#again && !this.#stopped);
      } finally {
        this.#passing = false;
      }
    })();
    return this.#pass;
  }

  /** UUIDs of the mappings this node runs. */
  get runningIds(): string[] {
    return [...this.#running.keys()];
  }

  async #apply(): Promise<void> {
    if (this.#stopped) return;
    const mappings = await this.#o.store.list();
    const seen = new Set<string>();
    for (const m of mappings) {
      seen.add(m.uuid);
      const mine = m.enabled && (await this.#hold(m));
      if (mine) this.#run(m);
      else await this.#halt(m.uuid);
      const settled = settledState(m);
      if (settled && (mine || !m.enabled)) await this.#o.store.update({ ...m, state: settled }, m);
    }
    for (const [uuid, { kind }] of [...this.#running]) {
      if (seen.has(uuid)) continue;
      // Deleted: what its source kept for it goes once no batch of it runs here any more.
      await this.#halt(uuid);
      await kind.forget?.(uuid);
    }
  }

  async #hold(m: MappingRecord): Promise<boolean> {
    const leases = this.#o.leases;
    if (!leases) return true;
    const now = this.#o.context.clock.now();
    return leases.acquire(leaseName(m.uuid), this.#o.owner, { now, until: now + this.#o.leaseMs });
  }

  #run(m: MappingRecord): void {
    const running = this.#running.get(m.uuid);
    if (running) {
      if (running.mapping.lastModified !== m.lastModified || running.mapping.functionArn !== m.functionArn) {
        running.worker.update(m);
      }
      running.mapping = m;
      return;
    }
    const kind = this.#o.kinds.find((k) => k.service === m.eventSourceArn.split(":")[2]);
    if (!kind) return;
    this.#running.set(m.uuid, { worker: kind.start(m, this.#o.context), kind, mapping: m });
  }

  async #halt(uuid: string): Promise<void> {
    const running = this.#running.get(uuid);
    if (!running) return;
    this.#running.delete(uuid);
    await running.worker.stop();
    await this.#o.leases?.release(leaseName(uuid), this.#o.owner);
  }

  /** Stops every worker (their batches finish) and gives the leases up. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#cancelTick?.();
    await this.#pass;
    for (const uuid of [...this.#running.keys()]) await this.#halt(uuid);
  }
}
