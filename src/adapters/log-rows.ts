/** Rows of the log tables and the event query, shared by the SQLite and PostgreSQL log stores. */
import type {
  EventCursor,
  EventQuery,
  MessageTerm,
  LogGroupRecord,
  LogStreamRecord,
  SubscriptionFilterRecord,
  SubscriptionFilterState,
} from "../ports/log-store.js";

/** A log_groups row (PostgreSQL gives BIGINT columns as strings). */
export interface GroupRow {
  readonly name: string;
  readonly created_at: number | string;
  readonly retention_days: number | null;
  readonly log_group_class: string;
  readonly tags: string;
}

/** A log_streams row joined with its group's name. */
export interface StreamRow {
  readonly group_name: string;
  readonly name: string;
  readonly created_at: number | string;
  readonly first_event_at: number | string | null;
  readonly last_event_at: number | string | null;
  readonly last_ingestion_at: number | string | null;
}

const num = (v: number | string | null): number | undefined => (v === null ? undefined : Number(v));

/** A group record from its row. */
export function groupOf(r: GroupRow): LogGroupRecord {
  return {
    name: r.name,
    createdAt: Number(r.created_at),
    retentionDays: r.retention_days ?? undefined,
    logGroupClass: r.log_group_class,
    tags: JSON.parse(r.tags) as Record<string, string>,
  };
}

/** A stream record from its row. */
export function streamOf(r: StreamRow): LogStreamRecord {
  return {
    groupName: r.group_name,
    name: r.name,
    createdAt: Number(r.created_at),
    firstEventAt: num(r.first_event_at),
    lastEventAt: num(r.last_event_at),
    lastIngestionAt: num(r.last_ingestion_at),
  };
}

const LIKE_SPECIAL = /[\\%_]/g;

/** One term's condition on e.message; `p` adds a parameter and returns its placeholder. */
function termSql(t: MessageTerm, style: "?" | "$", p: (v: unknown) => string): string {
  if (t.ignoreCase) {
    // Case-insensitive terms are ASCII: LIKE (SQLite) and ILIKE on the "C" collation fold ASCII letters.
    const pattern = `${t.atStart ? "" : "%"}${t.text.replace(LIKE_SPECIAL, "\\$&")}%`;
    return style === "$" ? `e.message ILIKE ${p(pattern)}` : `e.message LIKE ${p(pattern)} ESCAPE '\\'`;
  }
  if (style === "$") return t.atStart ? `starts_with(e.message, ${p(t.text)})` : `strpos(e.message, ${p(t.text)}) > 0`;
  // SQLite's substr counts characters (code points), not UTF-16 units.
  return t.atStart
    ? `substr(e.message, 1, ${p([...t.text].length)}) = ${p(t.text)}`
    : `instr(e.message, ${p(t.text)}) > 0`;
}

/** The conditions of a read's message terms: every clause, one of its terms. */
function termsSql(q: EventQuery, style: "?" | "$", p: (v: unknown) => string): string[] {
  return (q.messageTerms ?? []).map((clause) =>
    clause.length === 0 ? "1 = 0" : `(${clause.map((t) => termSql(t, style, p)).join(" OR ")})`,
  );
}

/** The condition on e.stream_id: the group's matching stream ids, computed once per statement (not per row). */
function streamsSql(q: EventQuery, style: "?" | "$", o: { group: string; p: (v: unknown) => string }): string {
  const { p } = o;
  const one = q.streamNames?.length === 1 && !q.streamPrefix ? q.streamNames[0] : undefined;
  if (one !== undefined) return oneStreamSql(q, style, { ...o, name: one });
  // PostgreSQL reuses the group's parameter; SQLite's `?` are positional.
  let ids = `SELECT s.id FROM log_streams s WHERE s.group_id = (SELECT id FROM log_groups WHERE name = ${
    style === "$" ? o.group : p(q.groupName)
  })`;
  if (q.streamNames && q.streamNames.length > 0) {
    ids +=
      style === "$"
        ? ` AND s.name = ANY(${p(q.streamNames)}::text[])`
        : ` AND s.name IN (${q.streamNames.map((s) => p(s)).join(", ")})`;
  }
  if (q.streamPrefix) ids += ` AND substr(s.name, 1, ${p(q.streamPrefix.length)}) = ${p(q.streamPrefix)}`;
  return style === "$" ? `e.stream_id = ANY(ARRAY(${ids}))` : `e.stream_id IN (${ids})`;
}

