/**
 * GetMetricData: metric queries read statistics per period, expressions are metric math over them
 * (evaluated in the order they refer to each other), and each query with ReturnData answers.
 */
import { isExtendedStatistic, STANDARD_STATISTICS } from "../../domain/metrics/aggregate.js";
import { evaluateMath, type MathValue, type Series } from "../../domain/metrics/math-eval.js";
import { MathSyntaxError, parseMath, referencedIds, type MathNode } from "../../domain/metrics/math-parser.js";
import { PlatformError } from "../../shared/errors.js";
import { alignedStart } from "../../metrics/index.js";
import * as I from "./input.js";
import type { Handler, MetricApiDeps } from "./metric-handlers.js";
import type { OutValue } from "./wire.js";

const ID = /^[a-z][a-zA-Z0-9_]*$/;

interface Query {
  readonly id: string;
  readonly label: string | undefined;
  readonly returnData: boolean;
  readonly period: number | undefined;
  readonly stat?: { metric: ReturnType<typeof I.metric>; stat: string; period: number };
  readonly expression?: MathNode;
}

function readQuery(q: I.Input, i: number): Query {
  const id = I.reqString(q, "Id");
  if (!ID.test(id)) throw I.invalid(`MetricDataQueries.member.${i + 1}.Id`, id);
  const base = {
    id,
    label: I.optString(q, "Label"),
    returnData: I.optBoolean(q, "ReturnData") ?? true,
    period: I.optNumber(q, "Period"),
  };
  const ms = I.struct(q, "MetricStat");
  const expr = I.optString(q, "Expression");
  if ((ms === undefined) === (expr === undefined)) {
    throw new PlatformError(
      "ERR_CW_INVALID_COMBINATION",
      `The metric data query ${id} must have exactly one of MetricStat and Expression.`,
    );
  }
  if (ms) {
    const stat = I.reqString(ms, "Stat");
    if (!(STANDARD_STATISTICS as readonly string[]).includes(stat) && !isExtendedStatistic(stat))
      throw I.invalid("Stat", stat);
    const period = I.reqNumber(ms, "Period");
    I.checkPeriod(period);
    return { ...base, stat: { metric: I.metric(I.struct(ms, "Metric") ?? {}), stat, period } };
  }
  try {
    return { ...base, expression: parseMath(expr as string) };
  } catch (e) {
    if (e instanceof MathSyntaxError)
      throw new PlatformError("ERR_CW_INVALID_PARAMETER", `Error in expression ${id}: ${e.message}`);
    throw e;
  }
}

function gridOf(from: number, to: number, periodSec: number): number[] {
  const grid: number[] = [];
  for (let t = from; t < to; t += periodSec * 1000) grid.push(t);
  return grid;
}

/** GetMetricData. */
export const getMetricData: Handler = async (d: MetricApiDeps, input: I.Input): Promise<OutValue> => {
  const requestedFrom = I.reqTime(input, "StartTime");
  const to = I.reqTime(input, "EndTime");
  if (to <= requestedFrom) throw I.invalid("EndTime", "earlier than StartTime");
  const scan = I.optString(input, "ScanBy") ?? "TimestampDescending";
  if (scan !== "TimestampDescending" && scan !== "TimestampAscending") throw I.invalid("ScanBy", scan);
  const queries = I.list(input, "MetricDataQueries").map(readQuery);
  if (queries.length === 0) throw I.missing("MetricDataQueries");
  if (queries.length > 500) throw I.invalid("MetricDataQueries", `${queries.length} queries`);
  const byId = new Map(queries.map((q) => [q.id, q]));
  if (byId.size !== queries.length) throw I.invalid("MetricDataQueries", "duplicate Id");
  const periods = queries.flatMap((q) => (q.stat ? [q.stat.period] : []));
  const defaultPeriod = periods.length ? Math.min(...periods) : 60;
  // One start for every query, so that series and FILL's grid share their timestamps.
  const from = alignedStart(requestedFrom, defaultPeriod, d.clock.now());

  const results = new Map<string, Series>();
  for (const q of queries) {
    if (!q.stat) continue;
    const rows = await d.reader.statistics({
      metric: q.stat.metric,
      from,
      to,
      periodSec: q.stat.period,
      statistics: [q.stat.stat],
    });
    const s: Series = new Map();
    for (const r of rows) {
      const v = r.values[q.stat.stat];
      if (v !== undefined) s.set(r.timestamp, v);
    }
    results.set(q.id, s);
  }
  const metrics = queries.filter((q) => q.stat).map((q) => [q.id, results.get(q.id) as Series] as const);
  const evaluating = new Set<string>();
  const evaluate = (q: Query): Series => {
    const done = results.get(q.id);
    if (done) return done;
    if (evaluating.has(q.id)) throw I.invalid("Expression", `${q.id} refers to itself`);
    evaluating.add(q.id);
    const expr = q.expression as MathNode;
    for (const ref of referencedIds(expr)) {
      const other = byId.get(ref);
      if (other?.expression) evaluate(other);
    }
    let value: MathValue;
    try {
      value = evaluateMath(expr, {
        grid: gridOf(from, to, q.period ?? defaultPeriod),
        series: (id) => results.get(id),
        metrics: () => metrics,
      });
    } catch (e) {
      if (e instanceof MathSyntaxError)
        throw new PlatformError("ERR_CW_INVALID_PARAMETER", `Error in expression ${q.id}: ${e.message}`);
      throw e;
    }
    if (value.kind === "scalar") throw I.invalid("Expression", `${q.id} must return a time series, not a single value`);
    if (value.kind === "array" && value.items.length !== 1)
      throw I.invalid("Expression", `${q.id} must return a single time series`);
    const s = value.kind === "series" ? value.points : (value.items[0] as Series);
    results.set(q.id, s);
    return s;
  };
  for (const q of queries) if (q.expression) evaluate(q);

  return {
    MetricDataResults: queries
      .filter((q) => q.returnData)
      .map((q) => {
        const points = [...(results.get(q.id) ?? new Map<number, number>())].sort((a, b) =>
          scan === "TimestampAscending" ? a[0] - b[0] : b[0] - a[0],
        );
        return {
          Id: q.id,
          Label: q.label ?? q.stat?.metric.name ?? q.id,
          Timestamps: points.map(([t]) => new Date(t)),
          Values: points.map(([, v]) => v),
          StatusCode: "Complete",
        };
      }),
    Messages: [],
  };
};
