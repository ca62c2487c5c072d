/**
 * The awsJson1.1 protocol as CloudWatch Logs speaks it: POST / with `X-Amz-Target:
 * Logs_20140328.<Operation>`, a JSON body in, a JSON body out, errors as `{"__type", "message"}`.
 */
import { PlatformError } from "../../shared/errors.js";
import type { ApiRequest, ApiResponse } from "../types.js";

export const TARGET_PREFIX = "Logs_20140328.";
const CONTENT_TYPE = "application/x-amz-json-1.1";

/** The request body as an object (empty body: `{}`). */
export type Input = Readonly<Record<string, unknown>>;

/** The operation named by X-Amz-Target (empty when missing). */
export function targetOf(req: ApiRequest): string {
  const target = req.headers["x-amz-target"];
  const t = Array.isArray(target) ? target[0] : target;
  return t?.startsWith(TARGET_PREFIX) ? t.slice(TARGET_PREFIX.length) : "";
}

/** Parses the JSON body; a body that is not an object is a SerializationException-like 400. */
export function inputOf(req: ApiRequest): Input {
  if (req.body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(req.body.toString("utf8"));
  } catch {
    throw invalid("The request body is not valid JSON.");
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
    throw invalid("The request body must be a JSON object.");
  return parsed as Input;
}

/** A JSON answer. */
export function jsonResponse(body: object): ApiResponse {
  return { status: 200, headers: { "Content-Type": CONTENT_TYPE }, body: JSON.stringify(body) };
}

/** awsJson's error shape. */
export function jsonError(
  e: { awsType: string; status: number; message: string; fields?: Readonly<Record<string, unknown>> },
  requestId: string,
): ApiResponse {
  return {
    status: e.status,
    headers: { "Content-Type": CONTENT_TYPE, "x-amzn-ErrorType": e.awsType, "x-amzn-RequestId": requestId },
    // Extra members (MalformedQueryException's queryCompileError) go beside the message.
    body: JSON.stringify({ __type: e.awsType, message: e.message, ...e.fields }),
  };
}

/** InvalidParameterException. */
export function invalid(message: string): PlatformError {
  return new PlatformError("ERR_LOGS_INVALID_PARAMETER", message);
}

/** A validation failure in AWS's words for one member. */
function constraint(name: string, value: unknown, rule: string): PlatformError {
  return invalid(
    `1 validation error detected: Value '${String(value)}' at '${name}' failed to satisfy constraint: ${rule}`,
  );
}

/** A string member; `required` ones must be present; `pattern` and length as the model says. */
export function str(
  input: Input,
  name: string,
  o: { required?: boolean; pattern?: RegExp; max?: number } = {},
): string | undefined {
  const v = input[name];
  if (v === undefined || v === null) {
    if (o.required)
      throw invalid(
        `1 validation error detected: Value null at '${name}' failed to satisfy constraint: Member must not be null`,
      );
    return undefined;
  }
  if (typeof v !== "string") throw constraint(name, v, "Member must be a string");
  if (v.length < 1 || v.length > (o.max ?? 512))
    throw constraint(name, v, `Member must have length between 1 and ${o.max ?? 512}`);
  if (o.pattern && !o.pattern.test(v))
    throw constraint(name, v, `Member must satisfy regular expression pattern: ${o.pattern.source.slice(1, -1)}`);
  return v;
}

/** An integer member within [min, max]. */
export function int(input: Input, name: string, o: { min: number; max: number }): number | undefined {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v)) throw constraint(name, v, "Member must be an integer");
  if (v < o.min) throw constraint(name, v, `Member must have value greater than or equal to ${o.min}`);
  if (v > o.max) throw constraint(name, v, `Member must have value less than or equal to ${o.max}`);
  return v;
}

/** A boolean member. */
export function bool(input: Input, name: string): boolean | undefined {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "boolean") throw constraint(name, v, "Member must be a boolean");
  return v;
}

/** A string → string map member (tags). */
export function tagMap(input: Input, name: string): Record<string, string> | undefined {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "object" || Array.isArray(v)) throw constraint(name, v, "Member must be a map");
  for (const [k, x] of Object.entries(v)) {
    if (typeof x !== "string") throw constraint(`${name}.${k}`, x, "Member must be a string");
  }
  return v as Record<string, string>;
}

/** A list of strings member. */
export function strList(input: Input, name: string): string[] | undefined {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string"))
    throw constraint(name, v, "Member must be a list of strings");
  return v as string[];
}

/** An opaque pagination token of `value`. */
export function token(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

/** Reads a token made by token(); a token that is not one is InvalidParameterException. */
export function untoken<T>(t: string | undefined, check: (v: unknown) => v is T): T | undefined {
  if (t === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(Buffer.from(t, "base64url").toString("utf8"));
    if (check(v)) return v;
  } catch {
    // Answered below, as any token that is not one of ours.
  }
  throw invalid("The specified nextToken is invalid.");
}
