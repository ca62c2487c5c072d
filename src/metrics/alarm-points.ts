/**
 * The datapoints of an alarm's evaluation range: the last N complete periods before `now`, oldest
 * first, undefined where a period has no data. Metric alarms read one statistic; metric-math alarms
 * read their metric queries and evaluate the expression that returns data.
 */
import { evaluateMath, type Series } from "../domain/metrics/math-eval.js";
import { parseMath } from "../domain/metrics/math-parser.js";
import type { AlarmRecord } from "../ports/alarm-store.js";
import type { MetricReader } from "./reader.js";

async function statSeries(
  reader: MetricReader,
  q: { metric: { namespace: string; name: string; dimensions: AlarmRecord["dimensions"] }; stat: string },
  range: { from: number; to: number; periodSec: number },
): Promise<Series> {
  const rows = await reader.statistics({
    metric: { ...q.metric, dimensions: q.metric.dimensions ?? [] },
    ...range,
    statistics: [q.stat],
  });
  const s: Series = new Map();
  for (const r of rows) {
    const v = r.values[q.stat];
    if (v !== undefined) s.set(r.timestamp, v);
  }
  return s;
}

/** The period of an alarm in seconds (a math alarm's from its metric queries). */
export function alarmPeriod(a: AlarmRecord): number {
  if (a.period !== undefined) return a.period;
  const periods = (a.metrics ?? []).flatMap((m) => (m.metricStat ? [m.metricStat.period] : m.period ? [m.period] : []));
  return periods.length ? Math.min(...periods) : 60;
}

/** The evaluation range's datapoints, oldest first. */
export async function alarmDatapoints(
  reader: MetricReader,
  a: AlarmRecord,
  now: number,
): Promise<(number | undefined)[]> {
  const periodSec = alarmPeriod(a);
  const p = periodSec * 1000;
  const n = a.evaluationPeriods ?? 1;
  const to = Math.floor(now / p) * p;
  const from = to - n * p;
  const range = { from, to, periodSec };
  let series: Series;
  if (a.metrics && a.metrics.length > 0) {
    const results = new Map<string, Series>();
    for (const q of a.metrics) {
      if (!q.metricStat) continue;
      const ms = q.metricStat;
      results.set(
        q.id,
        await statSeries(
          reader,
          { metric: { namespace: ms.namespace, name: ms.metricName, dimensions: ms.dimensions }, stat: ms.stat },
          range,
        ),
      );
    }
    const grid = Array.from({ length: n }, (_, k) => from + k * p);
    const ctx = { grid, series: (id: string) => results.get(id), metrics: () => [...results] };
    for (const q of a.metrics) {
      if (!q.expression) continue;
      const v = evaluateMath(parseMath(q.expression), ctx);
      if (v.kind === "series") results.set(q.id, v.points);
    }
    const out = a.metrics.find((q) => q.returnData);
    series = (out && results.get(out.id)) ?? new Map<number, number>();
  } else {
    const stat = a.extendedStatistic ?? a.statistic ?? "Average";
    const metric = { namespace: a.namespace ?? "", name: a.metricName ?? "", dimensions: a.dimensions ?? [] };
    series = await statSeries(reader, { metric, stat }, range);
  }
  return Array.from({ length: n }, (_, k) => series.get(from + k * p));
}
