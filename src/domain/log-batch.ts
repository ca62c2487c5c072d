/**
 * A log writer's batch as it travels to a log store: invocation records kept raw (their numbers in
 * one typed array, their ids and the function's lines as they came, encoded as UTF-8 into one byte
 * array) and the platform's own events, in the order they were written. The text of START, END,
 * REPORT and the other platform lines is made from a record where it is read (a SQLite store keeps
 * the record's bytes, `visitBatch`/`recordOf`) or where it is stored (PostgreSQL, `batchColumns`),
 * never on the thread that served the call: holding a record costs a few numbers and bytes, no
 * object or string that the gateway's garbage collector would copy until the batch leaves, and a
 * thread receives typed arrays far more cheaply than objects.
 */
import type { InvocationRecord, OutcomeKind } from "./invocation.js";
import { invocationLogLines, systemInfoShown } from "./log-lines.js";

/** A batch of log entries, as `LogBatchBuilder.take` hands it over. */
export interface LogBatch {
  /** Group and stream names in turns; an entry names its pair by index. */
  readonly pairs: string[];
  /** The entries' numbers: 3 for an event (kind 0, pair, timestamp), INVOCATION_NUMS for a record (kind 1, …). */
  readonly nums: Float64Array;
  /**
   * The entries' strings as UTF-8, one after another: an event's message; a record's ids, then its
   * init lines and lines. Bytes, not strings: a string held until the batch is written (up to the
   * writer's flush interval) outlives the young generation's collections and is copied by each of
   * them, then promoted; bytes cost one copy as they are added, and a thread receives them as one.
   */
  readonly text: Uint8Array;
  /** Where each string of `text` ends (byte offsets, in order). */
  readonly ends: Uint32Array;
  /** How many events the batch holds, about (a record counts the events its Text log has). */
  readonly events: number;
}

/** Events as columns: `pairs` holds group and stream names in turns; `refs[i]` is event i's pair. */
export interface LogColumns {
  readonly pairs: string[];
  readonly refs: Int32Array;
  readonly timestamps: Float64Array;
  readonly messages: string[];
}

const OUTCOMES: readonly OutcomeKind[] = ["ok", "function-error", "init-error", "timeout", "crashed", "throttled"];
const OUTCOME_CODE = new Map<OutcomeKind, number>(OUTCOMES.map((o, i) => [o, i]));

/** Numbers of a record: kind, pair, startedAt, duration, billed, init duration (NaN: none), memory size,
 * max memory used, timeout, dropped lines, outcome, init lines, lines, flags. */
const INVOCATION_NUMS = 14;
const JSON_FORMAT = 1;
const HAS_ERROR_TYPE = 2;
const HAS_SYSTEM_LEVEL = 4;

/** `YYYY/MM/DD/[<version>]<hex>`, the name Lambda gives an instance's stream. */
export function streamNameFor(version: string, hex: string, at: number): string {
  const d = new Date(at);
  const day = `${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, "0")}/${String(d.getUTCDate()).padStart(2, "0")}`;
  return `${day}/[${version}]${hex}`;
}

/** The stream of a record: its instance's, as its context reported it, or the name Lambda would give it. */
export function recordStreamName(r: InvocationRecord): string {
  return (
    r.logStreamName ?? streamNameFor(r.executedVersion, (r.instanceId ?? r.requestId).replace(/-/g, ""), r.startedAt)
  );
}

/** What the events of an invocation's log depend on, short of their text. */
interface LogShape {
  readonly startedAt: number;
  readonly durationMs: number;
  readonly initDurationMs: number | undefined;
  readonly initLines: number;
  readonly lines: number;
  readonly timeout: boolean;
  readonly dropped: boolean;
  readonly json: boolean;
  readonly systemLevel: string | undefined;
}

/** How many events an invocation's log holds, and the times of its first and last (count 0: none). */
export interface EventSpan {
  readonly count: number;
  readonly first: number;
  readonly last: number;
}

/**
 * Where the events of a log fall: init lines when the instance started, START (if shown) and the
 * call's lines when it began, the rest (timeout line, dropped-lines warning, END, REPORT) when it
 * ended. `startShown` is START's (or platform.start's) presence; `count` is every event.
 */
