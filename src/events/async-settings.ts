/**
 * What the async runner needs to know about a function, and what it tells the world. Kept as plain
 * types so that the control plane answers them and telemetry listens without importing the runner.
 */

/** Defaults of Lambda's asynchronous invocation. */
export const DEFAULT_MAXIMUM_RETRY_ATTEMPTS = 2;
export const DEFAULT_MAXIMUM_EVENT_AGE_SECONDS = 21_600;

/** A function qualifier's async settings, as the event-invoke config and the function say. */
export interface AsyncSettings {
  /** Retries after a function error or timeout (0-2, default 2). */
  readonly maximumRetryAttempts?: number | undefined;
  /** How long an event is kept before it is dropped (60-21600 s, default 6 h). */
  readonly maximumEventAgeInSeconds?: number | undefined;
  /** Destinations of the event-invoke config (ARNs). */
  readonly onSuccess?: string | undefined;
  readonly onFailure?: string | undefined;
  /** The function's DeadLetterConfig target (ARN). */
  readonly deadLetterTargetArn?: string | undefined;
  /** The function's reserved concurrency (0: every event goes straight to failure handling). */
  readonly reservedConcurrency?: number | undefined;
  /** The function's RecursiveLoop (undefined: Terminate, Lambda's default). */
  readonly recursiveLoop?: "Allow" | "Terminate" | undefined;
  /** The function's execution role (ARN): DLQ and destination sends need its permission. */
  readonly role?: string | undefined;
  /** The qualified ARN of the invoked function (`…:function:name:qualifier`), for destination records. */
  readonly functionArn: string;
}

/** Looks up the settings of a function and qualifier; undefined when the function is gone. */
export type AsyncSettingsSource = (functionName: string, qualifier: string | undefined) => AsyncSettings | undefined;

/** Why an event failed for good (the `condition` of a destination record). */
export type FailureCondition = "RetriesExhausted" | "EventAgeExceeded";

/**
 * The async metrics as AWS names them, emitted as they happen: a metric store (telemetry) adds
 * them up per function. `AsyncEventAge` is in milliseconds, the others are counts of 1.
 */
export type AsyncMetricName =
  | "AsyncEventsReceived"
  | "AsyncEventAge"
  | "AsyncEventsDropped"
  | "DeadLetterErrors"
  | "DestinationDeliveryFailures"
  | "RecursiveInvocationsDropped";

/** One async metric data point of one function (and qualifier, when the event named one). */
export interface AsyncMetric {
  readonly name: AsyncMetricName;
  readonly functionName: string;
  readonly qualifier?: string | undefined;
  readonly value: number;
  /** On the platform clock. */
  readonly at: number;
}

/** Receives every async metric data point; must not throw or block. */
export type AsyncMetricListener = (metric: AsyncMetric) => void;
