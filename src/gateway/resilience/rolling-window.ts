/**
 * Counts over a rolling window of clock time in a fixed ring of buckets (ten per window), so that
 * counting allocates nothing: a bucket older than the window is zeroed when its slot comes round.
 */
const BUCKETS = 10;

/** Two counters (e.g. requests and failures) over the last `windowMs`. */
export class RollingWindow {
  readonly #bucketMs: number;
  readonly #a = new Float64Array(BUCKETS);
  readonly #b = new Float64Array(BUCKETS);
  /** The bucket number (time / bucketMs) each slot holds. */
  readonly #epoch = new Float64Array(BUCKETS).fill(-1);

  constructor(windowMs: number) {
    this.#bucketMs = Math.max(1, windowMs / BUCKETS);
  }

  /** Adds to the counters of the bucket `now` falls in. */
  add(now: number, a: number, b: number): void {
    const n = Math.floor(now / this.#bucketMs);
    const slot = n % BUCKETS;
    if (this.#epoch[slot] !== n) {
      this.#epoch[slot] = n;
      this.#a[slot] = 0;
      this.#b[slot] = 0;
    }
    this.#a[slot] = (this.#a[slot] as number) + a;
    this.#b[slot] = (this.#b[slot] as number) + b;
  }

  /** The first counter's sum over the window ending at `now`. */
  sumA(now: number): number {
    return this.#sum(now, this.#a);
  }

  /** The second counter's sum over the window ending at `now`. */
  sumB(now: number): number {
    return this.#sum(now, this.#b);
  }

  /** Forgets everything. */
  reset(): void {
    this.#epoch.fill(-1);
  }

  #sum(now: number, counts: Float64Array): number {
    const n = Math.floor(now / this.#bucketMs);
    let total = 0;
    for (let slot = 0; slot < BUCKETS; slot++) {
      const e = this.#epoch[slot] as number;
      if (e > n - BUCKETS && e <= n) total += counts[slot] as number;
    }
    return total;
  }
}
