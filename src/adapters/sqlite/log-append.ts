/**
 * The SQLite log store's appends, shared by the store's own connection and its append thread. A
 * batch travels as columns (strings and typed arrays), which a thread receives far more cheaply
 * than an array of event objects.
 */
import type { Database, Statement } from "better-sqlite3";
import { visitBatch, type LogBatch, type LogColumns } from "../../domain/log-batch.js";
import { packRecords } from "./log-records.js";
import type { LogEventInput } from "../../ports/log-store.js";

const ROWS_PER_INSERT = 100;
/** The columns of a row of a writer's batch: an event's text, or a record's bytes and the span of its events' ids and times. */
const BATCH_COLUMNS = "id, group_id, stream_id, ts, ingested_at, message, end_ts, first_id, record";
const BATCH_WIDTH = 9;
/** The most records of one stream a row holds. */
const RECORDS_PER_ROW = 64;

/** A stream's records of a batch not yet made a row. */
interface HeldRecords {
  readonly at: Ids;
  readonly blobs: Buffer[];
  count: number;
  first: number;
  last: number;
}

/** A batch of events as columns: `pairs` holds group and stream names in turns; `refs[i]` is event i's pair. */
export type EventColumns = LogColumns;

/** The columns of `events`; runs of events of one stream share their pair. */
export function toColumns(events: readonly LogEventInput[]): EventColumns {
  const n = events.length;
  const pairs: string[] = [];
  const refs = new Int32Array(n);
  const timestamps = new Float64Array(n);
  const messages = new Array<string>(n);
  let group = "";
  let stream = "";
  let ref = -1;
  for (let i = 0; i < n; i++) {
    const e = events[i] as LogEventInput;
    if (ref < 0 || e.streamName !== stream || e.groupName !== group) {
      group = e.groupName;
      stream = e.streamName;
      ref = pairs.length >> 1;
      pairs.push(group, stream);
    }
    refs[i] = ref;
    timestamps[i] = e.timestamp;
    messages[i] = e.message;
  }
  return { pairs, refs, timestamps, messages };
}

interface Ids {
  readonly group: number;
  readonly stream: number;
}

/**
 * Appends batches through one connection: one transaction of prepared multi-row inserts per batch;
 * the ids of groups and streams are cached until `forget` (a group or stream was deleted).
 */
export class LogAppender {
  readonly #db: Database;
  readonly #insertEvent: Statement;
  /** ROWS_PER_INSERT events in one statement: far fewer statement runs per batch. */
  readonly #insertRows: Statement;
  readonly #touchStream: Statement;
  readonly #insertBatchRow: Statement;
  readonly #insertBatchRows: Statement;
  readonly #lastId: Statement;
  readonly #widenSpan: Statement;
  readonly #ids = new Map<string, Ids>();
  /** The record span each group is known to have (log_groups.record_span), so that it is written only when it grows. */
  readonly #spans = new Map<number, number>();

