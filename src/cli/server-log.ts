import type { InvocationRecord } from "../domain/invocation.js";
import { executionLogReason, type AccessLogRecord } from "../gateway/index.js";

/**
 * The lines `haneul server` prints while it runs (unless `--quiet`): one per gateway request and
 * one per invocation, so that a 502 says why without any other tool.
 * @example accessLine(record) // "12:00:01.123 GET /_api/abc/prod/items 502 3.1 ms  abc/prod  fn items: …"
 */
export function accessLine(r: AccessLogRecord, at = new Date()): string {
  const target = r.apiId === undefined ? "" : `  ${r.apiId}/${r.stage ?? "?"}`;
  const fn =
    r.functionName === undefined ? "" : `  → ${r.functionName}${r.executedVersion ? `:${r.executedVersion}` : ""}`;
  const reason = r.error === undefined ? undefined : executionLogReason(r.error);
  const why = reason === undefined ? "" : `  (${reason})`;
  return `${clock(at)} ${r.method} ${r.path} ${r.status} ${r.latencyMs.toFixed(1)} ms${target}${fn}${why}  ${r.requestId}`;
}

/** One line for an invocation: function:version, outcome, duration, cold start, request id. */
export function invocationLine(r: InvocationRecord, at = new Date()): string {
  const outcome = r.outcome === "ok" ? "ok" : `${r.outcome}${r.errorType ? ` ${r.errorType}` : ""}`;
  const cold = r.initDurationMs === undefined ? "" : `  cold start (init ${r.initDurationMs.toFixed(1)} ms)`;
  const duration = r.outcome === "throttled" ? "" : ` ${r.durationMs.toFixed(1)} ms`;
  return `${clock(at)} invoke ${r.functionName}:${r.executedVersion} ${outcome}${duration}${cold}  ${r.requestId}`;
}

function clock(at: Date): string {
  return at.toISOString().slice(11, 23);
}
