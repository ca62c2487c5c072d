/**
 * TestInvokeMethod and TestInvokeAuthorizer: one simulated request through a method's integration
 * (mapping templates, request and response parameters, validation — no authorizer, no API key) or
 * through an authorizer (its cache bypassed), as API Gateway's console test does, with the
 * execution log of every step. Runs in the gateway's process with its invoker and outbound policy;
 * nothing here is on the serving path.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { DeployedAuthorizer, DeployedRoute } from "../domain/deployed-api.js";
import { compileRoute } from "./compile.js";
import { ExecutionLog, javaMap } from "./execution-log.js";
import { executionLogReason, gatewayError, type GatewayErrorKind } from "./gateway-errors.js";
import { runIntegration } from "./integration.js";
import { LambdaAuthorizer } from "./lambda-authorizer.js";
import { binaryMatcher } from "./media-types.js";
import type { CompiledApi, RequestScope } from "./model.js";
import type { GatewayOptions } from "./options.js";
import type { Reply } from "./reply.js";
import type { RequestInfo } from "./request-info.js";
import { validateRequest } from "./request-validation.js";
import { splitPath } from "./router.js";
import { shortRequestId, traceRoot } from "./trace.js";
import { TrieRouter } from "./trie-router.js";

/** The simulated request (TestInvokeMethodRequest / TestInvokeAuthorizerRequest). */
export interface TestRequest {
  readonly pathWithQueryString?: string | undefined;
  readonly body?: string | undefined;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  readonly multiValueHeaders?: Readonly<Record<string, readonly string[]>> | undefined;
  readonly stageVariables?: Readonly<Record<string, string>> | undefined;
}

/** A method as it is configured now. */
export interface TestMethod {
  readonly apiId: string;
  readonly httpMethod: string;
  readonly resourcePath: string;
  readonly binaryMediaTypes: readonly string[];
  /** Undefined when the method has no integration to run. */
  readonly route: DeployedRoute | undefined;
}

/** TestInvokeMethodResponse. */
export interface TestMethodResult {
  readonly status: number;
  readonly body: string;
  readonly headers: Record<string, string>;
  readonly multiValueHeaders: Record<string, string[]>;
  readonly log: string;
  readonly latency: number;
}

/** TestInvokeAuthorizerResponse (`claims` belong to Cognito authorizers, which haneul does not run). */
export interface TestAuthorizerResult {
  readonly clientStatus: number;
  readonly log: string;
  readonly latency: number;
  readonly principalId?: string | undefined;
  readonly policy?: string | undefined;
}

/** The stage name API Gateway gives test invocations of methods. */
const TEST_STAGE = "test-invoke-stage";
/** The stage name in the method ARN a tested authorizer sees. */
const AUTHORIZER_TEST_STAGE = "ESTestInvoke-stage";

/** Runs the method's integration for the simulated request. */
export async function testInvokeMethod(
  o: GatewayOptions,
  m: TestMethod,
  request: TestRequest,
): Promise<TestMethodResult> {
  const started = o.clock.now();
  const info = requestInfo(o, m.httpMethod, request, m.resourcePath);
  const log = new ExecutionLog(o.clock, info.requestId);
  log.add(`Starting execution for request: ${info.requestId}`);
  log.add(`HTTP Method: ${m.httpMethod}, Resource Path: ${info.path}`);
  const reply = await runMethod(o, { m, info, request, log });
  const status = reply.status;
  log.add(`Method completed with status: ${status}`);
  reply.headers["X-Amzn-Trace-Id"] = `Root=${info.traceRoot}`;
  return {
    status,
    body: reply.body.toString("utf8"),
    ...headerMaps(reply.headers),
    log: log.text(),
    latency: o.clock.now() - started,
  };
}

interface MethodRun {
  readonly m: TestMethod;
  readonly info: RequestInfo;
  readonly request: TestRequest;
  readonly log: ExecutionLog;
}

async function runMethod(o: GatewayOptions, r: MethodRun): Promise<Reply> {
  const { m, info, log } = r;
  const api = testApi(m.apiId, m.binaryMediaTypes);
  const router = new TrieRouter<true>();
  router.add(m.httpMethod, m.resourcePath, true);
  const params = router.match(m.httpMethod, info.segments)?.params;
  log.add(`Method request path: ${javaMap(params)}`);
  log.add(`Method request query string: ${javaMap(Object.fromEntries(new URLSearchParams(info.rawQuery)))}`);
  log.add(`Method request headers: ${javaMap(asSent(info.rawHeaders))}`);
  log.add(`Method request body before transformations: ${info.body.toString("utf8")}`);
  if (!m.route) {
    log.add("Execution failed due to configuration error: No integration defined for method");
    return failure(log, "integration-failure", false);
  }
  const route = compileRoute(m.apiId, m.route, { authorizer: undefined });
  if (route.validation) {
    const failed = validateRequest(route.validation, info, params);
    if (failed) {
      log.add(failed.message);
      return failure(log, failed.kind, false, failed.message);
    }
  }
  const scope: RequestScope = {
    info,
    api,
    stage: TEST_STAGE,
    variables: r.request.stageVariables ?? {},
    deploymentId: "",
    route,
    params,
    region: o.region,
    accountId: o.accountId,
  };
  const result = await runIntegration(scope, undefined, { ...o, trace: log });
  if (result.reply) {
    log.add("Successfully completed execution");
    return result.reply;
  }
  return failure(log, result.error ?? "function-error", true);
}

