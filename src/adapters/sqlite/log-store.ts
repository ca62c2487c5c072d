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

const ROWS_PER_INSERT = 100;

interface Ids {
  readonly group: number;
  readonly stream: number;
}

/**
 * The LogStore on SQLite. Appends are one transaction of prepared inserts per batch; the ids of
 * groups and streams are cached (a group or stream deleted through this store leaves the cache).
 */
export class SqliteLogStore implements LogStore {
  readonly #db: Database;
  readonly #insertEvent: Statement;
  /** ROWS_PER_INSERT events in one statement: far fewer statement runs per batch. */
  readonly #insertRows: Statement;
  readonly #touchStream: Statement;
  readonly #ids = new Map<string, Ids>();
  readonly #reads = new Map<string, Statement>();
  readonly #streamNames = new Map<number, string>();

  private constructor(db: Database) {
    this.#db = db;
    this.#insertEvent = db.prepare(
      "INSERT INTO log_events (group_id, stream_id, ts, ingested_at, message) VALUES (?, ?, ?, ?, ?)",
    );
    this.#insertRows = db.prepare(
      "INSERT INTO log_events (group_id, stream_id, ts, ingested_at, message) VALUES " +
        Array.from({ length: ROWS_PER_INSERT }, () => "(?, ?, ?, ?, ?)").join(", "),
    );
    this.#touchStream = db.prepare(
      `UPDATE log_streams SET first_event_at = min(coalesce(first_event_at, @first), @first),
         last_event_at = max(coalesce(last_event_at, @last), @last), last_ingestion_at = @ingested WHERE id = @id`,
    );
  }

  /** Opens (and migrates) the database. */
  static open(options: SqliteDatabaseOptions): SqliteLogStore {
    return new SqliteLogStore(openDatabase(options));
  }

  createGroup(g: LogGroupRecord): Promise<boolean> {
    return settle(
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
    return settle(() => {
      const row = this.#db.prepare("SELECT * FROM log_groups WHERE name = ?").get(name) as GroupRow | undefined;
      return row && groupOf(row);
    });
  }

  listGroups(q: ListQuery): Promise<LogGroupRecord[]> {
    return settle(() =>
      (
        this.#db
          .prepare("SELECT * FROM log_groups WHERE substr(name, 1, ?) = ? AND name > ? ORDER BY name LIMIT ?")
          .all((q.prefix ?? "").length, q.prefix ?? "", q.after ?? "", q.limit) as GroupRow[]
      ).map(groupOf),
    );
  }

  setRetention(name: string, days: number | null): Promise<boolean> {
    return settle(
      () => this.#db.prepare("UPDATE log_groups SET retention_days = ? WHERE name = ?").run(days, name).changes === 1,
    );
  }

  setTags(name: string, tags: Readonly<Record<string, string>>): Promise<boolean> {
    return settle(
      () =>
        this.#db.prepare("UPDATE log_groups SET tags = ? WHERE name = ?").run(JSON.stringify(tags), name).changes === 1,
    );
  }

  deleteGroup(name: string): Promise<boolean> {
    return settle(() =>
      this.#db.transaction(() => {
        const row = this.#db.prepare("SELECT id FROM log_groups WHERE name = ?").get(name) as
          { id: number } | undefined;
        if (!row) return false;
        this.#db.prepare("DELETE FROM log_events WHERE group_id = ?").run(row.id);
        this.#db.prepare("DELETE FROM log_groups WHERE id = ?").run(row.id);
        this.#db.prepare("DELETE FROM log_subscription_filters WHERE group_name = ?").run(name);
        this.#ids.clear();
        return true;
      })(),
    );
  }

  createStream(groupName: string, streamName: string, createdAt: number): Promise<"created" | "exists" | "no-group"> {
    return settle(() => {
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
    return settle(() => {
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
    return settle(() =>
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
    return settle(() =>
      this.#db.transaction(() => {
        const row = this.#db
          .prepare(
            "SELECT s.id FROM log_streams s JOIN log_groups g ON g.id = s.group_id WHERE g.name = ? AND s.name = ?",
          )
          .get(groupName, streamName) as { id: number } | undefined;
        if (!row) return false;
        this.#db.prepare("DELETE FROM log_events WHERE stream_id = ?").run(row.id);
        this.#db.prepare("DELETE FROM log_streams WHERE id = ?").run(row.id);
        this.#ids.clear();
        return true;
      })(),
    );
  }

  append(events: readonly LogEventInput[], ingestionTime: number, options: { create?: boolean } = {}): Promise<void> {
    return settle(() => this.#append(events, ingestionTime, options.create === true));
  }

  readonly #append = (events: readonly LogEventInput[], ingestionTime: number, create: boolean): void => {
    this.#db.transaction(() => {
      const spans = new Map<number, { first: number; last: number }>();
      let previous: LogEventInput | undefined;
      let ids: Ids | undefined;
      const row: unknown[] = [];
      for (const e of events) {
        // Events come grouped by stream: the previous event's ids usually serve.
        if (!ids || e.streamName !== previous?.streamName || e.groupName !== previous.groupName) {
          ids = this.#idsOf(e, `${e.groupName}\n${e.streamName}`, create, ingestionTime);
        }
        previous = e;
        row.push(ids.group, ids.stream, e.timestamp, ingestionTime, e.message);
        if (row.length === ROWS_PER_INSERT * 5) {
          this.#insertRows.run(row);
          row.length = 0;
        }
        const span = spans.get(ids.stream);
        if (!span) spans.set(ids.stream, { first: e.timestamp, last: e.timestamp });
        else {
          if (e.timestamp < span.first) span.first = e.timestamp;
          if (e.timestamp > span.last) span.last = e.timestamp;
        }
      }
      for (let i = 0; i < row.length; i += 5) this.#insertEvent.run(row.slice(i, i + 5));
      for (const [stream, span] of spans) this.#touchStream.run({ ...span, ingested: ingestionTime, id: stream });
    })();
  };

  #idsOf(e: LogEventInput, key: string, create: boolean, now: number): Ids {
    const cached = this.#ids.get(key);
    if (cached) return cached;
    if (create) {
      this.#db
        .prepare(
          `INSERT INTO log_groups (name, created_at, log_group_class, tags) VALUES (?, ?, 'STANDARD', '{}')
           ON CONFLICT (name) DO NOTHING`,
        )
        .run(e.groupName, now);
      this.#db
        .prepare(
          `INSERT INTO log_streams (group_id, name, created_at)
           SELECT id, ?, ? FROM log_groups WHERE name = ? ON CONFLICT DO NOTHING`,
        )
        .run(e.streamName, now, e.groupName);
    }
    const row = this.#db
      .prepare(
        `SELECT g.id AS g, s.id AS s FROM log_streams s JOIN log_groups g ON g.id = s.group_id
         WHERE g.name = ? AND s.name = ?`,
      )
      .get(e.groupName, e.streamName) as { g: number; s: number } | undefined;
    if (!row) throw new Error(`log stream ${e.streamName} of group ${e.groupName} does not exist`);
    const ids = { group: row.g, stream: row.s };
    if (this.#ids.size > 10_000) this.#ids.clear();
    this.#ids.set(key, ids);
    return ids;
  }

  /**
   * Reads run often (a scan is a read per 2 000 events): the statement of each query shape is
   * prepared once, rows come as arrays, and stream names come from a cache by id (stream ids are
   * never reused) rather than a join per row.
   */
  readEvents(q: EventQuery): Promise<StoredLogEvent[]> {
    return settle(() => {
      const { sql, params } = eventsSql(q, "?");
      let statement = this.#reads.get(sql);
      if (!statement) {
        if (this.#reads.size >= 64) this.#reads.clear();
        statement = this.#db.prepare(sql).raw(true);
        this.#reads.set(sql, statement);
      }
      const rows = statement.all(...params) as EventRowArray[];
      const events: StoredLogEvent[] = new Array<StoredLogEvent>(rows.length);
      for (let i = 0; i < rows.length; i++) {
        const [id, stream, timestamp, ingestionTime, message] = rows[i] as EventRowArray;
        events[i] = { id, streamName: this.#streamName(stream), timestamp, ingestionTime, message };
      }
      return events;
    });
  }

  measureRange(r: RangeQuery): Promise<RangeMeasure> {
    return settle(() => {
      const row = this.#db.prepare(measureSql("?")).get(r.groupName, r.startTime, r.endTime) as RangeMeasure;
      return { records: row.records, bytes: row.bytes };
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
    return settle(() =>
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
    return settle(() =>
      (
        this.#db
          .prepare("SELECT * FROM log_subscription_filters WHERE ? IS NULL OR group_name = ? ORDER BY group_name, name")
          .all(groupName ?? null, groupName ?? null) as FilterRow[]
      ).map(filterOf),
    );
  }

  deleteSubscriptionFilter(groupName: string, name: string): Promise<boolean> {
    return settle(
      () =>
        this.#db.prepare("DELETE FROM log_subscription_filters WHERE group_name = ? AND name = ?").run(groupName, name)
          .changes === 1,
    );
  }

  advanceSubscriptionCursor(groupName: string, name: string, from: number, to: number): Promise<boolean> {
    return settle(
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
    return settle(() => {
      // The primary key's range (ids above the cursor) is scanned: only events newer than it.
      const rows = this.#db
        .prepare(
          `SELECT id, stream_id, ts, ingested_at, message FROM log_events
           WHERE id > ? AND group_id = (SELECT id FROM log_groups WHERE name = ?) AND ingested_at < ?
           ORDER BY id LIMIT ?`,
        )
        .raw(true)
        .all(afterId, groupName, o.ingestedBefore, o.limit) as [number, number, number, number, string][];
      return rows.map(([id, stream, timestamp, ingestionTime, message]) => ({
        ...{ id, streamName: this.#streamName(stream), timestamp, ingestionTime, message },
      }));
    });
  }

  expire(now: number): Promise<number> {
    return settle(() => {
      const groups = this.#db
        .prepare("SELECT id, retention_days FROM log_groups WHERE retention_days IS NOT NULL")
        .all() as { id: number; retention_days: number }[];
      let deleted = 0;
      const del = this.#db.prepare("DELETE FROM log_events WHERE group_id = ? AND ts < ?");
      for (const g of groups) deleted += del.run(g.id, now - g.retention_days * DAY_MS).changes;
      return deleted;
    });
  }

  close(): Promise<void> {
    closeDatabase(this.#db);
    return Promise.resolve();
  }
}
