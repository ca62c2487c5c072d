/**
 * What the invoke loop needs from a transport. Two implement it: the private fd-3 frame channel
 * (ipc-channel.ts) and the Lambda Runtime API over HTTP (http-channel.ts), so the handler-running
 * code is the same for both.
 */
import type { RapidError } from "./errors.js";
import type { StreamOutput } from "./response-stream.js";

/** One streamed answer: its chunks, then its end. */
export interface StreamedAnswer extends StreamOutput {
  /**
   * Ends the answer, complete or with `error` (reported after the chunks already sent: as trailers
   * on the Runtime API). `contentType` is the stream's, for an answer that sent no chunk.
   */
  end(contentType: string, error: RapidError | undefined, then: () => void): void;
}

export interface Invocation {
  requestId: string;
  /** Epoch milliseconds. */
  deadlineMs: number;
  invokedFunctionArn: string;
  traceId?: string;
  /** JSON text, as Lambda-Runtime-Client-Context carries it. */
  clientContext?: string;
  /** JSON text, as Lambda-Runtime-Cognito-Identity carries it. */
  cognitoIdentity?: string;
  /** The event, JSON text. */
  body: string;
}

export interface Channel {
  /**
   * Waits for the next event: the fd-3 channel blocks (the event loop is frozen until it comes, as
   * Lambda freezes an idle environment), the Runtime API channel waits on its request. While waiting
   * the channel keeps the process alive; once an event is handed over it no longer does, so the
   * event loop can drain ("beforeExit") during the handler.
   */
  next(): Promise<Invocation>;
  /** Reports a result (JSON text); `then` runs once it has been handed over. */
  respond(requestId: string, body: string, then: () => void): void;
  /** Opens the streamed answer of a handler made with awslambda.streamifyResponse. */
  stream(requestId: string): StreamedAnswer;
  /** Reports a handler error; `then` runs once it has been handed over. */
  fail(requestId: string, error: RapidError, then: () => void): void;
  /** Reports a failed init; `then` runs once it has been handed over. */
  initError(error: RapidError, then: () => void): void;
  /** Reports that init succeeded (the Runtime API has no such call: it is implied by /next). */
  initDone(): void;
  /**
   * Reports an uncaught exception or unhandled rejection, then exits with `exitCode`.
   * @param requestId the invocation it belongs to; undefined before the first invocation.
   * @param inFlight whether that invocation is still running (not yet answered).
   */
  fatal(error: RapidError, exitCode: number, requestId: string | undefined, inFlight: boolean): void;
  /** Delivers one log entry (no trailing newline). */
  log(entry: string): void;
}
