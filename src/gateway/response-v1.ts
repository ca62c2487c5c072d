/**
 * Maps a function's payload 1.0 result to the HTTP answer. Anything but
 * `{statusCode, headers?, multiValueHeaders?, body?, isBase64Encoded?}` is malformed (REST logs
 * "Malformed Lambda proxy response" and answers 502). `headers` and `multiValueHeaders` merge,
 * `multiValueHeaders` winning for a name in both.
 */
import type { OutgoingHttpHeaders } from "node:http";
import { addFunctionHeader, isRecord, parseRecord, scalar, statusOf, type Reply } from "./reply.js";

const ALLOWED = new Set(["statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded"]);

/** How the answer's body is treated when the function marks it base64. */
export interface V1Options {
  readonly rest: boolean;
  /** REST: whether base64 is decoded (the answer's content type or the request's Accept is binary). */
  readonly decodeBinary: (contentType: string | undefined) => boolean;
}

/** The HTTP answer for a 1.0 result, or undefined when the result is malformed. */
export function mapResponseV1(payload: Buffer, o: V1Options): Reply | undefined {
  const r = parseRecord(payload);
  if (!r) return undefined;
  for (const k of Object.keys(r)) if (!ALLOWED.has(k)) return undefined;
  const status = statusOf(r["statusCode"]);
  const merged = mergeHeaders(r["headers"], r["multiValueHeaders"]);
  const body = r["body"];
  const b64 = r["isBase64Encoded"];
  if (status === undefined || !merged || (body != null && typeof body !== "string")) return undefined;
  if (b64 != null && typeof b64 !== "boolean") return undefined;
  const headers: OutgoingHttpHeaders = {};
  let contentType: string | undefined;
  for (const [name, values] of merged.values()) {
    if (name.toLowerCase() === "content-type") contentType = values[0];
    addFunctionHeader(headers, name, values, o.rest);
  }
  // REST answers JSON when the function names no type.
  if (contentType === undefined && o.rest) headers["Content-Type"] = "application/json";
  const text = typeof body === "string" ? body : "";
  const decode = b64 === true && (!o.rest || o.decodeBinary(contentType));
  return { status, headers, body: Buffer.from(text, decode ? "base64" : "utf8") };
}

type Merged = Map<string, [name: string, values: string[]]>;

function mergeHeaders(single: unknown, multi: unknown): Merged | undefined {
  const out: Merged = new Map();
  if (single != null) {
    if (!isRecord(single)) return undefined;
    for (const [name, v] of Object.entries(single)) {
      if (v === null) continue;
      const s = scalar(v);
      if (s === undefined) return undefined;
      out.set(name.toLowerCase(), [name, [s]]);
    }
  }
  if (multi != null) {
    if (!isRecord(multi)) return undefined;
    for (const [name, v] of Object.entries(multi)) {
      if (v === null) continue;
      if (!Array.isArray(v)) return undefined;
      const values: string[] = [];
      for (const item of v) {
        const s = scalar(item);
        if (s === undefined) return undefined;
        values.push(s);
      }
      if (values.length > 0) out.set(name.toLowerCase(), [name, values]);
    }
  }
  return out;
}
