/**
 * Reads metric statistics per period: the stored rows of a metric (every writer, every node) are
 * merged per period, and each statistic is computed from the merged aggregate — so a percentile
 * over a period is as exact as over one bucket.
 */
import { emptyAggregate, statisticValue, type Aggregate } from "../domain/metrics/aggregate.js";
import { isExtendedStatistic } from "../domain/metrics/aggregate.js";
import { mergeInto, parseHistogram } from "../domain/metrics/histogram.js";
import { metricKey, type MetricId } from "../domain/metrics/metric-key.js";
import type { MetricSeriesRecord, MetricStore, SeriesFilter } from "../ports/metric-store.js";
import type { Clock } from "../shared/clock.js";
import { resolutionFor } from "./retention.js";

/** What to read: one metric, a time range, a period and the statistics wanted. */
export interface StatisticsQuery {
  readonly metric: MetricId;
  /** [from, to) in ms. */
  readonly from: number;
  readonly to: number;
  readonly periodSec: number;
  readonly statistics: readonly string[];
}

/** One period with data: its start and each statistic's value. */
export interface PeriodStatistics {
  readonly timestamp: number;
  readonly values: Readonly<Record<string, number | undefined>>;
  readonly unit: string;
}

/** Reads statistics and metric lists from the store. */
export class MetricReader {
  readonly #store: MetricStore;
  readonly #clock: Clock;
  readonly #beforeRead: () => Promise<void>;

  /** `beforeRead` runs before each read (the local recorder's flush, so a read sees this node's samples). */
  constructor(o: { store: MetricStore; clock: Clock; beforeRead?: () => Promise<void> }) {
    this.#store = o.store;
    this.#clock = o.clock;
    this.#beforeRead = o.beforeRead ?? (() => Promise.resolve());
  }

  /** Merged aggregates per period start, for periods with at least one sample, in time order. */
  async aggregates(q: Omit<StatisticsQuery, "statistics"> & { histograms: boolean }): Promise<Map<number, Aggregate>> {
    await this.#beforeRead();
    const resolution = resolutionFor(q.periodSec, q.from, this.#clock.now());
    const size = resolution * 1000;
    const from = Math.floor(q.from / size) * size;
    const rows = await this.#store.readPoints({
      keys: [metricKey(q.metric)],
      resolution,
      from,
      to: q.to,
      histograms: q.histograms,
    });
    const period = q.periodSec * 1000;
    const byPeriod = new Map<number, Aggregate>();
    for (const r of rows) {
      const at = from + Math.floor((r.start - from) / period) * period;
      let a = byPeriod.get(at);
      if (!a) byPeriod.set(at, (a = emptyAggregate()));
      a.count += r.count;
      a.sum += r.sum;
      if (r.min < a.min) a.min = r.min;
      if (r.max > a.max) a.max = r.max;
      if (q.histograms) mergeInto(a.histogram, parseHistogram(r.histogram));
    }
    return new Map([...byPeriod].sort((x, y) => x[0] - y[0]));
  }

  /** The statistics of each period with data. */
  async statistics(q: StatisticsQuery): Promise<PeriodStatistics[]> {
    const histograms = q.statistics.some(isExtendedStatistic);
    const byPeriod = await this.aggregates({ ...q, histograms });
    const unit = await this.#unitOf(q.metric);
    const out: PeriodStatistics[] = [];
    for (const [timestamp, a] of byPeriod) {
      const values: Record<string, number | undefined> = {};
      for (const s of q.statistics) values[s] = statisticValue(a, s);
      out.push({ timestamp, values, unit });
    }
    return out;
  }

  /** Metrics matching `filter`. */
  async listMetrics(filter: SeriesFilter): Promise<MetricSeriesRecord[]> {
    await this.#beforeRead();
    return this.#store.listSeries(filter);
  }

  async #unitOf(m: MetricId): Promise<string> {
    const found = await this.#store.listSeries({ namespace: m.namespace, name: m.name });
    const key = metricKey(m);
    return found.find((s) => s.key === key)?.unit ?? "None";
  }
}