function layoutOf(s: LogShape): { count: number; startShown: boolean; initAt: number; endAt: number } {
  const initAt = s.startedAt - Math.ceil(s.initDurationMs ?? 0);
  const endAt = s.startedAt + Math.ceil(s.durationMs);
  if (!s.json) {
    const count = s.initLines + 1 + s.lines + (s.timeout ? 1 : 0) + (s.dropped ? 1 : 0) + 2;
    return { count, startShown: true, initAt, endAt };
  }
  const info = systemInfoShown(s.systemLevel);
  const count = s.initLines + (info ? 2 : 0) + s.lines + (s.dropped ? 1 : 0);
  return { count, startShown: info, initAt, endAt };
}

function spanOf(s: LogShape): EventSpan {
  const { count, startShown, initAt, endAt } = layoutOf(s);
  const body = (startShown ? 1 : 0) + s.lines;
  const first = s.initLines > 0 ? initAt : body > 0 ? s.startedAt : endAt;
  const last = count > s.initLines + body ? endAt : body > 0 ? s.startedAt : initAt;
  return { count, first, last };
}

function shapeOf(r: InvocationRecord): LogShape {
  const json = r.logging?.format === "JSON";
  return {
    startedAt: r.startedAt,
    durationMs: r.durationMs,
    initDurationMs: r.initDurationMs,
    initLines: r.initLines.length,
    lines: r.lines.length,
    timeout: r.outcome === "timeout",
    dropped: (r.droppedLines ?? 0) > 0,
    json,
    systemLevel: json ? r.logging?.systemLevel : undefined,
  };
}

/** The count and time span of a record's events, as `eachInvocationEvent` emits them, without their text. */
export function invocationEventSpan(r: InvocationRecord): EventSpan {
  return r.outcome === "throttled" ? { count: 0, first: r.startedAt, last: r.startedAt } : spanOf(shapeOf(r));
}

/**
 * The events of one invocation, as Lambda writes them to its instance's stream, handed to `emit`
 * in order. The function's lines carry no time of their own: init lines are stamped when the
 * instance started, the call's lines and START when it began, the rest when it ended.
 */
export function eachInvocationEvent(r: InvocationRecord, emit: (timestamp: number, message: string) => void): void {
  if (r.outcome === "throttled") return;
  const lines = invocationLogLines(r);
  const shape = shapeOf(r);
  const { startShown, initAt, endAt } = layoutOf(shape);
  const bodyEnd = shape.initLines + (startShown ? 1 : 0) + shape.lines;
  for (let i = 0; i < lines.length; i++) {
    emit(i < shape.initLines ? initAt : i < bodyEnd ? r.startedAt : endAt, lines[i] as string);
  }
}

/** The builder's byte arena: its first size, and the largest it keeps between batches. */
const ARENA_START_BYTES = 1 << 16;
const ARENA_KEEP_BYTES = 1 << 22;
const ARENA_START_STRINGS = 1024;

/**
 * Collects entries into flat arrays (no object per entry): numbers into one growing typed array,
 * strings into one array. Runs of entries of one stream share their pair of names.
 */
export class LogBatchBuilder {
  #pairs: string[] = [];
  /** The pair of each stream name in this batch (checked against its group). */
  #pairOf = new Map<string, number>();
  #nums = new Float64Array(4096);
  #n = 0;
  /** The strings' UTF-8 bytes and where each ends: reused from batch to batch. */
  #text = Buffer.allocUnsafe(ARENA_START_BYTES);
  #used = 0;
  #ends = new Uint32Array(ARENA_START_STRINGS);
  #strings = 0;
  #events = 0;

  /** How many events are held, about. */
  get events(): number {
    return this.#events;
  }

  /** Adds one event. */
  addEvent(groupName: string, streamName: string, timestamp: number, message: string): void {
    const at = this.#room(3);
    const nums = this.#nums;
    nums[at] = 0;
    nums[at + 1] = this.#pair(groupName, streamName);
    nums[at + 2] = timestamp;
    this.#str(message);
    this.#events++;
  }

