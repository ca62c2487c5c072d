/** Scheduler's wire: JSON bodies checked with zod into ValidationExceptions, path names, timestamps. */
import { z } from "zod";
import { PlatformError } from "../../shared/errors.js";
import type { ApiRequest, ApiResponse, Operation } from "../types.js";

const NAME = /^[0-9a-zA-Z\-_.]{1,64}$/;

/** Scheduler's ValidationException. */
export const invalid = (message: string): PlatformError => new PlatformError("ERR_SCHEDULER_VALIDATION", message);

/** A request's JSON body checked against `schema`. */
export function parseBody<S extends z.ZodType>(req: ApiRequest, schema: S): z.output<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(req.body.toString("utf8") || "{}");
  } catch {
    throw invalid("Request body is not valid JSON.");
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(`${issue?.path.join(".") || "body"}: ${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}

/** The `{Name}` of the path, checked against the schedule (and group) name pattern. */
export function nameOf(req: ApiRequest): string {
  const name = req.params["Name"] ?? "";
  if (!NAME.test(name))
    throw invalid(
      `1 validation error detected: Value '${name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9a-zA-Z-_.]+`,
    );
  return name;
}

/** A timestamp as the SDKs send it in a JSON body (epoch seconds; ISO 8601 taken too), in ms. */
export const Timestamp = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const ms = typeof v === "number" ? v * 1000 : Date.parse(v);
  if (!Number.isFinite(ms)) ctx.addIssue({ code: "custom", message: "Invalid timestamp" });
  return ms;
});

/** Epoch seconds, as timestamps go back. */
export const seconds = (ms: number): number => ms / 1000;

/** Tags as Scheduler takes them: a list of Key/Value pairs. */
export const TagList = z
  .array(z.object({ Key: z.string().min(1).max(128), Value: z.string().max(256) }))
  .max(200)
  .transform((tags) => Object.fromEntries(tags.map((t) => [t.Key, t.Value])));

/** Tags as Scheduler gives them back. */
export const tagList = (tags: Readonly<Record<string, string>>): { Key: string; Value: string }[] =>
  Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

/** MaxResults and NextToken over a list. */
export function page<T>(req: ApiRequest, all: readonly T[]): { items: T[]; nextToken?: string } {
  const max = Math.max(1, Math.min(100, Number(req.query.get("MaxResults") ?? 100) || 100));
  const start = Number(req.query.get("NextToken") ?? 0) || 0;
  const items = all.slice(start, start + max);
  return start + max < all.length ? { items, nextToken: String(start + max) } : { items };
}

/**
 * A Scheduler operation builder: `scheduler:<name>` on the resource `resourceOf` names for the
 * request (operations on no one resource check `*`).
 */
export function operationBuilder(resourceOf: (req: ApiRequest, path: string) => string) {
  return (
    name: string,
    method: string,
    path: string,
    handle: (req: ApiRequest) => Promise<ApiResponse>,
  ): Operation => ({
    name,
    method,
    path,
    service: "scheduler",
    access: (req) => ({ action: `scheduler:${name}`, resource: resourceOf(req, path) }),
    handle,
  });
}