/** Runs the authorizer's function for the simulated request, past its cache. */
export async function testInvokeAuthorizer(
  o: GatewayOptions,
  a: { readonly apiId: string; readonly authorizer: DeployedAuthorizer },
  request: TestRequest,
): Promise<TestAuthorizerResult> {
  const started = o.clock.now();
  const def = a.authorizer;
  if (def.type === "JWT") throw new TypeError("JWT authorizers belong to HTTP APIs");
  const info = requestInfo(o, "GET", request, "/");
  const log = new ExecutionLog(o.clock, info.requestId);
  log.add(`Starting authorizer: ${def.authorizerId} for request: ${info.requestId}`);
  const scope: RequestScope = {
    info,
    api: testApi(a.apiId, []),
    stage: AUTHORIZER_TEST_STAGE,
    variables: request.stageVariables ?? {},
    deploymentId: "",
    route: compileRoute(
      a.apiId,
      { routeKey: `GET ${info.path}`, integration: NO_INTEGRATION },
      { authorizer: undefined },
    ),
    params: undefined,
    region: o.region,
    accountId: o.accountId,
  };
  const got = await new LambdaAuthorizer(def, "REST", o).testCall(scope, log);
  const done = (clientStatus: number, extra: Partial<TestAuthorizerResult> = {}): TestAuthorizerResult => ({
    clientStatus,
    log: log.text(),
    latency: o.clock.now() - started,
    ...extra,
  });
  if (!got.ok) {
    const status = gatewayError("REST", got.kind).status;
    log.add(got.kind === "unauthorized" ? "Unauthorized request" : (executionLogReason(got.kind) ?? got.kind));
    return done(status);
  }
  const p = got.answer["principalId"];
  const principalId = typeof p === "string" || typeof p === "number" ? String(p) : undefined;
  log.add(`Using valid authorizer policy for principal: ${principalId ?? ""}`);
  log.add("Successfully completed authorizer execution");
  return done(200, { principalId, policy: JSON.stringify(got.answer["policyDocument"]) });
}

// Routes of a tested authorizer run nothing: the authorizer is all that is called.
const NO_INTEGRATION = { functionName: "", payloadFormatVersion: "1.0", timeoutMs: 0 } as const;

function testApi(apiId: string, binaryMediaTypes: readonly string[]): CompiledApi {
  return {
    apiId,
    protocol: "REST",
    stages: new Map(),
    cors: undefined,
    isBinary: binaryMatcher(binaryMediaTypes),
  };
}

/** The gateway's own answer of `kind`, with the reason in the log. */
function failure(log: ExecutionLog, kind: GatewayErrorKind, logReason: boolean, message?: string): Reply {
  const e = gatewayError("REST", kind);
  if (logReason) log.add(executionLogReason(kind) ?? `Execution failed: ${kind}`);
  const headers: Reply["headers"] = { "content-type": "application/json" };
  if (e.errorType) headers["x-amzn-ErrorType"] = e.errorType;
  const body = message === undefined ? e.body : Buffer.from(`{"message": ${JSON.stringify(message)}}`);
  return { status: e.status, headers, body };
}

function requestInfo(o: GatewayOptions, method: string, r: TestRequest, defaultPath: string): RequestInfo {
  const pathWithQuery = r.pathWithQueryString || defaultPath;
  const q = pathWithQuery.indexOf("?");
  const path = q < 0 ? pathWithQuery : pathWithQuery.slice(0, q);
  const { rawHeaders, headers } = requestHeaders(r);
  const now = o.clock.now();
  const rnd = o.ids.hex(31);
  const requestId = o.ids.requestId();
  const root = traceRoot(undefined, now, rnd.slice(22, 46));
  return {
    method,
    path,
    contextPath: `/${TEST_STAGE}${path}`,
    segments: splitPath(path),
    rawQuery: q < 0 ? "" : pathWithQuery.slice(q + 1),
    rawHeaders,
    headers,
    body: Buffer.from(r.body ?? "", "utf8"),
    // What API Gateway puts in test invocations' requestContext.
    sourceIp: "test-invoke-source-ip",
    port: 443,
    domainName: "testPrefix.testDomainName",
    domainPrefix: "testPrefix",
    timeEpoch: now,
    requestId,
    extendedRequestId: shortRequestId(rnd.slice(0, 22)),
    traceRoot: root,
    traceHeader: `Root=${root};Parent=${rnd.slice(46, 62)};Sampled=0`,
  };
}

/** `headers` and `multiValueHeaders` of the request as the gateway sees a client's. */
function requestHeaders(r: TestRequest): { rawHeaders: string[]; headers: IncomingHttpHeaders } {
  const all = new Map<string, string[]>();
  for (const [name, values] of Object.entries(r.multiValueHeaders ?? {})) all.set(name, [...values]);
  for (const [name, value] of Object.entries(r.headers ?? {})) if (!all.has(name)) all.set(name, [value]);
  const rawHeaders: string[] = [];
  const headers: IncomingHttpHeaders = {};
  for (const [name, values] of all) {
    for (const v of values) rawHeaders.push(name, v);
    headers[name.toLowerCase()] = values.join(", ");
  }
  return { rawHeaders, headers };
}

/** Headers by the names they were sent with (repeated ones joined). */
function asSent(raw: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let k = 0; k + 1 < raw.length; k += 2) {
    const name = raw[k] as string;
    out[name] = out[name] === undefined ? (raw[k + 1] as string) : `${out[name]},${raw[k + 1]}`;
  }
  return out;
}

function headerMaps(h: Reply["headers"]): Pick<TestMethodResult, "headers" | "multiValueHeaders"> {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(h)) {
    const values = Array.isArray(value) ? value.map(String) : [String(value)];
    headers[name] = values[values.length - 1] ?? "";
    multiValueHeaders[name] = values;
  }
  return { headers, multiValueHeaders };
}
