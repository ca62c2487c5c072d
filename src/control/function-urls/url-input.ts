/**
 * What CreateFunctionUrlConfig and UpdateFunctionUrlConfig accept, checked as the Lambda API's
 * model constrains it (ValidationException naming every wrong member at once).
 */
import type { FunctionUrlCors } from "../../ports/function-url-store.js";
import { PlatformError } from "../../shared/errors.js";
import { Violations } from "../violations.js";

/** The body of CreateFunctionUrlConfig and UpdateFunctionUrlConfig. */
export interface FunctionUrlInput {
  AuthType?: string | undefined;
  InvokeMode?: string | undefined;
  Cors?: FunctionUrlCors | undefined;
}

export const AUTH_TYPES = ["NONE", "AWS_IAM"] as const;
export const INVOKE_MODES = ["BUFFERED", "RESPONSE_STREAM"] as const;
const QUALIFIER_RE = /^(?!^\d+$)[0-9a-zA-Z-_]+$/;
const QUALIFIER_PATTERN = "((?!^\\d+$)^[0-9a-zA-Z-_]+$)";

/** A function URL's `?Qualifier=`: an alias name only (no `$LATEST`, no version), as AWS's model says. */
export function checkUrlQualifier(qualifier: string | undefined): void {
  if (qualifier === undefined) return;
  const v = new Violations();
  v.maxLength(qualifier, "qualifier", 128);
  v.pattern(qualifier, "qualifier", QUALIFIER_RE, QUALIFIER_PATTERN);
  v.throwIfAny();
}

function listOf(v: Violations, list: readonly string[] | undefined, field: string, limits: [number, number, number]) {
  if (list === undefined) return;
  const [maxItems, minLength, maxLength] = limits;
  if (list.length > maxItems) v.add(list, field, `Member must have length less than or equal to ${maxItems}`);
  for (const item of list) {
    if (item.length < minLength) v.add(item, field, `Member must have length greater than or equal to ${minLength}`);
    if (item.length > maxLength) v.add(item, field, `Member must have length less than or equal to ${maxLength}`);
  }
}

/** Checks the members of a create (`create`: AuthType required) or an update. */
export function checkUrlInput(input: FunctionUrlInput, create: boolean): void {
  const v = new Violations();
  if (create) v.required(input.AuthType, "authType");
  v.oneOf(input.AuthType, "authType", AUTH_TYPES);
  v.oneOf(input.InvokeMode, "invokeMode", INVOKE_MODES);
  const c = input.Cors;
  if (c) {
    listOf(v, c.AllowHeaders, "cors.allowHeaders", [100, 0, 1024]);
    listOf(v, c.ExposeHeaders, "cors.exposeHeaders", [100, 0, 1024]);
    listOf(v, c.AllowMethods, "cors.allowMethods", [6, 0, 6]);
    listOf(v, c.AllowOrigins, "cors.allowOrigins", [100, 1, 253]);
    v.range(c.MaxAge, "cors.maxAge", 0, 86400);
  }
  v.throwIfAny();
  for (const m of c?.AllowMethods ?? []) {
    if (!["GET", "PUT", "HEAD", "POST", "PATCH", "DELETE", "OPTIONS", "*"].includes(m.toUpperCase())) {
      throw new PlatformError("ERR_INVALID_PARAMETER", `The method ${m} is not a valid HTTP method.`);
    }
  }
}

/** The CORS settings as stored: only the members given. */
export function corsOf(c: FunctionUrlCors | undefined): FunctionUrlCors | undefined {
  if (c === undefined) return undefined;
  const out: Record<string, unknown> = {};
  for (const key of ["AllowCredentials", "AllowHeaders", "AllowMethods", "AllowOrigins", "ExposeHeaders", "MaxAge"]) {
    const value = (c as Record<string, unknown>)[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}
