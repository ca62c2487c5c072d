/**
 * CloudWatch's retention tiers: data points with a period under 60 s are kept 3 hours, 1-minute
 * points 15 days, 5-minute points 63 days, 1-hour points 455 days. Which stored resolution answers
 * a query follows.
 */
import type { Resolution } from "../ports/metric-store.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** How long points of each resolution are kept (ms). */
export const RETENTION_MS: Readonly<Record<Resolution, number>> = {
  1: 3 * HOUR,
  60: 15 * DAY,
  300: 63 * DAY,
  3600: 455 * DAY,
};

/** ListMetrics shows metrics with a sample in the last two weeks. */
export const LIST_METRICS_WINDOW_MS = 14 * DAY;

/** Every stored resolution, finest first. */
export const RESOLUTIONS: readonly Resolution[] = [1, 60, 300, 3600];

/**
 * The resolution that answers a query for `period` seconds starting at `from`: the finest one that
 * still holds data from `from` (finer data has aged out before it), if it divides the period. As
 * on CloudWatch, a period that is not a multiple of the tier's (3600 s past 63 days, 300 s past 15
 * days) finds no data points there.
 */
export function resolutionFor(periodSec: number, from: number, now: number): Resolution {
  if (periodSec % 3600 === 0 && from < now - RETENTION_MS[300]) return 3600;
  if (periodSec % 300 === 0 && from < now - RETENTION_MS[60]) return 300;
  if (periodSec % 60 === 0) return 60;
  return 1;
}

/**
 * Where a query's periods start: `from` rounded down to the resolution that answers it (CloudWatch
 * rounds a start time to the minute, to 5 minutes past 15 days, to the hour past 63 days), so that every metric and every
 * metric math grid of a query share their timestamps.
 */
export function alignedStart(from: number, periodSec: number, now: number): number {
  const size = resolutionFor(periodSec, from, now) * 1000;
  return Math.floor(from / size) * size;
}
