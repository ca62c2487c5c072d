import type { InvocationRecord } from "../domain/invocation.js";
import { eachInvocationEvent, recordStreamName } from "../domain/log-batch.js";
import type { LogEventInput } from "../ports/log-store.js";

export { streamNameFor } from "../domain/log-batch.js";

/** The log group of a function: `/aws/lambda/<name>`. */
export function functionLogGroup(functionName: string): string {
  return `/aws/lambda/${functionName}`;
}

/**
 * The events of one invocation, as Lambda writes them to its instance's stream. The function's
 * lines carry no time of their own: init lines are stamped when the instance started, the call's
 * lines and START when it began, the rest when it ended.
 */
export function invocationEvents(r: InvocationRecord, groupName: string, out: LogEventInput[]): void {
  if (r.outcome === "throttled") return;
  const streamName = recordStreamName(r);
  eachInvocationEvent(r, (timestamp, message) => out.push({ groupName, streamName, timestamp, message }));
}
