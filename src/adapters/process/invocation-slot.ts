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

/**
 * Where an instance runs its one invocation at a time: collects the function's log lines, enforces the
 * deadline and answers the caller exactly once (result, timeout or crash).
 */
export class InvocationSlot {
  #current: RunningInvocation | undefined;
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
      this.#current = { request, logs: [], resolve, cancelTimer: () => clearTimeout(timer) };
    });
  }

  /** Adds a line to the running invocation's logs; false when none is running. */
  log(line: string): boolean {
    this.#current?.logs.push(line);
    return this.#current !== undefined;
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
