/**
 * A bulkhead for one target: at most maxConcurrent requests under way. An excess request waits in
 * line (first come, first served) up to maxWaitMs of clock time for a slot, at most maxQueued of
 * them; otherwise, or when its wait is over, it is refused (the gateway answers 429).
 */
import type { BulkheadPolicy } from "../../domain/resilience-policy.js";
import type { Clock } from "../../shared/clock.js";

interface Waiter {
  readonly grant: (ok: boolean) => void;
  cancel: () => void;
}

/** One target's concurrency limit. */
export class Bulkhead {
  readonly #p: BulkheadPolicy;
  readonly #clock: Clock;
  readonly #queue: Waiter[] = [];
  #active = 0;

  constructor(p: BulkheadPolicy, clock: Clock) {
    this.#p = p;
    this.#clock = clock;
  }

  /** Requests under way. */
  get active(): number {
    return this.#active;
  }

  /** Takes a slot at once: true, or false when none is free (then acquire() may wait for one). */
  tryAcquire(): boolean {
    if (this.#active >= this.#p.maxConcurrent) return false;
    this.#active++;
    return true;
  }

  /** Takes a slot, waiting up to maxWaitMs for one; resolves false when none came. */
  acquire(): Promise<boolean> {
    if (this.tryAcquire()) return Promise.resolve(true);
    if (this.#p.maxWaitMs === 0 || this.#queue.length >= this.#p.maxQueued) return Promise.resolve(false);
    return new Promise((resolve) => {
      const waiter: Waiter = { grant: resolve, cancel: () => undefined };
      waiter.cancel = this.#clock.setTimer(() => {
        const at = this.#queue.indexOf(waiter);
        if (at >= 0) this.#queue.splice(at, 1);
        resolve(false);
      }, this.#p.maxWaitMs);
      this.#queue.push(waiter);
    });
  }

  /** Gives a slot back: to the first in line, else to the pool. */
  release(): void {
    const next = this.#queue.shift();
    if (!next) {
      this.#active--;
      return;
    }
    next.cancel();
    next.grant(true);
  }
}