/**
 * The condition of a read of one stream (GetLogEvents): its id by equality, so PostgreSQL's
 * `(stream_id, ts, id)` index gives its events in order, and its first and last events' times, so
 * the group's `(group_id, ts, id)` range narrows to the stream's life (SQLite has no per-stream
 * index: it would cost appends more than it saves reads; see docs/BENCHMARKS.md).
 */
function oneStreamSql(
  q: EventQuery,
  style: "?" | "$",
  o: { group: string; p: (v: unknown) => string; name: string },
): string {
  const { p } = o;
  const of = (column: string): string =>
    `(SELECT s.${column} FROM log_streams s WHERE s.group_id = (SELECT id FROM log_groups WHERE name = ${
      style === "$" ? o.group : p(q.groupName)
    }) AND s.name = ${p(o.name)})`;
  return `e.stream_id = ${of("id")} AND e.ts >= ${of("first_event_at")} AND e.ts <= ${of("last_event_at")}`;
}

/**
 * How a read of a store that keeps invocation records (SQLite: a row standing for the events
 * first_id..id, between ts and end_ts) selects rows: `span` is the group's longest record (ms), by
 * which a time bound or a cursor widens its index range; `from` continues after a row already read.
 */
export interface RecordRows {
  readonly span: number;
  readonly from?: EventCursor | undefined;
}

/**
 * The SELECT of an event query, with placeholders `?` (SQLite) or `$n` (PostgreSQL). Rows are
 * (id, stream id, ts, ingested_at, message): the caller maps stream ids to names from a cache
 * rather than joining per row. Numbers are read as float8 on PostgreSQL so that they come back as
 * numbers. The statement's text depends only on the query's shape (PostgreSQL takes stream names
 * as one array), so adapters prepare each shape once. With `records` (SQLite), rows also carry
 * (end_ts, first_id, record), and the conditions keep every row that may hold a matching event:
 * the caller makes a record's events and tests each (log-records.ts).
 */
export function eventsSql(q: EventQuery, style: "?" | "$", records?: RecordRows): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const p = (v: unknown): string => {
    params.push(v);
    return style === "?" ? "?" : `$${params.length}`;
  };
  const n = (col: string): string => (style === "$" ? `${col}::float8` : col);
  const group = p(q.groupName);
  const where = [`e.group_id = (SELECT id FROM log_groups WHERE name = ${group})`];
  if ((q.streamNames && q.streamNames.length > 0) || q.streamPrefix) where.push(streamsSql(q, style, { group, p }));
  const span = records?.span;
  if (q.startTime !== undefined) {
    if (span === undefined) where.push(`e.ts >= ${p(q.startTime)}`);
    else where.push(`e.ts >= ${p(q.startTime - span)}`, `coalesce(e.end_ts, e.ts) >= ${p(q.startTime)}`);
  }
  if (q.endTime !== undefined) where.push(`e.ts < ${p(q.endTime)}`);
  const dir = q.descending ? "DESC" : "ASC";
  const after = q.after;
  if (after && span === undefined) {
    where.push(`(e.ts, e.id) ${q.descending ? "<" : ">"} (${p(after.timestamp)}, ${p(after.id)})`);
  } else if (after && !q.descending) {
    // A row whose last event follows the cursor: its first may be up to the span before it.
    where.push(`e.ts >= ${p(after.timestamp - (span ?? 0))}`);
    where.push(`(coalesce(e.end_ts, e.ts), e.id) > (${p(after.timestamp)}, ${p(after.id)})`);
  } else if (after) {
    // A row whose first event precedes the cursor.
    where.push(`e.ts <= ${p(after.timestamp)}`);
    where.push(`(e.ts, coalesce(e.first_id, e.id)) < (${p(after.timestamp)}, ${p(after.id)})`);
  }
  const from = records?.from;
  if (from) where.push(`(e.ts, e.id) ${q.descending ? "<" : ">"} (${p(from.timestamp)}, ${p(from.id)})`);
  const terms = termsSql(q, style, p);
  if (records && terms.length > 0) where.push(`(e.record IS NOT NULL OR (${terms.join(" AND ")}))`);
  else where.push(...terms);
  const columns = `${n("e.id")}, ${n("e.stream_id")}, ${n("e.ts")}, ${n("e.ingested_at")}, e.message`;
  const sql =
    `SELECT ${columns}${records ? ", e.end_ts, e.first_id, e.record" : ""} FROM log_events e` +
    ` WHERE ${where.join(" AND ")} ORDER BY e.ts ${dir}, e.id ${dir} LIMIT ${p(q.limit)}`;
  return { sql, params };
}

