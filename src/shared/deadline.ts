import type { Clock } from "./clock.js";

/**
 * How long something may take, counted on an injected clock from the moment it starts: when the
 * time is up it fires `onExpire` once, unless it was cancelled first. The one mechanism behind a
 * function's timeout (an instance's invocation slot starts one when the instance takes an event),
 * an instance's init limit and the gateway's integration limit.
 * @example const d = Deadline.start(clock, 3000, () => kill()); … d.cancel(); d.elapsedMs();
 */
export class Deadline {
  /** How long it allows, in milliseconds. */
  readonly limitMs: number;
  /** When it passes: epoch milliseconds on its clock (what Lambda-Runtime-Deadline-Ms carries). */
  readonly at: number;
  readonly #clock: Clock;
  readonly #startedAt: number;
  readonly #cancelTimer: () => void;
  #expired = false;

  private constructor(clock: Clock, limitMs: number, onExpire: () => void) {
    this.#clock = clock;
    this.limitMs = Math.max(0, limitMs);
    this.at = clock.now() + this.limitMs;
    this.#startedAt = clock.monotonicNow();
    this.#cancelTimer = clock.setTimer(() => {
      this.#expired = true;
      onExpire();
    }, this.limitMs);
  }

  /** Starts a deadline `limitMs` from now on `clock`; `onExpire` runs when it passes. */
  static start(clock: Clock, limitMs: number, onExpire: () => void): Deadline {
    return new Deadline(clock, limitMs, onExpire);
  }

  /** True once it has passed (and `onExpire` has run). */
  get expired(): boolean {
    return this.#expired;
  }

  /** Milliseconds since it started, with sub-millisecond precision. */
  elapsedMs(): number {
    return this.#clock.monotonicNow() - this.#startedAt;
  }

  /** Milliseconds left before it passes; 0 once it has. */
  remainingMs(): number {
    return Math.max(0, this.limitMs - this.elapsedMs());
  }

  /** Stops it: `onExpire` will not run. Safe to call more than once, and after it passed. */
  cancel(): void {
    this.#cancelTimer();
  }
}

/** What withDeadline() gives when the deadline passed first. */
export const DEADLINE_PASSED: unique symbol = Symbol("deadline passed");

/**
 * `work`'s value, or DEADLINE_PASSED when `limitMs` passes on `clock` first. The work is not
 * stopped (it runs on, and a later rejection of it is ignored); a rejection before the deadline
 * rejects.
 */
export function withDeadline<T>(clock: Clock, limitMs: number, work: Promise<T>): Promise<T | typeof DEADLINE_PASSED> {
  let deadline: Deadline | undefined;
  const passed = new Promise<typeof DEADLINE_PASSED>((resolve) => {
    deadline = Deadline.start(clock, limitMs, () => resolve(DEADLINE_PASSED));
  });
  // A rejection after the deadline has no one to tell.
  work.catch(() => undefined);
  return Promise.race([work, passed]).finally(() => deadline?.cancel());
}
