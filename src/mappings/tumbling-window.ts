/**
 * TumblingWindowInSeconds on a stream mapping, as Lambda does it: records belong to the window of
 * their arrival time (windows of the given length, aligned on the epoch). Each batch of a window
 * is invoked with the window, the state the function returned last in it (`{}` first) and the
 * shard; the function answers `{state}` (an answer without a state object is a failed batch).
 * When the window is over (the clock is past its end and no record of it is left to read, or the
 * next record belongs to a later window, or the shard ended) the function is invoked a last time
 * with no records and `isFinalInvokeForWindow`; that invocation is retried until it succeeds.
 * A state over 1 MB terminates the window early: a final invocation with
 * `isWindowTerminatedEarly`, then the same window goes on with a fresh state.
 */
import type { OpenWindow } from "../ports/stream-checkpoint-store.js";
import type { StoredStreamRecord } from "../ports/stream-store.js";

/** The largest state a window carries (bytes of its JSON). */
export const MAX_WINDOW_STATE_BYTES = 1024 * 1024;

/** The members a windowed event adds to `Records`. */
export interface WindowMembers {
  readonly window: { readonly start: string; readonly end: string };
  readonly state: unknown;
  readonly shardId: string;
  readonly eventSourceARN: string;
  readonly isFinalInvokeForWindow: boolean;
  readonly isWindowTerminatedEarly: boolean;
}

/** AWS's timestamps of window bounds: ISO 8601 to the second. */
const isoSeconds = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

/** A shard's windows: the open one (if any) and its state. */
export class ShardWindow {
  readonly #lengthMs: number;
  #open: OpenWindow | undefined;

  constructor(seconds: number, open: OpenWindow | undefined) {
    this.#lengthMs = seconds * 1000;
    this.#open = open;
  }

  /** The open window, as the checkpoint keeps it. */
  get open(): OpenWindow | undefined {
    return this.#open;
  }

  /**
   * The leading records of `records` that belong to the open window (opening the window of the
   * first record when none is open). Empty when the first record belongs to a later window: the
   * open one must be closed first.
   */
  batch(records: readonly StoredStreamRecord[]): readonly StoredStreamRecord[] {
    if (records.length === 0) return records;
    if (!this.#open) {
      const start = records[0]!.arrivedAt - (records[0]!.arrivedAt % this.#lengthMs);
      this.#open = { start, state: "{}" };
    }
    const end = this.#open.start + this.#lengthMs;
    const inside = records.findIndex((r) => r.arrivedAt >= end);
    return inside < 0 ? records : records.slice(0, inside);
  }

  /** Whether the open window is over at `now` (nothing more can arrive in it). */
  over(now: number): boolean {
    return this.#open !== undefined && now >= this.#open.start + this.#lengthMs;
  }

  /** Milliseconds until the open window is over (undefined when none is open). */
  leftAt(now: number): number | undefined {
    return this.#open === undefined ? undefined : Math.max(0, this.#open.start + this.#lengthMs - now);
  }

  /** The members of the event for the open window. */
  members(o: { shardId: string; arn: string; final: boolean; early?: boolean }): WindowMembers {
    const open = this.#open!;
    return {
      window: { start: isoSeconds(open.start), end: isoSeconds(open.start + this.#lengthMs) },
      state: JSON.parse(open.state) as unknown,
      shardId: o.shardId,
      eventSourceARN: o.arn,
      isFinalInvokeForWindow: o.final,
      isWindowTerminatedEarly: o.early ?? false,
    };
  }

  /** Whether the state is over 1 MB: the window must be terminated early. */
  get full(): boolean {
    return this.#open !== undefined && Buffer.byteLength(this.#open.state) > MAX_WINDOW_STATE_BYTES;
  }

  /** Keeps the state of an answer whose records are done (see stateOf). */
  commit(state: string): void {
    if (this.#open) this.#open = { start: this.#open.start, state };
  }

  /** After a final invocation: the window is closed, or (terminated early) goes on with a fresh state. */
  close(early: boolean): void {
    this.#open = early && this.#open ? { start: this.#open.start, state: "{}" } : undefined;
  }
}

/** The state (JSON text) a function's answer holds, or undefined when it holds no state object (a failed batch). */
export function stateOf(payload: Buffer): string | undefined {
  let answer: unknown;
  try {
    answer = JSON.parse(payload.toString("utf8"));
  } catch {
    return undefined;
  }
  const state = (answer as { state?: unknown } | null)?.state;
  if (typeof state !== "object" || state === null || Array.isArray(state)) return undefined;
  return JSON.stringify(state);
}
