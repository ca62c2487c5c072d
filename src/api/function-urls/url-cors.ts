/**
 * CORS of a function URL with a Cors configuration: Lambda answers preflights itself (200, the
 * function never runs) and puts the configured headers on every answer to an allowed origin,
 * replacing the function's own `access-control-*` headers. Without a configuration both reach the
 * function and its headers pass through.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import type { FunctionUrlCors } from "../../ports/function-url-store.js";

/** A CORS preflight: OPTIONS with Origin and Access-Control-Request-Method. */
export function isPreflight(method: string, headers: IncomingHttpHeaders): boolean {
  return method === "OPTIONS" && headers.origin !== undefined && headers["access-control-request-method"] !== undefined;
}

function allowedOrigin(cors: FunctionUrlCors, origin: string | undefined): string | undefined {
  if (origin === undefined) return undefined;
  const list = cors.AllowOrigins ?? [];
  if (list.includes("*")) return "*";
  return list.includes(origin) ? origin : undefined;
}

/** The headers of Lambda's answer to a preflight (none when the origin is not allowed). */
export function preflightHeaders(cors: FunctionUrlCors, headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  const origin = allowedOrigin(cors, headers.origin);
  if (origin === undefined) return out;
  out["access-control-allow-origin"] = origin;
  if (cors.AllowMethods?.length) out["access-control-allow-methods"] = cors.AllowMethods.join(",");
  if (cors.AllowHeaders?.length) out["access-control-allow-headers"] = cors.AllowHeaders.join(",");
  if (cors.ExposeHeaders?.length) out["access-control-expose-headers"] = cors.ExposeHeaders.join(",");
  if (cors.MaxAge !== undefined) out["access-control-max-age"] = String(cors.MaxAge);
  if (cors.AllowCredentials) out["access-control-allow-credentials"] = "true";
  return out;
}

/** Replaces the function's CORS headers with the configured ones for an allowed origin. */
export function applyCors(cors: FunctionUrlCors, origin: string | undefined, headers: OutgoingHttpHeaders): void {
  for (const name of Object.keys(headers)) {
    if (name.toLowerCase().startsWith("access-control-")) delete headers[name];
  }
  const allowed = allowedOrigin(cors, origin);
  if (allowed === undefined) return;
  headers["access-control-allow-origin"] = allowed;
  if (cors.AllowCredentials) headers["access-control-allow-credentials"] = "true";
  if (cors.ExposeHeaders?.length) headers["access-control-expose-headers"] = cors.ExposeHeaders.join(",");
}
