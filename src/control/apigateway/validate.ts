import { badRequest } from "./context.js";

const ROUTE_METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"]);
/** REST methods PutMethod accepts. */
export const REST_METHODS = ["GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS", "HEAD", "ANY"] as const;

const LITERAL_SEGMENT = /^[A-Za-z0-9._~!$&'()*+,;=:@%-]+$/;
const VARIABLE_SEGMENT = /^\{[A-Za-z0-9._-]+\+?\}$/;

/** True for `$default` or `METHOD /path` with literal and `{var}` segments, `{var+}` only last. */
export function isValidRouteKey(routeKey: string): boolean {
  if (routeKey === "$default") return true;
  const space = routeKey.indexOf(" ");
  if (space < 0 || !ROUTE_METHODS.has(routeKey.slice(0, space))) return false;
  const path = routeKey.slice(space + 1);
  if (path === "/") return true;
  if (!path.startsWith("/")) return false;
  const segments = path.slice(1).split("/");
  return segments.every((s, i) => {
    if (VARIABLE_SEGMENT.test(s)) return !s.endsWith("+}") || i === segments.length - 1;
    return LITERAL_SEGMENT.test(s);
  });
}

/** Refuses a malformed HTTP API route key. */
export function checkRouteKey(routeKey: string): void {
  if (!isValidRouteKey(routeKey)) {
    throw badRequest(
      `Invalid route key: '${routeKey}'. Use '$default' or '<METHOD> /<path>' (for example 'GET /items/{id}').`,
    );
  }
}

const REST_PATH_PART = /^(?:[A-Za-z0-9._-]+|\{[A-Za-z0-9._-]+\+?\})$/;

/** Refuses a REST path part AWS would refuse (text as AWS sends it, observed by moto). */
export function checkPathPart(pathPart: string): void {
  if (!REST_PATH_PART.test(pathPart)) {
    throw badRequest(
      "Resource's path part only allow a-zA-Z0-9._- and curly braces at the beginning and the end and an optional plus sign before the closing brace.",
    );
  }
}

const STAGE_NAME = /^[A-Za-z0-9_-]{1,128}$/;

/** Refuses a stage name other than `$default` (HTTP APIs) or letters, digits, `-` and `_`. */
export function checkStageName(stageName: string, allowDefault: boolean): void {
  if (allowDefault && stageName === "$default") return;
  if (!STAGE_NAME.test(stageName)) throw badRequest("Stage name only allows a-zA-Z0-9_-");
}

/** Refuses `value` unless it is one of `allowed`, in AWS's words: `Invalid {what} specified. Must be one of [A, B]`. */
export function checkOneOf(value: string, allowed: readonly string[], what: string): void {
  if (!allowed.includes(value)) throw badRequest(`Invalid ${what} specified. Must be one of [${allowed.join(", ")}]`);
}

/** Integration timeout within [50, max] ms. */
export function checkTimeout(timeoutInMillis: number | undefined, max: number): void {
  if (timeoutInMillis === undefined) return;
  if (!Number.isInteger(timeoutInMillis) || timeoutInMillis < 50 || timeoutInMillis > max) {
    throw badRequest(`Timeout should be between 50 ms and ${max} ms`);
  }
}

/** One page of `items` from a numeric position token; AWS tokens are opaque to clients. */
export function pageOf<T>(
  items: readonly T[],
  token: string | undefined,
  limit: number,
): { items: T[]; next?: string } {
  let start = 0;
  if (token) {
    const n = Number(Buffer.from(token, "base64url").toString("utf8"));
    if (!Number.isInteger(n) || n < 0) throw badRequest("Invalid pagination token");
    start = n;
  }
  const slice = items.slice(start, start + limit);
  const end = start + slice.length;
  return end < items.length ? { items: slice, next: Buffer.from(String(end)).toString("base64url") } : { items: slice };
}
