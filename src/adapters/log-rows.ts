/** Rows of the log tables and the event query, shared by the SQLite and PostgreSQL log stores. */
import type {
  EventQuery,
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

/** A row of the event query. */
export interface EventRow {
  readonly id: number;
  readonly stream: string;
  readonly ts: number;
  readonly ingested_at: number;
  readonly message: string;
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

/**
 * The SELECT of an event query, with placeholders `?` (SQLite) or `$n` (PostgreSQL). Numbers are
 * read as float8 on PostgreSQL so that they come back as numbers.
 */
export function eventsSql(
  q: EventQuery,
  style: "?" | "$",
  options: { streamIds?: boolean } = {},
): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const p = (v: unknown): string => {
    params.push(v);
    return style === "?" ? "?" : `$${params.length}`;
  };
  const n = (col: string): string => (style === "$" ? `${col}::float8` : col);
  const where = [`e.group_id = (SELECT id FROM log_groups WHERE name = ${p(q.groupName)})`];
  const streams: string[] = [];
  if (q.streamNames && q.streamNames.length > 0)
    streams.push(`s.name IN (${q.streamNames.map((s) => p(s)).join(", ")})`);
  if (q.streamPrefix) streams.push(`substr(s.name, 1, ${p(q.streamPrefix.length)}) = ${p(q.streamPrefix)}`);
  if (options.streamIds && streams.length > 0) {
    where.push(
      `e.stream_id IN (SELECT s.id FROM log_streams s WHERE s.group_id = e.group_id AND ${streams.join(" AND ")})`,
    );
  } else where.push(...streams);
  if (q.startTime !== undefined) where.push(`e.ts >= ${p(q.startTime)}`);
  if (q.endTime !== undefined) where.push(`e.ts < ${p(q.endTime)}`);
  const dir = q.descending ? "DESC" : "ASC";
  if (q.after) where.push(`(e.ts, e.id) ${q.descending ? "<" : ">"} (${p(q.after.timestamp)}, ${p(q.after.id)})`);
  // With streamIds, rows carry the stream's id, not its name: no join per row (the caller maps ids).
  const columns = `${n("e.id")} AS id, ${options.streamIds ? "e.stream_id" : "s.name"} AS stream, ${n("e.ts")} AS ts`;
  const from = options.streamIds ? "log_events e" : "log_events e JOIN log_streams s ON s.id = e.stream_id";
  const sql =
    `SELECT ${columns}, ${n("e.ingested_at")} AS ingested_at, e.message FROM ${from} WHERE ${where.join(" AND ")}` +
    ` ORDER BY e.ts ${dir}, e.id ${dir} LIMIT ${p(q.limit)}`;
  return { sql, params };
}

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
