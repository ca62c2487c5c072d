import { errorBody, timeoutBody } from "../../domain/invocation.js";
import type { InstanceInvokeRequest, InstanceInvokeResult } from "../../ports/instance-launcher.js";
import type { Clock } from "../../shared/clock.js";
import { Deadline } from "../../shared/deadline.js";
import { crashError, type ProcessExit } from "./exit-outcome.js";
import { LAMBDA_STREAM_LIMITS, type StreamLimits } from "../../domain/stream-pacer.js";
import { LineBudget, type LineBudgetOptions } from "./line-budget.js";
import { StreamedAnswer } from "./streamed-answer.js";

/** What an instance's slot bounds besides deadlines. */
export interface SlotOptions {
  /** How much the instance may log (default DEFAULT_LINE_BUDGET). */
  readonly lineBudget?: LineBudgetOptions | undefined;
  /** The limits of streamed answers (default Lambda's). */
  readonly streamLimits?: StreamLimits | undefined;
}

/** The invocation an instance is running: its request, the log lines it wrote so far, and its answer. */
export interface RunningInvocation {
  readonly request: InstanceInvokeRequest;
  logs: string[];
  /** Lines dropped past the instance's line budget while it ran (or waited to be counted). */
  dropped: number;
  readonly resolve: (r: InstanceInvokeResult) => void;
  /** Started when the event begins (not while it waits ahead); also measures its duration. */
  deadline: Deadline | undefined;
  /** The chunks of a streamed answer, once the first has come. */
  streamed: StreamedAnswer | undefined;
}

