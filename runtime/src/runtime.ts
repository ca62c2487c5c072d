/**
 * The invoke loop, shared by both transports. Mirrors the RIC's Runtime.js (Node.js ≤ 22
 * behaviour: callbacks, waiting for an empty event loop) and, for Node.js 24+ runtimes, the
 * rewritten RIC (the handler's awaited return value is the result; no callback).
 */
import type { Channel, Invocation } from "./channel.js";
import { attachEnvironmentData, beforeExitListener, buildCallbackContext, type Reporter } from "./context.js";
import { JSONStringifyError, NodeJsExit, toRapidResponse } from "./errors.js";
import type { UserHandler } from "./loader.js";
import { setCurrentRequestId, structuredConsole } from "./log.js";
import { isStreamingHandler, LambdaResponseStream, streamingHighWaterMark } from "./response-stream.js";

/** Where process-level failures go; replaced per invocation, as in the RIC. */
export interface ErrorCallbacks {
  uncaughtException: (error: unknown) => void;
  unhandledRejection: (error: unknown) => void;
}

export interface RuntimeOptions {
  channel: Channel;
  handler: UserHandler;
  /** `handler` is an `async function` (the RIC's test): an emptied loop then means NodeJsExit. */
  isAsync: boolean;
  /** Node.js 24+ semantics (AWS_EXECUTION_ENV AWS_Lambda_nodejs24.x and later). */
  modern: boolean;
  errorCallbacks: ErrorCallbacks;
}

