/**
 * Metric ingest: samples are aggregated in memory into 1 s, 60 s, 300 s and 3600 s buckets, and flushed to
 * the store periodically (every second by default, on the injected clock) — never a store round
 * trip per sample. Each bucket held in memory owns one row of the store (its writer id), which a
 * flush replaces with the bucket's whole aggregate: a node never contends with another for a row,
 * and a restart or a late sample opens a new row instead of overwriting an old one.
 */
import { addSample, addStatisticSet, emptyAggregate, type Aggregate } from "../domain/metrics/aggregate.js";
import { serializeHistogram } from "../domain/metrics/histogram.js";
import { metricKey, sortDimensions, type MetricId } from "../domain/metrics/metric-key.js";
import type { MetricPointRow, MetricSeriesRecord, MetricStore, Resolution } from "../ports/metric-store.js";
import type { Clock } from "../shared/clock.js";
import { LIST_METRICS_WINDOW_MS, RESOLUTIONS, RETENTION_MS } from "./retention.js";

/** A metric prepared for recording: its key computed once. */
export interface MetricHandle {
  readonly id: MetricId;
  readonly key: string;
  readonly unit: string;
}

interface OpenBucket {
  readonly handle: MetricHandle;
  readonly resolution: Resolution;
  readonly start: number;
  readonly writer: string;
  readonly aggregate: Aggregate;
  dirty: boolean;
  /** Written a last time and dropped from the open buckets: a later sample opens a new one. */
  closed: boolean;
}

/** How a recorder is built. */
export interface MetricRecorderOptions {
  readonly store: MetricStore;
  readonly clock: Clock;
  /** This node's run, unique among the writers of the store (a node id). */
  readonly writer: string;
  /** How often buckets are written (default 1000 ms of the clock). */
  readonly flushMs?: number;
  readonly onError?: (e: unknown) => void;
}

/** A bucket is written a last time and dropped this long after it closes. */
const GRACE_MS = 2_000;

/** Aggregates samples in memory and writes them in batches. */
export class MetricRecorder {
  readonly #o: MetricRecorderOptions;
  readonly #open = new Map<string, OpenBucket>();
  /** Each handle's last bucket per resolution: most samples land in it, found without building its id. */
  readonly #last = new WeakMap<MetricHandle, (OpenBucket | undefined)[]>();
  readonly #seen = new Map<string, { handle: MetricHandle; at: number }>();
  #serial = 0;
  #cancel: (() => void) | undefined;
  #flushing: Promise<void> = Promise.resolve();
  #lastRetention = -Infinity;

  constructor(o: MetricRecorderOptions) {
    this.#o = o;
  }

  /** Prepares a metric (its dimensions sorted, its key computed). */
  handle(id: MetricId, unit = "None"): MetricHandle {
    const sorted = { ...id, dimensions: sortDimensions(id.dimensions) };
    return { id: sorted, key: metricKey(sorted), unit };
  }

  /** Adds one sample of `value` (at `at`, default now). */
  record(h: MetricHandle, value: number, at = this.#o.clock.now()): void {
    for (let i = 0; i < RESOLUTIONS.length; i++) addSample(this.#bucketAt(h, i, at).aggregate, value);
    this.#touch(h, at);
  }

  /** Adds `count` samples of `value`: PutMetricData's Values/Counts. */
  recordMany(h: MetricHandle, value: number, count: number, at = this.#o.clock.now()): void {
    for (const r of RESOLUTIONS) addSample(this.#bucket(h, r, at).aggregate, value, count);
    this.#touch(h, at);
  }

  /** Adds a statistic set: PutMetricData's StatisticValues. */
  recordSet(
    h: MetricHandle,
    s: { count: number; sum: number; min: number; max: number },
    at = this.#o.clock.now(),
  ): void {
    for (const r of RESOLUTIONS) addStatisticSet(this.#bucket(h, r, at).aggregate, s);
    this.#touch(h, at);
  }

  /** Starts the periodic flush. */
  start(): void {
    const tick = (): void => {
      this.#cancel = this.#o.clock.setTimer(() => {
        void this.flush().finally(tick);
      }, this.#o.flushMs ?? 1000);
    };
    tick();
  }

  /** Stops the periodic flush and writes what is held. */
  async stop(): Promise<void> {
    this.#cancel?.();
    this.#cancel = undefined;
    await this.flush();
  }

  /** Writes every changed bucket now (one transaction); errors go to onError. */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(() => this.#write()).catch((e: unknown) => this.#o.onError?.(e));
    return this.#flushing;
  }

  /** The bucket of `h` at `at` for the `index`th resolution, from the handle's last one when it still holds `at`. */
  #bucketAt(h: MetricHandle, index: number, at: number): OpenBucket {
    let last = this.#last.get(h);
    if (!last) {
      last = [];
      this.#last.set(h, last);
    }
    const b = last[index];
    if (b && !b.closed && at >= b.start && at < b.start + b.resolution * 1000) {
      b.dirty = true;
      return b;
    }
    const found = this.#bucket(h, RESOLUTIONS[index] as Resolution, at);
    last[index] = found;
    return found;
  }

  #bucket(h: MetricHandle, resolution: Resolution, at: number): OpenBucket {
    const size = resolution * 1000;
    const start = at - (((at % size) + size) % size);
    const id = `${resolution}|${start}|${h.key}`;
    let b = this.#open.get(id);
    if (!b) {
      b = {
        handle: h,
        resolution,
        start,
        writer: `${this.#o.writer}.${++this.#serial}`,
        aggregate: emptyAggregate(),
        dirty: true,
        closed: false,
      };
      this.#open.set(id, b);
    }
    b.dirty = true;
    return b;
  }

  #touch(h: MetricHandle, at: number): void {
    const s = this.#seen.get(h.key);
    if (!s) this.#seen.set(h.key, { handle: h, at });
    else if (at > s.at) s.at = at;
  }

  async #write(): Promise<void> {
    const now = this.#o.clock.now();
    const points: MetricPointRow[] = [];
    for (const [id, b] of this.#open) {
      if (b.dirty) {
        const a = b.aggregate;
        const hist = serializeHistogram(a.histogram);
        points.push({ ...b, key: b.handle.key, count: a.count, sum: a.sum, min: a.min, max: a.max, histogram: hist });
        b.dirty = false;
      }
      if (b.start + b.resolution * 1000 + GRACE_MS < now) {
        b.closed = true;
        this.#open.delete(id);
      }
    }
    const series: MetricSeriesRecord[] = [...this.#seen.values()].map(({ handle, at }) => ({
      key: handle.key,
      namespace: handle.id.namespace,
      name: handle.id.name,
      dimensions: handle.id.dimensions,
      unit: handle.unit,
      lastSeen: at,
    }));
    this.#seen.clear();
    if (points.length > 0 || series.length > 0) await this.#o.store.writePoints(series, points);
    if (now - this.#lastRetention >= 60_000) {
      this.#lastRetention = now;
      for (const r of RESOLUTIONS) await this.#o.store.deletePointsBefore(r, now - RETENTION_MS[r]);
      await this.#o.store.deleteSeriesBefore(now - RETENTION_MS[3600]);
    }
  }
}

export { LIST_METRICS_WINDOW_MS };
