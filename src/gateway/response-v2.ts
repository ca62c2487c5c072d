/**
 * Maps a function's payload 2.0 result to the HTTP answer. An object with `statusCode` is a
 * structured answer (`cookies` become Set-Cookie lines); any other valid JSON is the body of a
 * 200 `application/json` answer (a string result is the body itself). A structured answer with
 * wrongly typed members is malformed (500 Internal Server Error).
 */
import type { OutgoingHttpHeaders } from "node:http";
import { addFunctionHeader, isRecord, scalar, statusOf, type Reply } from "./reply.js";

/** The HTTP answer for a 2.0 result, or undefined when the result is malformed. */
export function mapResponseV2(payload: Buffer): Reply | undefined {
  const text = payload.toString("utf8");
  let r: unknown;
  try {
    r = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(r) || !("statusCode" in r)) {
    const body = typeof r === "string" ? r : text;
    return { status: 200, headers: { "content-type": "application/json" }, body: Buffer.from(body) };
  }
  const status = statusOf(r["statusCode"]);
  const headers = headersV2(r["headers"]);
  const cookies = cookiesV2(r["cookies"]);
  const body = r["body"];
  const b64 = r["isBase64Encoded"];
  if (status === undefined || !headers || !cookies || (body != null && typeof body !== "string")) return undefined;
  if (b64 != null && typeof b64 !== "boolean") return undefined;
  if (cookies.length > 0) {
    const prev = headers["set-cookie"];
    const list = prev === undefined ? [] : Array.isArray(prev) ? prev : [String(prev)];
    headers["set-cookie"] = [...list, ...cookies];
  }
  const out = typeof body === "string" ? Buffer.from(body, b64 === true ? "base64" : "utf8") : Buffer.alloc(0);
  return { status, headers, body: out };
}

function headersV2(h: unknown): OutgoingHttpHeaders | undefined {
  const out: OutgoingHttpHeaders = {};
  if (h == null) return out;
  if (!isRecord(h)) return undefined;
  for (const [name, v] of Object.entries(h)) {
    if (v === null) continue;
    const s = scalar(v);
    if (s === undefined) return undefined;
    addFunctionHeader(out, name, [s], false);
  }
  return out;
}

function cookiesV2(c: unknown): string[] | undefined {
  if (c == null) return [];
  if (!Array.isArray(c) || !c.every((x): x is string => typeof x === "string")) return undefined;
  return c;
}
