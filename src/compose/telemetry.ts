/**
 * Telemetry of a node: the channel every invocation record goes through. Subscribers (the log
 * store, metrics, the server's own lines, tests) take records from it; without any, records cost
 * nothing beyond their fields.
 */
import type { InvocationRecord } from "../domain/invocation.js";
import { RecordChannel } from "../telemetry/index.js";

/** A node's telemetry parts. */
export interface NodeTelemetry {
  /** Where the invoker publishes; subscribe with `records.subscribe((record) => …)`. */
  readonly records: RecordChannel;
  /** Hands on what is queued and stops the writers. */
  close(): Promise<void>;
}

/** Builds the telemetry of a node; `onRecord` (a test, `haneul server`'s lines) is one more subscriber. */
export function createTelemetry(o: {
  readonly onRecord?: ((record: InvocationRecord) => void) | undefined;
  readonly log: (message: string, error?: unknown) => void;
}): NodeTelemetry {
  const records = new RecordChannel({ onListenerError: (e) => o.log("a telemetry subscriber failed", e) });
  if (o.onRecord) records.subscribe(o.onRecord);
  return {
    records,
    close() {
      records.flush();
      return Promise.resolve();
    },
  };
}