/**
 * The statement measuring a group's time range: its events and their messages' UTF-8 bytes
 * (SQLite's length of a text cast to a blob counts bytes; PostgreSQL's octet_length).
 */
export function measureSql(style: "?" | "$"): string {
  const [g, from, to] = style === "$" ? ["$1", "$2", "$3"] : ["?", "?", "?"];
  const bytes = style === "$" ? "octet_length(e.message)" : "length(CAST(e.message AS BLOB))";
  const num = (x: string): string => (style === "$" ? `(${x})::float8` : x);
  return (
    `SELECT ${num("count(*)")} AS records, ${num(`coalesce(sum(${bytes}), 0)`)} AS bytes FROM log_events e` +
    ` WHERE e.group_id = (SELECT id FROM log_groups WHERE name = ${g}) AND e.ts >= ${from} AND e.ts < ${to}`
  );
}

/** A row of an event read: id, stream id, timestamp, ingestion time, message. */
export type EventRowArray = [number, number, number, number, string];

/** A log_subscription_filters row. */
export interface FilterRow {
  readonly group_name: string;
  readonly name: string;
  readonly filter_pattern: string;
  readonly destination_arn: string;
  readonly role_arn: string | null;
  readonly distribution: string;
  readonly created_at: number | string;
  readonly last_event_id: number | string;
}

/** A subscription filter from its row. */
export function filterOf(r: FilterRow): SubscriptionFilterState {
  return {
    groupName: r.group_name,
    name: r.name,
    filterPattern: r.filter_pattern,
    destinationArn: r.destination_arn,
    roleArn: r.role_arn ?? undefined,
    distribution: r.distribution,
    createdAt: Number(r.created_at),
    cursor: Number(r.last_event_id),
  };
}

/** The parameters of a filter's upsert, in the column order of FILTER_COLUMNS. */
export function filterParams(f: SubscriptionFilterRecord): unknown[] {
  return [f.groupName, f.name, f.filterPattern, f.destinationArn, f.roleArn ?? null, f.distribution, f.createdAt];
}

/** The columns filterParams fills (then last_event_id). */
export const FILTER_COLUMNS =
  "group_name, name, filter_pattern, destination_arn, role_arn, distribution, created_at, last_event_id";

/** What an upsert of an existing filter changes: everything but its creation time and cursor. */
export const FILTER_UPDATE = `ON CONFLICT (group_name, name) DO UPDATE SET filter_pattern = excluded.filter_pattern,
  destination_arn = excluded.destination_arn, role_arn = excluded.role_arn, distribution = excluded.distribution`;
