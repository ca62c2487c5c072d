/**
 * Percentiles in bounded memory: values are kept exactly up to EXACT_LIMIT per group, then folded
 * into a log-bucketed histogram (relative accuracy 1 %, as DDSketch), which also merges.
 */
const EXACT_LIMIT = 10_000;
const GAMMA = 1.02;
const LOG_GAMMA = Math.log(GAMMA);

export class PercentileSketch {
  private exact: number[] | undefined = [];
  private readonly buckets = new Map<number, number>();
  private zeros = 0;
  private count = 0;

  add(x: number): void {
    this.count++;
    if (this.exact) {
      this.exact.push(x);
      if (this.exact.length > EXACT_LIMIT) {
        for (const v of this.exact) this.bucket(v);
        this.exact = undefined;
      }
    } else this.bucket(x);
  }

  private bucket(x: number): void {
    if (x <= 0) {
      this.zeros++;
      return;
    }
    const k = Math.ceil(Math.log(x) / LOG_GAMMA);
    this.buckets.set(k, (this.buckets.get(k) ?? 0) + 1);
  }

  /** The nearest-rank p-th percentile (0 < p ≤ 100); undefined with no values. */
  quantile(p: number): number | undefined {
    if (this.count === 0) return undefined;
    const rank = Math.max(1, Math.ceil((p / 100) * this.count));
    if (this.exact) {
      const sorted = Float64Array.from(this.exact).sort();
      return sorted[rank - 1];
    }
    let seen = this.zeros;
    if (seen >= rank) return 0;
    for (const k of [...this.buckets.keys()].sort((a, b) => a - b)) {
      seen += this.buckets.get(k) as number;
      if (seen >= rank) return (2 * GAMMA ** k) / (GAMMA + 1);
    }
    return undefined;
  }
}
