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
import { applyMetricWrite, type MetricWrite } from "./metric-write.js";
import { startMetricWriteThread } from "./metric-write-worker.js";
import type { WriteThread } from "./write-thread.js";
import * as sql from "./sql/metrics.js";

/** How a SQLite metric store is opened. */
export interface SqliteMetricStoreOptions extends SqliteDatabaseOptions {
  /**
   * Runs the writes (flushes, retention deletes) on a worker thread with its own connection, off
   * the caller's event loop (a node's store; ignored for `:memory:`). `onCrash` hears of the thread
   * dying: its unanswered writes, and every later one, then run on the store's connection.
   */
  readonly writeThread?: { readonly onCrash: (error: Error) => void } | undefined;
}

/**
 * The MetricStore on one SQLite file (WAL) or in memory; it may share the node's database file.
 * Writes are committed in the order issued; a read waits for the writes issued before it.
 */
export class SqliteMetricStore implements MetricStore {
  readonly #db: Database;
  readonly #thread: WriteThread<MetricWrite> | undefined;
  /** The last write issued (settled or not): reads wait for it. */
  #lastWrite: Promise<unknown> = Promise.resolve();

  private constructor(db: Database, o: SqliteMetricStoreOptions) {
    this.#db = db;
    if (o.writeThread && o.path !== ":memory:") {
      try {
        this.#thread = startMetricWriteThread({ path: o.path, db, onCrash: o.writeThread.onCrash });
      } catch (e) {
        // A thread Node.js refuses to start leaves writes in process.
        o.writeThread.onCrash(e instanceof Error ? e : new Error(String(e)));
      }
    }
  }

  /** Opens (and migrates) the database. */
  static open(options: SqliteMetricStoreOptions): SqliteMetricStore {
    return new SqliteMetricStore(openDatabase(options), options);
  }

  /** Whether writes run on a thread of their own. */
  get writesOnThread(): boolean {
    return this.#thread !== undefined;
  }

  /** Ends the write thread as a crash would, before it reads what is posted next (tests). */
  crashWriteThreadForTest(): Promise<void> {
    return this.#thread?.crash() ?? Promise.resolve();
  }

  writePoints(series: readonly MetricSeriesRecord[], points: readonly MetricPointRow[]): Promise<void> {
    return this.#write({ op: "points", series, points }).then(() => undefined);
  }

  async readPoints(query: PointQuery): Promise<MetricPointRow[]> {
    await this.#writesIssued();
    return query.keys.flatMap((key) => sql.selectPoints(this.#db, key, query));
  }

  async listSeries(filter: SeriesFilter): Promise<MetricSeriesRecord[]> {
    await this.#writesIssued();
    return sql.selectSeries(this.#db, filter);
  }

  deletePointsBefore(resolution: Resolution, before: number): Promise<number> {
    return this.#write({ op: "deletePoints", resolution, before });
  }

  deleteSeriesBefore(before: number): Promise<number> {
    return this.#write({ op: "deleteSeries", before });
  }

  /** Waits for every write issued, then closes the thread and the connection. */
  async close(): Promise<void> {
    await this.#writesIssued();
    await this.#thread?.close();
    closeDatabase(this.#db);
  }

  #write(w: MetricWrite): Promise<number> {
    const done = this.#thread ? this.#thread.run(w) : settle(() => applyMetricWrite(this.#db, w));
    this.#lastWrite = done;
    return done;
  }

  #writesIssued(): Promise<unknown> {
    return this.#lastWrite.catch(() => undefined);
  }
}
