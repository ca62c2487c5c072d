import type { InvocationRecord } from "../domain/invocation.js";

/**
 * The live log of `haneul dev`: one line per invocation (time, function, version, outcome,
 * duration, cold or warm), the function's own lines indented under it; colours only on a
 * terminal; or one JSON object per invocation for machines.
 */

/** How a function is named in the log: its logical id when the stack has it. */
export type NameOf = (functionName: string) => string;

/** The runtime's prefix of console lines (time, request id, level): the invocation line already says when and which. */
const PREFIX = /^\d{4}-\d\d-\d\dT[\d:.]+Z\t[0-9a-f-]{36}\t([A-Z]+)\t/;

const COLOURS = { red: 31, green: 32, yellow: 33, dim: 2, cyan: 36 } as const;

function paint(on: boolean, colour: keyof typeof COLOURS, text: string): string {
  return on ? `\u001b[${COLOURS[colour]}m${text}\u001b[0m` : text;
}

/** The lines of one invocation, readable. */
export function invocationLines(r: InvocationRecord, o: { nameOf: NameOf; color: boolean; at?: Date }): string[] {
  const at = (o.at ?? new Date(r.startedAt)).toISOString().slice(11, 23);
  const ok = r.outcome === "ok";
  const outcome = ok ? "ok" : `${r.outcome}${r.errorType ? ` ${r.errorType}` : ""}`;
  const duration = r.outcome === "throttled" ? "" : ` ${r.durationMs.toFixed(1)} ms`;
  const start = r.initDurationMs === undefined ? "warm" : `cold (init ${r.initDurationMs.toFixed(1)} ms)`;
  const head = `${paint(o.color, "dim", at)} ${paint(o.color, "cyan", o.nameOf(r.functionName))}:${r.executedVersion} ${paint(o.color, ok ? "green" : "red", outcome)}${duration} ${start}`;
  const own = [...r.initLines, ...r.lines].flatMap((l) => l.replace(/\n$/, "").replace(PREFIX, "$1 ").split("\n"));
  return [head, ...own.map((l) => `    ${l}`)];
}

/** One invocation as a JSON line. */
export function invocationJson(r: InvocationRecord, nameOf: NameOf): string {
  return JSON.stringify({
    type: "invocation",
    function: nameOf(r.functionName),
    functionName: r.functionName,
    version: r.executedVersion,
    outcome: r.outcome,
    errorType: r.errorType,
    durationMs: r.durationMs,
    cold: r.initDurationMs !== undefined,
    initDurationMs: r.initDurationMs,
    instanceId: r.instanceId,
    requestId: r.requestId,
    lines: [...r.initLines, ...r.lines],
  });
}
