/**
 * A stage's access log line for one request: the stage's compiled `$context` format filled from
 * what the request left on its exchange. Only stages with access logs pay for this; the line goes
 * to the node's log writer, which batches it into the log store off the request's path.
 */
import type { IncomingHttpHeaders } from "node:http";
import { renderAccessLog, type AccessLogFormat } from "../domain/access-log-format.js";
import { gatewayError, type GatewayErrorKind } from "./gateway-errors.js";
import { errorMessageOf, responseTypeOf } from "./gateway-responses.js";
import type { AuthContext, CompiledRoute } from "./model.js";

/** A stage's access logs, compiled. */
export interface CompiledAccessLog {
  readonly groupName: string;
  readonly format: AccessLogFormat;
}

/** What one request's line is made of. */
export interface AccessLogScope {
  readonly protocol: "REST" | "HTTP";
  readonly requestId: string;
  readonly extendedRequestId: string;
  readonly apiId: string;
  readonly stage: string;
  readonly accountId: string;
  readonly method: string;
  readonly path: string;
  readonly httpVersion: string;
  readonly requestTimeEpoch: number;
  readonly sourceIp: string | undefined;
  readonly headers: IncomingHttpHeaders | undefined;
  readonly domainName: string | undefined;
  readonly domainPrefix: string | undefined;
  readonly route: CompiledRoute | undefined;
  readonly auth: AuthContext | undefined;
  readonly status: number;
  readonly responseLength: number;
  readonly responseLatencyMs: number;
  readonly integrationLatencyMs: number | undefined;
  readonly error: GatewayErrorKind | undefined;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

let lastSecond = -1;
let lastClf = "";

/** `06/Dec/2026:13:59:01 +0000`, the CLF time API Gateway logs (made once per second). */
export function clfTime(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second === lastSecond) return lastClf;
  lastSecond = second;
  lastClf = formatClf(ms);
  return lastClf;
}

function formatClf(ms: number): string {
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, "0");
  return (
    `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:` +
    `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`
  );
}

/** The request's line in the stage's format. */
export function accessLogLine(log: CompiledAccessLog, s: AccessLogScope): string {
  return renderAccessLog(log.format, (name) => valueOf(s, name));
}

/** Errors the integration never answered: no integration status. */
const NOT_REACHED: ReadonlySet<GatewayErrorKind | undefined> = new Set<GatewayErrorKind | undefined>([
  "lambda-rejected",
  "invalid-permissions",
  "integration-failure",
  "timeout",
  "too-large",
]);

function valueOf(s: AccessLogScope, name: string): string | number | undefined {
  switch (name) {
    case "requestId":
      return s.requestId;
    case "extendedRequestId":
      return s.extendedRequestId;
    case "apiId":
      return s.apiId;
    case "stage":
      return s.stage;
    case "accountId":
      return s.accountId;
    case "httpMethod":
      return s.method;
    case "path":
      return s.path;
    case "resourcePath":
      return s.protocol === "REST" ? s.route?.resourcePath : undefined;
    case "resourceId":
      return s.protocol === "REST" ? s.route?.resourceId : undefined;
    case "routeKey":
      return s.protocol === "HTTP" ? s.route?.routeKey : undefined;
    case "protocol":
      return `HTTP/${s.httpVersion}`;
    case "status":
      return s.status;
    case "responseLength":
      return s.responseLength;
    case "responseLatency":
      return Math.round(s.responseLatencyMs);
    case "integrationLatency":
    case "integration.latency":
      return s.integrationLatencyMs === undefined ? undefined : Math.round(s.integrationLatencyMs);
    case "integrationStatus":
    case "integration.integrationStatus":
      return integrationReached(s) ? (s.route?.custom ? s.status : 200) : undefined;
    case "integration.status":
      return integrationReached(s) && s.error === undefined ? s.status : undefined;
    case "requestTime":
      return clfTime(s.requestTimeEpoch);
    case "requestTimeEpoch":
      return s.requestTimeEpoch;
    case "domainName":
      return s.domainName;
    case "domainPrefix":
      return s.domainPrefix;
    case "identity.sourceIp":
      return s.sourceIp;
    case "identity.userAgent":
      return header(s.headers, "user-agent");
    case "error.message":
      return s.error && errorMessageOf(gatewayError(s.protocol, s.error).body);
    case "error.messageString":
      return s.error && JSON.stringify(errorMessageOf(gatewayError(s.protocol, s.error).body));
    case "error.responseType":
      return s.error && responseTypeOf(s.error, s.status);
    default:
      return name.startsWith("authorizer.") ? authorizerValue(s.auth, name.slice("authorizer.".length)) : undefined;
  }
}

function integrationReached(s: AccessLogScope): boolean {
  return s.integrationLatencyMs !== undefined && !NOT_REACHED.has(s.error);
}

function authorizerValue(auth: AuthContext | undefined, key: string): string | number | undefined {
  if (!auth) return undefined;
  if (auth.type === "jwt") {
    if (key.startsWith("claims.")) return auth.claims[key.slice("claims.".length)];
    return key === "scopes" && auth.scopes ? auth.scopes.join(" ") : undefined;
  }
  if (key === "principalId") return auth.principalId;
  if (key === "integrationLatency" || key === "latency") return Math.round(auth.latencyMs);
  const v = auth.context[key.startsWith("lambda.") ? key.slice("lambda.".length) : key];
  return typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? String(v) : undefined;
}

function header(headers: IncomingHttpHeaders | undefined, name: string): string | undefined {
  const v = headers?.[name];
  return Array.isArray(v) ? v[0] : v;
}
