import type { OutgoingHttpHeaders } from "node:http";

/** An HTTP answer ready to write. Header names keep the function's case; arrays become repeated lines. */
export interface Reply {
  status: number;
  headers: OutgoingHttpHeaders;
  body: Buffer;
}

// Headers a function may not set: the connection is the gateway's, and the length is recomputed.
const DROPPED = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "content-length",
  "upgrade",
  "te",
  "trailer",
]);

// REST APIs rename these function headers to `x-amzn-Remapped-<name>` instead of passing them on.
const REST_REMAPPED = new Set([
  "authorization",
  "date",
  "server",
  "user-agent",
  "via",
  "www-authenticate",
  "content-md5",
  "expect",
  "host",
  "max-forwards",
  "proxy-authenticate",
  "connection",
]);

/** Adds one function response header to `out`, applying the gateway's reserved-header rules. */
export function addFunctionHeader(out: OutgoingHttpHeaders, name: string, values: string[], rest: boolean): void {
  const lower = name.toLowerCase();
  if (rest && REST_REMAPPED.has(lower)) {
    out[`x-amzn-Remapped-${name}`] = values.length === 1 ? values[0] : values;
    return;
  }
  if (DROPPED.has(lower)) return;
  out[name] = values.length === 1 ? values[0] : values;
}

/** A header value from a function response: strings, numbers and booleans only. */
export function scalar(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return undefined;
}

/** statusCode as a function may give it: an integer, or a string of one. */
export function statusOf(v: unknown): number | undefined {
  const n = typeof v === "string" && /^\d{3}$/.test(v) ? Number(v) : v;
  return typeof n === "number" && Number.isInteger(n) && n >= 100 && n <= 599 ? n : undefined;
}

/** A function's JSON answer when it is an object; undefined when it is not JSON or not an object. */
export function parseRecord(payload: Buffer): Record<string, unknown> | undefined {
  try {
    const r: unknown = JSON.parse(payload.toString("utf8"));
    return isRecord(r) ? r : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a JSON value is a plain object. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
