/**
 * The function the tumbling window tests map streams to: it logs one `KWIN <json>` line per
 * invocation (the window members, the state's count and the records' data) and answers with the state counting the
 * records of the window. A record whose data is `big` makes the state larger than 1 MB; a record
 * whose data is `nostate` makes the answer hold no state (a failed batch).
 */
import { zipSync } from "fflate";

const SOURCE = `
exports.handler = async (event) => {
  const data = event.Records.map((r) => Buffer.from(r.kinesis.data, "base64").toString());
  console.log("KWIN " + JSON.stringify({
    data, window: event.window, count: event.state.count, padded: event.state.padding !== undefined, shardId: event.shardId, arn: event.eventSourceARN,
    final: event.isFinalInvokeForWindow, early: event.isWindowTerminatedEarly,
  }));
  if (data.includes("nostate")) return { batchItemFailures: [] };
  const state = { count: (event.state.count || 0) + data.length };
  if (data.includes("big")) state.padding = "x".repeat(1100 * 1024);
  return { state, batchItemFailures: [] };
};
`;

/** The handler's zip (index.handler). */
export const WINDOW_HANDLER_ZIP = zipSync({ "index.js": new TextEncoder().encode(SOURCE) });

/** One invocation as the handler logs it. */
export interface LoggedWindowInvoke {
  readonly data: string[];
  readonly window: { readonly start: string; readonly end: string };
  /** The state's count (undefined in a fresh state). */
  readonly count?: number;
  /** Whether the state carried the padding of a `big` record. */
  readonly padded: boolean;
  readonly shardId: string;
  readonly arn: string;
  readonly final: boolean;
  readonly early: boolean;
}

/** The invocations logged in `lines`. */
export function windowInvokesIn(lines: readonly string[]): LoggedWindowInvoke[] {
  const out: LoggedWindowInvoke[] = [];
  for (const line of lines) {
    const at = line.indexOf("KWIN ");
    if (at >= 0) out.push(JSON.parse(line.slice(at + 5)) as LoggedWindowInvoke);
  }
  return out;
}
