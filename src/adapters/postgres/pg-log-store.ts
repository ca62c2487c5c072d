import { createHash } from "node:crypto";
import { batchColumns, type LogBatch } from "../../domain/log-batch.js";
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
import type { PgDatabase, Queryable } from "./database.js";

const STREAM_SELECT = `SELECT s.*, g.name AS group_name FROM log_streams s JOIN log_groups g ON g.id = s.group_id`;

/**
 * The LogStore on PostgreSQL, shared by the nodes of a cluster. A batch is one INSERT of arrays
 * (unnest), so that its cost does not grow with round trips.
 */
export class PgLogStore implements LogStore {
  readonly #db: PgDatabase;
  /** Prepared-statement names by text: a name is a hash of its text, so stores sharing a pool agree. */
  readonly #statementNames = new Map<string, string>();
  /** Stream names by id (ids are never reused): rows carry ids, not a join per row. */
  readonly #streamNames = new Map<number, string>();
  #closed = false;

  /** A store over `db` (already open and migrated); it releases its use of `db` on close. */
  constructor(db: PgDatabase) {
    this.#db = db;
    db.retain();
  }

  async createGroup(g: LogGroupRecord): Promise<boolean> {
    const sql = `INSERT INTO log_groups (name, created_at, retention_days, log_group_class, tags)
      VALUES ($1, $2, $3, $4, $5) ON CONFLICT (name) DO NOTHING`;
    const params = [g.name, g.createdAt, g.retentionDays ?? null, g.logGroupClass, JSON.stringify(g.tags)];
    return (await this.#db.run(sql, params)) === 1;
  }

  async getGroup(name: string): Promise<LogGroupRecord | undefined> {
    const [row] = await this.#db.rows<GroupRow>("SELECT * FROM log_groups WHERE name = $1", [name]);
    return row && groupOf(row);
  }

  async listGroups(q: ListQuery): Promise<LogGroupRecord[]> {
    const rows = await this.#db.rows<GroupRow>(
      "SELECT * FROM log_groups WHERE starts_with(name, $1) AND name > $2 ORDER BY name LIMIT $3",
      [q.prefix ?? "", q.after ?? "", q.limit],
    );
    return rows.map(groupOf);
  }

