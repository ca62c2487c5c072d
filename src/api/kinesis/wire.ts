/**
 * Kinesis's two encodings of awsJson1.1: JSON (`application/x-amz-json-1.1`: blobs as base64,
 * timestamps as epoch seconds) and CBOR (`application/x-amz-cbor-1.1`, what the AWS SDK for Java
 * and the KCL send: blobs as byte strings, timestamps as tag 1). A response, error or not, is in
 * the encoding of its request.
 */
import type { IncomingHttpHeaders } from "node:http";
import { decode as decodeCbor, encode as encodeCbor, Token, Type, type TagDecoder } from "cborg";
import { PlatformError } from "../../shared/errors.js";
import type { ApiRequest, ApiResponse } from "../types.js";

const JSON_TYPE = "application/x-amz-json-1.1";
const CBOR_TYPE = "application/x-amz-cbor-1.1";
/** Tag 1 (epoch time) is read as seconds, as CBOR defines it (the Java SDK's milliseconds are told apart below). */
const cborTags: TagDecoder[] = [];
cborTags[1] = (d) => new Date(Number(d()) * 1000);
/** Dates go out as tag 1 over epoch milliseconds, as the AWS SDK for Java writes and reads them. */
const cborTypes = { Date: (d: Date) => [new Token(Type.tag, 1), new Token(Type.uint, d.getTime())] };
const encoder = {
  encode(v: unknown): Buffer {
    const bytes = encodeCbor(v, { typeEncoders: cborTypes });
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  },
};
const decoder = { decode: (b: Uint8Array): unknown => decodeCbor(b, { tags: cborTags }) };
/** Tag-1 values past this are epoch milliseconds (the AWS SDK for Java's habit), not seconds. */
const MILLIS_AS_SECONDS = 1e14;

/** A decoded request body. */
export type Body = Record<string, unknown>;

/** Whether a request (by its headers) speaks CBOR. */
export function isCbor(headers: IncomingHttpHeaders): boolean {
  return (headers["content-type"] ?? "").split(";")[0]!.trim() === CBOR_TYPE;
}

/** Bodies already decoded (access checks and the operation read the same request). */
const decoded = new WeakMap<ApiRequest, Body>();

/** The request body as an object (an empty body is `{}`); SerializationException otherwise. */
export function bodyOf(req: ApiRequest): Body {
  let body = decoded.get(req);
  if (!body) {
    body = decode(req);
    decoded.set(req, body);
  }
  return body;
}

function decode(req: ApiRequest): Body {
  if (req.body.length === 0) return {};
  let v: unknown;
  try {
    v = isCbor(req.headers) ? decoder.decode(req.body) : JSON.parse(req.body.toString("utf8"));
  } catch {
    throw new PlatformError("ERR_KINESIS_SERIALIZATION", "Start of structure or map found where not expected.");
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw new PlatformError("ERR_KINESIS_SERIALIZATION", "Start of structure or map found where not expected.");
  }
  return v as Body;
}

/** A 200 in the request's encoding. Buffers are blobs, Dates are timestamps. */
export function respond(req: ApiRequest, body: object): ApiResponse {
  if (isCbor(req.headers)) {
    return { status: 200, headers: { "Content-Type": CBOR_TYPE }, body: encoder.encode(forCbor(body)) };
  }
  return { status: 200, headers: { "Content-Type": JSON_TYPE }, body: JSON.stringify(body, forJson) };
}

/** AWS's error shape `{__type, message}` in the request's encoding. */
export function renderError(
  e: { awsType: string; status: number; message: string },
  requestId: string,
  headers?: IncomingHttpHeaders,
): ApiResponse {
  const cbor = headers !== undefined && isCbor(headers);
  const body = { __type: e.awsType, message: e.message };
  return {
    status: e.status,
    headers: {
      "Content-Type": cbor ? CBOR_TYPE : JSON_TYPE,
      "x-amzn-RequestId": requestId,
      "x-amzn-ErrorType": e.awsType,
    },
    body: cbor ? encoder.encode(body) : JSON.stringify(body),
  };
}

function forJson(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key];
  if (Buffer.isBuffer(raw)) return raw.toString("base64");
  if (raw instanceof Date) return raw.getTime() / 1000;
  return value;
}

function forCbor(value: unknown): unknown {
  if (Buffer.isBuffer(value) || value instanceof Date || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(forCbor);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = forCbor(v);
  return out;
}

function typeError(message: string): PlatformError {
  return new PlatformError("ERR_KINESIS_SERIALIZATION", message);
}

/** An optional string member. */
export function optString(body: Body, field: string): string | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw typeError(`class ${javaClass(v)} can not be converted to an String`);
  return v;
}

/** An optional integer member. */
export function optInt(body: Body, field: string): number | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v)) {
    throw typeError(`class ${javaClass(v)} can not be converted to an Integer`);
  }
  return Math.trunc(v);
}

/** An optional timestamp member, as epoch milliseconds (JSON: seconds; CBOR: tag 1 or a number). */
export function optTimestamp(body: Body, field: string): number | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (v instanceof Date) {
    const ms = v.getTime();
    return ms > MILLIS_AS_SECONDS ? Math.round(ms / 1000) : ms;
  }
  if (typeof v !== "number" || !Number.isFinite(v)) {
    throw typeError(`class ${javaClass(v)} can not be converted to milliseconds since epoch`);
  }
  return Math.round(v * 1000);
}

/** A required blob member: base64 in JSON, a byte string in CBOR. */
export function blob(value: unknown, member: string): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (typeof value !== "string") throw typeError(`class ${javaClass(value)} can not be converted to a Blob`);
  if (value.length % 4 || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) {
    throw typeError(`'${value.slice(0, 64)}' can not be converted to a Blob: not valid Base64 (${member})`);
  }
  return Buffer.from(value, "base64");
}

/** A record of string tags (`{key: value}`); SerializationException for another shape. */
export function tagMap(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw typeError("Start of list found where not expected");
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== "string") throw typeError(`class ${javaClass(v)} can not be converted to an String`);
    out[k] = v;
  }
  return out;
}

function javaClass(v: unknown): string {
  if (typeof v === "boolean") return "java.lang.Boolean";
  if (typeof v === "number") return "com.amazon.coral.value.json.numbers.TruncatingBigNumber";
  if (typeof v === "string") return "java.lang.String";
  return Array.isArray(v) ? "java.util.ArrayList" : "java.util.LinkedHashMap";
}
