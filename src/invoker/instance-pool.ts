import type { FunctionSpec } from "../domain/function-spec.js";
import type { Instance, InstanceLauncher, LaunchResult } from "../ports/instance-launcher.js";
import type { Clock } from "../shared/clock.js";

export interface InstancePoolOptions {
  readonly launcher: InstanceLauncher;
  readonly clock: Clock;
  /** Idle instances are stopped after this long unused. */
  readonly idleTimeoutMs: number;
  /** At most this many instances start at once; further cold starts wait their turn. */
  readonly maxConcurrentStarts: number;
  /**
   * Burst smoothing: once this many instances of a version are busy, a new event first waits up
   * to `scaleOutWaitMs` for one of them to come free before a new instance is started. 0 (the
   * default) starts a new instance at once, as Lambda does.
   */
  readonly scaleOutAfter?: number | undefined;
  readonly scaleOutWaitMs?: number | undefined;
}

/** A warm instance, or the result of a cold start. */
export type Acquired =
  { readonly cold: false; readonly instance: Instance } | { readonly cold: true; readonly launch: LaunchResult };

interface Waiter {
  readonly take: (instance: Instance) => void;
}

interface IdleEntry {
  readonly instance: Instance;
  readonly since: number;
}

/** Keys per spec object: a catalog hands out the same spec until the function changes. */
const keys = new WeakMap<FunctionSpec, string>();

function poolKey(spec: FunctionSpec): string {
  let key = keys.get(spec);
  if (key === undefined) {
    key = `${spec.functionArn}:${spec.version}#${spec.revision}`;
    keys.set(spec, key);
  }
  return key;
}

/**
 * Instances per (function, version, revision): idle ones are reused most-recent first (module
 * state survives, as on Lambda), dead ones are never reused, and idle ones are reaped.
 */
export class InstancePool {
  readonly #o: InstancePoolOptions;
  readonly #idle = new Map<string, IdleEntry[]>();
  readonly #busy = new Set<Instance>();
  /** Busy instances per pool key, for burst smoothing. */
  readonly #busyPerKey = new Map<string, number>();
  readonly #waiters = new Map<string, Waiter[]>();
  #starting = 0;
  readonly #startQueue: (() => void)[] = [];
  #cancelReaper: (() => void) | undefined;
  #closed = false;

  constructor(options: InstancePoolOptions) {
    this.#o = options;
    this.#scheduleReap();
  }

  /** A warm idle instance of `spec`, or a newly started one. */
  async acquire(spec: FunctionSpec): Promise<Acquired> {
    const key = poolKey(spec);
    const stack = this.#idle.get(key);
    while (stack?.length) {
      const { instance } = stack.pop() as IdleEntry;
      if (instance.alive) return { cold: false, instance: this.#markBusy(key, instance) };
    }
    if (this.#shouldWait(key)) {
      const freed = await this.#waitForRelease(key);
      if (freed) return { cold: false, instance: freed };
    }
    // A starting instance counts as busy at once (before any await), so that a burst does not
    // start one instance per event.
    this.#countBusy(key, 1);
    await this.#startSlot();
    try {
      const launch = await this.#o.launcher.launch(spec);
      if (launch.ok) this.#busy.add(launch.instance);
      else this.#countBusy(key, -1);
      return { cold: true, launch };
    } finally {
      this.#releaseStartSlot();
    }
  }

  #countBusy(key: string, delta: number): void {
    const n = (this.#busyPerKey.get(key) ?? 0) + delta;
    if (n > 0) this.#busyPerKey.set(key, n);
    else this.#busyPerKey.delete(key);
  }

  #markBusy(key: string, instance: Instance): Instance {
    this.#busy.add(instance);
    this.#countBusy(key, 1);
    return instance;
  }

  #markIdle(instance: Instance): string {
    const key = poolKey(instance.spec);
    if (this.#busy.delete(instance)) this.#countBusy(key, -1);
    return key;
  }

  /** True when burst smoothing is on and enough instances of `key` are busy or starting. */
  #shouldWait(key: string): boolean {
    const after = this.#o.scaleOutAfter ?? 0;
    return after > 0 && (this.#o.scaleOutWaitMs ?? 0) > 0 && (this.#busyPerKey.get(key) ?? 0) >= after;
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
      const cancel = this.#o.clock.setTimer(() => {
        const list = this.#waiters.get(key);
        const at = list?.indexOf(waiter) ?? -1;
        if (list && at >= 0) list.splice(at, 1);
        resolve(undefined);
      }, waitMs);
      waiters.push(waiter);
      this.#waiters.set(key, waiters);
    });
  }

  /** Returns an instance after its event; a dead one is dropped. */
  release(instance: Instance): void {
    const key = this.#markIdle(instance);
    if (!instance.alive) return;
    if (this.#closed) {
      void instance.stop();
      return;
    }
    const waiter = this.#waiters.get(key)?.shift();
    if (waiter) {
      waiter.take(this.#markBusy(key, instance));
      return;
    }
    const stack = this.#idle.get(key) ?? [];
    stack.push({ instance, since: this.#o.clock.now() });
    this.#idle.set(key, stack);
  }

  /** Stops an instance that must not be reused. */
  discard(instance: Instance): void {
    this.#markIdle(instance);
    void instance.stop();
  }

  /** Stops every idle instance of the function (e.g. after its code or configuration changed). */
  retire(functionArn: string): void {
    for (const [key, stack] of this.#idle) {
      if (!key.startsWith(functionArn + ":")) continue;
      this.#idle.delete(key);
      for (const e of stack) void e.instance.stop();
    }
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
    const all = [...this.#busy, ...[...this.#idle.values()].flat().map((e) => e.instance)];
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
