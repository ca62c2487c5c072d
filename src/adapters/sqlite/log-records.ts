/**
 * Reads of a SQLite log store whose rows may be invocation records (log-append.ts): a row of a
 * stream's records stands for the events first_id..id, made from their raw fields when read. Rows come in (ts, id)
 * order of their first events; a record's later events may follow rows read after it, so events
 * are handed on only once no row yet unread can hold an event before them.
 */
import { eachInvocationEvent, recordOf } from "../../domain/log-batch.js";
import type { EventCursor, EventQuery, MessageTerm, StoredLogEvent } from "../../ports/log-store.js";

/** A row of a read with records: id, stream id, ts, ingested_at, message, end_ts, first_id, record. */
export type RecordRowArray = [number, number, number, number, string, number | null, number | null, Buffer | null];

const ASCII_UPPER = /[A-Z]+/g;
const fold = (s: string): string => s.replace(ASCII_UPPER, (m) => m.toLowerCase());

/** Whether a message holds a term, as the SQL conditions of log-rows.ts test it. */
function holds(message: string, t: MessageTerm): boolean {
  const m = t.ignoreCase ? fold(message) : message;
  const text = t.ignoreCase ? fold(t.text) : t.text;
  return t.atStart ? m.startsWith(text) : m.includes(text);
}

/** Whether an event passes a query's conditions: time range, cursor, message terms. */
export function eventMatches(q: EventQuery, e: StoredLogEvent): boolean {
  if (q.startTime !== undefined && e.timestamp < q.startTime) return false;
  if (q.endTime !== undefined && e.timestamp >= q.endTime) return false;
  if (q.after && (q.descending ? compare(e, q.after) >= 0 : compare(e, q.after) <= 0)) return false;
  for (const clause of q.messageTerms ?? []) if (!clause.some((t) => holds(e.message, t))) return false;
  return true;
}

/** Orders events (or cursors) by (timestamp, id). */
export function compare(a: EventCursor, b: EventCursor): number {
  return a.timestamp - b.timestamp || a.id - b.id;
}

/** The bytes of a row of records: how many, each one's length, then each (`visitBatch`'s blobs). */
export function packRecords(blobs: readonly Buffer[]): Buffer {
  let bytes = 4 + 4 * blobs.length;
  for (const b of blobs) bytes += b.length;
  const out = Buffer.allocUnsafe(bytes);
  out.writeUInt32LE(blobs.length, 0);
  let at = 4 + 4 * blobs.length;
  for (let i = 0; i < blobs.length; i++) {
    const b = blobs[i] as Buffer;
    out.writeUInt32LE(b.length, 4 + 4 * i);
    b.copy(out, at);
    at += b.length;
  }
  return out;
}

/** The events a row stands for: itself, or its records' events with the ids it reserved, in order. */
export function rowEvents(
  row: RecordRowArray,
  o: { groupName: string; streamName: string },
  emit: (e: StoredLogEvent) => void,
): void {
  const [id, , ts, ingestionTime, message, , firstId, record] = row;
  const { streamName } = o;
  if (record === null) {
    emit({ id, streamName, timestamp: ts, ingestionTime, message });
    return;
  }
  let next = firstId ?? id;
  const count = record.readUInt32LE(0);
  let at = 4 + 4 * count;
  for (let i = 0; i < count; i++) {
    const length = record.readUInt32LE(4 + 4 * i);
    eachInvocationEvent(recordOf(record.subarray(at, at + length), o.groupName), (timestamp, text) =>
      emit({ id: next++, streamName, timestamp, ingestionTime, message: text }),
    );
    at += length;
  }
}

/**
 * Reads a query's events through `fetch` (rows after `from`, in the query's order, at most
 * `rows`): rows are turned into events and sorted; an event is final once no unread row can come
 * before it (ascending: rows unread start at or after the last row read, and a record's ids follow
 * every id of the rows before it; descending: no unread row has an event later than its first
 * event's time plus the group's span).
 */
export function readThroughRecords(
  q: EventQuery,
  span: number,
  fetch: (from: EventCursor | undefined, rows: number) => { row: RecordRowArray; streamName: string }[],
): StoredLogEvent[] {
  const out: StoredLogEvent[] = [];
  let pending: StoredLogEvent[] = [];
  const order = q.descending ? (a: EventCursor, b: EventCursor) => compare(b, a) : compare;
  let from: EventCursor | undefined;
  // Rows are asked for by the events still wanted over the events a row has made so far (a row of
  // records makes three or more per call), so that a page does not make the events of rows it will not hand on.
  let made = 0;
  let read = 0;
  for (;;) {
    // A first look of a few rows tells how many events a row makes here (one to thousands).
    const want =
      read === 0
        ? Math.min(q.limit, 8)
        : Math.min(q.limit, Math.max(4, Math.ceil((q.limit - out.length) / Math.max(1, made / read))));
    const rows = fetch(from, want);
    for (const { row, streamName } of rows) {
      // A plain row met the query's conditions in SQL; a record's events are tested here.
      const plain = row[7] === null;
      rowEvents(row, { groupName: q.groupName, streamName }, (e) => {
        made++;
        if (plain || eventMatches(q, e)) pending.push(e);
      });
    }
    read += rows.length;
    pending.sort(order);
    const last = rows.at(-1)?.row;
    if (rows.length < want || !last) {
      for (let i = 0; i < pending.length && out.length < q.limit; i++) out.push(pending[i] as StoredLogEvent);
      break;
    }
    const [id, , ts, , , , firstId] = last;
    const final = q.descending
      ? (e: StoredLogEvent) => e.timestamp > ts + span || (e.timestamp === ts + span && e.id >= (firstId ?? id))
      : (e: StoredLogEvent) => e.timestamp < ts || (e.timestamp === ts && e.id <= id);
    let n = 0;
    while (n < pending.length && final(pending[n] as StoredLogEvent)) n++;
    for (let i = 0; i < n; i++) out.push(pending[i] as StoredLogEvent);
    pending = pending.slice(n);
    if (out.length >= q.limit) break;
    from = { timestamp: ts, id };
  }
  return out.length > q.limit ? out.slice(0, q.limit) : out;
}
