/**
 * The gateway's side of one exchange: what it noted about the request on the way (ids, API,
 * stage, route, why it answered itself) and the answer written with API Gateway's headers, then
 * the request's access record and, for stages with access logs, its line.
 */
import type { ServerResponse } from "node:http";
import { accessLogLine, type CompiledAccessLog } from "./access-log.js";
import { gatewayError, type GatewayErrorKind } from "./gateway-errors.js";
import { applyGatewayResponse, type CompiledGatewayResponses, type ErrorScope } from "./gateway-responses.js";
import type { AuthContext, CompiledRoute } from "./model.js";
import type { GatewayOptions } from "./options.js";
import type { Reply } from "./reply.js";
import type { RequestInfo } from "./request-info.js";

/** Bodies up to this size are written with the header block in one write. */
const ONE_WRITE_BYTES = 4096;

/** Per-request bookkeeping for the answer headers and the access log. */
export interface Exchange {
  readonly t0: number;
  readonly res: ServerResponse;
  readonly method: string;
  readonly rawPath: string;
  protocol: "REST" | "HTTP";
  requestId: string;
  extendedRequestId: string;
  traceRoot: string;
  apiId?: string | undefined;
  stage?: string | undefined;
  route?: CompiledRoute | undefined;
  executedVersion?: string | undefined;
  /** Time the integration took (performance.now() ms), when one was called. */
  integrationMs?: number | undefined;
  /** Why the gateway answered itself, when it did. */
  error?: GatewayErrorKind | undefined;
  /** The request ran the stage's canary and has an access log line (written to "<group>/Canary" too). */
  canary: boolean;
  /** On a stage with a canary: the deployment that served the request (the stage's or the canary's). */
  deploymentId: string | undefined;
  /** The stage's access logs, when it has them (then `info` and `auth` are kept for its line). */
  accessLog?: CompiledAccessLog | undefined;
  accessLogStream?: string | undefined;
  info?: RequestInfo | undefined;
  auth?: AuthContext | undefined;
  /** REST: the deployment's gateway responses, once the stage's table is chosen. */
  responses?: { readonly table: CompiledGatewayResponses; readonly scope: Omit<ErrorScope, "kind"> } | undefined;
}

/** The gateway's own answer of `kind`, noted on the exchange for the access log. */
export function failReply(
  x: Exchange,
  kind: GatewayErrorKind,
  detail?: { readonly headers?: Readonly<Record<string, string>> | undefined; readonly message?: string },
): Reply {
  x.error = kind;
  const reply = errorReply(x.protocol, kind, detail?.headers);
  if (detail?.message !== undefined) reply.body = Buffer.from(`{"message": ${JSON.stringify(detail.message)}}`);
  return x.responses ? applyGatewayResponse(x.responses.table, { kind, ...x.responses.scope }, reply) : reply;
}

function errorReply(
  protocol: "REST" | "HTTP",
  kind: GatewayErrorKind,
  extra?: Readonly<Record<string, string>>,
): Reply {
  const e = gatewayError(protocol, kind);
  const headers: Reply["headers"] = { "content-type": "application/json" };
  if (extra) for (const name in extra) headers[name] = extra[name];
  if (e.errorType) headers["x-amzn-ErrorType"] = e.errorType;
  return { status: e.status, headers, body: e.body };
}

/** 413, and the connection closed after it: the rest of the upload is not read. */
export function tooLarge(x: Exchange): Reply {
  const reply = failReply(x, "too-large");
  reply.headers["connection"] = "close";
  return reply;
}

/**
 * Writes `reply` with the request's id and trace headers, then its access record and log line.
 * Returns undefined, so that a step of the request path can `return finish(…)` as its end.
 */
export function finish(o: GatewayOptions, x: Exchange, reply: Reply): undefined {
  const h = reply.headers;
  if (x.protocol === "REST") {
    h["x-amzn-RequestId"] = x.requestId;
    h["x-amz-apigw-id"] = x.extendedRequestId;
  } else {
    h["apigw-requestid"] = x.requestId;
  }
  h["X-Amzn-Trace-Id"] = `Root=${x.traceRoot}`;
  h["content-length"] = reply.body.length;
  try {
    x.res.writeHead(reply.status, h);
    // A small body goes as a latin1 string (its bytes unchanged), which Node appends to the header
    // block for one write; a Buffer is sent with the header block in a writev of two chunks.
    const body = reply.body;
    if (body.length <= ONE_WRITE_BYTES) x.res.end(body.toString("latin1"), "latin1");
    else x.res.end(body);
  } catch {
    // A header the function set that HTTP cannot carry: answer as a malformed response.
    if (!x.res.headersSent) {
      const e = errorReply(x.protocol, "bad-response");
      e.headers["content-length"] = e.body.length;
      x.res.writeHead(e.status, e.headers);
      x.res.end(e.body);
      reply = { ...reply, status: e.status };
      x.error = "bad-response";
    }
  }
  const latencyMs = performance.now() - x.t0;
  if (x.accessLog) writeAccessLog(o, x, { status: reply.status, length: reply.body.length, latencyMs });
  o.onAccessLog?.({
    requestId: x.requestId,
    apiId: x.apiId,
    stage: x.stage,
    method: x.method,
    path: x.rawPath,
    routeKey: x.route?.routeKey,
    status: reply.status,
    latencyMs,
    integrationLatencyMs: x.integrationMs,
    functionName: x.route?.integration.functionName,
    executedVersion: x.executedVersion,
    error: x.error,
    deploymentId: x.deploymentId,
  });
  return undefined;
}

function writeAccessLog(
  o: GatewayOptions,
  x: Exchange,
  r: { readonly status: number; readonly length: number; readonly latencyMs: number },
): void {
  const log = x.accessLog as CompiledAccessLog;
  const info = x.info;
  // One object literal: built from spread fragments, this scope cost 28 µs of CPU per line against
  // 2 µs (V8 copies each fragment into a slow, dictionary-backed object), most of an access log's cost.
  const line = accessLogLine(log, {
    protocol: x.protocol,
    requestId: x.requestId,
    extendedRequestId: x.extendedRequestId,
    apiId: x.apiId ?? "",
    stage: x.stage ?? "",
    accountId: o.accountId,
    method: x.method,
    path: info?.contextPath ?? x.rawPath,
    httpVersion: x.res.req.httpVersion,
    requestTimeEpoch: info?.timeEpoch ?? o.clock.now(),
    sourceIp: info?.sourceIp,
    headers: info?.headers,
    domainName: info?.domainName,
    domainPrefix: info?.domainPrefix,
    route: x.route,
    auth: x.auth,
    status: r.status,
    responseLength: r.length,
    responseLatencyMs: r.latencyMs,
    integrationLatencyMs: x.integrationMs,
    error: x.error,
  });
  const event = {
    groupName: log.groupName,
    streamName: x.accessLogStream ?? "",
    timestamp: info?.timeEpoch ?? o.clock.now(),
    message: line,
  };
  o.onStageAccessLog?.(event);
  if (x.canary) o.onStageAccessLog?.({ ...event, groupName: `${log.groupName}/Canary` });
}
