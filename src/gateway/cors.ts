/**
 * CORS. HTTP APIs with a CorsConfiguration answer preflights themselves (204, never reaching a
 * function) and put the configured headers on every answer to a CORS request; API Gateway
 * ignores `access-control-*` headers from the integration once CORS is configured. REST APIs get SAM's shape: an OPTIONS mock on
 * every resource answering 200 with the configured headers; other answers are the function's own.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import type { CorsConfig } from "../domain/deployed-api.js";
import type { Reply } from "./reply.js";

const EMPTY = Buffer.alloc(0);
const ALL_METHODS = "DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT";

/** A CORS preflight: OPTIONS with Origin and Access-Control-Request-Method. */
export function isPreflight(method: string, headers: IncomingHttpHeaders): boolean {
  return method === "OPTIONS" && headers.origin !== undefined && headers["access-control-request-method"] !== undefined;
}

/** The Access-Control-Allow-Origin value for `origin`, or undefined when it is not allowed. */
export function allowedOrigin(cors: CorsConfig, origin: string | undefined): string | undefined {
  if (origin === undefined) return undefined;
  if (cors.allowOrigins.includes("*")) return "*";
  return cors.allowOrigins.includes(origin) ? origin : undefined;
}

/** HTTP API: the gateway's own answer to a preflight. */
export function httpPreflight(cors: CorsConfig, headers: IncomingHttpHeaders): Reply {
  const out: OutgoingHttpHeaders = {};
  const origin = allowedOrigin(cors, headers.origin);
  if (origin !== undefined) {
    out["access-control-allow-origin"] = origin;
    if (cors.allowMethods.length) out["access-control-allow-methods"] = cors.allowMethods.join(",");
    if (cors.allowHeaders.length) out["access-control-allow-headers"] = cors.allowHeaders.join(",");
    if (cors.maxAge !== undefined) out["access-control-max-age"] = String(cors.maxAge);
    if (cors.allowCredentials) out["access-control-allow-credentials"] = "true";
  }
  return { status: 204, headers: out, body: EMPTY };
}

/** HTTP API: drops the function's CORS headers and adds the configured ones for an allowed origin. */
export function applyHttpCors(cors: CorsConfig, origin: string | undefined, headers: OutgoingHttpHeaders): void {
  for (const name of Object.keys(headers)) {
    if (name.toLowerCase().startsWith("access-control-")) delete headers[name];
  }
  const allowed = allowedOrigin(cors, origin);
  if (allowed === undefined) return;
  headers["access-control-allow-origin"] = allowed;
  if (cors.allowCredentials) headers["access-control-allow-credentials"] = "true";
  if (cors.exposeHeaders.length) headers["access-control-expose-headers"] = cors.exposeHeaders.join(",");
}

/** REST: SAM's OPTIONS mock for a resource whose methods are `methods`. */
export function restPreflight(cors: CorsConfig, methods: readonly string[], origin: string | undefined): Reply {
  const out: OutgoingHttpHeaders = { "Content-Type": "application/json" };
  out["Access-Control-Allow-Origin"] = allowedOrigin(cors, origin) ?? cors.allowOrigins[0] ?? "*";
  out["Access-Control-Allow-Methods"] = cors.allowMethods.length ? cors.allowMethods.join(",") : methodList(methods);
  if (cors.allowHeaders.length) out["Access-Control-Allow-Headers"] = cors.allowHeaders.join(",");
  if (cors.maxAge !== undefined) out["Access-Control-Max-Age"] = String(cors.maxAge);
  if (cors.allowCredentials) out["Access-Control-Allow-Credentials"] = "true";
  return { status: 200, headers: out, body: EMPTY };
}

function methodList(methods: readonly string[]): string {
  if (methods.includes("ANY")) return ALL_METHODS;
  return [...new Set([...methods, "OPTIONS"])].sort().join(",");
}