  constructor(db: Database) {
    this.#db = db;
    this.#insertEvent = db.prepare(
      "INSERT INTO log_events (group_id, stream_id, ts, ingested_at, message) VALUES (?, ?, ?, ?, ?)",
    );
    this.#insertRows = db.prepare(
      "INSERT INTO log_events (group_id, stream_id, ts, ingested_at, message) VALUES " +
        Array.from({ length: ROWS_PER_INSERT }, () => "(?, ?, ?, ?, ?)").join(", "),
    );
    this.#insertBatchRow = db.prepare(
      `INSERT INTO log_events (${BATCH_COLUMNS}) VALUES (${Array(BATCH_WIDTH).fill("?").join(", ")})`,
    );
    this.#insertBatchRows = db.prepare(
      `INSERT INTO log_events (${BATCH_COLUMNS}) VALUES ` +
        Array.from({ length: ROWS_PER_INSERT }, () => `(${Array(BATCH_WIDTH).fill("?").join(", ")})`).join(", "),
    );
    this.#lastId = db.prepare("SELECT coalesce(max(id), 0) FROM log_events").pluck();
    this.#widenSpan = db.prepare("UPDATE log_groups SET record_span = ? WHERE id = ? AND record_span < ?");
    this.#touchStream = db.prepare(
      `UPDATE log_streams SET first_event_at = min(coalesce(first_event_at, @first), @first),
         last_event_at = max(coalesce(last_event_at, @last), @last), last_ingestion_at = @ingested WHERE id = @id`,
    );
  }

  /** Drops the cached ids (after a group or stream is deleted). */
  forget(): void {
    this.#ids.clear();
    this.#spans.clear();
  }

  /**
   * Appends a log writer's batch in one transaction, making missing groups and streams: an event
   * is a row of its text; a stream's records (up to RECORDS_PER_ROW) are one row of their raw bytes
   * standing for all their events, whose ids (one each) it reserves, so that a read makes them with
   * ids and order as if they had been rows.
   */
  appendBatch(b: LogBatch, ingestionTime: number): void {
    this.#db.transaction(() => {
      const ids: Ids[] = [];
      for (let p = 0; p < b.pairs.length; p += 2) {
        ids.push(this.#idsOf(b.pairs[p] as string, b.pairs[p + 1] as string, true, ingestionTime));
      }
      let last = this.#lastId.get() as number;
      const streams = new Map<number, { first: number; last: number }>();
      const groups = new Map<number, number>();
      const row: unknown[] = [];
      const add = (at: Ids, first: number, end: number, values: unknown[]): void => {
        row.push(...values);
        if (row.length === ROWS_PER_INSERT * BATCH_WIDTH) {
          this.#insertBatchRows.run(row);
          row.length = 0;
        }
        const span = streams.get(at.stream);
        if (!span) streams.set(at.stream, { first, last: end });
        else {
          if (first < span.first) span.first = first;
          if (end > span.last) span.last = end;
        }
      };
      // A stream's records are one row per RECORDS_PER_ROW of them: a row costs the same whether it
      // holds one record or many, and a read makes the events of a whole row.
      const held = new Map<number, HeldRecords>();
      const flush = (h: HeldRecords): void => {
        const first = last + 1;
        last += h.count;
        const at = h.at;
        add(at, h.first, h.last, [
          last,
          at.group,
          at.stream,
          h.first,
          ingestionTime,
          "",
          h.last,
          first,
          packRecords(h.blobs),
        ]);
        const width = h.last - h.first;
        if (width > (groups.get(at.group) ?? -1)) groups.set(at.group, width);
        held.delete(at.stream);
      };
      visitBatch(b, {
        event: (ref, ts, message) => {
          const at = ids[ref] as Ids;
          add(at, ts, ts, [++last, at.group, at.stream, ts, ingestionTime, message, null, null, null]);
        },
        record: (ref, blob, span) => {
          const at = ids[ref] as Ids;
          const h = held.get(at.stream);
          if (!h) {
            held.set(at.stream, { at, blobs: [blob], count: span.count, first: span.first, last: span.last });
            return;
          }
          h.blobs.push(blob);
          h.count += span.count;
          if (span.first < h.first) h.first = span.first;
          if (span.last > h.last) h.last = span.last;
          if (h.blobs.length === RECORDS_PER_ROW) flush(h);
        },
      });
      for (const h of held.values()) flush(h);
      for (let i = 0; i < row.length; i += BATCH_WIDTH) this.#insertBatchRow.run(row.slice(i, i + BATCH_WIDTH));
      for (const [stream, span] of streams) this.#touchStream.run({ ...span, ingested: ingestionTime, id: stream });
      for (const [group, width] of groups) {
        if (width <= (this.#spans.get(group) ?? -1)) continue;
        this.#widenSpan.run(width, group, width);
        this.#spans.set(group, width);
      }
    })();
  }

  /** Appends the batch in one transaction; throws (storing nothing) when a stream is missing and `create` is false. */
  append(c: EventColumns, ingestionTime: number, create: boolean): void {
    this.#db.transaction(() => {
      const spans = new Map<number, { first: number; last: number }>();
      const ids: Ids[] = [];
      for (let p = 0; p < c.pairs.length; p += 2) {
        ids.push(this.#idsOf(c.pairs[p] as string, c.pairs[p + 1] as string, create, ingestionTime));
      }
      const row: unknown[] = [];
      for (let i = 0; i < c.messages.length; i++) {
        const at = ids[c.refs[i] as number] as Ids;
        const ts = c.timestamps[i] as number;
        row.push(at.group, at.stream, ts, ingestionTime, c.messages[i]);
        if (row.length === ROWS_PER_INSERT * 5) {
          this.#insertRows.run(row);
          row.length = 0;
        }
        const span = spans.get(at.stream);
        if (!span) spans.set(at.stream, { first: ts, last: ts });
        else {
          if (ts < span.first) span.first = ts;
          if (ts > span.last) span.last = ts;
        }
      }
      for (let i = 0; i < row.length; i += 5) this.#insertEvent.run(row.slice(i, i + 5));
      for (const [stream, span] of spans) this.#touchStream.run({ ...span, ingested: ingestionTime, id: stream });
    })();
  }

  #idsOf(groupName: string, streamName: string, create: boolean, now: number): Ids {
    const key = `${groupName}\n${streamName}`;
    const cached = this.#ids.get(key);
    if (cached) return cached;
    if (create) {
      this.#db
        .prepare(
          `INSERT INTO log_groups (name, created_at, log_group_class, tags) VALUES (?, ?, 'STANDARD', '{}')
           ON CONFLICT (name) DO NOTHING`,
        )
        .run(groupName, now);
      this.#db
        .prepare(
          `INSERT INTO log_streams (group_id, name, created_at)
           SELECT id, ?, ? FROM log_groups WHERE name = ? ON CONFLICT DO NOTHING`,
        )
        .run(streamName, now, groupName);
    }
    const row = this.#db
      .prepare(
        `SELECT g.id AS g, s.id AS s FROM log_streams s JOIN log_groups g ON g.id = s.group_id
         WHERE g.name = ? AND s.name = ?`,
      )
      .get(groupName, streamName) as { g: number; s: number } | undefined;
    if (!row) throw new Error(`log stream ${streamName} of group ${groupName} does not exist`);
    const ids = { group: row.g, stream: row.s };
    if (this.#ids.size > 10_000) this.#ids.clear();
    this.#ids.set(key, ids);
    return ids;
  }
}
