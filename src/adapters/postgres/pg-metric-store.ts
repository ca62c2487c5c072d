import type {
  MetricPointRow,
  MetricSeriesRecord,
  MetricStore,
  PointQuery,
  Resolution,
  SeriesFilter,
} from "../../ports/metric-store.js";
import type { PgDatabase } from "./database.js";
import * as sql from "./sql/metrics.js";

/**
 * The MetricStore on PostgreSQL, shared by the nodes of a cluster: each node writes its own rows
 * (its writer id), so a percentile or an alarm read from any node sees every node's samples.
 */
export class PgMetricStore implements MetricStore {
  readonly #db: PgDatabase;
  #closed = false;

  /** A store over `db` (already open and migrated); it releases its use of `db` on close. */
  constructor(db: PgDatabase) {
    this.#db = db;
    db.retain();
  }

  writePoints(series: readonly MetricSeriesRecord[], points: readonly MetricPointRow[]): Promise<void> {
    return this.#db.transaction(async (q) => {
      await sql.upsertSeries(this.#db, series, q);
      await sql.upsertPoints(this.#db, points, q);
    });
  }

  readPoints(query: PointQuery): Promise<MetricPointRow[]> {
    return sql.selectPoints(this.#db, query);
  }

  listSeries(filter: SeriesFilter): Promise<MetricSeriesRecord[]> {
    return sql.selectSeries(this.#db, filter);
  }

  deletePointsBefore(resolution: Resolution, before: number): Promise<number> {
    return sql.deletePoints(this.#db, resolution, before);
  }

  deleteSeriesBefore(before: number): Promise<number> {
    return sql.deleteSeries(this.#db, before);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#db.release();
  }
}
