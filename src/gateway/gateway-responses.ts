/**
 * REST gateway responses: the customized status, headers and template of the gateway's own answers
 * (401, 403, 5xx…), deployed with the API. A kind of answer takes its type's response, else
 * DEFAULT_4XX or DEFAULT_5XX by its status class, else AWS's built-in answer. Headers come from
 * `gatewayresponse.header.X` parameters (`'literal'`, `method.request.header.Y`, `stageVariables.z`,
 * `context.requestId`); templates see `$context.error.message(String)`, `$context` and `$stageVariables`.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { DeployedGatewayResponse } from "../domain/deployed-api.js";
import type { GatewayErrorKind } from "./gateway-errors.js";
import { compileTemplate, type MappingTemplate, renderTemplate } from "./mapping-template.js";
import type { Reply } from "./reply.js";

/** A gateway response ready to apply. */
interface CompiledGatewayResponse {
  readonly statusCode: number | undefined;
  readonly headers: readonly (readonly [string, string])[];
  readonly template: MappingTemplate | undefined;
}

/** A deployment's gateway responses, by type. */
export type CompiledGatewayResponses = ReadonlyMap<string, CompiledGatewayResponse>;

/** Parses templates once; undefined when the deployment has none. */
export function compileGatewayResponses(
  r: Readonly<Record<string, DeployedGatewayResponse>> | undefined,
): CompiledGatewayResponses | undefined {
  if (!r || Object.keys(r).length === 0) return undefined;
  const out = new Map<string, CompiledGatewayResponse>();
  for (const [type, g] of Object.entries(r)) {
    const headers = Object.entries(g.responseParameters)
      .filter(([k]) => k.startsWith("gatewayresponse.header."))
      .map(([k, v]) => [k.slice("gatewayresponse.header.".length), v] as const);
    const text = g.responseTemplates["application/json"] ?? Object.values(g.responseTemplates)[0];
    out.set(type, {
      statusCode: g.statusCode ? Number(g.statusCode) : undefined,
      headers,
      template: text === undefined ? undefined : compileTemplate(text),
    });
  }
  return out;
}

const TYPE_OF: Partial<Record<GatewayErrorKind, string>> = {
  "no-route": "MISSING_AUTHENTICATION_TOKEN",
  unauthorized: "UNAUTHORIZED",
  "explicit-deny": "ACCESS_DENIED",
  "implicit-deny": "ACCESS_DENIED",
  "authorizer-failure": "AUTHORIZER_CONFIGURATION_ERROR",
  "lambda-rejected": "API_CONFIGURATION_ERROR",
  "invalid-permissions": "API_CONFIGURATION_ERROR",
  "integration-failure": "API_CONFIGURATION_ERROR",
  timeout: "INTEGRATION_TIMEOUT",
  "too-large": "REQUEST_TOO_LARGE",
  "unsupported-media-type": "UNSUPPORTED_MEDIA_TYPE",
  "bad-request-parameters": "BAD_REQUEST_PARAMETERS",
  "bad-request-body": "BAD_REQUEST_BODY",
  "invalid-api-key": "INVALID_API_KEY",
  throttled: "THROTTLED",
  "quota-exceeded": "QUOTA_EXCEEDED",
  "circuit-open": "INTEGRATION_FAILURE",
  "bulkhead-full": "THROTTLED",
};

/** What a gateway response may read of the request. */
export interface ErrorScope {
  readonly kind: GatewayErrorKind;
  readonly requestId: string;
  readonly stage: string;
  readonly variables: Readonly<Record<string, string>>;
  readonly headers: IncomingHttpHeaders;
}

/** `base` (AWS's built-in answer of `s.kind`) with the deployment's gateway response applied, if one applies. */
export function applyGatewayResponse(responses: CompiledGatewayResponses, s: ErrorScope, base: Reply): Reply {
  const type = TYPE_OF[s.kind];
  const g =
    (type === undefined ? undefined : responses.get(type)) ??
    responses.get(base.status >= 500 ? "DEFAULT_5XX" : "DEFAULT_4XX");
  if (!g) return base;
  const headers: Reply["headers"] = { ...base.headers };
  for (const [name, source] of g.headers) {
    const value = sourceValue(s, source);
    if (value !== undefined) headers[name] = value;
  }
  let body = base.body;
  if (g.template) {
    const message = messageOf(base.body);
    const text = renderTemplate(g.template, {
      context: {
        requestId: s.requestId,
        stage: s.stage,
        error: { message, messageString: JSON.stringify(message), responseType: type ?? "DEFAULT" },
      },
      stageVariables: s.variables,
    });
    if (text !== undefined) body = Buffer.from(text);
  }
  return { status: g.statusCode ?? base.status, headers, body };
}

/** The gateway response type of an answer of `kind` (DEFAULT_4XX/5XX when no type of its own). */
export function responseTypeOf(kind: GatewayErrorKind, status: number): string {
  return TYPE_OF[kind] ?? (status >= 500 ? "DEFAULT_5XX" : "DEFAULT_4XX");
}

/** The `message` (or `Message`) of a gateway answer's JSON body; empty when it has none. */
export function errorMessageOf(body: Buffer): string {
  return messageOf(body);
}

function messageOf(body: Buffer): string {
  try {
    const parsed = JSON.parse(body.toString("utf8")) as { message?: unknown; Message?: unknown };
    const m = parsed.message ?? parsed.Message;
    return typeof m === "string" ? m : "";
  } catch {
    return "";
  }
}

function sourceValue(s: ErrorScope, source: string): string | undefined {
  if (source.length >= 2 && source.startsWith("'") && source.endsWith("'")) return source.slice(1, -1);
  if (source.startsWith("method.request.header.")) {
    const v = s.headers[source.slice("method.request.header.".length).toLowerCase()];
    return Array.isArray(v) ? v.join(",") : v;
  }
  if (source.startsWith("stageVariables.")) return s.variables[source.slice("stageVariables.".length)];
  if (source === "context.requestId") return s.requestId;
  if (source === "context.stage") return s.stage;
  return undefined;
}
