/** awsJson1.1 as CodeDeploy speaks it: typed members of the request body, timestamps in seconds. */
import { PlatformError } from "../../shared/errors.js";
import type { ApiRequest } from "../types.js";

export type Body = Record<string, unknown>;

const serialization = (message: string) => new PlatformError("ERR_CODEDEPLOY_SERIALIZATION", message);

/** The request body as an object (an empty body is `{}`); SerializationException otherwise. */
export function jsonBody(req: ApiRequest): Body {
  if (req.body.length === 0) return {};
  let v: unknown;
  try {
    v = JSON.parse(req.body.toString("utf8"));
  } catch {
    throw serialization("Start of structure or map found where not expected.");
  }
  if (typeof v !== "object" || v === null || Array.isArray(v))
    throw serialization("Start of structure or map found where not expected.");
  return v as Body;
}

/** An optional string member. */
export function str(body: Body, field: string): string | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw serialization(`STRING_VALUE can not be converted to a ${field}`);
  return v;
}

/** An optional boolean member. */
export function bool(body: Body, field: string): boolean | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "boolean") throw serialization(`${field} must be a boolean`);
  return v;
}

/** An optional integer member. */
export function int(body: Body, field: string): number | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v)) throw serialization(`${field} must be an integer`);
  return v;
}

/** An optional structure member. */
export function struct(body: Body, field: string): Body | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "object" || Array.isArray(v)) throw serialization(`${field} must be a structure`);
  return v as Body;
}

/** An optional list of strings. */
export function strings(body: Body, field: string): string[] | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string"))
    throw serialization(`${field} must be a list of strings`);
  return v as string[];
}

/** An optional list of structures. */
export function structs(body: Body, field: string): Body[] | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== "object" || x === null))
    throw serialization(`${field} must be a list`);
  return v as Body[];
}

/** Tags as the wire lists them (`[{Key, Value}]`). */
export function tagsOf(body: Body): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const t of structs(body, "tags") ?? []) {
    const key = str(t, "Key");
    if (key === undefined) throw new PlatformError("ERR_CODEDEPLOY_INVALID_INPUT", "A tag must have a Key.");
    tags[key] = str(t, "Value") ?? "";
  }
  return tags;
}

/** Seconds since the epoch, as JSON 1.1 sends timestamps. */
export const seconds = (ms: number): number => ms / 1000;

/** Pages a list with nextToken (an index), 100 a page as CodeDeploy's lists. */
export function page<T>(items: readonly T[], body: Body): { items: T[]; nextToken?: string } {
  const token = str(body, "nextToken");
  const start = token === undefined ? 0 : Number.parseInt(token, 10);
  if (!Number.isInteger(start) || start < 0 || String(start) !== (token ?? "0"))
    throw new PlatformError("ERR_CODEDEPLOY_INVALID_NEXT_TOKEN", "The next token was specified in an invalid format.");
  const end = start + 100;
  return end < items.length
    ? { items: items.slice(start, end), nextToken: String(end) }
    : { items: items.slice(start) };
}
