import type { ChangeFeed, ChangeRecord, ConfigChange } from "../ports/cluster.js";
import type { Clock } from "../shared/clock.js";
import { ChangeCursor } from "./change-cursor.js";

/** What ConfigSync is built from. */
export interface ConfigSyncOptions {
  readonly feed: ChangeFeed;
  /** This node: its own changes are already in its memory and are not applied again. */
  readonly nodeId: string;
  readonly clock: Clock;
  /** How often the change log is re-read, in case a notification was missed. */
  readonly catchUpMs: number;
  /** Re-reads one function or API into this node's memory (the hot path reads only memory). */
  apply(change: ConfigChange): Promise<void>;
  /** Re-reads everything (this node missed changes the log no longer holds). */
  reloadAll(): Promise<void>;
  /** Signals other nodes sent (not recorded). */
  onSignal?: ((kind: string, key: string) => void) | undefined;
  /** Told when another node's change has been applied here. */
  onApplied?: ((record: ChangeRecord) => void) | undefined;
  onError?: ((message: string, error: unknown) => void) | undefined;
}

/** How many log rows one catch-up reads at a time. */
const PAGE = 500;

/**
 * Keeps this node's in-memory configuration in step with the cluster. Every change a node makes is
 * recorded in the change log and announced (LISTEN/NOTIFY); other nodes re-read what changed. A
 * periodic catch-up reads the log from where this node stands, so a missed notification or a lost
 * connection never leaves it stale; a node that fell behind what the log still holds reloads all.
 */
export class ConfigSync {
  readonly #o: ConfigSyncOptions;
  #cursor: ChangeCursor | undefined;
  /** Changes this node made whose recording failed: recorded again at the next catch-up. */
  readonly #unpublished = new Map<string, ConfigChange>();
  /** Keys waiting to be applied (a burst of changes to one key is applied once). */
  readonly #queued = new Map<string, ChangeRecord>();
  /** Changes whose apply failed: applied again at the next catch-up (their log rows are already taken). */
  readonly #retry = new Map<string, ChangeRecord>();
  #draining: Promise<void> | undefined;
  #catchingUp: Promise<void> | undefined;
  #cancelTimer: (() => void) | undefined;
  #running = false;
  #connections = 0;

  constructor(options: ConfigSyncOptions) {
    this.#o = options;
  }

  /** Notes where the log stands; call before the node loads its configuration, so nothing made meanwhile is missed. */
  async begin(): Promise<void> {
    const { latest } = await this.#o.feed.bounds();
    this.#cursor = new ChangeCursor(latest, Math.max(10 * this.#o.catchUpMs, 5000));
  }

  /** Starts listening and catching up (after `begin()` and the initial load). */
  async start(): Promise<void> {
    if (!this.#cursor) await this.begin();
    this.#running = true;
    await this.#o.feed.listen({
      onChange: (r) => this.#heard(r),
      onSignal: (kind, key) => this.#o.onSignal?.(kind, key),
      // After a lost connection, reload everything: the log rows written just before a database
      // crash may be gone (they are committed without waiting for the disk), the data is not.
      onConnected: () => void this.catchUp(++this.#connections > 1),
      onDisconnected: (e) => this.#o.onError?.("the change feed's connection was lost; reconnecting", e),
    });
    this.#schedule();
  }

  /** Records a change this node made, for the other nodes; a failure is retried at the next catch-up. */
  publish(change: ConfigChange): void {
    const at = this.#o.clock.now();
    this.#o.feed.publish(change, this.#o.nodeId, at).then(
      (seq) => void this.#cursor?.take(seq),
      (e: unknown) => {
        this.#unpublished.set(`${change.kind}:${change.key}`, change);
        this.#o.onError?.(`recording a change of ${change.kind} ${change.key} failed; retrying`, e);
      },
    );
  }

  /**
   * Reads the log from where this node stands and applies what it has not seen (also on a timer);
   * `reload`: reloads everything first.
   */
  catchUp(reload = false): Promise<void> {
    const current = this.#catchingUp;
    if (current && !reload) return current;
    const run: Promise<void> = (current ?? Promise.resolve())
      .then(async () => {
        if (reload) await this.#reloadAll();
        await this.#catchUp();
      })
      .catch((e: unknown) => this.#o.onError?.("catching up with the change log failed", e))
      .finally(() => {
        if (this.#catchingUp === run) this.#catchingUp = undefined;
      });
    this.#catchingUp = run;
    return run;
  }

  /** Reloads everything; the cursor then starts from where the log stood before the reload. */
  async #reloadAll(): Promise<void> {
    const cursor = this.#cursor;
    if (!cursor) return;
    const { latest } = await this.#o.feed.bounds();
    await this.#o.reloadAll();
    cursor.reset(latest);
  }

  /** Resolves once every change heard so far has been applied. */
  async settled(): Promise<void> {
    while (this.#draining || this.#catchingUp) await (this.#draining ?? this.#catchingUp);
  }

  /** Stops listening and catching up. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    await this.#o.feed.close();
    await this.settled();
  }

  #schedule(): void {
    if (!this.#running) return;
    this.#cancelTimer = this.#o.clock.setTimer(() => {
      this.#cancelTimer = undefined;
      void this.catchUp().finally(() => this.#schedule());
    }, this.#o.catchUpMs);
  }

  #heard(record: ChangeRecord): void {
    if (!this.#cursor?.take(record.seq) || record.origin === this.#o.nodeId) return;
    this.#enqueue(record);
  }

  #enqueue(record: ChangeRecord): void {
    this.#queued.set(`${record.kind}:${record.key}`, record);
    this.#draining ??= this.#drain().finally(() => (this.#draining = undefined));
  }

  async #drain(): Promise<void> {
    for (const [id, change] of this.#queued) {
      this.#queued.delete(id);
      try {
        await this.#o.apply(change);
        this.#o.onApplied?.(change);
      } catch (e) {
        this.#o.onError?.(`applying a change of ${change.kind} ${change.key} failed; the next catch-up retries`, e);
        this.#retry.set(id, change);
      }
    }
  }

  async #catchUp(): Promise<void> {
    const cursor = this.#cursor;
    if (!cursor) return;
    for (const [id, change] of this.#unpublished) {
      const seq = await this.#o.feed.publish(change, this.#o.nodeId, this.#o.clock.now());
      this.#unpublished.delete(id);
      cursor.take(seq);
    }
    for (const [id, change] of this.#retry) {
      this.#retry.delete(id);
      this.#enqueue(change);
    }
    const { oldest, latest } = await this.#o.feed.bounds();
    // Numbers above the floor that the log no longer holds (all of it trimmed, or its start).
    const trimmedPast = latest > cursor.floor && (oldest === 0 || oldest > cursor.floor + 1);
    if (trimmedPast) {
      // The log was trimmed past this node's place: what it missed is gone from it, so reload all.
      await this.#o.reloadAll();
      cursor.reset(latest);
      return;
    }
    for (let from = cursor.floor; ;) {
      const rows = await this.#o.feed.readSince(from, PAGE);
      for (const r of rows) this.#heard(r);
      if (rows.length < PAGE) break;
      from = rows[rows.length - 1]?.seq ?? from;
    }
    cursor.settle(this.#o.clock.now());
    await this.#draining;
  }
}
