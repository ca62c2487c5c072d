import type { InvokeResult, ResponseStreamSink } from "../domain/invocation.js";

/** What to invoke: a function name and an optional qualifier (`$LATEST`, a version number or an alias). */
export interface InvokeTarget {
  readonly functionName: string;
  readonly qualifier?: string | undefined;
}

export interface InvokeOptions {
  /** Use this request id instead of a fresh one (async retries keep theirs). */
  readonly requestId?: string | undefined;
  /** Client context as JSON text (already base64-decoded). */
  readonly clientContext?: string | undefined;
  /** X-Ray trace header value to hand to the function. */
  readonly traceId?: string | undefined;
  /** Stream the answer chunk by chunk to this sink (InvokeWithResponseStream, streamed function URLs). */
  readonly responseStream?: ResponseStreamSink | undefined;
}

/**
 * The only way code runs. Resolves the qualifier (alias weights → version), takes a concurrency
 * slot, runs the event on an instance and returns a value for every outcome. Throws PlatformError
 * only when the target does not exist.
 */
export interface InvokeService {
  invoke(target: InvokeTarget, payload: Buffer, options?: InvokeOptions): Promise<InvokeResult>;
}
