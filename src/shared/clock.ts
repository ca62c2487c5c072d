/**
 * A source of time with timers. Injected everywhere, so that time-based behaviour can be tested in
 * simulated time (ManualClock) and rehearsed faster than real time (scaledClock, `--time-scale`).
 *
 * A node has two clocks (ARCHITECTURE.md, "Clocks"): the platform clock, which may be scaled, for
 * everything the platform schedules itself; and the real clock, for what lives in the world's time
 * (function code and its timeout, clients' signatures and the gateway's integration limit).
 */
export interface Clock {
  /**
   * How many of this clock's milliseconds pass in a real one: 1, but on the platform clock under
   * `--time-scale N`, N. A real duration the platform must outlast (a function's run) is
   * `ms * scale` on this clock.
   */
  readonly scale: number;
  /** Milliseconds since the epoch, on this clock's timeline. */
  now(): number;
  /**
   * Milliseconds on a monotonic timeline with an arbitrary origin and sub-millisecond precision:
   * for measuring durations, which a change of the system's wall clock must not bend.
   */
  monotonicNow(): number;
  /** Runs `fn` after `ms` milliseconds of this clock's time; returns a function that cancels it. */
  setTimer(fn: () => void, ms: number): () => void;
}

/** The longest delay Node's setTimeout takes; a longer one would fire at once. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** setTimeout for any delay, unref'd so that it never keeps the process alive on its own. */
function realTimer(fn: () => void, ms: number): () => void {
  let timer: NodeJS.Timeout;
  const arm = (left: number): void => {
    const step = Math.min(left, MAX_TIMEOUT_MS);
    timer = setTimeout(() => (left > step ? arm(left - step) : fn()), step);
    timer.unref();
  };
  arm(Math.max(0, ms));
  return () => clearTimeout(timer);
}

/** The real clock: the system's wall clock, performance.now() for durations, unref'd timers. */
export const systemClock: Clock = {
  scale: 1,
  now: () => Date.now(),
  monotonicNow: () => performance.now(),
  setTimer: realTimer,
};

/**
 * A clock on which time passes `scale` times faster than on `base`, from the moment it is made:
 * now() starts at base's time and runs ahead of it, durations are `scale` times longer, and a
 * timer of `ms` fires after `ms / scale` of base's time. A scale of 1 is `base` itself.
 * @example const platform = scaledClock(60); platform.setTimer(tick, 60_000); // fires after a real second
 */
export function scaledClock(scale: number, base: Clock = systemClock): Clock {
  if (!(scale > 0) || !Number.isFinite(scale)) throw new RangeError(`time scale must be a positive number: ${scale}`);
  if (scale === 1) return base;
  const startedAt = base.now();
  const monotonicAtStart = base.monotonicNow();
  return {
    scale: scale * base.scale,
    now: () => Math.floor(startedAt + (base.monotonicNow() - monotonicAtStart) * scale),
    monotonicNow: () => base.monotonicNow() * scale,
    setTimer: (fn, ms) => base.setTimer(fn, ms / scale),
  };
}

/**
 * Resolves after `ms` of `clock`'s time; rejects with the signal's reason if it is aborted first.
 * Like every timer of the system clock, it does not keep the process alive on its own.
 * @example await sleep(clock, 60_000); // a real minute on systemClock, an advance() on a ManualClock
 */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const onAbort = (): void => {
      cancel();
      reject(signal?.reason as Error);
    };
    const cancel = clock.setTimer(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

interface ManualTimer {
  readonly at: number;
  readonly fn: () => void;
  readonly seq: number;
}

/** Lets pending promise callbacks (and anything they schedule with setImmediate) run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * A clock that only moves when told to: the simulated clock of tests. Timers fire in time order
 * (in order of creation when due together) during `advance()`; `advanceAsync()` also lets promise
 * callbacks run before and after each timer, so that work a timer starts can set the next one.
 * @example const c = new ManualClock(0); c.setTimer(() => hit++, 10); c.advance(10);
 */
export class ManualClock implements Clock {
  /** Its time passes only with advance(); durations are taken as real ones. */
  readonly scale = 1;
  #now: number;
  #timers: ManualTimer[] = [];
  #seq = 0;
  #watchers: { readonly count: number; readonly resolve: () => void }[] = [];
  constructor(start = 0) {
    this.#now = start;
  }
  now(): number {
    return this.#now;
  }
  monotonicNow(): number {
    return this.#now;
  }
  setTimer(fn: () => void, ms: number): () => void {
    const timer = { at: this.#now + Math.max(0, ms), fn, seq: this.#seq++ };
    this.#timers.push(timer);
    this.#watchers = this.#watchers.filter((w) => (this.#timers.length >= w.count ? void w.resolve() : true));
    return () => {
      this.#timers = this.#timers.filter((t) => t !== timer);
    };
  }
  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (let due = this.#takeDue(end); due; due = this.#takeDue(end)) due.fn();
    this.#now = end;
  }
  /**
   * Moves time forward by `ms` like advance(), and lets promise callbacks run before the first
   * timer, between timers and at the end: a timer set by the continuation of another fires too
   * when it falls due within `ms`.
   */
  async advanceAsync(ms: number): Promise<void> {
    const end = this.#now + ms;
    await settle();
    for (let due = this.#takeDue(end); due; due = this.#takeDue(end)) {
      due.fn();
      await settle();
    }
    this.#now = end;
    await settle();
  }
  /** How many timers are waiting. */
  get pending(): number {
    return this.#timers.length;
  }
  /**
   * Resolves once at least `count` timers are waiting: a test awaits the moment the code under
   * test has set its timer (a deadline, a retry) instead of sleeping.
   */
  waitForTimers(count: number): Promise<void> {
    if (this.#timers.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.#watchers.push({ count, resolve }));
  }
  /** Removes the earliest timer due by `end` and moves time to it. */
  #takeDue(end: number): ManualTimer | undefined {
    let due: ManualTimer | undefined;
    for (const t of this.#timers) {
      if (t.at <= end && (!due || t.at < due.at || (t.at === due.at && t.seq < due.seq))) due = t;
    }
    if (!due) return undefined;
    this.#timers = this.#timers.filter((t) => t !== due);
    this.#now = Math.max(this.#now, due.at);
    return due;
  }
}
