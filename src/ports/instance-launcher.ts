import type { FunctionSpec } from "../domain/function-spec.js";
import type { ResponseStreamSink } from "../domain/invocation.js";

/** One event for one instance. */
export interface InstanceInvokeRequest {
  readonly requestId: string;
  readonly payload: Buffer;
  /**
   * How long the event may run, counted from the moment the instance takes it: its deadline
   * starts then, so an event that waits in the channel behind another (handed ahead) does not use
   * it up. Past it the instance is killed and the event answered `timeout`.
   */
  readonly timeoutMs: number;
  readonly invokedFunctionArn: string;
  readonly traceId?: string | undefined;
  readonly clientContext?: string | undefined;
  /**
   * Where the chunks of a streamed answer go as they come. Without it, a streamed answer is
   * gathered and returned as the payload (a plain Invoke of a streaming function gets it whole).
   */
  readonly responseStream?: ResponseStreamSink | undefined;
}

/**
 * What an instance did with one event. `timeout` and `crashed` leave the instance dead; `unstarted`
 * is an event that waited behind another on an instance that died before it began (run it elsewhere).
 */
export interface InstanceInvokeResult {
  readonly kind: "ok" | "function-error" | "timeout" | "crashed" | "unstarted";
  readonly payload: Buffer;
  readonly errorType?: string | undefined;
  /** The function's own log lines during the event, in order. */
  readonly logs: string[];
  /** Lines dropped past the instance's log rate bound during the event. */
  readonly droppedLines?: number | undefined;
  /** Peak resident memory of the instance so far, in MiB. */
  readonly maxMemoryMb: number;
  /** From the moment the instance took the event to its answer. */
  readonly durationMs: number;
}

/** A running function instance: one event at a time. */
export interface Instance {
  readonly id: string;
  readonly spec: FunctionSpec;
  /** Its log stream (AWS_LAMBDA_LOG_STREAM_NAME), once it has a function. */
  readonly logStreamName?: string | undefined;
  /** False once the process has exited or was stopped. */
  readonly alive: boolean;
  /**
   * Whether invoke() may be called once more while an event runs: the second event waits in the
   * instance's channel and starts the moment the first is answered.
   */
  readonly takesEventAhead: boolean;
  /**
   * Runs one event; never throws. An instance that cannot take it (it has died, or it is busy and
   * takes no event ahead) answers `unstarted` at once: the caller runs the event elsewhere.
   */
  invoke(request: InstanceInvokeRequest): Promise<InstanceInvokeResult>;
  /** Kills the instance; safe to call twice. Resolves when the process is gone. */
  stop(): Promise<void>;
}

/** The result of starting an instance: ready, or the function's init failure. */
export type LaunchResult =
  | { readonly ok: true; readonly instance: Instance; readonly initDurationMs: number; readonly initLogs: string[] }
  | {
      readonly ok: false;
      readonly errorType: string;
      readonly payload: Buffer;
      readonly initDurationMs: number;
      readonly initLogs: string[];
    };

/** Starts function instances (child processes in production). */
export interface InstanceLauncher {
  /** Starts an instance of `spec` and loads its code. */
  launch(spec: FunctionSpec): Promise<LaunchResult>;
  /** Stops spare processes and everything the launcher started. */
  close(): Promise<void>;
}
