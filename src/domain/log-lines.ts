/** Lambda's platform log lines. */
import type { InvocationRecord } from "./invocation.js";

/** `START RequestId: <id> Version: <v>` */
export function startLine(requestId: string, version: string): string {
  return `START RequestId: ${requestId} Version: ${version}`;
}

/** `END RequestId: <id>` */
export function endLine(requestId: string): string {
  return `END RequestId: ${requestId}`;
}

export interface ReportFields {
  readonly requestId: string;
  readonly durationMs: number;
  readonly billedDurationMs: number;
  readonly memorySizeMb: number;
  readonly maxMemoryUsedMb: number;
  readonly initDurationMs?: number | undefined;
  readonly status?: "timeout" | "error" | undefined;
}

/** `REPORT RequestId: …\tDuration: 1.23 ms\tBilled Duration: 2 ms\t…` with Init Duration on cold starts. */
export function reportLine(f: ReportFields, status = f.status): string {
  let line =
    `REPORT RequestId: ${f.requestId}\tDuration: ${f.durationMs.toFixed(2)} ms\t` +
    `Billed Duration: ${f.billedDurationMs} ms\tMemory Size: ${f.memorySizeMb} MB\t` +
    `Max Memory Used: ${f.maxMemoryUsedMb} MB\t`;
  if (f.initDurationMs !== undefined) line += `Init Duration: ${f.initDurationMs.toFixed(2)} ms\t`;
  if (status) line += `Status: ${status}\t`;
  return line;
}

/** Billed duration: rounded up to the next millisecond, at least 1 ms. */
export function billedDuration(durationMs: number): number {
  return Math.max(1, Math.ceil(durationMs));
}

/** `<ISO ts>\t<requestId>\t<LEVEL>\t<message>`, the Node runtime's text log format. */
export function appLogLine(ts: number, requestId: string, level: string, message: string): string {
  return `${new Date(ts).toISOString()}\t${requestId}\t${level}\t${message}`;
}

/** The status REPORT shows for an outcome: `timeout`, `error` (the instance died or did not start), none. */
export function reportStatus(outcome: InvocationRecord["outcome"]): "timeout" | "error" | undefined {
  if (outcome === "timeout") return "timeout";
  return outcome === "crashed" || outcome === "init-error" ? "error" : undefined;
}

/** `<ISO ts> <requestId> Task timed out after 3.00 seconds` */
export function timeoutLine(r: InvocationRecord): string {
  const at = new Date(r.startedAt + r.durationMs).toISOString();
  return `${at} ${r.requestId} Task timed out after ${r.timeoutSec.toFixed(2)} seconds`;
}

/** The warning a REPORT carries when the instance wrote more lines than its bound let through. */
export function droppedLinesLine(r: InvocationRecord): string {
  return `WARNING RequestId: ${r.requestId} ${r.droppedLines ?? 0} log lines dropped: the function wrote past its log rate`;
}

/**
 * An invocation's log as Lambda writes it, formatted from the record when something reads it:
 * init lines, START, the function's lines, the timeout line, END, REPORT. None for a throttle.
 */
export function invocationLogLines(r: InvocationRecord): string[] {
  if (r.outcome === "throttled") return [];
  if (r.logging?.format === "JSON") return jsonLogLines(r);
  // Pushes, not spreads: this runs for every invocation a log store keeps.
  const out: string[] = [];
  for (const line of r.initLines) out.push(line);
  out.push(startLine(r.requestId, r.executedVersion));
  for (const line of r.lines) out.push(line);
  if (r.outcome === "timeout") out.push(timeoutLine(r));
  if (r.droppedLines) out.push(droppedLinesLine(r));
  // The record itself carries the REPORT fields: no copy of it with a status.
  out.push(endLine(r.requestId), reportLine(r, reportStatus(r.outcome)));
  return out;
}

const SYSTEM_LEVELS: Readonly<Record<string, number>> = { DEBUG: 0, INFO: 1, WARN: 2 };

/** Whether a SystemLogLevel lets the platform's INFO records through (another value than DEBUG/INFO/WARN counts as INFO). */
export function systemInfoShown(level: string | undefined): boolean {
  return (SYSTEM_LEVELS[level ?? "INFO"] ?? 1) <= 1;
}

/** The status of platform.report: success, timeout, error (the instance died), failure (init failed). */
function platformStatus(r: InvocationRecord): string {
  if (r.outcome === "ok" || r.outcome === "function-error") return "success";
  return r.outcome === "timeout" ? "timeout" : r.outcome === "init-error" ? "failure" : "error";
}

/**
 * An invocation's log in LogFormat JSON: the function's lines (the runtime wrote them as JSON) and
 * the platform's records as Lambda writes them (`platform.start`, `platform.report` at INFO,
 * `platform.logsDropped` at WARN), kept when SystemLogLevel lets them through.
 */
function jsonLogLines(r: InvocationRecord): string[] {
  const time = (at: number): string => new Date(at).toISOString();
  const out = [...r.initLines];
  const info = systemInfoShown(r.logging?.systemLevel);
  if (info) {
    const record = { requestId: r.requestId, version: r.executedVersion };
    out.push(JSON.stringify({ time: time(r.startedAt), type: "platform.start", record }));
  }
  out.push(...r.lines);
  const end = r.startedAt + r.durationMs;
  if (r.droppedLines) {
    const record = { reason: "The function wrote past its log rate", droppedRecords: r.droppedLines, droppedBytes: 0 };
    out.push(JSON.stringify({ time: time(end), type: "platform.logsDropped", record }));
  }
  if (info) {
    const metrics = {
      durationMs: Number(r.durationMs.toFixed(3)),
      billedDurationMs: r.billedDurationMs,
      memorySizeMB: r.memorySizeMb,
      maxMemoryUsedMB: r.maxMemoryUsedMb,
      ...(r.initDurationMs !== undefined && { initDurationMs: Number(r.initDurationMs.toFixed(3)) }),
    };
    const status = platformStatus(r);
    const record = {
      requestId: r.requestId,
      metrics,
      status,
      ...(status !== "success" && r.errorType !== undefined && { errorType: r.errorType }),
    };
    out.push(JSON.stringify({ time: time(end), type: "platform.report", record }));
  }
  return out;
}
