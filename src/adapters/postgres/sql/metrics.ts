import type {
  MetricPointRow,
  MetricSeriesRecord,
  PointQuery,
  Resolution,
  SeriesFilter,
} from "../../../ports/metric-store.js";
import type { PgDatabase, Queryable } from "../database.js";

interface SeriesRow {
  key: string;
  namespace: string;
  name: string;
  dimensions: string;
  unit: string;
  last_seen: string;
}

interface PointRow {
  key: string;
  resolution: number;
  start: string;
  writer: string;
  count: number;
  sum: number;
  min: number;
  max: number;
  histogram: string;
}

/** UPSERT metrics in one statement, keeping each one's latest sighting. */
export async function upsertSeries(
  db: PgDatabase,
  series: readonly MetricSeriesRecord[],
  on: Queryable,
): Promise<void> {
  if (series.length === 0) return;
  await db.run(
    `INSERT INTO metric_series (key, namespace, name, dimensions, unit, last_seen)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[])
     ON CONFLICT (key) DO UPDATE SET unit = excluded.unit, last_seen = greatest(metric_series.last_seen, excluded.last_seen)`,
    [
      series.map((s) => s.key),
      series.map((s) => s.namespace),
      series.map((s) => s.name),
      series.map((s) => JSON.stringify(s.dimensions)),
      series.map((s) => s.unit),
      series.map((s) => s.lastSeen),
    ],
    on,
  );
}

/** UPSERT points in one statement (each replaces the writer's row). */
export async function upsertPoints(db: PgDatabase, points: readonly MetricPointRow[], on: Queryable): Promise<void> {
  if (points.length === 0) return;
  await db.run(
    `INSERT INTO metric_points (key, resolution, start, writer, count, sum, min, max, histogram)
     SELECT * FROM unnest($1::text[], $2::int[], $3::bigint[], $4::text[], $5::float8[], $6::float8[], $7::float8[],
       $8::float8[], $9::text[])
     ON CONFLICT (key, resolution, start, writer) DO UPDATE SET count = excluded.count, sum = excluded.sum,
       min = excluded.min, max = excluded.max, histogram = excluded.histogram`,
    [
      points.map((p) => p.key),
      points.map((p) => p.resolution),
      points.map((p) => p.start),
      points.map((p) => p.writer),
      points.map((p) => p.count),
      points.map((p) => p.sum),
      points.map((p) => p.min),
      points.map((p) => p.max),
      points.map((p) => p.histogram),
    ],
    on,
  );
}

/** SELECT the points of some metrics in a range. */
export async function selectPoints(db: PgDatabase, q: PointQuery): Promise<MetricPointRow[]> {
  const histogram = q.histograms ? "histogram" : "'' AS histogram";
  const rows = await db.rows<PointRow>(
    `SELECT key, resolution, start, writer, count, sum, min, max, ${histogram} FROM metric_points
     WHERE key = ANY($1::text[]) AND resolution = $2 AND start >= $3 AND start < $4 ORDER BY key, start`,
    [q.keys, q.resolution, q.from, q.to],
  );
  return rows.map((r) => ({ ...r, resolution: r.resolution as Resolution, start: Number(r.start) }));
}

/** SELECT metrics by namespace / name / last sighting. */
export async function selectSeries(db: PgDatabase, f: SeriesFilter): Promise<MetricSeriesRecord[]> {
  const rows = await db.rows<SeriesRow>(
    `SELECT * FROM metric_series WHERE ($1::text IS NULL OR namespace = $1) AND ($2::text IS NULL OR name = $2)
     AND last_seen >= $3 ORDER BY key`,
    [f.namespace ?? null, f.name ?? null, f.seenSince ?? 0],
  );
  return rows.map((r) => ({
    key: r.key,
    namespace: r.namespace,
    name: r.name,
    dimensions: JSON.parse(r.dimensions) as MetricSeriesRecord["dimensions"],
    unit: r.unit,
    lastSeen: Number(r.last_seen),
  }));
}

/** DELETE points of a resolution older than `before`. */
export function deletePoints(db: PgDatabase, resolution: Resolution, before: number): Promise<number> {
  return db.run("DELETE FROM metric_points WHERE resolution = $1 AND start < $2", [resolution, before]);
}

/** DELETE metrics not seen since `before`. */
export function deleteSeries(db: PgDatabase, before: number): Promise<number> {
  return db.run("DELETE FROM metric_series WHERE last_seen < $1", [before]);
}
