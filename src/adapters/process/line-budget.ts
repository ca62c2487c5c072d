import type { Clock } from "../../shared/clock.js";

/** How much an instance may log: lines and bytes per second, with a burst of each. */
export interface LineBudgetOptions {
  readonly linesPerSecond: number;
  readonly bytesPerSecond: number;
  /** How many seconds of either rate may come at once. */
  readonly burstSeconds: number;
}

/** The default bound: 5 000 lines and 1 MiB per second, 4 s of burst. */
export const DEFAULT_LINE_BUDGET: LineBudgetOptions = {
  linesPerSecond: 5_000,
  bytesPerSecond: 1024 * 1024,
  burstSeconds: 4,
};

/**
 * Two token buckets (lines, bytes) refilled on `clock`: a function printing faster than the bound
 * has its lines past it dropped (and counted by the caller), so that what the node holds of an
 * instance's log grows at a bounded rate whatever the function prints.
 */
export class LineBudget {
  readonly #clock: Clock;
  readonly #o: LineBudgetOptions;
  #lines: number;
  #bytes: number;
  #at: number;

  constructor(clock: Clock, options: LineBudgetOptions = DEFAULT_LINE_BUDGET) {
    this.#clock = clock;
    this.#o = options;
    this.#lines = options.linesPerSecond * options.burstSeconds;
    this.#bytes = options.bytesPerSecond * options.burstSeconds;
    this.#at = clock.monotonicNow();
  }

  /** Takes one line of `length` characters from the budget; false when it does not fit (drop it). */
  take(length: number): boolean {
    const now = this.#clock.monotonicNow();
    const elapsed = (now - this.#at) / 1000;
    this.#at = now;
    const o = this.#o;
    this.#lines = Math.min(o.linesPerSecond * o.burstSeconds, this.#lines + elapsed * o.linesPerSecond);
    this.#bytes = Math.min(o.bytesPerSecond * o.burstSeconds, this.#bytes + elapsed * o.bytesPerSecond);
    if (this.#lines < 1 || this.#bytes < length) return false;
    this.#lines -= 1;
    this.#bytes -= length;
    return true;
  }
}
