/**
 * The metric operations: GetMetricData (metric math included), GetMetricStatistics, ListMetrics
 * and PutMetricData, over the metric reader and recorder.
 */
import { isExtendedStatistic, STANDARD_STATISTICS } from "../../domain/metrics/aggregate.js";
import { metricKey } from "../../domain/metrics/metric-key.js";
import { STANDARD_UNITS } from "../../domain/metrics/units.js";
import type { MetricReader, MetricRecorder } from "../../metrics/index.js";
import { LIST_METRICS_WINDOW_MS } from "../../metrics/index.js";
import { PlatformError } from "../../shared/errors.js";
import type { Clock } from "../../shared/clock.js";
import { getMetricData } from "./get-metric-data.js";
import * as I from "./input.js";
import type { OutValue } from "./wire.js";

/** What the metric operations work on. */
export interface MetricApiDeps {
  readonly reader: MetricReader;
  readonly recorder: MetricRecorder;
  readonly clock: Clock;
}

export type Handler = (deps: MetricApiDeps, input: I.Input) => Promise<OutValue>;

const MAX_DATAPOINTS = 1440;

async function getMetricStatistics(d: MetricApiDeps, input: I.Input): Promise<OutValue> {
  const metric = I.metric(input);
  const from = I.reqTime(input, "StartTime");
  const to = I.reqTime(input, "EndTime");
  const period = I.reqNumber(input, "Period");
  I.checkPeriod(period);
  const standard = I.stringList(input, "Statistics");
  const extended = I.stringList(input, "ExtendedStatistics");
  if (standard.length === 0 && extended.length === 0) {
    throw new PlatformError("ERR_CW_MISSING_PARAMETER", "Must specify either Statistics or ExtendedStatistics.");
  }
  for (const s of standard)
    if (!(STANDARD_STATISTICS as readonly string[]).includes(s)) throw I.invalid("Statistics", s);
  for (const s of extended) if (!isExtendedStatistic(s)) throw I.invalid("ExtendedStatistics", s);
  if (to <= from) throw I.invalid("EndTime", "earlier than StartTime");
  const points = Math.ceil((to - from) / (period * 1000));
  if (points > MAX_DATAPOINTS) {
    throw new PlatformError(
      "ERR_CW_INVALID_COMBINATION",
      `You have requested up to ${points.toLocaleString("en-US")} datapoints, which exceeds the limit of 1,440. You may reduce the datapoints requested by increasing Period, or decreasing the time range.`,
    );
  }
  const rows = await d.reader.statistics({
    metric,
    from,
    to,
    periodSec: period,
    statistics: [...standard, ...extended],
  });
  return {
    Label: metric.name,
    Datapoints: rows.map((r) => {
      const out: Record<string, OutValue> = { Timestamp: new Date(r.timestamp) };
      for (const s of standard) out[s] = r.values[s];
      out["Unit"] = r.unit;
      if (extended.length > 0) out["ExtendedStatistics"] = new Map(extended.map((s) => [s, r.values[s]]));
      return out;
    }),
  };
}

const PAGE = 500;

async function listMetrics(d: MetricApiDeps, input: I.Input): Promise<OutValue> {
  const now = d.clock.now();
  const recent = I.optString(input, "RecentlyActive");
  if (recent !== undefined && recent !== "PT3H") throw I.invalid("RecentlyActive", recent);
  const filters = I.list(input, "Dimensions").map((f) => ({
    name: I.reqString(f, "Name"),
    value: I.optString(f, "Value"),
  }));
  const all = await d.reader.listMetrics({
    namespace: I.optString(input, "Namespace"),
    name: I.optString(input, "MetricName"),
    seenSince: now - (recent ? 3 * 3_600_000 : LIST_METRICS_WINDOW_MS),
  });
  const matching = all.filter((m) =>
    filters.every((f) => m.dimensions.some((x) => x.name === f.name && (f.value === undefined || x.value === f.value))),
  );
  const token = I.optString(input, "NextToken");
  const offset = token === undefined ? 0 : Number(Buffer.from(token, "base64url").toString("utf8"));
  if (!Number.isInteger(offset) || offset < 0)
    throw new PlatformError("ERR_CW_INVALID_NEXT_TOKEN", "Invalid NextToken.");
  const page = matching.slice(offset, offset + PAGE);
  return {
    Metrics: page.map((m) => ({
      Namespace: m.namespace,
      MetricName: m.name,
      Dimensions: I.dimensionsOut(m.dimensions),
    })),
    NextToken: offset + PAGE < matching.length ? Buffer.from(String(offset + PAGE)).toString("base64url") : undefined,
  };
}

function putMetricData(d: MetricApiDeps, input: I.Input): Promise<OutValue> {
  const namespace = I.reqString(input, "Namespace");
  if (namespace.startsWith("AWS/")) throw I.invalid("Namespace", namespace);
  const data = I.list(input, "MetricData");
  if (data.length === 0) throw I.missing("MetricData");
  if (data.length > 1000) throw I.invalid("MetricData", `${data.length} items`);
  const now = d.clock.now();
  // Validated as a whole first: a request is taken entirely or not at all.
  const writes = data.map((datum, i) => {
    const at = `MetricData.member.${i + 1}`;
    const id = { namespace, name: I.reqString(datum, "MetricName"), dimensions: I.dimensions(datum) };
    const unit = I.optString(datum, "Unit") ?? "None";
    if (!STANDARD_UNITS.has(unit)) throw I.invalid(`${at}.Unit`, unit);
    const handle = d.recorder.handle(id, unit);
    const time = I.optTime(datum, "Timestamp") ?? now;
    const value = I.optNumber(datum, "Value");
    const set = I.struct(datum, "StatisticValues");
    const values = (datum["Values"] === undefined ? [] : I.list(datum, "Values")).map(Number);
    const counts = (datum["Counts"] === undefined ? [] : I.list(datum, "Counts")).map(Number);
    if ([value !== undefined, set !== undefined, values.length > 0].filter(Boolean).length > 1) {
      throw new PlatformError(
        "ERR_CW_INVALID_COMBINATION",
        `${at}: only one of Value, StatisticValues and Values may be given.`,
      );
    }
    if (counts.length > 0 && counts.length !== values.length) {
      throw new PlatformError("ERR_CW_INVALID_COMBINATION", `${at}: Values and Counts must have the same length.`);
    }
    if (values.some((v) => !Number.isFinite(v))) throw I.invalid(`${at}.Values`, "a value that is not a number");
    const stats = set && {
      count: I.reqNumber(set, "SampleCount"),
      sum: I.reqNumber(set, "Sum"),
      min: I.reqNumber(set, "Minimum"),
      max: I.reqNumber(set, "Maximum"),
    };
    if (value === undefined && !stats && values.length === 0) throw I.missing(`${at}.Value`);
    return () => {
      if (value !== undefined) d.recorder.record(handle, value, time);
      else if (stats) d.recorder.recordSet(handle, stats, time);
      else values.forEach((v, k) => d.recorder.recordMany(handle, v, counts[k] ?? 1, time));
    };
  });
  for (const w of writes) w();
  return Promise.resolve(undefined);
}

/** The metric operations by action name. */
export const METRIC_HANDLERS: Readonly<Record<string, Handler>> = {
  GetMetricData: getMetricData,
  GetMetricStatistics: getMetricStatistics,
  ListMetrics: listMetrics,
  PutMetricData: putMetricData,
};

export { metricKey };
