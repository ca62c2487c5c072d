/**
 * A log writer's batch as it travels to a log store: invocation records kept raw (their numbers in
 * one typed array, their ids and the function's lines as they came, encoded as UTF-8 into one byte
 * array) and the platform's own events, in the order they were written. The text of START, END,
 * REPORT and the other platform lines is made from a record by `batchColumns`, where the batch is
 * stored (a SQLite store's append thread), not on the thread that served the call: holding a record
 * costs a few numbers and bytes, no object or string that the gateway's garbage collector would
 * copy until the batch leaves, and a thread receives typed arrays far more cheaply than objects.
 */
import type { InvocationRecord, OutcomeKind } from "./invocation.js";
import { invocationLogLines } from "./log-lines.js";

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

/**
 * The events of one invocation, as Lambda writes them to its instance's stream, handed to `emit`
 * in order. The function's lines carry no time of their own: init lines are stamped when the
 * instance started, the call's lines and START when it began, the rest when it ended.
 */
export function eachInvocationEvent(r: InvocationRecord, emit: (timestamp: number, message: string) => void): void {
  if (r.outcome === "throttled") return;
  const lines = invocationLogLines(r);
  const initCount = r.initLines.length;
  // START (or platform.start) follows the init lines, unless SystemLogLevel left it out.
  const startShown =
    (lines[initCount] ?? "").startsWith("START ") || (lines[initCount] ?? "").includes('"platform.start"');
  const bodyEnd = initCount + (startShown ? 1 : 0) + r.lines.length;
  const initAt = r.startedAt - Math.ceil(r.initDurationMs ?? 0);
  const endAt = r.startedAt + Math.ceil(r.durationMs);
  for (let i = 0; i < lines.length; i++) {
    emit(i < initCount ? initAt : i < bodyEnd ? r.startedAt : endAt, lines[i] as string);
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

/** The events of `b` as columns, the platform's lines formatted from each record, in the batch's order. */
export function batchColumns(b: LogBatch): LogColumns {
  const refs: number[] = [];
  const timestamps: number[] = [];
  const messages: string[] = [];
  const { nums, pairs, ends } = b;
  const text = Buffer.from(b.text.buffer, b.text.byteOffset, b.text.byteLength);
  let s = 0;
  const next = (): string => text.toString("utf8", s === 0 ? 0 : ends[s - 1], ends[s++]);
  for (let at = 0; at < nums.length;) {
    const ref = nums[at + 1] as number;
    if (nums[at] === 0) {
      refs.push(ref);
      timestamps.push(nums[at + 2] as number);
      messages.push(next());
      at += 3;
      continue;
    }
    const flags = nums[at + 13] as number;
    const requestId = next();
    const executedVersion = next();
    const errorType = flags & HAS_ERROR_TYPE ? next() : undefined;
    const systemLevel = flags & HAS_SYSTEM_LEVEL ? next() : undefined;
    const initLines = Array.from({ length: nums[at + 11] as number }, next);
    const lines = Array.from({ length: nums[at + 12] as number }, next);
    const initDurationMs = nums[at + 5] as number;
    const dropped = nums[at + 9] as number;
    const groupName = pairs[ref * 2] as string;
    const record: InvocationRecord = {
      requestId,
      functionName: "",
      functionArn: "",
      executedVersion,
      outcome: OUTCOMES[nums[at + 10] as number] ?? "ok",
      errorType,
      startedAt: nums[at + 2] as number,
      durationMs: nums[at + 3] as number,
      billedDurationMs: nums[at + 4] as number,
      initDurationMs: Number.isNaN(initDurationMs) ? undefined : initDurationMs,
      memorySizeMb: nums[at + 6] as number,
      maxMemoryUsedMb: nums[at + 7] as number,
      timeoutSec: nums[at + 8] as number,
      droppedLines: dropped === 0 ? undefined : dropped,
      logging: flags & JSON_FORMAT ? { format: "JSON", group: groupName, systemLevel } : undefined,
      initLines,
      lines,
    };
    eachInvocationEvent(record, (timestamp, message) => {
      refs.push(ref);
      timestamps.push(timestamp);
      messages.push(message);
    });
    at += INVOCATION_NUMS;
  }
  return { pairs, refs: Int32Array.from(refs), timestamps: Float64Array.from(timestamps), messages };
}
