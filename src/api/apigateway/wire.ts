import type { z } from "zod";
import type { ApiService } from "../../control/index.js";
import type { Gateway } from "../../gateway/index.js";
import { PlatformError } from "../../shared/errors.js";
import type { OutboundPolicy } from "../../shared/outbound-policy.js";
import type { AccessSpec, ApiRequest, ApiResponse, Operation } from "../types.js";

/** What the API Gateway operations are built from. */
export interface ApiGatewayOperationsDeps {
  readonly service: ApiService;
  /** The URL an API is served on (v2 `apiEndpoint`), e.g. `http://{apiId}.execute-api.localhost:3000`. */
  readonly apiEndpoint: (apiId: string) => string;
  /** The node's region, in the ARNs IAM policies name (`arn:aws:apigateway:REGION::/restapis/…`). */
  readonly region: string;
  /** Where HTTP integrations may point, by who configures them. Absent: anywhere. */
  readonly outbound?: OutboundPolicy | undefined;
  /** Runs TestInvokeMethod and TestInvokeAuthorizer (the node's gateway). Absent: those operations are not served. */
  readonly tester?: Pick<Gateway, "testMethod" | "testAuthorizer"> | undefined;
}

/** API Gateway bodies are small; 1 MB is far above any real request (OpenAPI import is not served). */
const MAX_BODY_BYTES = 1024 * 1024;

/** Declares one rest-json operation. */
export function operation(
  name: string,
  route: `${"GET" | "POST" | "PUT" | "PATCH" | "DELETE"} /${string}`,
  handle: (req: ApiRequest) => Promise<ApiResponse>,
): Operation {
  const space = route.indexOf(" ");
  const method = route.slice(0, space);
  return {
    name,
    method,
    path: route.slice(space + 1),
    service: "apigateway",
    maxBodyBytes: MAX_BODY_BYTES,
    access: apiGatewayAccess,
    handle,
  };
}

/**
 * API Gateway authorizes by HTTP verb on the resource path (Service Authorization Reference for
 * Amazon API Gateway Management): `apigateway:GET` on `arn:aws:apigateway:REGION::/restapis/ID`;
 * the v2 APIs drop their `/v2` prefix (`::/apis/ID/routes/RID`). The region is the signature's,
 * which the server has checked against the node's.
 */
function apiGatewayAccess(req: ApiRequest): AccessSpec {
  const path = req.path.startsWith("/v2/") ? req.path.slice(3) : req.path;
  const trimmed = path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
  return { action: `apigateway:${req.method}`, resource: `arn:aws:apigateway:${req.region}::${decodePath(trimmed)}` };
}

function decodePath(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Parses the JSON body against `schema`; malformed or mistyped input is a BadRequestException. */
export function body<S extends z.ZodType>(req: ApiRequest, schema: S): z.output<S> {
  let raw: unknown = {};
  if (req.body.length > 0) {
    try {
      raw = JSON.parse(req.body.toString("utf8"));
    } catch {
      throw new PlatformError("ERR_BAD_REQUEST", "Could not parse request body into json: invalid JSON");
    }
  }
  refuseUnknown(raw, schema);
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new PlatformError("ERR_BAD_REQUEST", describe(parsed.error));
  return parsed.data;
}

/**
 * A member the operation does not model would be dropped by the schema and so ignored: it is
 * refused instead, naming it (throttling route settings, … until haneul has them).
 */
function refuseUnknown(raw: unknown, schema: z.ZodType): void {
  const shape = (schema as { shape?: Record<string, unknown> }).shape;
  if (!shape || typeof raw !== "object" || raw === null || Array.isArray(raw)) return;
  const unknown = Object.keys(raw).filter((k) => !(k in shape));
  if (unknown.length > 0) {
    throw new PlatformError("ERR_BAD_REQUEST", `${unknown.join(", ")}: not supported by haneul for this operation`);
  }
}

function describe(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "Invalid request input";
  const field = issue.path.join(".");
  if (issue.code === "invalid_type" && issue.input === undefined) return `${field} is required`;
  return field ? `Invalid value for ${field}: ${issue.message}` : issue.message;
}

/** A path label the route template guarantees. */
export function param(req: ApiRequest, name: string): string {
  return req.params[name] ?? "";
}

/** An optional positive integer query parameter (`limit`, `maxResults`). */
export function intQuery(req: ApiRequest, name: string): number | undefined {
  const raw = req.query.get(name);
  if (raw === null || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new PlatformError("ERR_BAD_REQUEST", `Invalid value for ${name}: ${raw}`);
  return n;
}

/** An optional string query parameter. */
export function query(req: ApiRequest, name: string): string | undefined {
  const v = req.query.get(name);
  return v === null || v === "" ? undefined : v;
}

/** A JSON answer. */
export function json(status: number, value: object): ApiResponse {
  return { status, body: value };
}

/** An empty answer (204 for v2 deletes, 202 for most v1 deletes). */
export function empty(status: 202 | 204): ApiResponse {
  return { status };
}

/** v1 timestamps: epoch seconds as JSON numbers. */
export function epochSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

/** v2 timestamps: ISO 8601 strings. */
export function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** `o` without undefined members and without empty maps/arrays named in `dropEmpty` (AWS omits those). */
export function compact(o: Record<string, unknown>, dropEmpty: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined) continue;
    if (dropEmpty.includes(k) && isEmpty(v)) continue;
    out[k] = v;
  }
  return out;
}

function isEmpty(v: unknown): boolean {
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === "object" && v !== null && Object.keys(v).length === 0;
}
