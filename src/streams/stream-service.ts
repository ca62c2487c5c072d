/**
 * Kinesis Data Streams on the StreamStore: stream administration and the record path, sharing one
 * cache of streams and their shards. Retention is trimmed on a timer of the injected clock, on
 * one node at a time (the leader in a cluster); reads apply it anyway, so a trimmed record is never
 * returned even between two trims.
 */
import type { StreamStore } from "../ports/stream-store.js";
import type { Clock } from "../shared/clock.js";
import type { StreamScope } from "./errors.js";
import { StreamAdmin } from "./stream-admin.js";
import { StreamCache } from "./stream-cache.js";
import { StreamRecords } from "./stream-records.js";

/** How often expired records are deleted. */
const TRIM_EVERY_MS = 60_000;

export interface StreamServiceOptions {
  readonly store: StreamStore;
  readonly clock: Clock;
  readonly scope: StreamScope;
  /** Told after every change this node makes (cluster announcements). */
  readonly onChange?: ((name: string) => void) | undefined;
  /** Whether this node trims (cluster: the leader); default always. */
  readonly isLeader?: (() => boolean) | undefined;
  readonly onError?: ((message: string, e: unknown) => void) | undefined;
}

/** The Kinesis service; `start()` arms the retention timer, `stop()` disarms it. */
export class StreamService {
  readonly admin: StreamAdmin;
  readonly records: StreamRecords;
  readonly #o: StreamServiceOptions;
  #cancel: (() => void) | undefined;
  #trimming: Promise<unknown> = Promise.resolve();

  constructor(o: StreamServiceOptions) {
    this.#o = o;
    const cache = new StreamCache(o.store);
    this.admin = new StreamAdmin({ store: o.store, cache, clock: o.clock, scope: o.scope, onChange: o.onChange });
    this.records = new StreamRecords({ store: o.store, cache, admin: this.admin, clock: o.clock });
  }

  /** Starts trimming expired records every minute of the clock. */
  start(): void {
    const tick = () => {
      this.#cancel = this.#o.clock.setTimer(tick, TRIM_EVERY_MS);
      if (this.#o.isLeader && !this.#o.isLeader()) return;
      this.#trimming = this.records.trim().catch((e: unknown) => this.#o.onError?.("stream retention", e));
    };
    this.#cancel = this.#o.clock.setTimer(tick, TRIM_EVERY_MS);
  }

  /** Another node changed a stream (or several): forget what this node cached. */
  reload(name?: string): Promise<void> {
    this.admin.reload(name);
    return Promise.resolve();
  }

  /** Stops the timer and waits for a trim in progress. */
  async stop(): Promise<void> {
    this.#cancel?.();
    this.#cancel = undefined;
    await this.#trimming;
  }
}
