import type { Database, Statement } from "better-sqlite3";
import {
  DAY_MS,
  type EventQuery,
  type ListQuery,
  type LogEventInput,
  type LogGroupRecord,
  type LogStore,
  type LogStreamRecord,
  type RangeMeasure,
  type RangeQuery,
  type StoredLogEvent,
  type SubscriptionFilterRecord,
  type SubscriptionFilterState,
} from "../../ports/log-store.js";
import { closeDatabase, openDatabase, settle, type SqliteDatabaseOptions } from "./database.js";
import { LogAppender, toColumns } from "./log-append.js";
import { runAppendWork, startAppendThread, type AppendWork } from "./log-append-worker.js";
import type { LogBatch } from "../../domain/log-batch.js";
import type { WriteThread } from "./write-thread.js";
import { readThroughRecords, rowEvents, type RecordRowArray } from "./log-records.js";
import {
  eventsSql,
  FILTER_COLUMNS,
  FILTER_UPDATE,
  filterOf,
  filterParams,
  groupOf,
  measureSql,
  streamOf,
  type EventRowArray,
  type FilterRow,
  type GroupRow,
  type StreamRow,
} from "../log-rows.js";

/** How a SQLite log store is opened. */
export interface SqliteLogStoreOptions extends SqliteDatabaseOptions {
  /**
   * Appends on a thread of their own (a database file only): the batches' inserts leave the
   * caller's event loop. `onCrash` hears of the thread dying; its batches are then appended here.
   */
  readonly appendThread?: { readonly onCrash: (error: Error) => void } | undefined;
}

/**
 * The LogStore on SQLite. Appends are one transaction of prepared inserts per batch (log-append.ts),
 * on this connection or on the store's append thread; the ids of groups and streams are cached (a
 * group or stream deleted through this store leaves the caches). Reads and deletes wait for the
 * appends issued before them, so a reader sees what was appended as if it ran on one connection.
 */
export class SqliteLogStore implements LogStore {
  readonly #db: Database;
  readonly #appender: LogAppender;
  readonly #thread: WriteThread<AppendWork> | undefined;
  /** The last append or delete issued, never rejecting: reads and deletes wait for it. */
  #lastWrite: Promise<unknown> = Promise.resolve();
  #writing = 0;
  /** A delete in flight: appends issued after it wait for it (the caches it clears). */
  #deleting: Promise<unknown> | undefined;
  readonly #reads = new Map<string, Statement>();
  readonly #streamNames = new Map<number, string>();
  readonly #recordSpanOf: Statement;

  private constructor(db: Database, o: SqliteLogStoreOptions) {
    this.#db = db;
    this.#recordSpanOf = db.prepare("SELECT record_span FROM log_groups WHERE name = ?").pluck();
    this.#appender = new LogAppender(db);
    if (o.appendThread && o.path !== ":memory:") {
      try {
        this.#thread = startAppendThread({ path: o.path, appender: this.#appender, onCrash: o.appendThread.onCrash });
      } catch (e) {
        // A thread Node.js refuses to start (its options, its resources) leaves appends in process.
        o.appendThread.onCrash(e instanceof Error ? e : new Error(String(e)));
      }
    }
  }

  /** Opens (and migrates) the database. */
  static open(options: SqliteLogStoreOptions): SqliteLogStore {
    return new SqliteLogStore(openDatabase(options), options);
  }

  /** Ends the append thread as a crash would, before it reads what is posted next (tests of what a crash keeps). */
  crashAppendThreadForTest(): Promise<void> {
    return this.#thread?.crash() ?? Promise.resolve();
  }

