/**
 * Retries of one target, bounded by a budget: over the budget window, retries may be at most
 * budgetPercent of the requests (plus minRetriesPerWindow), so that retries cannot multiply the
 * load on a backend that is already failing. Delays are full jitter: a random share of an
 * exponentially growing cap (AWS Architecture Blog, "Exponential Backoff And Jitter").
 */
import type { RetryPolicy } from "../../domain/resilience-policy.js";
import type { Clock } from "../../shared/clock.js";
import type { RandomSource } from "../../shared/random.js";
import { RollingWindow } from "./rolling-window.js";

/** One target's retry budget. */
export class RetryBudget {
  readonly #p: RetryPolicy;
  readonly #clock: Clock;
  readonly #random: RandomSource;
  /** First attempts (a) and retries (b). */
  readonly #window: RollingWindow;

  constructor(p: RetryPolicy, clock: Clock, random: RandomSource) {
    this.#p = p;
    this.#clock = clock;
    this.#random = random;
    this.#window = new RollingWindow(p.budgetWindowMs);
  }

  /** Whether requests of `method` may be retried at all. */
  retries(method: string): boolean {
    return this.#p.methods.includes(method as RetryPolicy["methods"][number]);
  }

  /** Counts a request's first attempt. */
  recordRequest(): void {
    this.#window.add(this.#clock.now(), 1, 0);
  }

  /** Takes one retry from the budget; false when it is spent. */
  tryRetry(): boolean {
    const now = this.#clock.now();
    const allowed = Math.floor((this.#window.sumA(now) * this.#p.budgetPercent) / 100) + this.#p.minRetriesPerWindow;
    if (this.#window.sumB(now) >= allowed) return false;
    this.#window.add(now, 0, 1);
    return true;
  }

  /** How long to wait before retry number `retry` (1 for the first): full jitter. */
  delayMs(retry: number): number {
    const cap = Math.min(this.#p.maxDelayMs, this.#p.baseDelayMs * 2 ** (retry - 1));
    return Math.floor(this.#random() * cap);
  }

  /** Attempts in all a request may make. */
  get maxAttempts(): number {
    return this.#p.maxAttempts;
  }
}
