/**
 * Lambda's streamed-response limits and the pacer that enforces its bandwidth cap: the first
 * `uncappedBytes` of a response go out as fast as the caller takes them, the rest at no more than
 * `bytesPerSecond`, on the injected clock (a token bucket refilled as time passes).
 */
import type { Clock } from "../shared/clock.js";
import { LIMITS } from "./function-spec.js";

/** The limits of one streamed response. */
export interface StreamLimits {
  /** The largest streamed response; past it nothing more goes out (Lambda: 200 MB). */
  readonly maxBytes: number;
  /** How much goes out at full speed before the cap applies (Lambda: the first 6 MB). */
  readonly uncappedBytes: number;
  /** The cap past them, in bytes per second (Lambda: 2 MBps). */
  readonly bytesPerSecond: number;
}

/** Lambda's: 200 MiB at most, the first 6 MiB uncapped, then 2 MiB/s (MB as Lambda counts them). */
export const LAMBDA_STREAM_LIMITS: StreamLimits = Object.freeze({
  maxBytes: LIMITS.streamedResponseBytes,
  uncappedBytes: 6 * 1024 * 1024,
  bytesPerSecond: 2 * 1024 * 1024,
});

/** Where paced bytes go: the caller's side of a streamed answer. */
export interface PacedTarget {
  /** Takes one piece; false when the caller holds as much as it should until `drained()`. */
  write(chunk: Buffer): boolean;
  /** Resolves once the caller has taken what it held, or has gone. */
  drained(): Promise<void>;
}

/** Past the cap, bytes go out in slices of at most this size (about 31 ms each at 2 MiB/s). */
const SLICE_BYTES = 64 * 1024;
/** Bytes the pacer holds before it asks its source to wait. */
export const PACER_QUEUE_BYTES = 1024 * 1024;

/**
 * Paces one streamed response. `push()` queues a chunk and answers a promise when the queue is
 * full: the source (the instance's channel) stops reading until it resolves, so a slow caller or
 * the cap slows the function down instead of growing the node's memory.
 */
export class StreamPacer {
  readonly #clock: Clock;
  readonly #limits: StreamLimits;
  readonly #target: PacedTarget;
  readonly #queue: Buffer[] = [];
  #queued = 0;
  #sent = 0;
  /** Tokens (bytes) of the cap's bucket, refilled from `#refilledAt` (monotonic ms). */
  #tokens = 0;
  #refilledAt = 0;
  #cancelTimer: (() => void) | undefined;
  #blocked = false;
  #roomWaiters: (() => void)[] = [];
  #emptyWaiters: (() => void)[] = [];

  constructor(clock: Clock, limits: StreamLimits, target: PacedTarget) {
    this.#clock = clock;
    this.#limits = limits;
    this.#target = target;
  }

  /** Bytes handed to the target so far. */
  get sent(): number {
    return this.#sent;
  }

  /** Bytes waiting in the pacer. */
  get queued(): number {
    return this.#queued;
  }

  /** Queues `chunk`; a promise when the source should wait for it before pushing more. */
  push(chunk: Buffer): Promise<void> | undefined {
    if (chunk.length === 0) return undefined;
    this.#queue.push(chunk);
    this.#queued += chunk.length;
    this.#pump();
    if (this.#queued < PACER_QUEUE_BYTES) return undefined;
    return new Promise((resolve) => this.#roomWaiters.push(resolve));
  }

  /** Resolves once every queued byte has been handed to the target. */
  flushed(): Promise<void> | undefined {
    if (this.#queued === 0) return undefined;
    return new Promise((resolve) => this.#emptyWaiters.push(resolve));
  }

  #pump(): void {
    while (this.#queue.length > 0 && !this.#blocked && this.#cancelTimer === undefined) {
      const head = this.#queue[0] as Buffer;
      const n = this.#allowance(head.length);
      if (n === 0) break;
      if (n === head.length) this.#queue.shift();
      else this.#queue[0] = head.subarray(n);
      this.#queued -= n;
      this.#sent += n;
      if (!this.#target.write(n === head.length ? head : head.subarray(0, n))) this.#block();
    }
    this.#wake();
  }

  /**
   * How many bytes of a head of `length` may go now: up to the end of the uncapped part, then a
   * slice once the bucket holds it (otherwise 0, and a timer set for when it will).
   */
  #allowance(length: number): number {
    const uncappedLeft = this.#limits.uncappedBytes - this.#sent;
    if (uncappedLeft > 0) {
      if (uncappedLeft <= length) this.#refilledAt = this.#clock.monotonicNow();
      return Math.min(length, uncappedLeft);
    }
    const now = this.#clock.monotonicNow();
    const rate = this.#limits.bytesPerSecond;
    // Room for two slices: what a timer's rounding leaves over is kept, a long pause is not.
    this.#tokens = Math.min(2 * SLICE_BYTES, this.#tokens + ((now - this.#refilledAt) * rate) / 1000);
    this.#refilledAt = now;
    const want = Math.min(length, SLICE_BYTES);
    if (this.#tokens >= want) {
      this.#tokens -= want;
      return want;
    }
    const waitMs = Math.ceil(((want - this.#tokens) * 1000) / rate);
    this.#cancelTimer = this.#clock.setTimer(() => {
      this.#cancelTimer = undefined;
      this.#pump();
    }, waitMs);
    return 0;
  }

  #block(): void {
    this.#blocked = true;
    void this.#target.drained().then(() => {
      this.#blocked = false;
      this.#pump();
    });
  }

  /** Lets the source go on once the queue is half empty, and flush waiters once it is empty. */
  #wake(): void {
    if (this.#queued <= PACER_QUEUE_BYTES / 2 && this.#roomWaiters.length > 0) {
      for (const resolve of this.#roomWaiters.splice(0)) resolve();
    }
    if (this.#queued === 0 && this.#emptyWaiters.length > 0) {
      for (const resolve of this.#emptyWaiters.splice(0)) resolve();
    }
  }
}