function isPromise(x: unknown): x is Promise<unknown> {
  return !!x && typeof (x as { then?: unknown }).then === "function";
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class Runtime {
  readonly #o: RuntimeOptions;
  /** The invocation being run, or the last one; undefined before the first. */
  #current: string | undefined;
  /** Whether #current still awaits its answer. */
  #inFlight = false;
  /** The handler was made with awslambda.streamifyResponse. */
  readonly #streaming: boolean;

  constructor(options: RuntimeOptions) {
    this.#o = options;
    this.#streaming = isStreamingHandler(options.handler);
  }

  /** Starts the next iteration on the next turn of the event loop. */
  scheduleIteration(): void {
    setImmediate(() => {
      this.#handleOnce().then(
        () => undefined,
        // Only a transport failure or a runtime bug gets here; report it like the RIC does.
        (err: unknown) => {
          console.log(`Unexpected Top Level Error: ${String(err)}`);
          this.#o.errorCallbacks.uncaughtException(err);
        },
      );
    });
  }

  async #handleOnce(): Promise<void> {
    const inv = await this.#o.channel.next();
    setCurrentRequestId(inv.requestId);
    this.#current = inv.requestId;
    this.#inFlight = true;
    this.#setErrorCallbacks(inv.requestId);
    if (this.#streaming) return this.#runStreaming(inv);
    const reporter = this.#reporter(inv.requestId);
    if (this.#o.modern) void this.#runModern(inv, reporter);
    else this.#runClassic(inv, reporter);
  }

  /** RIC Runtime.handleOnceNonStreaming. */
  #runClassic(inv: Invocation, reporter: Reporter): void {
    const next = (): void => this.scheduleIteration();
    const [callback, callbackContext, markCompleted] = buildCallbackContext(reporter, next);
    try {
      this.#setDefaultExitListener(reporter, markCompleted, this.#o.isAsync);
      const result = this.#o.handler(JSON.parse(inv.body), attachEnvironmentData(callbackContext, inv), callback);
      if (isPromise(result)) {
        result.then(callbackContext.succeed, callbackContext.fail).catch(callbackContext.fail);
      }
    } catch (err) {
      callback(err);
    }
  }

  /** The Node.js 24+ RIC: `await handler(event, context)`, answered on the next turn. */
  async #runModern(inv: Invocation, reporter: Reporter): Promise<void> {
    const next = (): void => this.scheduleIteration();
    let answered = false;
    this.#setDefaultExitListener(reporter, () => (answered = true), true);
    const fail = async (err: unknown): Promise<void> => {
      await nextTurn();
      if (answered) return;
      answered = true;
      beforeExitListener.reset();
      structuredConsole.logError("Invoke Error", err);
      reporter.postError(err, next);
    };
    let result: unknown;
    try {
      result = await this.#o.handler(JSON.parse(inv.body), attachEnvironmentData({}, inv));
    } catch (err) {
      return fail(err);
    }
    await nextTurn();
    if (answered) return;
    try {
      reporter.postResponse(result, next);
      answered = true;
      beforeExitListener.reset();
    } catch (err) {
      return fail(err);
    }
  }

  /**
   * RIC handleOnceStreaming: `handler(event, responseStream, context)`. The stream's end answers
   * the invocation; a handler that throws or rejects ends it with the error (after the chunks it
   * wrote). A handler whose promise resolves with the stream still open has its stream ended, as
   * does one that leaves an empty event loop behind.
   */
  #runStreaming(inv: Invocation): void {
    const requestId = inv.requestId;
    const answer = this.#o.channel.stream(requestId);
    const stream = new LambdaResponseStream(answer, streamingHighWaterMark(this.#o.handler));
    let failure: unknown;
    let reported = false;
    const report = (): void => {
      if (reported) return;
      reported = true;
      beforeExitListener.reset();
      if (!(this.#inFlight && this.#current === requestId)) return;
      this.#inFlight = false;
      let error;
      if (failure !== undefined) {
        structuredConsole.logError("Invoke Error", failure);
        error = toRapidResponse(failure);
      }
      answer.end(stream.contentType, error, () => this.scheduleIteration());
    };
    const fail = (err: unknown): void => {
      failure ??= err ?? new Error("undefined");
      if (stream.writableFinished) return report();
      if (!stream.writableEnded) stream.end();
    };
    stream.once("finish", report);
    stream.once("error", (err) => {
      failure ??= err;
      report();
    });
    beforeExitListener.set(() => (stream.writableEnded ? report() : stream.end()));
    let result: unknown;
    try {
      result = this.#o.handler(JSON.parse(inv.body), stream, attachEnvironmentData({}, inv));
    } catch (err) {
      return fail(err);
    }
    if (isPromise(result)) {
      result.then(() => {
        if (!stream.writableEnded) stream.end();
      }, fail);
    }
  }

  /**
   * Sends answers for one invocation. A completion for an invocation that was already answered
   * (or an older one) is dropped: the RIC would post it, be refused, and start a second loop.
   */
  #reporter(requestId: string): Reporter {
    const open = (): boolean => this.#inFlight && this.#current === requestId;
    return {
      postResponse: (result, then) => {
        const body = this.#serialize(result);
        if (!open()) return;
        this.#inFlight = false;
        this.#o.channel.respond(requestId, body, then);
      },
      postError: (error, then) => {
        if (!open()) return;
        this.#inFlight = false;
        this.#o.channel.fail(requestId, toRapidResponse(error), then);
      },
    };
  }

  /** RIC `_trySerializeResponse`, plus the native client's refusal of a non-string body. */
  #serialize(result: unknown): string {
    let body: unknown;
    try {
      body = JSON.stringify(result === undefined ? null : result);
    } catch {
      if (this.#o.modern) throw new JSONStringifyError("Unable to stringify response body");
      throw new Error("Unable to stringify response body");
    }
    // JSON.stringify gives undefined for a function or a symbol; the RIC's native client then
    // throws this TypeError, which is reported as the invocation's error.
    if (typeof body !== "string") throw new TypeError("Wrong arguments");
    return body;
  }

  #setErrorCallbacks(requestId: string): void {
    const { channel, errorCallbacks } = this.#o;
    errorCallbacks.uncaughtException = (error) => {
      channel.fatal(toRapidResponse(error), 129, requestId, this.#inFlight && this.#current === requestId);
    };
    errorCallbacks.unhandledRejection = (error) => {
      channel.fatal(toRapidResponse(error), 128, requestId, this.#inFlight && this.#current === requestId);
    };
  }

  /**
   * What an emptied event loop means when nothing else answered: success with null for a plain
   * function (it may never call back), Runtime.NodeJsExit for an async one (its promise is stuck).
   */
  #setDefaultExitListener(reporter: Reporter, markCompleted: () => void, isAsync: boolean): void {
    beforeExitListener.set(() => {
      markCompleted();
      beforeExitListener.reset();
      if (isAsync) {
        const error = new NodeJsExit();
        structuredConsole.logError("Invoke Error", error);
        reporter.postError(error, () => this.scheduleIteration());
      } else {
        reporter.postResponse(null, () => this.scheduleIteration());
      }
    });
  }
}
