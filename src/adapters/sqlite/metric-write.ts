/**
 * The writes of a SQLite metric store, as one routine that the store's connection and its write
 * thread's both run: a flush's points and series in one transaction, and the retention deletes.
 */
import type { Database } from "better-sqlite3";
import type { MetricPointRow, MetricSeriesRecord, Resolution } from "../../ports/metric-store.js";
import * as sql from "./sql/metrics.js";

/** One write of the metric store. */
export type MetricWrite =
  | {
      readonly op: "points";
      readonly series: readonly MetricSeriesRecord[];
      readonly points: readonly MetricPointRow[];
    }
  | { readonly op: "deletePoints"; readonly resolution: Resolution; readonly before: number }
  | { readonly op: "deleteSeries"; readonly before: number };

/** Runs `w` on `db`; resolves to the rows deleted (0 for points). */
export function applyMetricWrite(db: Database, w: MetricWrite): number {
  switch (w.op) {
    case "points":
      db.transaction(() => {
        for (const s of w.series) sql.upsertSeries(db, s);
        for (const p of w.points) sql.upsertPoint(db, p);
      })();
      return 0;
    case "deletePoints":
      return sql.deletePoints(db, w.resolution, w.before);
    case "deleteSeries":
      return sql.deleteSeries(db, w.before);
  }
}