  async setRetention(name: string, days: number | null): Promise<boolean> {
    return (await this.#db.run("UPDATE log_groups SET retention_days = $1 WHERE name = $2", [days, name])) === 1;
  }

  async setTags(name: string, tags: Readonly<Record<string, string>>): Promise<boolean> {
    return (await this.#db.run("UPDATE log_groups SET tags = $1 WHERE name = $2", [JSON.stringify(tags), name])) === 1;
  }

  deleteGroup(name: string): Promise<boolean> {
    return this.#db.transaction(async (q) => {
      const [row] = await this.#db.rows<{ id: string }>(
        "SELECT id FROM log_groups WHERE name = $1 FOR UPDATE",
        [name],
        q,
      );
      if (!row) return false;
      await this.#db.run("DELETE FROM log_events WHERE group_id = $1", [row.id], q);
      await this.#db.run("DELETE FROM log_groups WHERE id = $1", [row.id], q);
      await this.#db.run("DELETE FROM log_subscription_filters WHERE group_name = $1", [name], q);
      return true;
    });
  }

  async createStream(groupName: string, streamName: string, createdAt: number) {
    const [group] = await this.#db.rows<{ id: string }>("SELECT id FROM log_groups WHERE name = $1", [groupName]);
    if (!group) return "no-group" as const;
    const inserted = await this.#db.run(
      "INSERT INTO log_streams (group_id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
      [group.id, streamName, createdAt],
    );
    return inserted === 1 ? ("created" as const) : ("exists" as const);
  }

  async getStream(groupName: string, streamName: string): Promise<LogStreamRecord | undefined> {
    const sql = `${STREAM_SELECT} WHERE g.name = $1 AND s.name = $2`;
    const [row] = await this.#db.rows<StreamRow>(sql, [groupName, streamName]);
    return row && streamOf(row);
  }

  async listStreams(groupName: string, q: ListQuery): Promise<LogStreamRecord[]> {
    const sql = `${STREAM_SELECT} WHERE g.name = $1 AND starts_with(s.name, $2) AND s.name > $3 ORDER BY s.name LIMIT $4`;
    const rows = await this.#db.rows<StreamRow>(sql, [groupName, q.prefix ?? "", q.after ?? "", q.limit]);
    return rows.map(streamOf);
  }

  deleteStream(groupName: string, streamName: string): Promise<boolean> {
    return this.#db.transaction(async (q) => {
      const [row] = await this.#db.rows<{ id: string }>(
        "SELECT s.id FROM log_streams s JOIN log_groups g ON g.id = s.group_id WHERE g.name = $1 AND s.name = $2",
        [groupName, streamName],
        q,
      );
      if (!row) return false;
      await this.#db.run("DELETE FROM log_events WHERE stream_id = $1", [row.id], q);
      await this.#db.run("DELETE FROM log_streams WHERE id = $1", [row.id], q);
      return true;
    });
  }

  async append(events: readonly LogEventInput[], ingestionTime: number, options: { create?: boolean } = {}) {
    if (events.length === 0) return;
    await this.#db.transaction(async (q) => {
      if (options.create) await this.#ensure(events, ingestionTime, q);
      const groups: string[] = [];
      const streams: string[] = [];
      const times: number[] = [];
      const messages: string[] = [];
      for (const e of events) {
        groups.push(e.groupName);
        streams.push(e.streamName);
        times.push(e.timestamp);
        messages.push(e.message);
      }
      const inserted = await this.#db.run(
        `INSERT INTO log_events (group_id, stream_id, ts, ingested_at, message)
         SELECT s.group_id, s.id, v.ts, $5, v.message
         FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[]) WITH ORDINALITY AS v(g, s, ts, message, n)
         JOIN log_groups g ON g.name = v.g JOIN log_streams s ON s.group_id = g.id AND s.name = v.s
         ORDER BY v.n`,
        [groups, streams, times, messages, ingestionTime],
        q,
      );
      if (inserted !== events.length) throw new Error("a log stream of the batch does not exist");
      await this.#db.run(
        `UPDATE log_streams s SET first_event_at = LEAST(s.first_event_at, t.first),
           last_event_at = GREATEST(s.last_event_at, t.last), last_ingestion_at = $4
         FROM (SELECT g, st, min(ts) AS first, max(ts) AS last
               FROM unnest($1::text[], $2::text[], $3::bigint[]) AS v(g, st, ts) GROUP BY g, st) t, log_groups g
         WHERE g.name = t.g AND s.group_id = g.id AND s.name = t.st`,
        [groups, streams, times, ingestionTime],
        q,
      );
    });
  }

  /** The batch's events, formatted here, appended as `append` does. */
  appendBatch(batch: LogBatch, ingestionTime: number): Promise<void> {
    const c = batchColumns(batch);
    const events: LogEventInput[] = new Array<LogEventInput>(c.messages.length);
    for (let i = 0; i < events.length; i++) {
      const ref = (c.refs[i] as number) * 2;
      const groupName = c.pairs[ref] as string;
      const streamName = c.pairs[ref + 1] as string;
      events[i] = { groupName, streamName, timestamp: c.timestamps[i] as number, message: c.messages[i] as string };
    }
    return this.append(events, ingestionTime, { create: true });
  }

  async #ensure(events: readonly LogEventInput[], now: number, q: Queryable): Promise<void> {
    const pairs = new Map<string, LogEventInput>();
    for (const e of events) pairs.set(`${e.groupName}\n${e.streamName}`, e);
    const groups = [...pairs.values()].map((e) => e.groupName);
    const streams = [...pairs.values()].map((e) => e.streamName);
    await this.#db.run(
      `INSERT INTO log_groups (name, created_at, log_group_class, tags)
       SELECT DISTINCT g, $2::bigint, 'STANDARD', '{}' FROM unnest($1::text[]) AS g ORDER BY g ON CONFLICT (name) DO NOTHING`,
      [groups, now],
      q,
    );
    await this.#db.run(
      `INSERT INTO log_streams (group_id, name, created_at)
       SELECT g.id, v.s, $3 FROM unnest($1::text[], $2::text[]) AS v(g, s) JOIN log_groups g ON g.name = v.g
       ORDER BY g.id, v.s ON CONFLICT DO NOTHING`,
      [groups, streams, now],
      q,
    );
  }

  /**
   * Reads run often (a scan is a read per 2 000 events): each query shape is a named statement,
   * parsed and planned once per connection; rows come as arrays, stream names from a cache by id.
   * Shapes with message terms vary with each Insights query and are not kept.
   */
  async readEvents(q: EventQuery): Promise<StoredLogEvent[]> {
    const { sql, params } = eventsSql(q, "$");
    const name = q.messageTerms && q.messageTerms.length > 0 ? undefined : this.#statementName(sql);
    return this.#eventsOf(await this.#db.arrays<EventRowArray>({ text: sql, name }, params));
  }

  async measureRange(r: RangeQuery): Promise<RangeMeasure> {
    const [row] = await this.#db.rows<RangeMeasure>(measureSql("$"), [r.groupName, r.startTime, r.endTime]);
    return { records: row?.records ?? 0, bytes: row?.bytes ?? 0 };
  }

  #statementName(sql: string): string {
    let name = this.#statementNames.get(sql);
    if (name === undefined) {
      if (this.#statementNames.size >= 64) this.#statementNames.clear();
      name = `haneul_logs_${createHash("sha1").update(sql).digest("hex").slice(0, 24)}`;
      this.#statementNames.set(sql, name);
    }
    return name;
  }

  async #eventsOf(rows: EventRowArray[]): Promise<StoredLogEvent[]> {
    await this.#learnStreamNames(rows);
    const events = new Array<StoredLogEvent>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const [id, stream, timestamp, ingestionTime, message] = rows[i] as EventRowArray;
      events[i] = { id, streamName: this.#streamNames.get(stream) ?? "", timestamp, ingestionTime, message };
    }
    return events;
  }

  /** Fetches, in one statement, the names of the rows' streams not yet cached. */
  async #learnStreamNames(rows: readonly EventRowArray[]): Promise<void> {
    let missing: Set<number> | undefined;
    for (const row of rows) if (!this.#streamNames.has(row[1])) (missing ??= new Set()).add(row[1]);
    if (!missing) return;
    const named = await this.#db.arrays<[number, string]>(
      {
        name: "haneul_logs_stream_names",
        text: "SELECT id::float8, name FROM log_streams WHERE id = ANY($1::bigint[])",
      },
      [[...missing]],
    );
    if (this.#streamNames.size + named.length > 10_000) this.#streamNames.clear();
    for (const [id, name] of named) this.#streamNames.set(id, name);
  }

  putSubscriptionFilter(f: SubscriptionFilterRecord, maxPerGroup: number): Promise<"ok" | "limit" | "no-group"> {
    return this.#db.transaction(async (q) => {
      // The group's row, locked: two nodes adding a filter to one group at once count in turn.
      const [group] = await this.#db.rows("SELECT id FROM log_groups WHERE name = $1 FOR UPDATE", [f.groupName], q);
      if (!group) return "no-group";
      const [others] = await this.#db.rows<{ n: string }>(
        "SELECT count(*) AS n FROM log_subscription_filters WHERE group_name = $1 AND name <> $2",
        [f.groupName, f.name],
        q,
      );
      if (Number(others?.n ?? 0) >= maxPerGroup) return "limit";
      await this.#db.run(
        `INSERT INTO log_subscription_filters (${FILTER_COLUMNS})
         VALUES ($1, $2, $3, $4, $5, $6, $7, (SELECT coalesce(max(id), 0) FROM log_events)) ${FILTER_UPDATE}`,
        filterParams(f),
        q,
      );
      return "ok";
    });
  }

  async listSubscriptionFilters(groupName?: string): Promise<SubscriptionFilterState[]> {
    const rows = await this.#db.rows<FilterRow>(
      "SELECT * FROM log_subscription_filters WHERE $1::text IS NULL OR group_name = $1 ORDER BY group_name, name",
      [groupName ?? null],
    );
    return rows.map(filterOf);
  }

  async deleteSubscriptionFilter(groupName: string, name: string): Promise<boolean> {
    const sql = "DELETE FROM log_subscription_filters WHERE group_name = $1 AND name = $2";
    return (await this.#db.run(sql, [groupName, name])) === 1;
  }

  async advanceSubscriptionCursor(groupName: string, name: string, from: number, to: number): Promise<boolean> {
    const sql = `UPDATE log_subscription_filters SET last_event_id = $1
      WHERE group_name = $2 AND name = $3 AND last_event_id = $4`;
    return (await this.#db.run(sql, [to, groupName, name, from])) === 1;
  }

  async readEventsSince(
    groupName: string,
    afterId: number,
    o: { limit: number; ingestedBefore: number },
  ): Promise<StoredLogEvent[]> {
    const rows = await this.#db.arrays<EventRowArray>(
      {
        name: "haneul_logs_events_since",
        text: `SELECT e.id::float8, e.stream_id::float8, e.ts::float8, e.ingested_at::float8, e.message FROM log_events e
          WHERE e.id > $1 AND e.group_id = (SELECT id FROM log_groups WHERE name = $2) AND e.ingested_at < $3
          ORDER BY e.id LIMIT $4`,
      },
      [afterId, groupName, o.ingestedBefore, o.limit],
    );
    return this.#eventsOf(rows);
  }

  async expire(now: number): Promise<number> {
    return this.#db.run(
      `DELETE FROM log_events e USING log_groups g
       WHERE g.retention_days IS NOT NULL AND e.group_id = g.id AND e.ts < $1::bigint - g.retention_days::bigint * $2`,
      [now, DAY_MS],
    );
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#db.release();
  }
}
