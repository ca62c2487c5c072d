import { timeoutBody } from "../../domain/invocation.js";
import type { InstanceInvokeRequest, InstanceInvokeResult } from "../../ports/instance-launcher.js";
import { crashError, type ProcessExit } from "./exit-outcome.js";

/** The invocation an instance is running: its request, the log lines it wrote so far, and its answer. */
export interface RunningInvocation {
  readonly request: InstanceInvokeRequest;
  readonly logs: string[];
  readonly resolve: (r: InstanceInvokeResult) => void;
  readonly cancelTimer: () => void;
}

/** How an invocation ended; the slot adds its logs and the instance's peak memory. */
export type InvocationOutcome = Omit<InstanceInvokeResult, "logs" | "maxMemoryMb">;

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
 */
export class InvocationSlot {
  #current: RunningInvocation | undefined;
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

  /** Runs `request` until it is finished or its deadline passes (a timeout after `timeoutSec`). */
  start(request: InstanceInvokeRequest, timeoutSec: number): Promise<InstanceInvokeResult> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.#timeOut(timeoutSec), Math.max(0, request.deadlineMs - Date.now()));
      const logs = this.#held.length === 0 ? [] : this.takeHeld();
      this.#current = { request, logs, resolve, cancelTimer: () => clearTimeout(timer) };
    });
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

  /** Answers `running` with `outcome`, unless it has been answered already. */
  finish(running: RunningInvocation, outcome: InvocationOutcome): void {
    if (this.#current !== running) return;
    this.#current = undefined;
    running.cancelTimer();
    // Built field by field: a spread plus extra properties is a slow path in V8.
    running.resolve({
      kind: outcome.kind,
      payload: outcome.payload,
      errorType: outcome.errorType,
      logs: running.logs,
      maxMemoryMb: this.#maxMemoryMb,
    });
  }

  /** Answers the running invocation, if any, as crashed: with `reported`, or with how the process exited. */
  crash(exit: ProcessExit, reported: ReportedError | undefined): void {
    const running = this.#current;
    if (!running) return;
    const crash = reported ?? crashError(running.request.requestId, exit);
    this.finish(running, { kind: "crashed", ...crash });
  }

  #timeOut(timeoutSec: number): void {
    const running = this.#current;
    if (!running) return;
    this.#onDeadline();
    const payload = timeoutBody(running.request.requestId, timeoutSec);
    this.finish(running, { kind: "timeout", payload, errorType: "Sandbox.Timedout" });
  }
}
