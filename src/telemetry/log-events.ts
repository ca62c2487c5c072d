import type { InvocationRecord } from "../domain/invocation.js";
import { invocationLogLines } from "../domain/log-lines.js";
import type { LogEventInput } from "../ports/log-store.js";

/** The log group of a function: `/aws/lambda/<name>`. */
export function functionLogGroup(functionName: string): string {
  return `/aws/lambda/${functionName}`;
}

/** `YYYY/MM/DD/[<version>]<hex>`, the name Lambda gives an instance's stream. */
export function streamNameFor(version: string, hex: string, at: number): string {
  const d = new Date(at);
  const day = `${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, "0")}/${String(d.getUTCDate()).padStart(2, "0")}`;
  return `${day}/[${version}]${hex}`;
}

/**
 * The events of one invocation, as Lambda writes them to its instance's stream. The function's
 * lines carry no time of their own: init lines are stamped when the instance started, the call's
 * lines and START when it began, the rest when it ended.
 */
export function invocationEvents(r: InvocationRecord, groupName: string, out: LogEventInput[]): void {
  if (r.outcome === "throttled") return;
  const streamName =
    r.logStreamName ?? streamNameFor(r.executedVersion, (r.instanceId ?? r.requestId).replace(/-/g, ""), r.startedAt);
  const lines = invocationLogLines(r);
  const initCount = r.initLines.length;
  // START (or platform.start) follows the init lines, unless SystemLogLevel left it out.
  const startShown =
    (lines[initCount] ?? "").startsWith("START ") || (lines[initCount] ?? "").includes('"platform.start"');
  const bodyEnd = initCount + (startShown ? 1 : 0) + r.lines.length;
  const initAt = r.startedAt - Math.ceil(r.initDurationMs ?? 0);
  const endAt = r.startedAt + Math.ceil(r.durationMs);
  for (let i = 0; i < lines.length; i++) {
    const timestamp = i < initCount ? initAt : i < bodyEnd ? r.startedAt : endAt;
    out.push({ groupName, streamName, timestamp, message: lines[i] as string });
  }
}
