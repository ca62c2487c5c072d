/**
 * CloudWatch's two wire protocols, both on POST /: the query protocol (form bodies, XML answers;
 * aws-sdk v2 and the AWS CLI v2) and awsJson1.0 with query compatibility (`X-Amz-Target:
 * GraniteServiceVersion20100801.<Action>`, JSON answers, the query error code in
 * `x-amzn-query-error`; the current SDK v3). Handlers see one input shape and give one output
 * shape: Date values become ISO 8601 in XML and epoch seconds in JSON; Map values are XML
 * `<entry><key>…<value>` lists and JSON objects.
 */
import type { IncomingHttpHeaders } from "node:http";
import { PlatformError } from "../../shared/errors.js";
import type { ApiRequest, ApiResponse } from "../types.js";
import {
  queryCompatibleJsonError,
  queryError,
  queryResponse,
  xml,
  type QueryDialect,
  type WireError,
  type XmlValue,
} from "../query-wire.js";

export const CW_XMLNS = "http://monitoring.amazonaws.com/doc/2010-08-01/";
const TARGET_PREFIX = "GraniteServiceVersion20100801.";

/** An output value: objects, arrays (`<member>` lists), Maps (entry lists), Dates, scalars. */
export type OutValue = XmlValue;

/** Which protocol a request speaks. */
export function isJsonRequest(headers: IncomingHttpHeaders): boolean {
  return String(headers["content-type"] ?? "").startsWith("application/x-amz-json-1.0");
}

/** The action and the input of a request, whichever protocol it speaks. */
export function readRequest(req: ApiRequest): { action: string; input: Record<string, unknown> } {
  if (isJsonRequest(req.headers)) {
    const target = String(req.headers["x-amz-target"] ?? "");
    const action = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : "";
    const text = req.body.toString("utf8");
    let input: unknown;
    try {
      input = text === "" ? {} : JSON.parse(text);
    } catch {
      throw new PlatformError("ERR_CW_INVALID_PARAMETER", "The request body is not valid JSON.");
    }
    return { action, input: (input ?? {}) as Record<string, unknown> };
  }
  const form = new URLSearchParams(req.body.toString("utf8"));
  return { action: form.get("Action") ?? "", input: parseQueryForm(form) };
}

/**
 * A query-protocol form as the nested input it encodes: `A.member.2.B=x` → `{A: [, {B: "x"}]}`
 * (lists are `.member.N`, 1-based). Action and Version are not part of the input.
 */
export function parseQueryForm(form: URLSearchParams): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of form) {
    if (key === "Action" || key === "Version") continue;
    const parts = key.split(".");
    let node: Record<string, unknown> | unknown[] = root;
    for (let k = 0; k < parts.length; k++) {
      let part: string | number = parts[k] as string;
      if (part === "member" && k + 1 < parts.length) part = Number(parts[++k]) - 1;
      const last = k === parts.length - 1;
      const nextIsList = parts[k + 1] === "member";
      const container = node as Record<string | number, unknown>;
      if (last) container[part] = value;
      else {
        container[part] ??= nextIsList ? [] : {};
        node = container[part] as Record<string, unknown>;
      }
    }
  }
  return compactLists(root) as Record<string, unknown>;
}

/** Drops the holes a list sent out of order leaves. */
function compactLists(v: unknown): unknown {
  if (Array.isArray(v)) return v.filter((x) => x !== undefined).map(compactLists);
  if (v && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, compactLists(x)]));
  }
  return v;
}

/** XML text of an output value. */
export function toXml(v: OutValue): string {
  return xml(v);
}

/** JSON value of an output value (Dates as epoch seconds). */
function toJson(v: OutValue): unknown {
  if (v instanceof Date) return v.getTime() / 1000;
  if (Array.isArray(v)) return (v as readonly OutValue[]).map(toJson);
  if (v instanceof Map)
    return Object.fromEntries([...(v as ReadonlyMap<string, OutValue>)].map(([k, x]) => [k, toJson(x)]));
  if (v && typeof v === "object") {
    return Object.fromEntries(
      Object.entries(v as Record<string, OutValue>)
        .filter(([, x]) => x !== undefined)
        .map(([k, x]) => [k, toJson(x)]),
    );
  }
  return v;
}

/** A successful answer in the request's protocol. */
export function respond(json: boolean, action: string, result: OutValue, requestId: string): ApiResponse {
  if (json) {
    return {
      status: 200,
      headers: { "Content-Type": "application/x-amz-json-1.0" },
      body: JSON.stringify(toJson(result ?? {})),
    };
  }
  return queryResponse(CLOUDWATCH, action, result, requestId);
}

// The query protocol's codes where they differ from the JSON shape names.
const QUERY_CODES: Readonly<Record<string, string>> = {
  ERR_CW_INVALID_PARAMETER: "InvalidParameterValue",
  ERR_CW_MISSING_PARAMETER: "MissingParameter",
  ERR_CW_INVALID_COMBINATION: "InvalidParameterCombination",
  ERR_CW_INVALID_FORMAT: "InvalidFormat",
  ERR_SERVICE: "InternalServiceError",
  ERR_STORE_UNAVAILABLE: "InternalServiceError",
};

const CLOUDWATCH: QueryDialect = { xmlns: CW_XMLNS, codes: QUERY_CODES };

/** An error in the request's protocol (XML `<ErrorResponse>`, or JSON with `x-amzn-query-error`). */
export function renderCloudWatchError(e: WireError, requestId: string, json: boolean): ApiResponse {
  if (json) return queryCompatibleJsonError(CLOUDWATCH, e, { namespace: "com.amazonaws.cloudwatch" });
  return queryError(CLOUDWATCH, e, requestId);
}
