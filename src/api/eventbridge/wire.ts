/** awsJson1.1 as EventBridge speaks it: the body in and out, errors as `{__type, message}`. */
import { PlatformError } from "../../shared/errors.js";
import type { ApiRequest, ApiResponse } from "../types.js";

const CONTENT_TYPE = "application/x-amz-json-1.1";

/** The request body as an object (an empty body is `{}`); SerializationException otherwise. */
export function jsonBody(req: ApiRequest): Record<string, unknown> {
  if (req.body.length === 0) return {};
  let v: unknown;
  try {
    v = JSON.parse(req.body.toString("utf8"));
  } catch {
    throw new PlatformError("ERR_EVENTS_SERIALIZATION", "Start of structure or map found where not expected.");
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw new PlatformError("ERR_EVENTS_SERIALIZATION", "Start of structure or map found where not expected.");
  }
  return v as Record<string, unknown>;
}

/** A 200 with a JSON body. */
export function jsonResponse(body: object): ApiResponse {
  return { status: 200, headers: { "Content-Type": CONTENT_TYPE }, body: JSON.stringify(body) };
}

/** AWS's JSON 1.1 error shape. */
export function jsonError(e: { awsType: string; status: number; message: string }, requestId: string): ApiResponse {
  return {
    status: e.status,
    headers: { "Content-Type": CONTENT_TYPE, "x-amzn-RequestId": requestId, "x-amzn-ErrorType": e.awsType },
    body: JSON.stringify({ __type: e.awsType, message: e.message }),
  };
}

/** An optional string member; ValidationException when present with another type. */
export function optString(body: Record<string, unknown>, field: string): string | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string")
    throw new PlatformError("ERR_EVENTS_SERIALIZATION", `STRING_VALUE can not be converted to a ${field}`);
  return v;
}

/** A required string member. */
export function reqString(body: Record<string, unknown>, field: string): string {
  const v = optString(body, field);
  if (v === undefined) {
    throw new PlatformError(
      "ERR_EVENTS_VALIDATION",
      `1 validation error detected: Value null at '${field.charAt(0).toLowerCase()}${field.slice(1)}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return v;
}

/** Tags as the wire lists them (`[{Key, Value}]`) to a record. */
export function tagsOf(value: unknown): Record<string, string> {
  const tags: Record<string, string> = {};
  if (value === undefined || value === null) return tags;
  if (!Array.isArray(value)) throw new PlatformError("ERR_EVENTS_SERIALIZATION", "Tags must be a list");
  for (const t of value as { Key?: unknown; Value?: unknown }[]) {
    if (typeof t?.Key !== "string" || typeof t.Value !== "string") {
      throw new PlatformError(
        "ERR_EVENTS_VALIDATION",
        "1 validation error detected: Tag Key and Value must not be null",
      );
    }
    tags[t.Key] = t.Value;
  }
  return tags;
}

/** A record of tags as the wire lists them. */
export function tagList(tags: Readonly<Record<string, string>>): { Key: string; Value: string }[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

/** Pages a sorted list with NextToken (an index) and Limit (1-100). */
export function page<T>(items: readonly T[], body: Record<string, unknown>): { items: T[]; nextToken?: string } {
  const limit = typeof body["Limit"] === "number" ? Math.max(1, Math.min(100, body["Limit"])) : 100;
  const token = optString(body, "NextToken");
  const start = token === undefined ? 0 : Number.parseInt(token, 10);
  if (!Number.isInteger(start) || start < 0)
    throw new PlatformError("ERR_EVENTS_VALIDATION", "The NextToken is not valid.");
  const end = start + limit;
  return end < items.length
    ? { items: items.slice(start, end), nextToken: String(end) }
    : { items: items.slice(start) };
}
