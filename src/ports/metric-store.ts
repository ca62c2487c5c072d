/**
 * The metric store: which metrics exist (for ListMetrics) and their per-bucket aggregates at four
 * resolutions (1 s, 60 s, 300 s, 3600 s), each row written by one writer (a node's run) so that nodes never
 * contend for a row; readers merge the rows of a bucket. Histograms are stored serialized.
 */
import type { Dimension } from "../domain/metrics/metric-key.js";

/** The resolutions points are kept at, in seconds. */
export type Resolution = 1 | 60 | 300 | 3600;

/** A metric as ListMetrics shows it. */
export interface MetricSeriesRecord {
  /** metricKey() of the metric. */
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: readonly Dimension[];
  /** The unit of its latest samples (CloudWatch's StandardUnit). */
  readonly unit: string;
  /** When it last had a sample (ms). */
  readonly lastSeen: number;
}

/** One writer's aggregate of one metric in one bucket. */
export interface MetricPointRow {
  readonly key: string;
  readonly resolution: Resolution;
  /** The bucket's start (ms, a multiple of the resolution). */
  readonly start: number;
  readonly writer: string;
  readonly count: number;
  readonly sum: number;
  readonly min: number;
  readonly max: number;
  /** serializeHistogram() of its samples; empty when read without histograms. */
  readonly histogram: string;
}

/** Which points to read. */
export interface PointQuery {
  readonly keys: readonly string[];
  readonly resolution: Resolution;
  /** Bucket starts in [from, to). */
  readonly from: number;
  readonly to: number;
  /** Whether to read the histograms (percentiles need them; other statistics do not). */
  readonly histograms: boolean;
}

/** Which metrics to list. */
export interface SeriesFilter {
  readonly namespace?: string | undefined;
  readonly name?: string | undefined;
  /** Only metrics seen at or after this time (ms). */
  readonly seenSince?: number | undefined;
}

/** Persistence of metric points. */
export interface MetricStore {
  /** Records the metrics and replaces each point (same key, resolution, start, writer), in one transaction. */
  writePoints(series: readonly MetricSeriesRecord[], points: readonly MetricPointRow[]): Promise<void>;
  /** The points of `keys` in the range, every writer's row. */
  readPoints(query: PointQuery): Promise<MetricPointRow[]>;
  /** Metrics matching the filter, by key. */
  listSeries(filter: SeriesFilter): Promise<MetricSeriesRecord[]>;
  /** Deletes the points of one resolution that start before `before`; resolves to how many. */
  deletePointsBefore(resolution: Resolution, before: number): Promise<number>;
  /** Deletes metrics not seen since `before`. */
  deleteSeriesBefore(before: number): Promise<number>;
  close(): Promise<void>;
}