  /** Adds a record's log (none for a throttle), to `groupName` and the record's stream. */
  addInvocation(r: InvocationRecord, groupName: string): void {
    if (r.outcome === "throttled") return;
    const at = this.#room(INVOCATION_NUMS);
    const nums = this.#nums;
    const json = r.logging?.format === "JSON";
    const systemLevel = json ? r.logging?.systemLevel : undefined;
    nums[at] = 1;
    nums[at + 1] = this.#pair(groupName, recordStreamName(r));
    nums[at + 2] = r.startedAt;
    nums[at + 3] = r.durationMs;
    nums[at + 4] = r.billedDurationMs;
    nums[at + 5] = r.initDurationMs ?? NaN;
    nums[at + 6] = r.memorySizeMb;
    nums[at + 7] = r.maxMemoryUsedMb;
    nums[at + 8] = r.timeoutSec;
    nums[at + 9] = r.droppedLines ?? 0;
    nums[at + 10] = OUTCOME_CODE.get(r.outcome) ?? 0;
    nums[at + 11] = r.initLines.length;
    nums[at + 12] = r.lines.length;
    nums[at + 13] =
      (json ? JSON_FORMAT : 0) |
      (r.errorType !== undefined ? HAS_ERROR_TYPE : 0) |
      (systemLevel !== undefined ? HAS_SYSTEM_LEVEL : 0);
    this.#str(r.requestId);
    this.#str(r.executedVersion);
    if (r.errorType !== undefined) this.#str(r.errorType);
    if (systemLevel !== undefined) this.#str(systemLevel);
    for (const line of r.initLines) this.#str(line);
    for (const line of r.lines) this.#str(line);
    this.#events +=
      r.initLines.length + r.lines.length + 3 + (r.outcome === "timeout" ? 1 : 0) + (r.droppedLines ? 1 : 0);
  }