/** How an invocation ended; the slot adds its logs, its duration and the instance's peak memory. */
export type InvocationOutcome = Omit<InstanceInvokeResult, "logs" | "maxMemoryMb" | "durationMs" | "droppedLines"> & {
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

const EXITED_BEFORE = errorBody("Runtime.ExitError", "Runtime exited before it took the event");

/** The answer of an instance that cannot take an event (it has died, or it is busy and takes none ahead). */
export function unstartedResult(): Promise<InstanceInvokeResult> {
  return Promise.resolve({
    kind: "unstarted",
    payload: EXITED_BEFORE,
    errorType: "Runtime.ExitError",
    logs: [],
    maxMemoryMb: 0,
    durationMs: 0,
  });
}

/**
 * Where an instance runs its one invocation at a time: collects the function's log lines, enforces the
 * deadline and answers the caller exactly once (result, timeout or crash).
 *
 * Lines written while no invocation runs (during init, or after an answer: a callback that does not
 * wait for the event loop, a background task) are held; init takes its own with takeHeld(), and the
 * next invocation's logs start with the rest, as Lambda shows them in the next invocation's stream.
 *
 * Events may wait behind the running one (an instance whose channel carries them ahead, see
 * ARCHITECTURE.md "Handing events ahead"). The first starts, with its own deadline, the moment the
 * running one is answered. Should the instance die first, the waiting events are answered
 * `unstarted` (the caller runs them elsewhere) — except one the instance may already have begun:
 * after a timeout the instance is killed, and answers still in its channel show how far it got.
 */
export class InvocationSlot {
  #current: RunningInvocation | undefined;
  readonly #queue: RunningInvocation[] = [];
  /** Set once an invocation timed out: the instance is being killed and nothing more starts. */
  #timedOutId: string | undefined;
  /** After a timeout: the first waiting event may have begun (the one before it was answered). */
  #headMayHaveBegun = false;
  #held: string[] = [];
  #heldDropped = 0;
  #maxMemoryMb = 0;
  readonly #clock: Clock;
  readonly #onDeadline: () => void;
  readonly #budget: LineBudget;
  readonly #streamLimits: StreamLimits;

  /**
   * Deadlines (and the pace of streamed answers) run on `clock` (the real one: function code keeps
   * real time). `onDeadline` kills the instance when an invocation outlives its deadline; the slot
   * then answers with a timeout.
   */
  constructor(clock: Clock, onDeadline: () => void, options: SlotOptions = {}) {
    this.#clock = clock;
    this.#onDeadline = onDeadline;
    this.#budget = new LineBudget(clock, options.lineBudget);
    this.#streamLimits = options.streamLimits ?? LAMBDA_STREAM_LIMITS;
  }

  /** The invocation running now, if any. */
  get current(): RunningInvocation | undefined {
    return this.#current;
  }

  /** When the running invocation's deadline passes (epoch ms on the slot's clock), if one runs. */
  deadlineAt(): number | undefined {
    return this.#current?.deadline?.at;
  }

  /** How many events wait behind the running one. */
  get waiting(): number {
    return this.#queue.length;
  }

  /**
   * Runs `request` until it is finished or its deadline passes (`request.timeoutMs` after it
   * begins). With an invocation running, `request` waits behind it and those already waiting, and
   * its deadline starts when it begins.
   */
  start(request: InstanceInvokeRequest): Promise<InstanceInvokeResult> {
    return new Promise((resolve) => {
      const entry: RunningInvocation = {
        request,
        logs: [],
        dropped: 0,
        resolve,
        deadline: undefined,
        streamed: undefined,
      };
      if (this.#current) this.#queue.push(entry);
      else this.#begin(entry);
    });
  }

  #begin(entry: RunningInvocation): void {
    entry.deadline = Deadline.start(this.#clock, entry.request.timeoutMs, () => this.#timeOut(entry));
    if (this.#held.length > 0) entry.logs = this.takeHeld();
    entry.dropped = this.#heldDropped;
    this.#heldDropped = 0;
    this.#current = entry;
  }

  /** Adds a line to the running invocation's logs, or holds it when none is running. */
  log(line: string): void {
    if (!this.#budget.take(line.length)) {
      if (this.#current) this.#current.dropped++;
      else this.#heldDropped++;
      return;
    }
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
   * One chunk of the running invocation's streamed answer, forwarded to its caller as it comes.
   * `contentType` comes with the first chunk. A promise when the instance's channel should be read
   * no further until it resolves (back-pressure from the caller and the bandwidth cap).
   */
  chunk(requestId: string, chunk: Buffer, contentType?: string): Promise<void> | undefined {
    const running = this.#current;
    if (running?.request.requestId !== requestId) return undefined;
    running.streamed ??= new StreamedAnswer(running.request.responseStream, this.#clock, this.#streamLimits);
    return running.streamed.write(chunk, contentType);
  }

  /**
   * Answers `running` with `outcome`, unless it has been answered already; the first event waiting
   * behind it starts now.
   */
  finish(running: RunningInvocation, answer: InvocationOutcome): void {
    if (this.#current !== running) return;
    this.#current = undefined;
    running.deadline?.cancel();
    const outcome = running.streamed ? running.streamed.settle(answer) : answer;
    this.#answerAfterStream(running, outcome, outcome.durationMs ?? running.deadline?.elapsedMs() ?? 0);
    const next = this.#timedOutId === undefined ? this.#queue.shift() : undefined;
    if (next) this.#begin(next);
  }

  /**
   * The instance answered `requestId`. After a timeout, an answer still in the channel tells that
   * the instance went on: a waiting event it answered gets that answer, and the next one may have begun.
   */
  answer(requestId: string, outcome: InvocationOutcome): void {
    const running = this.#current;
    if (running?.request.requestId === requestId) return this.finish(running, outcome);
    if (this.#timedOutId === undefined) return;
    if (requestId === this.#timedOutId) {
      this.#headMayHaveBegun = true;
      return;
    }
    const head = this.#queue[0];
    if (head?.request.requestId !== requestId) return;
    this.#queue.shift();
    this.#answer(head, outcome, outcome.durationMs ?? 0);
    this.#headMayHaveBegun = true;
  }

  /**
   * Answers the running invocation, if any, as crashed: with `reported`, or with how the process
   * exited. Waiting events are answered `unstarted`, but one that may have begun as crashed.
   */
  crash(exit: ProcessExit, reported: ReportedError | undefined): void {
    const running = this.#current;
    if (running) {
      const crash = reported ?? crashError(running.request.requestId, exit);
      this.#current = undefined;
      running.deadline?.cancel();
      const outcome: InvocationOutcome = { kind: "crashed", payload: crash.payload, errorType: crash.errorType };
      this.#answerAfterStream(running, outcome, running.deadline?.elapsedMs() ?? 0);
    }
    for (const entry of this.#queue.splice(0)) {
      const crash = crashError(entry.request.requestId, exit);
      const kind = this.#headMayHaveBegun ? "crashed" : "unstarted";
      this.#headMayHaveBegun = false;
      this.#answer(entry, { kind, payload: crash.payload, errorType: crash.errorType }, 0);
    }
  }

  /** Answers once the chunks still paced have gone out: the end of a stream comes after its bytes. */
  #answerAfterStream(entry: RunningInvocation, outcome: InvocationOutcome, durationMs: number): void {
    const flushed = entry.streamed?.flushed();
    if (flushed) void flushed.then(() => this.#answer(entry, outcome, durationMs));
    else this.#answer(entry, outcome, durationMs);
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
      droppedLines: entry.dropped,
    });
  }

  #timeOut(running: RunningInvocation): void {
    if (this.#current !== running) return;
    // The instance dies now; whether a waiting event began is known once its channel has drained.
    this.#timedOutId = running.request.requestId;
    this.#onDeadline();
    const payload = timeoutBody(running.request.requestId, running.request.timeoutMs / 1000);
    this.finish(running, { kind: "timeout", payload, errorType: "Sandbox.Timedout" });
  }
}
