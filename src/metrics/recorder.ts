/**
 * Metric ingest: samples are aggregated in memory into 1 s, 60 s, 300 s and 3600 s buckets, and flushed to
 * the store periodically (every second by default, on the injected clock) — never a store round
 * trip per sample. Each bucket held in memory owns one row of the store (its writer id), which a
 * flush replaces with the bucket's whole aggregate: a node never contends with another for a row,
 * and a restart or a late sample opens a new row instead of overwriting an old one.
 */
import {
  addSample,
  addStatisticSet,
  emptyAggregate,
  mergeAggregate,
  type Aggregate,
} from "../domain/metrics/aggregate.js";
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

/** The samples of one handle in one second since the last flush, folded into the buckets when it runs. */
interface Pending {
  readonly start: number;
  readonly delta: Aggregate;
  /** The latest sample's time (the series' lastSeen). */
  at: number;
}

/** A handle as the recorder holds it: where its latest samples went, and the handles that take them too. */
interface HandleState extends MetricHandle {
  /** Handles that get every sample of this one (its wider dimension sets), folded in at the flush. */
  readonly also: readonly HandleState[];
  /** The second most samples land in, found without a lookup. */
  current: Pending | undefined;
  /** Every second with samples since the last flush, by start. */
  readonly pending: Map<number, Pending>;
}

interface OpenBucket {
  readonly handle: MetricHandle;
  readonly resolution: Resolution;
  readonly start: number;
  readonly writer: string;
  readonly aggregate: Aggregate;
  dirty: boolean;
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

/**
 * Aggregates samples in memory and writes them in batches. A sample costs one aggregate update:
 * it goes into its handle's aggregate of the second, and each flush folds those into the buckets
 * of every resolution, for the handle and for the handles that take its samples too (`also`).
 */
export class MetricRecorder {
  readonly #o: MetricRecorderOptions;
  readonly #open = new Map<string, OpenBucket>();
  /** Handles with samples since the last flush. */
  #dirty: HandleState[] = [];
  #serial = 0;
  #cancel: (() => void) | undefined;
  #flushing: Promise<void> = Promise.resolve();
  #lastRetention = -Infinity;

  constructor(o: MetricRecorderOptions) {
    this.#o = o;
  }

  /**
   * Prepares a metric (its dimensions sorted, its key computed). Every sample recorded into it is
   * also a sample of each handle of `also` (e.g. the same metric under fewer dimensions), at the
   * cost of one: they are folded in at the flush.
   */
  handle(id: MetricId, unit = "None", also: readonly MetricHandle[] = []): MetricHandle {
    const sorted = { ...id, dimensions: sortDimensions(id.dimensions) };
    const state: HandleState = {
      id: sorted,
      key: metricKey(sorted),
      unit,
      also: also.map((h) => h as HandleState),
      current: undefined,
      pending: new Map(),
    };
    return state;
  }

  /** The clock's now: one reading for several samples of one event. */
  now(): number {
    return this.#o.clock.now();
  }

  /** Adds one sample of `value` (at `at`, default now). A handle belongs to the recorder that made it. */
  record(h: MetricHandle, value: number, at = this.#o.clock.now()): void {
    addSample(this.#pending(h as HandleState, at).delta, value);
  }

  /** Adds `count` samples of `value`: PutMetricData's Values/Counts. */
  recordMany(h: MetricHandle, value: number, count: number, at = this.#o.clock.now()): void {
    addSample(this.#pending(h as HandleState, at).delta, value, count);
  }

  /** Adds a statistic set: PutMetricData's StatisticValues. */
  recordSet(
    h: MetricHandle,
    s: { count: number; sum: number; min: number; max: number },
    at = this.#o.clock.now(),
  ): void {
    addStatisticSet(this.#pending(h as HandleState, at).delta, s);
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

  /** The second of `h` that holds `at`: the handle's current one, most of the time. */
  #pending(h: HandleState, at: number): Pending {
    const c = h.current;
    if (c !== undefined && at >= c.start && at < c.start + 1000) {
      if (at > c.at) c.at = at;
      return c;
    }
    const start = at - (((at % 1000) + 1000) % 1000);
    let p = h.pending.get(start);
    if (p === undefined) {
      if (h.pending.size === 0) this.#dirty.push(h);
      p = { start, delta: emptyAggregate(), at };
      h.pending.set(start, p);
    } else if (at > p.at) p.at = at;
    h.current = p;
    return p;
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
      };
      this.#open.set(id, b);
    }
    b.dirty = true;
    return b;
  }

  /** Folds the samples held since the last flush into the buckets; the metrics seen, with their latest sample. */
  #fold(): Map<string, { handle: MetricHandle; at: number }> {
    const seen = new Map<string, { handle: MetricHandle; at: number }>();
    const touch = (h: MetricHandle, at: number): void => {
      const s = seen.get(h.key);
      if (!s) seen.set(h.key, { handle: h, at });
      else if (at > s.at) s.at = at;
    };
    const dirty = this.#dirty;
    this.#dirty = [];
    for (const h of dirty) {
      for (const p of h.pending.values()) {
        for (const target of [h, ...h.also]) {
          for (const r of RESOLUTIONS) mergeAggregate(this.#bucket(target, r, p.start).aggregate, p.delta);
          touch(target, p.at);
        }
      }
      h.pending.clear();
      h.current = undefined;
    }
    return seen;
  }

  async #write(): Promise<void> {
    const now = this.#o.clock.now();
    const seen = this.#fold();
    const points: MetricPointRow[] = [];
    for (const [id, b] of this.#open) {
      if (b.dirty) {
        const a = b.aggregate;
        const hist = serializeHistogram(a.histogram);
        points.push({ ...b, key: b.handle.key, count: a.count, sum: a.sum, min: a.min, max: a.max, histogram: hist });
        b.dirty = false;
      }
      if (b.start + b.resolution * 1000 + GRACE_MS < now) this.#open.delete(id);
    }
    const series: MetricSeriesRecord[] = [...seen.values()].map(({ handle, at }) => ({
      key: handle.key,
      namespace: handle.id.namespace,
      name: handle.id.name,
      dimensions: handle.id.dimensions,
      unit: handle.unit,
      lastSeen: at,
    }));
    if (points.length > 0 || series.length > 0) await this.#o.store.writePoints(series, points);
    if (now - this.#lastRetention >= 60_000) {
      this.#lastRetention = now;
      for (const r of RESOLUTIONS) await this.#o.store.deletePointsBefore(r, now - RETENTION_MS[r]);
      await this.#o.store.deleteSeriesBefore(now - RETENTION_MS[3600]);
    }
  }
}

export { LIST_METRICS_WINDOW_MS };
