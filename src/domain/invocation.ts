/** Why a call was throttled, in AWS's words (`Reason` of TooManyRequestsException). */
export type ThrottleReason = "ConcurrentInvocationLimitExceeded" | "ReservedFunctionConcurrentInvocationLimitExceeded";

/**
 * The result of one invocation. A user function failing is a value, never an exception.
 * `payload` is what the caller receives: the function's JSON result, or the error body.
 */
export type InvokeOutcome =
  | { readonly kind: "ok"; readonly payload: Buffer }
  | { readonly kind: "function-error"; readonly payload: Buffer; readonly errorType: string }
  | { readonly kind: "init-error"; readonly payload: Buffer; readonly errorType: string }
  | { readonly kind: "timeout"; readonly payload: Buffer; readonly errorType: "Sandbox.Timedout" }
  | { readonly kind: "crashed"; readonly payload: Buffer; readonly errorType: string }
  | { readonly kind: "throttled"; readonly reason: ThrottleReason };

export type OutcomeKind = InvokeOutcome["kind"];

/**
 * Where a streamed response goes, chunk by chunk, while the function still runs
 * (InvokeWithResponseStream and RESPONSE_STREAM function URLs). The outcome's payload is then
 * empty on success, the error on failure: the chunks went here.
 */
export interface ResponseStreamSink {
  /** The call has its concurrency slot and runs `executedVersion`; called once, before any chunk. */
  start(executedVersion: string): void;
  /**
   * One chunk, as the function wrote it (or a piece of it); `contentType` is the one it set before
   * its first write. False when the caller holds as much as it should: more waits for `drained()`.
   */
  write(chunk: Buffer, contentType: string): boolean;
  /** Resolves once the caller has taken what it held (or has gone away). */
  drained(): Promise<void>;
}

import type { LoggingSpec } from "./function-spec.js";

/** One record per call, emitted by the invoker. */
export interface InvocationRecord {
  readonly requestId: string;
  readonly functionName: string;
  readonly functionArn: string;
  /** The ARN the caller named, qualified when it named an alias or a version (the `Resource` dimension). */
  readonly invokedArn?: string | undefined;
  readonly executedVersion: string;
  /** Calls of this function in flight on this node as this one ended, itself included (0 when throttled). */
  readonly concurrentExecutions?: number | undefined;
  readonly outcome: OutcomeKind;
  readonly errorType?: string | undefined;
  readonly startedAt: number;
  readonly durationMs: number;
  readonly billedDurationMs: number;
  /** Present on cold starts only. */
  readonly initDurationMs?: number | undefined;
  readonly memorySizeMb: number;
  readonly maxMemoryUsedMb: number;
  readonly traceId?: string | undefined;
  /** The instance that ran the call (none when throttled or when its start failed). */
  readonly instanceId?: string | undefined;
  /** The log stream of that instance (`2024/01/31/[$LATEST]0123…`), as its context reports it. */
  readonly logStreamName?: string | undefined;
  /** The function's LoggingConfig, when not Lambda's default. */
  readonly logging?: LoggingSpec | undefined;
  /** The function's timeout, for the `Task timed out after …` line. */
  readonly timeoutSec: number;
  /**
   * The function's own lines as they came, unformatted: those written while its instance started
   * (cold starts only), then those of the call. The platform's lines (START, END, REPORT, the
   * timeout line) are not here: `invocationLogLines()` formats them when something reads the log.
   */
  readonly initLines: readonly string[];
  readonly lines: readonly string[];
  /** Lines the instance wrote past its line-rate bound, dropped rather than kept. */
  readonly droppedLines?: number | undefined;
}

/** What `invoke()` returns: the outcome plus the record of the call. */
export interface InvokeResult {
  readonly outcome: InvokeOutcome;
  readonly record: InvocationRecord;
}

/** The error of a streamed response past LIMITS.streamedResponseBytes. */
export function streamTooLargeBody(limit: number): Buffer {
  return errorBody("Function.ResponseSizeTooLarge", `Exceeded maximum allowed payload size (${limit} bytes).`);
}

/** Encodes an error body as the Node runtime does. */
export function errorBody(errorType: string, errorMessage: string, trace: string[] = []): Buffer {
  return Buffer.from(JSON.stringify({ errorType, errorMessage, trace }));
}

/** Lambda's timeout error body: `Task timed out after 3.00 seconds`. */
export function timeoutBody(requestId: string, timeoutSec: number): Buffer {
  return Buffer.from(
    JSON.stringify({
      errorType: "Sandbox.Timedout",
      errorMessage: `RequestId: ${requestId} Error: Task timed out after ${timeoutSec.toFixed(2)} seconds`,
    }),
  );
}

/** The body Lambda returns when the runtime process exits mid-invoke. */
export function exitBody(requestId: string, how: string, errorType = "Runtime.ExitError"): Buffer {
  return Buffer.from(
    JSON.stringify({ errorType, errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: ${how}` }),
  );
}
