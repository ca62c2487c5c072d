import type { FunctionSpec } from "../domain/function-spec.js";
import { AHEAD_DEPTH, AHEAD_MAX_MS } from "../domain/handing-ahead.js";
import type { Instance, InstanceLauncher, LaunchResult } from "../ports/instance-launcher.js";
import type { Clock } from "../shared/clock.js";

export interface InstancePoolOptions {
  readonly launcher: InstanceLauncher;
  /** The platform clock: idle reaping runs on it (faster under `--time-scale`). */
  readonly clock: Clock;
  /**
   * The clock of the burst-smoothing wait: the real one in a node, as the wait is for instances,
   * which run in real time. Default `clock`.
   */
  readonly realClock?: Clock | undefined;
  /** Idle instances are stopped after this long unused. */
  readonly idleTimeoutMs: number;
  /** At most this many instances start at once; further cold starts wait their turn. */
  readonly maxConcurrentStarts: number;
  /**
   * Burst smoothing: once this many instances of a function (all its versions together) are busy,
   * a new event for a version that has a busy instance first waits up to `scaleOutWaitMs` for one
   * of them to come free before a new instance is started. 0 (the default) starts a new instance
   * at once, as Lambda does.
   */
  readonly scaleOutAfter?: number | undefined;
  readonly scaleOutWaitMs?: number | undefined;
  /**
   * Under burst smoothing, an event may instead be handed to a busy instance that takes events
   * ahead, to wait in its channel, when that instance's last event took at most this long
   * (ARCHITECTURE.md, "Handing events ahead"). Default AHEAD_MAX_MS; 0 turns it off.
   */
  readonly aheadMaxMs?: number | undefined;
  /** How many events may wait ahead in one instance's channel. Default AHEAD_DEPTH. */
  readonly aheadDepth?: number | undefined;
}

/**
 * A warm instance (with the init logs of one started ahead of its first event, which open that
 * event's logs), or the result of a cold start.
 */
export type Acquired =
  | { readonly cold: false; readonly instance: Instance; readonly initLogs?: readonly string[] | undefined }
  | { readonly cold: true; readonly launch: LaunchResult };

interface Waiter {
  /** Ends the wait with an instance to use, or with none: start one. */
  readonly take: (instance: Instance | undefined) => void;
}

interface IdleEntry {
  readonly instance: Instance;
  readonly since: number;
}

/** Keys per spec object: a catalog hands out the same spec until the function changes. */
const keys = new WeakMap<FunctionSpec, string>();
/** The (function, version) of a spec, without its revision. */
const lineages = new WeakMap<FunctionSpec, string>();

function poolKey(spec: FunctionSpec): string {
  let key = keys.get(spec);
  if (key === undefined) {
    key = `${spec.functionArn}:${spec.version}#${spec.revision}`;
    keys.set(spec, key);
  }
  return key;
}

function lineageOf(spec: FunctionSpec): string {
  let lineage = lineages.get(spec);
  if (lineage === undefined) {
    lineage = `${spec.functionArn}:${spec.version}`;
    lineages.set(spec, lineage);
  }
  return lineage;
}

/**
 * Instances per (function, version, revision): idle ones are reused most-recent first (module
 * state survives, as on Lambda), dead ones are never reused, and idle ones are reaped.
 */
export class InstancePool {
  readonly #o: InstancePoolOptions;
  readonly #idle = new Map<string, IdleEntry[]>();
  /** Busy instances and how many events each holds (the running one and those waiting ahead). */
  readonly #busy = new Map<Instance, number>();
  /** Busy instances per pool key, for burst smoothing. */
  readonly #busyPerKey = new Map<string, number>();
  /** Busy instances per function (every version and revision), for burst smoothing. */
  readonly #busyPerFunction = new Map<string, number>();
  /** Busy instances per pool key that take an event ahead, for burst smoothing. */
  readonly #aheadCapable = new Map<string, Set<Instance>>();
  /** How long each instance's last event took. */
  readonly #lastMs = new WeakMap<Instance, number>();
  readonly #waiters = new Map<string, Waiter[]>();
  /** The pool key of the newest revision started per (function, version): older ones are never reused. */
  readonly #current = new Map<string, string>();
  /** Instances being started ahead of their first event (warm), per pool key. */
  readonly #warming = new Map<string, Promise<void>>();
  /** The init logs of instances started ahead, until their first event takes them. */
  readonly #initLogs = new WeakMap<Instance, readonly string[]>();
  #starting = 0;
  #handedAhead = 0;
  readonly #startQueue: (() => void)[] = [];
  #cancelReaper: (() => void) | undefined;
  #closed = false;

