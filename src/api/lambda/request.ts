import type { z } from "zod";
import { PlatformError } from "../../shared/errors.js";
import type { ApiRequest } from "../types.js";

/** Parses the JSON body against `schema`; bad JSON is InvalidRequestContentException as on AWS. */
export function jsonBody<S extends z.ZodType>(req: ApiRequest, schema: S): z.output<S> {
  let raw: unknown = {};
  const text = req.body.toString("utf8");
  if (text.trim() !== "") {
    try {
      raw = JSON.parse(text);
    } catch (e) {
      throw new PlatformError(
        "ERR_INVALID_REQUEST_CONTENT",
        `Could not parse request body into json: ${(e as Error).message}`,
      );
    }
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join(".") || "body";
    throw new PlatformError(
      "ERR_INVALID_REQUEST_CONTENT",
      `Could not parse request body into json: ${where}: ${issue?.message ?? "invalid"}`,
    );
  }
  return parsed.data;
}

/** A path label (already %-decoded by the router). */
export function param(req: ApiRequest, name: string): string {
  return req.params[name] ?? "";
}

/** A query parameter, or undefined when absent. */
export function query(req: ApiRequest, name: string): string | undefined {
  return req.query.get(name) ?? undefined;
}

/** An integer query parameter (MaxItems); not a number is AWS's range error. */
export function intQuery(req: ApiRequest, name: string, field: string): number | undefined {
  const raw = query(req, name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n)) {
    throw new PlatformError(
      "ERR_VALIDATION",
      `1 validation error detected: Value '${raw}' at '${field}' failed to satisfy constraint: Member must have value greater than or equal to 1`,
    );
  }
  return n;
}

/** A request header (first value), or undefined. */
export function header(req: ApiRequest, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** Marker/MaxItems of a list operation. */
export function page(req: ApiRequest): { Marker?: string | undefined; MaxItems?: number | undefined } {
  return { Marker: query(req, "Marker"), MaxItems: intQuery(req, "MaxItems", "maxItems") };
}
