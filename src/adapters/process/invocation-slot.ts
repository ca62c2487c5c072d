import { timeoutBody } from "../../domain/invocation.js";
import type { InstanceInvokeRequest, InstanceInvokeResult } from "../../ports/instance-launcher.js";
import { crashError, type ProcessExit } from "./exit-outcome.js";

/** The invocation an instance is running: its request, the log lines it wrote so far, and its answer. */
export interface RunningInvocation {
  readonly request: InstanceInvokeRequest;
  readonly timeoutSec: number;
  logs: string[];
  readonly resolve: (r: InstanceInvokeResult) => void;
  /** performance.now() when the instance took the event. */
  startedAt: number;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** How an invocation ended; the slot adds its logs, its duration and the instance's peak memory. */
export type InvocationOutcome = Omit<InstanceInvokeResult, "logs" | "maxMemoryMb" | "durationMs"> & {
  /** The duration as the instance measured it, when it did; otherwise the slot's own. */
  readonly durationMs?: number | undefined;
};

/** The error a runtime reported before it died (it then answers the invocation, not the exit). */
export interface ReportedError {
  readonly errorType: string;
  readonly payload: Buffer;
}

/** At most this many lines are held between invocations (the newest are kept). */
export const HELD_LINES_MAX = 1000;

/**
 * Where an instance runs its one invocation at a time: collects the function's log lines, enforces the
 * deadline and answers the caller exactly once (result, timeout or crash).
 *
 * Lines written while no invocation runs (during init, or after an answer: a callback that does not
 * wait for the event loop, a background task) are held; init takes its own with takeHeld(), and the
 * next invocation's logs start with the rest, as Lambda shows them in the next invocation's stream.
 *
 * One more event may wait behind the running one (an instance whose channel carries it ahead, see
 * ARCHITECTURE.md "Handing events ahead"). It starts, with its own deadline, the moment the running
 * one is answered. Should the instance die or time out first, the waiting event is answered
 * `unstarted` (the caller runs it elsewhere) — unless the instance had already answered the running
 * one, in which case it may have begun and is answered as crashed.
 */
export class InvocationSlot {
  #current: RunningInvocation | undefined;
  #queued: RunningInvocation | undefined;
  /** The running invocation timed out; an answer for it arriving afterwards means the queued one began. */
  #timedOut: string | undefined;
  #queuedMayHaveStarted = false;
  #held: string[] = [];
  #maxMemoryMb = 0;
  readonly #onDeadline: () => void;

  /** `onDeadline` kills the instance when an invocation outlives its deadline; the slot then answers with a timeout. */
  constructor(onDeadline: () => void) {
    this.#onDeadline = onDeadline;
  }

  /** The invocation running now, if any. */
  get current(): RunningInvocation | undefined {
    return this.#current;
  }

  /** The event waiting behind the running one, if any. */
  get queued(): RunningInvocation | undefined {
    return this.#queued;
  }

  /**
   * Runs `request` until it is finished or its deadline passes (a timeout after `timeoutSec`). With
   * an invocation running, `request` waits behind it (at most one may wait).
   */
  start(request: InstanceInvokeRequest, timeoutSec: number): Promise<InstanceInvokeResult> {
    if (this.#queued) throw new Error("an event is already waiting");
    return new Promise((resolve) => {
      const entry: RunningInvocation = { request, timeoutSec, logs: [], resolve, startedAt: 0, timer: undefined };
      if (this.#current) this.#queued = entry;
      else this.#begin(entry, Math.max(0, request.deadlineMs - Date.now()));
    });
  }

  #begin(entry: RunningInvocation, timeoutMs: number): void {
    entry.timer = setTimeout(() => this.#timeOut(entry), timeoutMs);
    entry.startedAt = performance.now();
    if (this.#held.length > 0) entry.logs = this.takeHeld();
    this.#current = entry;
  }

  /** Adds a line to the running invocation's logs, or holds it when none is running. */
  log(line: string): void {
    if (this.#current) {
      this.#current.logs.push(line);
      return;
    }
    this.#held.push(line);
    if (this.#held.length > HELD_LINES_MAX) this.#held.shift();
  }

  /** Takes the lines held since the last invocation (the launcher takes init's this way). */
  takeHeld(): string[] {
    const held = this.#held;
    this.#held = [];
    return held;
  }

  /** Records a peak resident memory measurement of the instance (MiB); results report the highest. */
  notePeakMemory(mb: number): void {
    this.#maxMemoryMb = Math.max(this.#maxMemoryMb, mb);
  }

  /**
   * Answers `running` with `outcome`, unless it has been answered already; an event waiting behind
   * it starts now.
   */
  finish(running: RunningInvocation, outcome: InvocationOutcome): void {
    if (this.#current !== running) return;
    this.#current = undefined;
    clearTimeout(running.timer);
    this.#answer(running, outcome, outcome.durationMs ?? performance.now() - running.startedAt);
    const next = this.#queued;
    if (next && this.#timedOut === undefined) {
      this.#queued = undefined;
      this.#begin(next, next.timeoutSec * 1000);
    }
  }

  /** An answer came for `requestId` after it had timed out: the instance went on to the waiting event. */
  lateAnswer(requestId: string): void {
    if (this.#timedOut === requestId) this.#queuedMayHaveStarted = true;
  }

  /**
   * Answers the running invocation, if any, as crashed: with `reported`, or with how the process
   * exited. A waiting event is answered `unstarted`, or as crashed if it may have begun.
   */
  crash(exit: ProcessExit, reported: ReportedError | undefined): void {
    const running = this.#current;
    if (running) {
      const crash = reported ?? crashError(running.request.requestId, exit);
      this.#current = undefined;
      clearTimeout(running.timer);
      this.#answer(
        running,
        { kind: "crashed", payload: crash.payload, errorType: crash.errorType },
        performance.now() - running.startedAt,
      );
    }
    const queued = this.#queued;
    if (!queued) return;
    this.#queued = undefined;
    const crash = crashError(queued.request.requestId, exit);
    const kind = this.#queuedMayHaveStarted ? "crashed" : "unstarted";
    this.#answer(queued, { kind, payload: crash.payload, errorType: crash.errorType }, 0);
  }

  #answer(entry: RunningInvocation, outcome: InvocationOutcome, durationMs: number): void {
    // Built field by field: a spread plus extra properties is a slow path in V8.
    entry.resolve({
      kind: outcome.kind,
      payload: outcome.payload,
      errorType: outcome.errorType,
      logs: entry.logs,
      maxMemoryMb: this.#maxMemoryMb,
      durationMs,
    });
  }

  #timeOut(running: RunningInvocation): void {
    if (this.#current !== running) return;
    // The instance dies now; whether a waiting event began is known once its channel has drained.
    this.#timedOut = running.request.requestId;
    this.#onDeadline();
    const payload = timeoutBody(running.request.requestId, running.timeoutSec);
    this.finish(running, { kind: "timeout", payload, errorType: "Sandbox.Timedout" });
  }
}
