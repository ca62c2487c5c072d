/**
 * A mergeable log-bucket histogram (the DDSketch layout): a positive value v falls in bucket
 * ceil(log_γ v) with γ = 1.02, so any value read back from a bucket is within 1 % of every value
 * in it. Two histograms merge by adding counts, so a percentile over any set of periods,
 * dimensions or nodes is as exact as over one. Negative values mirror the positive buckets.
 */

/** γ: adjacent bucket bounds differ by 2 %, the midpoint is within 1 % of both. */
const GAMMA = 1.02;
const LOG_GAMMA = Math.log(GAMMA);
/** Values closer to zero than this count as zero (CloudWatch keeps about 15 significant digits). */
const ZERO = 1e-9;

/** Sparse bucket counts: bucket index → count. */
export type Buckets = Map<number, number>;

/** A histogram's state. Mutable: built by `addValue`, combined by `mergeInto`. */
export interface Histogram {
  zeros: number;
  readonly positive: Buckets;
  readonly negative: Buckets;
}

/** A new empty histogram. */
export function emptyHistogram(): Histogram {
  return { zeros: 0, positive: new Map(), negative: new Map() };
}

/** The bucket of a positive value. */
export function bucketOf(v: number): number {
  return Math.ceil(Math.log(v) / LOG_GAMMA);
}

/** The value that stands for bucket `i`: within 1 % of both its bounds. */
export function bucketValue(i: number): number {
  return (2 * GAMMA ** i) / (GAMMA + 1);
}

/** Adds `count` samples of `v`. */
export function addValue(h: Histogram, v: number, count = 1): void {
  if (Math.abs(v) < ZERO) {
    h.zeros += count;
    return;
  }
  const buckets = v > 0 ? h.positive : h.negative;
  const i = bucketOf(Math.abs(v));
  buckets.set(i, (buckets.get(i) ?? 0) + count);
}

/** Adds every count of `from` to `into`. */
export function mergeInto(into: Histogram, from: Histogram): void {
  into.zeros += from.zeros;
  for (const [i, c] of from.positive) into.positive.set(i, (into.positive.get(i) ?? 0) + c);
  for (const [i, c] of from.negative) into.negative.set(i, (into.negative.get(i) ?? 0) + c);
}

/** The number of samples held. */
export function totalCount(h: Histogram): number {
  let n = h.zeros;
  for (const c of h.positive.values()) n += c;
  for (const c of h.negative.values()) n += c;
  return n;
}

/** Every bucket as [value, count], from the lowest value to the highest. */
export function orderedBuckets(h: Histogram): [number, number][] {
  const neg = [...h.negative].sort((a, b) => b[0] - a[0]).map(([i, c]): [number, number] => [-bucketValue(i), c]);
  const pos = [...h.positive].sort((a, b) => a[0] - b[0]).map(([i, c]): [number, number] => [bucketValue(i), c]);
  return h.zeros > 0 ? [...neg, [0, h.zeros], ...pos] : [...neg, ...pos];
}

/**
 * The value at quantile `q` (0..1): the smallest value at or below which `q` of the samples lie,
 * as CloudWatch defines pNN. Undefined when empty.
 */
export function quantile(h: Histogram, q: number): number | undefined {
  const buckets = orderedBuckets(h);
  const n = buckets.reduce((s, [, c]) => s + c, 0);
  if (n === 0) return undefined;
  const rank = Math.max(1, Math.ceil(q * n));
  let seen = 0;
  for (const [v, c] of buckets) {
    seen += c;
    if (seen >= rank) return v;
  }
  return buckets[buckets.length - 1]?.[0];
}

/**
 * The mean of the samples between quantiles `low` and `high` (CloudWatch's trimmed mean TM(low:high)),
 * counting the part of a bucket that straddles a bound. Undefined when no sample lies between.
 */
export function trimmedMean(h: Histogram, low: number, high: number): number | undefined {
  const buckets = orderedBuckets(h);
  const n = buckets.reduce((s, [, c]) => s + c, 0);
  const from = low * n;
  const to = high * n;
  let seen = 0;
  let sum = 0;
  let taken = 0;
  for (const [v, c] of buckets) {
    const part = Math.min(seen + c, to) - Math.max(seen, from);
    if (part > 0) {
      sum += part * v;
      taken += part;
    }
    seen += c;
  }
  return taken > 0 ? sum / taken : undefined;
}

/** A compact JSON form: `{"z":zeros,"p":[i,c,…],"n":[i,c,…]}`. */
export function serializeHistogram(h: Histogram): string {
  const flat = (b: Buckets): number[] => [...b].flat();
  return JSON.stringify({ z: h.zeros, p: flat(h.positive), n: flat(h.negative) });
}

/** Reads what serializeHistogram wrote. */
export function parseHistogram(text: string): Histogram {
  const o = JSON.parse(text) as { z: number; p: number[]; n: number[] };
  const pairs = (a: number[]): Buckets => {
    const m: Buckets = new Map();
    for (let k = 0; k + 1 < a.length; k += 2) m.set(a[k] as number, a[k + 1] as number);
    return m;
  };
  return { zeros: o.z, positive: pairs(o.p), negative: pairs(o.n) };
}