  /** The batch held (undefined when empty); the builder starts a new one. */
  take(): LogBatch | undefined {
    if (this.#n === 0) return undefined;
    const batch: LogBatch = {
      pairs: this.#pairs,
      nums: this.#nums.slice(0, this.#n),
      text: Uint8Array.prototype.slice.call(this.#text, 0, this.#used),
      ends: this.#ends.slice(0, this.#strings),
      events: this.#events,
    };
    this.#pairs = [];
    this.#pairOf = new Map();
    // Reused while of a usual batch's size; one grown by a flood is let go, not held for good.
    if (this.#text.length > ARENA_KEEP_BYTES) this.#text = Buffer.allocUnsafe(ARENA_START_BYTES);
    if (this.#ends.length > ARENA_KEEP_BYTES / 64) this.#ends = new Uint32Array(ARENA_START_STRINGS);
    this.#used = 0;
    this.#strings = 0;
    this.#n = 0;
    this.#events = 0;
    return batch;
  }

  /** Appends a string's UTF-8 bytes (a lone surrogate becomes U+FFFD, as the stores would store it). */
  #str(value: string): void {
    let used = this.#used;
    // At most 3 bytes per UTF-16 unit.
    if (used + value.length * 3 > this.#text.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.#text.length * 2, used + value.length * 3));
      this.#text.copy(grown, 0, 0, used);
      this.#text = grown;
    }
    used += this.#text.write(value, used);
    this.#used = used;
    if (this.#strings === this.#ends.length) {
      const grown = new Uint32Array(this.#ends.length * 2);
      grown.set(this.#ends);
      this.#ends = grown;
    }
    this.#ends[this.#strings++] = used;
  }

  #room(count: number): number {
    const at = this.#n;
    if (at + count > this.#nums.length) {
      const grown = new Float64Array(Math.max(this.#nums.length * 2, at + count));
      grown.set(this.#nums.subarray(0, at));
      this.#nums = grown;
    }
    this.#n = at + count;
    return at;
  }

  #pair(groupName: string, streamName: string): number {
    const known = this.#pairOf.get(streamName);
    if (known !== undefined && this.#pairs[known * 2] === groupName) return known;
    const ref = this.#pairs.length >> 1;
    this.#pairs.push(groupName, streamName);
    if (known === undefined) this.#pairOf.set(streamName, ref);
    return ref;
  }
}

/** A stored record's bytes: its numbers (float64 LE), how many strings, where each ends, then their UTF-8 bytes. */
const BLOB_HEAD = INVOCATION_NUMS * 8 + 4;

/** What `visitBatch` hands over, entry by entry in the batch's order. */
export interface BatchVisitor {
  /** An event: its pair (group and stream names in `pairs`), time and message. */
  event(ref: number, timestamp: number, message: string): void;
  /**
   * A record (a throttle has none): its numbers and strings as one byte array, from which
   * `recordOf` makes the record back, and how many events it makes and when the first and last fall.
   */
  record(ref: number, blob: Buffer, span: EventSpan): void;
}

/** Visits the entries of `b`: its events as text, its records still raw (no line of theirs made a string). */
export function visitBatch(b: LogBatch, v: BatchVisitor): void {
  const { nums, ends } = b;
  const text = Buffer.from(b.text.buffer, b.text.byteOffset, b.text.byteLength);
  const endOf = (i: number): number => (i < 0 ? 0 : (ends[i] as number));
  let s = 0;
  for (let at = 0; at < nums.length;) {
    const ref = nums[at + 1] as number;
    if (nums[at] === 0) {
      v.event(ref, nums[at + 2] as number, text.toString("utf8", endOf(s - 1), endOf(s)));
      s++;
      at += 3;
      continue;
    }
    const flags = nums[at + 13] as number;
    const initLines = nums[at + 11] as number;
    const lines = nums[at + 12] as number;
    const heads = 2 + (flags & HAS_ERROR_TYPE ? 1 : 0);
    const k = heads + (flags & HAS_SYSTEM_LEVEL ? 1 : 0) + initLines + lines;
    const from = endOf(s - 1);
    const to = endOf(s + k - 1);
    const blob = Buffer.allocUnsafe(BLOB_HEAD + 4 * k + (to - from));
    // The numbers as they lie in memory (little-endian on every platform Node.js runs on), one copy.
    blob.set(new Uint8Array(nums.buffer, nums.byteOffset + at * 8, INVOCATION_NUMS * 8));
    blob.writeUInt32LE(k, INVOCATION_NUMS * 8);
    for (let i = 0; i < k; i++) blob.writeUInt32LE(endOf(s + i) - from, BLOB_HEAD + 4 * i);
    text.copy(blob, BLOB_HEAD + 4 * k, from, to);
    const json = (flags & JSON_FORMAT) !== 0;
    const initDurationMs = nums[at + 5] as number;
    const span = spanOf({
      startedAt: nums[at + 2] as number,
      durationMs: nums[at + 3] as number,
      initDurationMs: Number.isNaN(initDurationMs) ? undefined : initDurationMs,
      initLines,
      lines,
      timeout: OUTCOMES[nums[at + 10] as number] === "timeout",
      dropped: (nums[at + 9] as number) > 0,
      json,
      systemLevel:
        json && flags & HAS_SYSTEM_LEVEL ? text.toString("utf8", endOf(s + heads - 1), endOf(s + heads)) : undefined,
    });
    if (span.count > 0) v.record(ref, blob, span);
    s += k;
    at += INVOCATION_NUMS;
  }
}

/** The record a `visitBatch` blob holds, logging to `groupName` (its function's other fields are not kept). */
export function recordOf(blob: Uint8Array, groupName: string): InvocationRecord {
  const b = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  const num = (i: number): number => b.readDoubleLE(i * 8);
  const k = b.readUInt32LE(INVOCATION_NUMS * 8);
  const base = BLOB_HEAD + 4 * k;
  let s = 0;
  const next = (): string => {
    const from = s === 0 ? 0 : b.readUInt32LE(BLOB_HEAD + 4 * (s - 1));
    const to = b.readUInt32LE(BLOB_HEAD + 4 * s++);
    return b.toString("utf8", base + from, base + to);
  };
  const flags = num(13);
  const requestId = next();
  const executedVersion = next();
  const errorType = flags & HAS_ERROR_TYPE ? next() : undefined;
  const systemLevel = flags & HAS_SYSTEM_LEVEL ? next() : undefined;
  const initLines = Array.from({ length: num(11) }, next);
  const lines = Array.from({ length: num(12) }, next);
  const initDurationMs = num(5);
  const dropped = num(9);
  return {
    requestId,
    functionName: "",
    functionArn: "",
    executedVersion,
    outcome: OUTCOMES[num(10)] ?? "ok",
    errorType,
    startedAt: num(2),
    durationMs: num(3),
    billedDurationMs: num(4),
    initDurationMs: Number.isNaN(initDurationMs) ? undefined : initDurationMs,
    memorySizeMb: num(6),
    maxMemoryUsedMb: num(7),
    timeoutSec: num(8),
    droppedLines: dropped === 0 ? undefined : dropped,
    logging: flags & JSON_FORMAT ? { format: "JSON", group: groupName, systemLevel } : undefined,
    initLines,
    lines,
  };
}

/** The events of `b` as columns, the platform's lines formatted from each record, in the batch's order. */
export function batchColumns(b: LogBatch): LogColumns {
  const refs: number[] = [];
  const timestamps: number[] = [];
  const messages: string[] = [];
  const { pairs } = b;
  visitBatch(b, {
    event(ref, timestamp, message) {
      refs.push(ref);
      timestamps.push(timestamp);
      messages.push(message);
    },
    record(ref, blob) {
      eachInvocationEvent(recordOf(blob, pairs[ref * 2] as string), (timestamp, message) => {
        refs.push(ref);
        timestamps.push(timestamp);
        messages.push(message);
      });
    },
  });
  return { pairs, refs: Int32Array.from(refs), timestamps: Float64Array.from(timestamps), messages };
}
