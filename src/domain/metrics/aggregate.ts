/**
 * One metric's samples in one time bucket: CloudWatch's statistic set (SampleCount, Sum, Minimum,
 * Maximum) plus a histogram for percentiles. Aggregates of any buckets, dimensions or nodes merge.
 */
import { addValue, emptyHistogram, mergeInto, quantile, trimmedMean, type Histogram } from "./histogram.js";

/** The samples of one bucket. Mutable while it is being filled. */
export interface Aggregate {
  count: number;
  sum: number;
  min: number;
  max: number;
  readonly histogram: Histogram;
}

/** An empty aggregate. */
export function emptyAggregate(): Aggregate {
  return { count: 0, sum: 0, min: Infinity, max: -Infinity, histogram: emptyHistogram() };
}

/** Adds `count` samples of `value`. */
export function addSample(a: Aggregate, value: number, count = 1): void {
  a.count += count;
  a.sum += value * count;
  if (value < a.min) a.min = value;
  if (value > a.max) a.max = value;
  addValue(a.histogram, value, count);
}

/**
 * Adds a statistic set (PutMetricData's StatisticValues): its exact count, sum, min and max; the
 * histogram gets the mean for the samples between min and max, which is all that is known of them.
 */
export function addStatisticSet(a: Aggregate, s: { count: number; sum: number; min: number; max: number }): void {
  a.count += s.count;
  a.sum += s.sum;
  a.min = Math.min(a.min, s.min);
  a.max = Math.max(a.max, s.max);
  if (s.count >= 1) addValue(a.histogram, s.min);
  if (s.count >= 2) addValue(a.histogram, s.max);
  if (s.count > 2) addValue(a.histogram, (s.sum - s.min - s.max) / (s.count - 2), s.count - 2);
}

/** Adds `from` into `into`. */
export function mergeAggregate(into: Aggregate, from: Aggregate): void {
  into.count += from.count;
  into.sum += from.sum;
  into.min = Math.min(into.min, from.min);
  into.max = Math.max(into.max, from.max);
  mergeInto(into.histogram, from.histogram);
}

/** A statistic CloudWatch computes: the five standard ones, pNN(.N), or tmNN / TM(a%:b%). */
export type Statistic = string;

export const STANDARD_STATISTICS = ["SampleCount", "Average", "Sum", "Minimum", "Maximum"] as const;

const PERCENTILE = /^p(\d{1,2}(?:\.\d{1,10})?|100)$/;
const TRIMMED = /^tm(\d{1,2}(?:\.\d{1,10})?)$/;
const TRIMMED_RANGE = /^TM\((\d{1,2}(?:\.\d+)?)?%:(\d{1,3}(?:\.\d+)?)?%\)$/;

/** Whether `s` is an extended statistic haneul computes (pNN, tmNN, TM(a%:b%)). */
export function isExtendedStatistic(s: string): boolean {
  return PERCENTILE.test(s) || TRIMMED.test(s) || TRIMMED_RANGE.test(s);
}

const clamp = (v: number | undefined, a: Aggregate): number | undefined =>
  v === undefined ? undefined : Math.min(a.max, Math.max(a.min, v));

/** The value of `stat` over `a`; undefined when `a` has no samples or the statistic is unknown. */
export function statisticValue(a: Aggregate, stat: Statistic): number | undefined {
  if (a.count <= 0) return undefined;
  switch (stat) {
    case "SampleCount":
      return a.count;
    case "Sum":
      return a.sum;
    case "Average":
      return a.sum / a.count;
    case "Minimum":
      return a.min;
    case "Maximum":
      return a.max;
  }
  const p = PERCENTILE.exec(stat);
  if (p) {
    const q = Number(p[1]) / 100;
    // The extremes are known exactly.
    return q >= 1 ? a.max : q <= 0 ? a.min : clamp(quantile(a.histogram, q), a);
  }
  const tm = TRIMMED.exec(stat);
  if (tm) return clamp(trimmedMean(a.histogram, 0, Number(tm[1]) / 100), a);
  const range = TRIMMED_RANGE.exec(stat);
  if (range) return clamp(trimmedMean(a.histogram, Number(range[1] ?? 0) / 100, Number(range[2] ?? 100) / 100), a);
  return undefined;
}
