/**
 * Lambda's recursive loop detection. A chain of invocations through queues and topics carries
 * its history in the X-Ray trace header's `Lineage` field (`Lineage=<hash>:<count>|…`, one entry
 * per function of the chain): each time the platform invokes a function from such an event it
 * raises that function's count, the function's SDK sends the header on with what it sends
 * (`_X_AMZN_TRACE_ID` → `X-Amzn-Trace-Id`), the queue or topic keeps it with the message
 * (`AWSTraceHeader`), and the next invocation reads it back. Once a function would run a 17th
 * time in one chain, Lambda stops it (unless the function's RecursiveLoop is `Allow`).
 */
import { createHash } from "node:crypto";

/** Invocations of one function in one chain that Lambda lets run; the next one is stopped. */
export const RECURSION_LIMIT = 16;

/** Why a stopped invocation did not run (RecursiveInvocationException's message). */
export const RECURSION_STOPPED =
  "Lambda has detected your function being invoked in a recursive loop with other Amazon Web Services resources and stopped your function's invocation.";

/** A function's recursive loop setting (PutFunctionRecursionConfig). */
export type RecursiveLoop = "Allow" | "Terminate";

/** The values of RecursiveLoop, as the API accepts them. */
export const RECURSIVE_LOOP_VALUES: readonly RecursiveLoop[] = ["Allow", "Terminate"];

/** The header to invoke with, and how many times the function will have run in its chain. */
export interface LineageStep {
  readonly header: string;
  readonly count: number;
}

const hashes = new Map<string, string>();

/** The short id of a function in a lineage (8 hex digits of its unqualified ARN's SHA-256: versions and aliases are one function). */
export function lineageHash(functionArn: string): string {
  let h = hashes.get(functionArn);
  if (h === undefined) {
    const unqualified = functionArn.split(":").slice(0, 7).join(":");
    h = createHash("sha256").update(unqualified).digest("hex").slice(0, 8);
    if (hashes.size > 10_000) hashes.clear();
    hashes.set(functionArn, h);
  }
  return h;
}

/** `1-<epoch seconds hex>-<hex24>`, a new X-Ray trace root. */
export function newTraceRoot(nowMs: number, hex24: string): string {
  return `1-${Math.floor(nowMs / 1000)
    .toString(16)
    .padStart(8, "0")}-${hex24}`;
}

/** The count `functionArn` has in `header`'s lineage (0 when absent). */
export function lineageCount(header: string | undefined, functionArn: string): number {
  const lineage = fieldOf(header, "Lineage");
  if (!lineage) return 0;
  const hash = lineageHash(functionArn);
  for (const entry of lineage.split("|")) {
    const [h, n] = entry.split(":");
    if (h === hash) return Number.parseInt(n ?? "0", 10) || 0;
  }
  return 0;
}

/**
 * The trace header to invoke `functionArn` with from an event that carried `header`: its Root
 * (or `newRoot()` when it has none) and its lineage with this function's count raised by one.
 */
export function nextLineage(
  header: string | undefined,
  o: { functionArn: string; newRoot: () => string },
): LineageStep {
  const hash = lineageHash(o.functionArn);
  const count = lineageCount(header, o.functionArn) + 1;
  const others = (fieldOf(header, "Lineage") ?? "").split("|").filter((e) => e !== "" && !e.startsWith(`${hash}:`));
  const lineage = [...others, `${hash}:${count}`].join("|");
  const kept = (header ?? "")
    .split(";")
    .map((p) => p.trim())
    .filter((p) => p !== "" && !p.startsWith("Lineage="));
  if (!kept.some((p) => p.startsWith("Root="))) kept.unshift(`Root=${o.newRoot()}`);
  return { header: [...kept, `Lineage=${lineage}`].join(";"), count };
}

/** True when an invocation that would be the `count`th of its function in the chain is stopped. */
export function isRecursionStopped(count: number, setting: RecursiveLoop | undefined): boolean {
  return count > RECURSION_LIMIT && setting !== "Allow";
}

function fieldOf(header: string | undefined, key: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const p = part.trim();
    if (p.startsWith(`${key}=`)) return p.slice(key.length + 1);
  }
  return undefined;
}
