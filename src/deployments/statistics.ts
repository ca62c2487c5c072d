/**
 * The canary judge's two tests, exact or with a stated approximation, deterministic (no sampling):
 * a one-sided Fisher exact test on error counts, and a one-sided Mann-Whitney U test (normal
 * approximation, tie-corrected, with continuity correction) on durations read from histograms.
 */

/** Lanczos coefficients (g = 7, n = 9): ln Γ to about 15 significant digits. */
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0] as number;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += (LANCZOS[i] as number) / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

const logChoose = (n: number, k: number): number => logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);

/**
 * P(X ≥ a) for X hypergeometric: the one-sided Fisher exact p-value that the first group's error
 * rate (a of n1) is higher than the second's (b of n2), given the total errors.
 */
export function fisherGreater(a: number, n1: number, b: number, n2: number): number {
  const k = a + b;
  const n = n1 + n2;
  const top = Math.min(k, n1);
  if (a > top || n1 === 0 || n2 === 0) return 1;
  const base = logChoose(n, n1);
  let p = 0;
  for (let x = a; x <= top; x++) {
    if (n - k < n1 - x) continue;
    p += Math.exp(logChoose(k, x) + logChoose(n - k, n1 - x) - base);
  }
  return Math.min(1, p);
}

/** The standard normal's upper tail P(Z > z) (Abramowitz-Stegun 7.1.26 erfc, error < 1.5e-7). */
export function normalUpper(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erfc = poly * Math.exp(-x * x);
  return z >= 0 ? erfc / 2 : 1 - erfc / 2;
}

/** Samples as [value, count] pairs in ascending value order (a histogram's buckets). */
export type Counted = readonly (readonly [number, number])[];

const total = (xs: Counted): number => xs.reduce((s, [, c]) => s + c, 0);

/**
 * The one-sided Mann-Whitney U p-value that `x`'s values tend to be larger than `y`'s: mid-ranks
 * for ties (a histogram bucket is one tied value), tie-corrected variance, continuity correction.
 */
export function mannWhitneyGreater(x: Counted, y: Counted): number {
  const nx = total(x);
  const ny = total(y);
  const n = nx + ny;
  if (nx === 0 || ny === 0) return 1;
  let i = 0;
  let j = 0;
  let below = 0;
  let rankSum = 0;
  let ties = 0;
  while (i < x.length || j < y.length) {
    const vx = i < x.length ? (x[i] as [number, number])[0] : Infinity;
    const vy = j < y.length ? (y[j] as [number, number])[0] : Infinity;
    const v = Math.min(vx, vy);
    const cx = vx === v ? (x[i++] as [number, number])[1] : 0;
    const cy = vy === v ? (y[j++] as [number, number])[1] : 0;
    const t = cx + cy;
    rankSum += cx * (below + (t + 1) / 2);
    ties += t * t * t - t;
    below += t;
  }
  const u = rankSum - (nx * (nx + 1)) / 2;
  const mean = (nx * ny) / 2;
  const variance = ((nx * ny) / 12) * (n + 1 - ties / (n * (n - 1)));
  if (variance <= 0) return 1;
  return normalUpper((u - mean - 0.5) / Math.sqrt(variance));
}

/** The value at quantile `q` (0..1) of counted samples: the smallest with at least q of them at or below. */
export function countedQuantile(xs: Counted, q: number): number | undefined {
  const n = total(xs);
  if (n === 0) return undefined;
  const rank = Math.max(1, Math.ceil(q * n));
  let seen = 0;
  for (const [v, c] of xs) if ((seen += c) >= rank) return v;
  return xs.at(-1)?.[0];
}

/**
 * P(X ≥ a) for X binomial(k, p): the one-sided exact p-value that, of `k` events shared by two
 * groups, the first got `a` or more when each event falls in it with probability `p` (the
 * conditional test that two Poisson rates are equal, the first group's share of exposure being p).
 */
export function binomialGreater(a: number, k: number, p: number): number {
  if (a <= 0) return 1;
  if (a > k || p <= 0) return 0;
  if (p >= 1) return 1;
  const lp = Math.log(p);
  const lq = Math.log(1 - p);
  let sum = 0;
  for (let x = a; x <= k; x++) sum += Math.exp(logChoose(k, x) + x * lp + (k - x) * lq);
  return Math.min(1, sum);
}
