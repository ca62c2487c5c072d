import { exitBody } from "../../domain/invocation.js";

const SIGNAL_NAMES: Record<string, string> = {
  SIGKILL: "killed",
  SIGABRT: "aborted",
  SIGSEGV: "segmentation fault",
  SIGTERM: "terminated",
  SIGINT: "interrupt",
  SIGTRAP: "trace/breakpoint trap",
};

/** Describes a process exit as Lambda does (`exit status 1`, `signal: killed`). */
export function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) return `signal: ${SIGNAL_NAMES[signal] ?? signal}`;
  return `exit status ${code ?? 0}`;
}

/** True when stderr shows that V8 ran out of heap. */
export function isHeapOutOfMemory(stderrTail: readonly string[]): boolean {
  return stderrTail.some((l) => l.includes("JavaScript heap out of memory") || l.includes("Reached heap limit"));
}

/** How an instance process ended. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Its stderr showed that V8 ran out of heap. */
  readonly outOfMemory: boolean;
}

/** The error a caller sees when an instance process died mid-invocation without reporting an error. */
export function crashError(requestId: string, exit: ProcessExit): { errorType: string; payload: Buffer } {
  const how = describeExit(exit.code, exit.signal);
  const errorType = exit.outOfMemory ? "Runtime.OutOfMemory" : "Runtime.ExitError";
  return { errorType, payload: exitBody(requestId, how, errorType) };
}