  /** Runs `run` once every append and delete issued before it has settled (at once when none is in flight). */
  #afterWrites<T>(run: () => T): Promise<T> {
    return this.#writing === 0 ? settle(run) : this.#lastWrite.then(run);
  }

  /** Counts `done` as a write in flight until it settles. */
  #track<T>(done: Promise<T>): Promise<T> {
    this.#writing++;
    const settled = (): void => void this.#writing--;
    this.#lastWrite = done.then(settled, settled);
    return done;
  }

  /** A delete: after the writes before it; the appends after it wait for it and its forgetting of ids. */
  #delete(run: () => boolean): Promise<boolean> {
    const done = this.#track(
      this.#afterWrites(() => {
        const deleted = run();
        if (deleted) {
          this.#appender.forget();
          void this.#thread?.run({ forget: true });
        }
        return deleted;
      }),
    );
    const barrier = done.then(
      () => undefined,
      () => undefined,
    );
    this.#deleting = barrier;
    void barrier.then(() => {
      if (this.#deleting === barrier) this.#deleting = undefined;
    });
    return done;
  }

  createGroup(g: LogGroupRecord): Promise<boolean> {
    return this.#afterWrites(
      () =>
        this.#db
          .prepare(
            `INSERT INTO log_groups (name, created_at, retention_days, log_group_class, tags)
             VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING`,
          )
          .run(g.name, g.createdAt, g.retentionDays ?? null, g.logGroupClass, JSON.stringify(g.tags)).changes === 1,
    );
  }

  getGroup(name: string): Promise<LogGroupRecord | undefined> {
    return this.#afterWrites(() => {
      const row = this.#db.prepare("SELECT * FROM log_groups WHERE name = ?").get(name) as GroupRow | undefined;
      return row && groupOf(row);
    });
  }

  listGroups(q: ListQuery): Promise<LogGroupRecord[]> {
    return this.#afterWrites(() =>
      (
        this.#db
          .prepare("SELECT * FROM log_groups WHERE substr(name, 1, ?) = ? AND name > ? ORDER BY name LIMIT ?")
          .all((q.prefix ?? "").length, q.prefix ?? "", q.after ?? "", q.limit) as GroupRow[]
      ).map(groupOf),
    );
  }

  setRetention(name: string, days: number | null): Promise<boolean> {
    return this.#afterWrites(
      () => this.#db.prepare("UPDATE log_groups SET retention_days = ? WHERE name = ?").run(days, name).changes === 1,
    );
  }

  setTags(name: string, tags: Readonly<Record<string, string>>): Promise<boolean> {
    return this.#afterWrites(
      () =>
        this.#db.prepare("UPDATE log_groups SET tags = ? WHERE name = ?").run(JSON.stringify(tags), name).changes === 1,
    );
  }

  deleteGroup(name: string): Promise<boolean> {
    return this.#delete(() =>
      this.#db.transaction(() => {
        const row = this.#db.prepare("SELECT id FROM log_groups WHERE name = ?").get(name) as
          { id: number } | undefined;
        if (!row) return false;
        this.#db.prepare("DELETE FROM log_events WHERE group_id = ?").run(row.id);
        this.#db.prepare("DELETE FROM log_groups WHERE id = ?").run(row.id);
        this.#db.prepare("DELETE FROM log_subscription_filters WHERE group_name = ?").run(name);
        return true;
      })(),
    );
  }

  createStream(groupName: string, streamName: string, createdAt: number): Promise<"created" | "exists" | "no-group"> {
    return this.#afterWrites(() => {
      const group = this.#db.prepare("SELECT id FROM log_groups WHERE name = ?").get(groupName) as
        { id: number } | undefined;
      if (!group) return "no-group";
      const inserted = this.#db
        .prepare("INSERT INTO log_streams (group_id, name, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
        .run(group.id, streamName, createdAt).changes;
      return inserted === 1 ? "created" : "exists";
    });
  }

  getStream(groupName: string, streamName: string): Promise<LogStreamRecord | undefined> {
    return this.#afterWrites(() => {
      const row = this.#db
        .prepare(
          `SELECT s.*, g.name AS group_name FROM log_streams s JOIN log_groups g ON g.id = s.group_id
           WHERE g.name = ? AND s.name = ?`,
        )
        .get(groupName, streamName) as StreamRow | undefined;
      return row && streamOf(row);
    });
  }

  listStreams(groupName: string, q: ListQuery): Promise<LogStreamRecord[]> {
    return this.#afterWrites(() =>
      (
        this.#db
          .prepare(
            `SELECT s.*, g.name AS group_name FROM log_streams s JOIN log_groups g ON g.id = s.group_id
             WHERE g.name = ? AND substr(s.name, 1, ?) = ? AND s.name > ? ORDER BY s.name LIMIT ?`,
          )
          .all(groupName, (q.prefix ?? "").length, q.prefix ?? "", q.after ?? "", q.limit) as StreamRow[]
      ).map(streamOf),
    );
  }

  deleteStream(groupName: string, streamName: string): Promise<boolean> {
    return this.#delete(() =>
      this.#db.transaction(() => {
        const row = this.#db
          .prepare(
            "SELECT s.id FROM log_streams s JOIN log_groups g ON g.id = s.group_id WHERE g.name = ? AND s.name = ?",
          )
          .get(groupName, streamName) as { id: number } | undefined;
        if (!row) return false;
        this.#db.prepare("DELETE FROM log_events WHERE stream_id = ?").run(row.id);
        this.#db.prepare("DELETE FROM log_streams WHERE id = ?").run(row.id);
        return true;
      })(),
    );
  }

  append(events: readonly LogEventInput[], ingestionTime: number, options: { create?: boolean } = {}): Promise<void> {
    return this.#append({ batch: toColumns(events), ingestionTime, create: options.create === true });
  }

  /** The batch's records are stored raw, a row per stream (their text made when read): on the append thread when there is one. */
  appendBatch(batch: LogBatch, ingestionTime: number): Promise<void> {
    return this.#append({ records: batch, ingestionTime });
  }

  #append(work: AppendWork): Promise<void> {
    const thread = this.#thread;
    const run = (): Promise<void> | void => {
      if (thread) return thread.run(work).then(() => undefined);
      runAppendWork(this.#appender, work);
    };
    const done: Promise<void> = this.#deleting
      ? this.#deleting.then(run)
      : new Promise<void>((resolve) => resolve(run()));
    return this.#track(done);
  }

  /**
   * Reads run often (a scan is a read per 2 000 events): the statement of each query shape is
   * prepared once, rows come as arrays, and stream names come from a cache by id (stream ids are
   * never reused) rather than a join per row. A group that holds invocation records (a span of 0
   * or more) is read through them (log-records.ts); one of plain events only, by the plain query.
   */
  readEvents(q: EventQuery): Promise<StoredLogEvent[]> {
    return this.#afterWrites(() => {
      const span = this.#recordSpan(q.groupName);
      if (span === undefined) return [];
      if (span >= 0) {
        return readThroughRecords(q, span, (from, limit) => {
          const { sql, params } = eventsSql({ ...q, limit }, "?", { span, from });
          const rows = this.#read(sql).all(...params) as RecordRowArray[];
          return rows.map((row) => ({ row, streamName: this.#streamName(row[1]) }));
        });
      }
      const { sql, params } = eventsSql(q, "?");
      const rows = this.#read(sql).all(...params) as EventRowArray[];
      const events: StoredLogEvent[] = new Array<StoredLogEvent>(rows.length);
      for (let i = 0; i < rows.length; i++) {
        const [id, stream, timestamp, ingestionTime, message] = rows[i] as EventRowArray;
        events[i] = { id, streamName: this.#streamName(stream), timestamp, ingestionTime, message };
      }
      return events;
    });
  }

  /** The prepared statement of a read's text, rows as arrays. */
  #read(sql: string): Statement {
    let statement = this.#reads.get(sql);
    if (!statement) {
      if (this.#reads.size >= 64) this.#reads.clear();
      statement = this.#db.prepare(sql).raw(true);
      this.#reads.set(sql, statement);
    }
    return statement;
  }

  /** A group's longest record (-1: it holds none), or undefined when there is no such group. */
  #recordSpan(groupName: string): number | undefined {
    return this.#recordSpanOf.get(groupName) as number | undefined;
  }

  measureRange(r: RangeQuery): Promise<RangeMeasure> {
    return settle(() => {
      const span = this.#recordSpan(r.groupName) ?? -1;
      const sql = span < 0 ? measureSql("?") : `${measureSql("?")} AND e.record IS NULL`;
      const row = this.#db.prepare(sql).get(r.groupName, r.startTime, r.endTime) as RangeMeasure;
      let { records, bytes } = row;
      if (span < 0) return { records, bytes };
      // The records whose events may fall in the range, each made into its events and measured.
      const rows = this.#db
        .prepare(
          `SELECT e.id, e.stream_id, e.ts, e.ingested_at, e.message, e.end_ts, e.first_id, e.record FROM log_events e
           WHERE e.group_id = (SELECT id FROM log_groups WHERE name = ?) AND e.record IS NOT NULL
             AND e.ts >= ? AND e.ts < ? AND e.end_ts >= ?`,
        )
        .raw(true)
        .all(r.groupName, r.startTime - span, r.endTime, r.startTime) as RecordRowArray[];
      for (const row of rows) {
        rowEvents(row, { groupName: r.groupName, streamName: "" }, (e) => {
          if (e.timestamp < r.startTime || e.timestamp >= r.endTime) return;
          records++;
          bytes += Buffer.byteLength(e.message);
        });
      }
      return { records, bytes };
    });
  }

  #streamName(id: number): string {
    let name = this.#streamNames.get(id);
    if (name === undefined) {
      const row = this.#db.prepare("SELECT name FROM log_streams WHERE id = ?").get(id) as { name: string } | undefined;
      name = row?.name ?? "";
      if (this.#streamNames.size > 10_000) this.#streamNames.clear();
      this.#streamNames.set(id, name);
    }
    return name;
  }

  putSubscriptionFilter(f: SubscriptionFilterRecord, maxPerGroup: number): Promise<"ok" | "limit" | "no-group"> {
    return this.#afterWrites(() =>
      this.#db.transaction(() => {
        if (!this.#db.prepare("SELECT 1 FROM log_groups WHERE name = ?").get(f.groupName)) return "no-group";
        const others = this.#db
          .prepare("SELECT count(*) AS n FROM log_subscription_filters WHERE group_name = ? AND name <> ?")
          .get(f.groupName, f.name) as { n: number };
        if (others.n >= maxPerGroup) return "limit";
        this.#db
          .prepare(
            `INSERT INTO log_subscription_filters (${FILTER_COLUMNS})
             VALUES (?, ?, ?, ?, ?, ?, ?, (SELECT coalesce(max(id), 0) FROM log_events)) ${FILTER_UPDATE}`,
          )
          .run(...filterParams(f));
        return "ok";
      })(),
    );
  }

  listSubscriptionFilters(groupName?: string): Promise<SubscriptionFilterState[]> {
    return this.#afterWrites(() =>
      (
        this.#db
          .prepare("SELECT * FROM log_subscription_filters WHERE ? IS NULL OR group_name = ? ORDER BY group_name, name")
          .all(groupName ?? null, groupName ?? null) as FilterRow[]
      ).map(filterOf),
    );
  }

  deleteSubscriptionFilter(groupName: string, name: string): Promise<boolean> {
    return this.#afterWrites(
      () =>
        this.#db.prepare("DELETE FROM log_subscription_filters WHERE group_name = ? AND name = ?").run(groupName, name)
          .changes === 1,
    );
  }

  advanceSubscriptionCursor(groupName: string, name: string, from: number, to: number): Promise<boolean> {
    return this.#afterWrites(
      () =>
        this.#db
          .prepare(
            "UPDATE log_subscription_filters SET last_event_id = ? WHERE group_name = ? AND name = ? AND last_event_id = ?",
          )
          .run(to, groupName, name, from).changes === 1,
    );
  }

  readEventsSince(
    groupName: string,
    afterId: number,
    o: { limit: number; ingestedBefore: number },
  ): Promise<StoredLogEvent[]> {
    return this.#afterWrites(() => {
      // The primary key's range (ids above the cursor) is scanned: only events newer than it. A
      // record's row has the id of its last event, so the first row read may begin at or before the cursor.
      const rows = this.#db
        .prepare(
          `SELECT id, stream_id, ts, ingested_at, message, end_ts, first_id, record FROM log_events
           WHERE id > ? AND group_id = (SELECT id FROM log_groups WHERE name = ?) AND ingested_at < ?
           ORDER BY id LIMIT ?`,
        )
        .raw(true)
        .all(afterId, groupName, o.ingestedBefore, o.limit) as RecordRowArray[];
      const events: StoredLogEvent[] = [];
      for (const row of rows) {
        rowEvents(row, { groupName, streamName: this.#streamName(row[1]) }, (e) => {
          if (e.id > afterId && events.length < o.limit) events.push(e);
        });
      }
      return events;
    });
  }

  /** Deletes the rows all of whose events are past their group's retention; counts the events. */
  expire(now: number): Promise<number> {
    return this.#afterWrites(() =>
      this.#db.transaction(() => {
        const groups = this.#db
          .prepare("SELECT id, retention_days FROM log_groups WHERE retention_days IS NOT NULL")
          .all() as { id: number; retention_days: number }[];
        const where = "WHERE group_id = ? AND ts < ? AND coalesce(end_ts, ts) < ?";
        const count = this.#db.prepare(
          `SELECT coalesce(sum(id - coalesce(first_id, id) + 1), 0) FROM log_events ${where}`,
        );
        const del = this.#db.prepare(`DELETE FROM log_events ${where}`);
        let deleted = 0;
        for (const g of groups) {
          const before = now - g.retention_days * DAY_MS;
          deleted += count.pluck().get(g.id, before, before) as number;
          del.run(g.id, before, before);
        }
        return deleted;
      })(),
    );
  }

  /** Waits for the appends in flight, ends the append thread, then closes the connection. */
  async close(): Promise<void> {
    await this.#lastWrite;
    await this.#thread?.close();
    closeDatabase(this.#db);
  }
}
