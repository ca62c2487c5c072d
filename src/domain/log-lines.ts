/** Lambda's platform log lines. */

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
export function reportLine(f: ReportFields): string {
  let line =
    `REPORT RequestId: ${f.requestId}\tDuration: ${f.durationMs.toFixed(2)} ms\t` +
    `Billed Duration: ${f.billedDurationMs} ms\tMemory Size: ${f.memorySizeMb} MB\t` +
    `Max Memory Used: ${f.maxMemoryUsedMb} MB\t`;
  if (f.initDurationMs !== undefined) line += `Init Duration: ${f.initDurationMs.toFixed(2)} ms\t`;
  if (f.status) line += `Status: ${f.status}\t`;
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
