import type { Database } from "better-sqlite3";
import type {
  MetricPointRow,
  MetricSeriesRecord,
  MetricStore,
  PointQuery,
  Resolution,
  SeriesFilter,
} from "../../ports/metric-store.js";
import { closeDatabase, openDatabase, settle, type SqliteDatabaseOptions } from "./database.js";
import * as sql from "./sql/metrics.js";

/** The MetricStore on one SQLite file (WAL) or in memory; it may share the node's database file. */
export class SqliteMetricStore implements MetricStore {
  readonly #db: Database;

  private constructor(db: Database) {
    this.#db = db;
  }

  /** Opens (and migrates) the database. */
  static open(options: SqliteDatabaseOptions): SqliteMetricStore {
    return new SqliteMetricStore(openDatabase(options));
  }

  writePoints(series: readonly MetricSeriesRecord[], points: readonly MetricPointRow[]): Promise<void> {
    return settle(() =>
      this.#db.transaction(() => {
        for (const s of series) sql.upsertSeries(this.#db, s);
        for (const p of points) sql.upsertPoint(this.#db, p);
      })(),
    );
  }

  readPoints(query: PointQuery): Promise<MetricPointRow[]> {
    return settle(() => query.keys.flatMap((key) => sql.selectPoints(this.#db, key, query)));
  }

  listSeries(filter: SeriesFilter): Promise<MetricSeriesRecord[]> {
    return settle(() => sql.selectSeries(this.#db, filter));
  }

  deletePointsBefore(resolution: Resolution, before: number): Promise<number> {
    return settle(() => sql.deletePoints(this.#db, resolution, before));
  }

  deleteSeriesBefore(before: number): Promise<number> {
    return settle(() => sql.deleteSeries(this.#db, before));
  }

  close(): Promise<void> {
    closeDatabase(this.#db);
    return Promise.resolve();
  }
}
