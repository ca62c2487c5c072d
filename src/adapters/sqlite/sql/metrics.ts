import type { Database } from "better-sqlite3";
import type {
  MetricPointRow,
  MetricSeriesRecord,
  PointQuery,
  Resolution,
  SeriesFilter,
} from "../../../ports/metric-store.js";
import { stmt } from "../statements.js";

interface SeriesRow {
  key: string;
  namespace: string;
  name: string;
  dimensions: string;
  unit: string;
  last_seen: number;
}

const toSeries = (r: SeriesRow): MetricSeriesRecord => ({
  key: r.key,
  namespace: r.namespace,
  name: r.name,
  dimensions: JSON.parse(r.dimensions) as MetricSeriesRecord["dimensions"],
  unit: r.unit,
  lastSeen: r.last_seen,
});

/** UPSERT a metric, keeping its latest sighting. */
export function upsertSeries(db: Database, s: MetricSeriesRecord): void {
  stmt(
    db,
    `INSERT INTO metric_series (key, namespace, name, dimensions, unit, last_seen) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET unit = excluded.unit, last_seen = max(last_seen, excluded.last_seen)`,
  ).run(s.key, s.namespace, s.name, JSON.stringify(s.dimensions), s.unit, s.lastSeen);
}

/** UPSERT one writer's point (replaces it). */
export function upsertPoint(db: Database, p: MetricPointRow): void {
  stmt(
    db,
    `INSERT OR REPLACE INTO metric_points (key, resolution, start, writer, count, sum, min, max, histogram)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(p.key, p.resolution, p.start, p.writer, p.count, p.sum, p.min, p.max, p.histogram);
}

/** SELECT the points of one metric in a range. */
export function selectPoints(db: Database, key: string, q: PointQuery): MetricPointRow[] {
  const histogram = q.histograms ? "histogram" : "'' AS histogram";
  return stmt(
    db,
    `SELECT key, resolution, start, writer, count, sum, min, max, ${histogram} FROM metric_points
     WHERE key = ? AND resolution = ? AND start >= ? AND start < ? ORDER BY start`,
  ).all(key, q.resolution, q.from, q.to) as MetricPointRow[];
}

/** SELECT metrics by namespace / name / last sighting. */
export function selectSeries(db: Database, f: SeriesFilter): MetricSeriesRecord[] {
  const rows = stmt(
    db,
    `SELECT * FROM metric_series WHERE (@ns IS NULL OR namespace = @ns) AND (@name IS NULL OR name = @name)
     AND last_seen >= @since ORDER BY key`,
  ).all({ ns: f.namespace ?? null, name: f.name ?? null, since: f.seenSince ?? 0 }) as SeriesRow[];
  return rows.map(toSeries);
}

/** DELETE points of a resolution older than `before`. */
export function deletePoints(db: Database, resolution: Resolution, before: number): number {
  return stmt(db, "DELETE FROM metric_points WHERE resolution = ? AND start < ?").run(resolution, before).changes;
}

/** DELETE metrics not seen since `before`. */
export function deleteSeries(db: Database, before: number): number {
  return stmt(db, "DELETE FROM metric_series WHERE last_seen < ?").run(before).changes;
}