  readonly #aheadMaxMs: number;
  readonly #aheadDepth: number;

  constructor(options: InstancePoolOptions) {
    this.#o = options;
    this.#aheadMaxMs = options.aheadMaxMs ?? AHEAD_MAX_MS;
    this.#aheadDepth = options.aheadDepth ?? AHEAD_DEPTH;
    this.#scheduleReap();
  }

  /** A warm idle instance of `spec`, or a newly started one. */
  async acquire(spec: FunctionSpec): Promise<Acquired> {
    const key = poolKey(spec);
    // An instance started ahead for this revision is about to be idle: wait for it, don't start another.
    const warming = this.#warming.get(key);
    if (warming !== undefined) await warming;
    // At the limit, a busy instance that takes events ahead gets the event before an idle one is
    // woken: the limit counts the instances in use, so that instances left idle (a weighted
    // alias's other version's, a burst's) do not add processes on the same cores.
    const wait = this.#shouldWait(spec, key);
    if (wait) {
      const ahead = this.#aheadTaker(key);
      if (ahead) return { cold: false, instance: this.#holdAhead(ahead) };
    }
    const idle = this.#takeIdle(key);
    if (idle) return idle;
    if (wait) {
      const freed = await this.#waitForRelease(key);
      if (freed) return { cold: false, instance: freed };
    }
    this.#supersede(spec, key);
    // A starting instance counts as busy at once (before any await), so that a burst does not
    // start one instance per event.
    this.#countBusy(spec, key, 1);
    await this.#startSlot();
    try {
      const launch = await this.#o.launcher.launch(spec);
      if (launch.ok) this.#addBusy(key, launch.instance);
      else this.#countBusy(spec, key, -1);
      return { cold: true, launch };
    } finally {
      this.#releaseStartSlot();
    }
  }

  /** The most recently used live idle instance of `key`, marked busy, if any. */
  #takeIdle(key: string): Acquired | undefined {
    const stack = this.#idle.get(key);
    while (stack?.length) {
      const { instance } = stack.pop() as IdleEntry;
      if (!instance.alive) continue;
      const initLogs = this.#initLogs.get(instance);
      if (initLogs === undefined) return { cold: false, instance: this.#markBusy(key, instance) };
      this.#initLogs.delete(instance);
      return { cold: false, instance: this.#markBusy(key, instance), initLogs };
    }
    return undefined;
  }

  /**
   * A function deployed by `haneul dev` (created, or changed by a save): starts one instance of
   * `spec`'s revision now unless it has one (idle, busy or starting), as `sam local
   * --warm-containers EAGER` does, and stops the older revision's idle ones, so that the next event
   * finds the code warm instead of paying its cold start. Its init logs open that event's logs; an
   * init that fails is left to the next event, which reports it.
   */
  warm(spec: FunctionSpec): void {
    const key = poolKey(spec);
    if (this.#closed || this.#warming.has(key)) return;
    if ((this.#idle.get(key)?.length ?? 0) > 0 || (this.#busyPerKey.get(key) ?? 0) > 0) return;
    this.#supersede(spec, key);
    const warming = this.#startAhead(spec, key).finally(() => this.#warming.delete(key));
    this.#warming.set(key, warming);
  }

  async #startAhead(spec: FunctionSpec, key: string): Promise<void> {
    await this.#startSlot();
    try {
      const launch = await this.#o.launcher.launch(spec);
      if (!launch.ok) return;
      if (this.#closed || this.#current.get(lineageOf(spec)) !== key) {
        void launch.instance.stop();
        return;
      }
      if (launch.initLogs.length > 0) this.#initLogs.set(launch.instance, launch.initLogs);
      const stack = this.#idle.get(key) ?? [];
      stack.push({ instance: launch.instance, since: this.#o.clock.now() });
      this.#idle.set(key, stack);
    } catch {
      // Not started: the next event starts its own instance (and reports why it cannot).
    } finally {
      this.#releaseStartSlot();
    }
  }

  /**
   * Records `key` as the revision of its (function, version) now started, and stops the idle
   * instances of the revision it replaces at once: a changed function (each `haneul dev` save, each
   * UpdateFunctionCode) would otherwise leave them frozen until the idle timeout.
   */
  #supersede(spec: FunctionSpec, key: string): void {
    const lineage = lineageOf(spec);
    const previous = this.#current.get(lineage);
    if (previous === key) return;
    this.#current.set(lineage, key);
    if (previous === undefined) return;
    for (const { instance } of this.#idle.get(previous) ?? []) void instance.stop();
    this.#idle.delete(previous);
  }

  #countBusy(spec: FunctionSpec, key: string, delta: number): void {
    const n = (this.#busyPerKey.get(key) ?? 0) + delta;
    if (n > 0) this.#busyPerKey.set(key, n);
    else this.#busyPerKey.delete(key);
    const fn = spec.functionArn;
    const m = (this.#busyPerFunction.get(fn) ?? 0) + delta;
    if (m > 0) this.#busyPerFunction.set(fn, m);
    else this.#busyPerFunction.delete(fn);
  }

  #markBusy(key: string, instance: Instance): Instance {
    this.#countBusy(instance.spec, key, 1);
    this.#addBusy(key, instance);
    return instance;
  }

  #addBusy(key: string, instance: Instance): void {
    this.#busy.set(instance, 1);
    if (!instance.takesEventAhead) return;
    let set = this.#aheadCapable.get(key);
    if (!set) this.#aheadCapable.set(key, (set = new Set()));
    set.add(instance);
  }

  #markIdle(key: string, instance: Instance): void {
    if (!this.#busy.delete(instance)) return;
    this.#countBusy(instance.spec, key, -1);
    const set = this.#aheadCapable.get(key);
    if (set?.delete(instance) && set.size === 0) this.#aheadCapable.delete(key);
  }

  /** The busy instance of `key` holding the fewest events that may take one more ahead, if any. */
  #aheadTaker(key: string): Instance | undefined {
    const set = this.#aheadCapable.get(key);
    if (!set) return undefined;
    let best: Instance | undefined;
    for (const instance of set) {
      if (this.#canTakeAhead(instance) && (!best || (this.#busy.get(instance) ?? 0) < (this.#busy.get(best) ?? 0))) {
        best = instance;
      }
    }
    return best;
  }

  #canTakeAhead(instance: Instance): boolean {
    const held = this.#busy.get(instance) ?? 0;
    if (this.#aheadMaxMs <= 0 || held < 1 || held > this.#aheadDepth || !instance.alive) return false;
    return (this.#lastMs.get(instance) ?? Infinity) <= this.#aheadMaxMs;
  }

  /**
   * True when burst smoothing is on, enough instances of the function are busy or starting (all
   * its versions together: a weighted alias splits the same events over two versions, and must
   * not run more instances on the same cores than one version would), and `key` has one of them
   * to wait for. A version with none starts its first at once, so that an alias's additional
   * version is never kept waiting for the other version's instances.
   */
  #shouldWait(spec: FunctionSpec, key: string): boolean {
    const after = this.#o.scaleOutAfter ?? 0;
    if (after <= 0 || (this.#o.scaleOutWaitMs ?? 0) <= 0 || !this.#busyPerKey.has(key)) return false;
    return (this.#busyPerFunction.get(spec.functionArn) ?? 0) >= after;
  }

  /** Waits up to scaleOutWaitMs for a busy instance of `key` to come free. */
  #waitForRelease(key: string): Promise<Instance | undefined> {
    const waitMs = this.#o.scaleOutWaitMs ?? 0;
    return new Promise((resolve) => {
      const waiters = this.#waiters.get(key) ?? [];
      const waiter: Waiter = {
        take: (instance) => {
          cancel();
          resolve(instance);
        },
      };
      const cancel = (this.#o.realClock ?? this.#o.clock).setTimer(() => {
        const list = this.#waiters.get(key);
        const at = list?.indexOf(waiter) ?? -1;
        if (list && at >= 0) list.splice(at, 1);
        resolve(undefined);
      }, waitMs);
      waiters.push(waiter);
      this.#waiters.set(key, waiters);
    });
  }

  /**
   * Returns an instance after an event that took `durationMs`; a dead one is dropped. An instance
   * still running an event that waited ahead stays busy.
   */
  release(instance: Instance, durationMs: number): void {
    const key = poolKey(instance.spec);
    this.#lastMs.set(instance, durationMs);
    const held = this.#busy.get(instance) ?? 0;
    if (held > 1 && instance.alive) {
      this.#busy.set(instance, held - 1);
      if (!this.#closed) this.#handAhead(key, instance);
      return;
    }
    this.#markIdle(key, instance);
    if (!instance.alive) return;
    if (this.#closed || this.#current.get(lineageOf(instance.spec)) !== key) {
      void instance.stop();
      return;
    }
    const waiter = this.#waiters.get(key)?.shift();
    if (waiter) {
      waiter.take(this.#markBusy(key, instance));
      this.#handAhead(key, instance);
      return;
    }
    const stack = this.#idle.get(key) ?? [];
    stack.push({ instance, since: this.#o.clock.now() });
    this.#idle.set(key, stack);
  }

  /** Gives waiting events to `instance` to hold ahead, as many as it may take. */
  #handAhead(key: string, instance: Instance): void {
    const waiters = this.#waiters.get(key);
    while (waiters?.length && this.#canTakeAhead(instance)) waiters.shift()?.take(this.#holdAhead(instance));
  }

  /** Counts one more event held by `instance`, waiting ahead. */
  #holdAhead(instance: Instance): Instance {
    this.#busy.set(instance, (this.#busy.get(instance) ?? 0) + 1);
    this.#handedAhead++;
    return instance;
  }

  /**
   * Stops an instance that must not be reused; safe to call for each of its events. An event
   * waiting for a busy instance then starts a new one at once.
   */
  discard(instance: Instance): void {
    const key = poolKey(instance.spec);
    this.#markIdle(key, instance);
    void instance.stop();
    if (!this.#closed && !this.#shouldWait(instance.spec, key)) this.#waiters.get(key)?.shift()?.take(undefined);
  }

  /** Events handed ahead to busy instances so far. */
  get handedAhead(): number {
    return this.#handedAhead;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Stops every idle instance of the function (e.g. after its code or configuration changed). */
  retire(functionArn: string): void {
    for (const [key, stack] of this.#idle) {
      if (!key.startsWith(functionArn + ":")) continue;
      this.#idle.delete(key);
      for (const e of stack) void e.instance.stop();
    }
  }

  /** Instances started now, busy or idle (all functions). */
  get instanceCount(): number {
    return this.#busy.size + this.idleCount;
  }

  /** Idle instances now (all functions). */
  get idleCount(): number {
    let n = 0;
    for (const s of this.#idle.values()) n += s.length;
    return n;
  }

  /** Stops reaping and every instance; busy ones are killed. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#cancelReaper?.();
    const all = [...this.#busy.keys(), ...[...this.#idle.values()].flat().map((e) => e.instance)];
    this.#idle.clear();
    this.#busy.clear();
    await Promise.all(all.map((i) => i.stop()));
  }

  /** Stops instances idle for longer than the idle timeout. */
  reap(): void {
    const cutoff = this.#o.clock.now() - this.#o.idleTimeoutMs;
    for (const [key, stack] of this.#idle) {
      const keep = stack.filter((e) => e.since > cutoff && e.instance.alive);
      for (const e of stack) if (!keep.includes(e)) void e.instance.stop();
      if (keep.length) this.#idle.set(key, keep);
      else this.#idle.delete(key);
    }
  }

  #scheduleReap(): void {
    const every = Math.max(10, Math.min(this.#o.idleTimeoutMs / 2, 30_000));
    this.#cancelReaper = this.#o.clock.setTimer(() => {
      this.reap();
      if (!this.#closed) this.#scheduleReap();
    }, every);
  }

  #startSlot(): Promise<void> {
    if (this.#starting < this.#o.maxConcurrentStarts) {
      this.#starting++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#startQueue.push(resolve));
  }

  #releaseStartSlot(): void {
    const next = this.#startQueue.shift();
    if (next) next();
    else this.#starting--;
  }
}
