/**
 * One request through the gateway: address → API and stage → (CORS preflight) → canary split →
 * route → body → authorizer → integration → answer, with request ids, trace header and one
 * access-log record. No store access: everything comes from the compiled tables.
 *
 * Each step runs at once and returns a promise only when it has to wait (a body to read, an
 * authorizer, a backend): a request the gateway answers itself (a MOCK, an open circuit, a missing
 * route) is answered in the turn it arrived, without a promise on its way.
 */
import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { resolveApi, resolveStage, type StageAddress } from "./addressing.js";
import { type Exchange, failReply, finish, tooLarge } from "./answer.js";
import { applyHttpCors, httpPreflight, isPreflight, restPreflight } from "./cors.js";
import type { GatewayErrorKind } from "./gateway-errors.js";
import { type IntegrationResult, LAMBDA_EVENT_BYTES, runIntegration } from "./integration.js";
import type { AuthContext, CompiledApi, CompiledStage, RequestScope, RouteTable } from "./model.js";
import type { GatewayOptions } from "./options.js";
import { domainOf, hasBody, readBody, sourceIp, type RequestInfo } from "./request-info.js";
import { validateRequest } from "./request-validation.js";
import { splitPath } from "./router.js";
import { shortRequestId, traceRoot } from "./trace.js";
import type { UsageLimits } from "./usage-limits.js";

const EMPTY = Buffer.alloc(0);
/** API Gateway's own payload limit (REST and HTTP APIs). */
const TEN_MB = 10 * 1024 * 1024;

/** What the gateway serves: compiled APIs, and the API keys and usage plans. Swapped whole. */
export interface Served {
  readonly apis: ReadonlyMap<string, CompiledApi>;
  readonly usage: UsageLimits;
  /** The log stream this node writes stages' access logs to. */
  readonly accessLogStream: string;
  /** The secret of this gateway's canary probes (`CANARY_PROBE_HEADER`: `<secret> <deploymentId>`). */
  readonly canaryProbeSecret: string;
}

/**
 * The header that pins a request to a stage's canary deployment: a stage canary's traffic guard
 * sends its test event so (`Gateway.probeCanary`). Honoured only with this gateway's secret, and
 * removed before anything else sees the request.
 */
export const CANARY_PROBE_HEADER = "x-haneul-canary-probe";
/** The answer header of a probe whose canary deployment the stage no longer serves. */
export const CANARY_PROBE_MISSED = "x-haneul-canary-probe-missed";

/** A step of the request path: done (the answer written), or a promise of it. */
type Step = Promise<void> | undefined;

/** Serves one request from the compiled APIs. Never throws, and what it waits for never rejects. */
export function serve(served: Served, o: GatewayOptions, req: IncomingMessage, res: ServerResponse): void {
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const rawPath = q < 0 ? url : url.slice(0, q);
  const now = o.clock.now();
  // One draw of randomness per request: 11 bytes of request id, 12 of trace id, 8 of parent id.
  const rnd = o.ids.hex(31);
  const x: Exchange = {
    t0: performance.now(),
    res,
    method: req.method ?? "GET",
    rawPath,
    protocol: "REST",
    requestId: "",
    extendedRequestId: shortRequestId(rnd.slice(0, 22)),
    traceRoot: "",
    // Every field from the start: one shape for every exchange, no property store grown per request.
    apiId: undefined,
    stage: undefined,
    route: undefined,
    executedVersion: undefined,
    integrationMs: undefined,
    error: undefined,
    canary: false,
    deploymentId: undefined,
    accessLog: undefined,
    accessLogStream: undefined,
    info: undefined,
    auth: undefined,
    responses: undefined,
  };
  try {
    const host = req.headers.host;
    const addr = resolveApi(host, rawPath);
    if (addr === undefined && o.health?.(rawPath, res) === true) return;
    const api = addr ? served.apis.get(addr.apiId) : undefined;
    x.protocol = api?.protocol ?? "REST";
    x.requestId = x.protocol === "REST" ? o.ids.requestId() : x.extendedRequestId;
    x.traceRoot = traceRoot(header(req, "x-amzn-trace-id"), now, rnd.slice(22, 46));
    if (!addr || !api) return finish(o, x, failReply(x, "no-api"));
    x.apiId = api.apiId;
    const st = resolveStage(api, addr);
    if (!st) return finish(o, x, failReply(x, "no-stage"));
    x.stage = st.stage.name;
    let pinned = false;
    if (req.headers[CANARY_PROBE_HEADER] !== undefined) {
      const probe = canaryProbe(served, st.stage, req);
      if (probe === "missed") return missed(res);
      pinned = probe === "pinned";
    }
    const r: Routing = {
      req,
      api,
      st,
      segments: splitPath(st.path),
      rawQuery: q < 0 ? "" : url.slice(q + 1),
      host,
      now,
      rnd,
      usage: served.usage,
      pinned,
      info: undefined,
    };
    if (st.stage.accessLog && o.onStageAccessLog) {
      x.accessLog = st.stage.accessLog;
      x.accessLogStream = served.accessLogStream;
      x.info = requestInfo(x, r);
    }
    const pending = route(o, x, r);
    if (pending) pending.catch(() => finish(o, x, failReply(x, "lambda-rejected")));
  } catch {
    finish(o, x, failReply(x, "lambda-rejected"));
  }
}

/** A request whose API and stage are found; its RequestInfo is built when a step needs it. */
interface Routing {
  readonly req: IncomingMessage;
  readonly api: CompiledApi;
  readonly st: StageAddress;
  readonly segments: readonly string[];
  readonly rawQuery: string;
  readonly host: string | undefined;
  readonly now: number;
  /** The request's random hex (request id, trace id, parent id). */
  readonly rnd: string;
  readonly usage: UsageLimits;
  /** A canary probe: served by the canary's deployment, not drawn. */
  readonly pinned: boolean;
  info: RequestInfo | undefined;
}

/**
 * Whether a request carrying CANARY_PROBE_HEADER is this gateway's probe of the stage's canary:
 * "pinned" (the header removed), "missed" (the stage's canary serves another deployment, or none),
 * or "none" (not this gateway's secret: an ordinary header).
 */
function canaryProbe(served: Served, stage: CompiledStage, req: IncomingMessage): "pinned" | "missed" | "none" {
  const value = String(req.headers[CANARY_PROBE_HEADER]);
  const space = value.indexOf(" ");
  if (space < 0 || !sameSecret(value.slice(0, space), served.canaryProbeSecret)) return "none";
  delete req.headers[CANARY_PROBE_HEADER];
  const raw = req.rawHeaders;
  for (let i = raw.length - 2; i >= 0; i -= 2) if (raw[i]?.toLowerCase() === CANARY_PROBE_HEADER) raw.splice(i, 2);
  return stage.canary?.table.deploymentId === value.slice(space + 1) ? "pinned" : "missed";
}

/** Whether `given` is `secret`, compared in constant time (a request must not learn it byte by byte). */
function sameSecret(given: string, secret: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A probe that missed its canary: no access log, no metrics (it is no client's request). */
function missed(res: ServerResponse): void {
  res.writeHead(421, { [CANARY_PROBE_MISSED]: "1", "content-length": 0 });
  res.end();
}

/** What the event builders, authorizers and access log read of the request, built once. */
function requestInfo(x: Exchange, r: Routing): RequestInfo {
  if (r.info) return r.info;
  const { req, st } = r;
  const domainName = domainOf(r.host);
  const dot = domainName.indexOf(".");
  const info: RequestInfo = {
    method: x.method,
    path: st.path,
    contextPath: st.contextPath,
    segments: r.segments,
    rawQuery: r.rawQuery,
    rawHeaders: req.rawHeaders,
    headers: req.headers,
    body: EMPTY,
    sourceIp: sourceIp(req),
    port: req.socket.localPort ?? 0,
    domainName,
    domainPrefix: dot < 0 ? domainName : domainName.slice(0, dot),
    timeEpoch: r.now,
    requestId: x.requestId,
    extendedRequestId: x.extendedRequestId,
    traceRoot: x.traceRoot,
    traceHeader: `Root=${x.traceRoot};Parent=${r.rnd.slice(46, 62)};Sampled=0`,
  };
  r.info = info;
  return info;
}

/** A request whose route is found, on its way to the integration. */
interface Call {
  readonly req: IncomingMessage;
  readonly usage: UsageLimits;
  scope: RequestScope;
  auth: AuthContext | undefined;
}

function route(o: GatewayOptions, x: Exchange, r: Routing): Step {
  const { api, req } = r;
  const stage = r.st.stage;
  const method = x.method;
  if (api.protocol === "HTTP" && api.cors && method === "OPTIONS" && isPreflight(method, req.headers)) {
    return finish(o, x, httpPreflight(api.cors, req.headers));
  }
  const canary = r.pinned
    ? stage.canary
    : stage.canary && (o.random ?? Math.random)() * 100 < stage.canary.percent
      ? stage.canary
      : undefined;
  const table: RouteTable = canary ? canary.table : stage.table;
  // API Gateway reports a canary request's access log line to the stage's group and to its "/Canary" one.
  if (canary && x.accessLog) x.canary = true;
  // A stage with a canary reports which deployment served each request (its split metrics, the judge);
  // a probe is counted by the guard that sent it, so it stays out of the split.
  if (stage.canary && !r.pinned) x.deploymentId = table.deploymentId;
  if (table.gatewayResponses) {
    const variables = canary ? canary.variables : stage.variables;
    const scope = { requestId: x.requestId, stage: stage.name, variables, headers: req.headers };
    x.responses = { table: table.gatewayResponses, scope };
  }
  const m = table.router.match(method, r.segments);
  const found = m?.value ?? table.fallback;
  if (api.protocol === "REST" && api.cors && method === "OPTIONS" && found?.method !== "OPTIONS") {
    // SAM's OPTIONS mock exists on every resource and wins over ANY.
    const methods = table.router.methodsAt(r.segments);
    if (methods.length > 0) return finish(o, x, restPreflight(api.cors, methods, req.headers.origin));
  }
  if (!found) return finish(o, x, failReply(x, "no-route"));
  x.route = found;
  // Stage limits come before the authorizer and API keys, as on AWS.
  if (stage.throttle && !stage.throttle.take(found.routeKey, o.clock.monotonicNow())) {
    return finish(o, x, failReply(x, "throttled"));
  }
  // An open circuit on a route with nothing to run before the integration (no body to read, no
  // authorizer, API key, validation or parameter mapping): answered here, as run() would answer it,
  // without building the request's scope and the integration's call.
  const resilience = found.resilience;
  if (
    resilience?.breaker &&
    !found.authorizer &&
    !found.apiKeyRequired &&
    !found.validation &&
    !found.mapping &&
    !hasBody(req)
  ) {
    const started = performance.now();
    const refused = resilience.refusal();
    if (refused) return answer(o, x, { api, req, result: refused, started });
  }
  const scope: RequestScope = {
    info: requestInfo(x, r),
    api,
    stage: stage.name,
    variables: canary ? canary.variables : stage.variables,
    deploymentId: table.deploymentId,
    route: found,
    params: m?.params,
    region: o.region,
    accountId: o.accountId,
  };
  const c: Call = { req, usage: r.usage, scope, auth: undefined };
  return hasBody(req) ? withBody(o, x, c) : authorizeAndRun(o, x, c);
}

/** Reads the request's body (refusing one over the limits), then goes on. */
async function withBody(o: GatewayOptions, x: Exchange, c: Call): Promise<void> {
  const limit = o.maxBodyBytes ?? TEN_MB;
  // Over API Gateway's limit by its length alone: answered without reading a byte.
  if (Number(c.req.headers["content-length"] ?? 0) > limit) return finish(o, x, tooLarge(x));
  // A body over Lambda's event limit makes an event over it too (encoding only grows it): no
  // need to buffer more than that.
  const body = await readBody(c.req, Math.min(limit, LAMBDA_EVENT_BYTES));
  if (!body) return finish(o, x, tooLarge(x));
  c.scope.info.body = body;
  return authorizeAndRun(o, x, c);
}

function authorizeAndRun(o: GatewayOptions, x: Exchange, c: Call): Step {
  return c.scope.route.authorizer ? authorize(o, x, c) : run(o, x, c);
}

async function authorize(o: GatewayOptions, x: Exchange, c: Call): Promise<void> {
  const verdict = await c.scope.route.authorizer?.authorize(c.scope);
  if (verdict && !verdict.ok) return finish(o, x, failReply(x, verdict.kind, { headers: verdict.headers }));
  c.auth = verdict?.context;
  if (x.accessLog) x.auth = c.auth;
  return run(o, x, c);
}

/** API key and request validation, then the integration and the answer. */
function run(o: GatewayOptions, x: Exchange, c: Call): Step {
  const found = c.scope.route;
  if (found.apiKeyRequired) {
    const key = checkApiKey(o, c);
    if (typeof key === "string") return finish(o, x, failReply(x, key));
    c.scope = { ...c.scope, apiKey: key };
  }
  if (found.validation) {
    const failure = validateRequest(found.validation, c.scope.info, c.scope.params);
    if (failure) return finish(o, x, failReply(x, failure.kind, { message: failure.message }));
  }
  const started = performance.now();
  const result = runIntegration(c.scope, c.auth, o);
  const api = c.scope.api;
  const req = c.req;
  if (!(result instanceof Promise)) return answer(o, x, { api, req, result, started });
  return result.then((settled) => answer(o, x, { api, req, result: settled, started }));
}

/** The integration's result (or the open circuit's) answered, with an HTTP API's CORS headers. */
function answer(
  o: GatewayOptions,
  x: Exchange,
  a: {
    readonly api: CompiledApi;
    readonly req: IncomingMessage;
    readonly result: IntegrationResult;
    readonly started: number;
  },
): undefined {
  const { result, api } = a;
  x.integrationMs = performance.now() - a.started;
  x.executedVersion = result.executedVersion;
  const reply = result.reply ?? failReply(x, result.error ?? "function-error");
  if (api.protocol === "HTTP" && api.cors) applyHttpCors(api.cors, a.req.headers.origin, reply.headers);
  return finish(o, x, reply);
}

/**
 * A method that requires an API key: the key (header or authorizer) against the stage's usage
 * plans; the refusal, or the key the request goes on with.
 */
function checkApiKey(o: GatewayOptions, c: Call): GatewayErrorKind | { readonly value: string; readonly id: string } {
  const { api, route, info } = c.scope;
  const auth = c.auth;
  const value =
    api.apiKeySource === "AUTHORIZER"
      ? auth?.type === "lambda"
        ? auth.usageIdentifierKey
        : undefined
      : header(c.req, "x-api-key");
  const verdict = c.usage.check({
    apiId: api.apiId,
    stage: c.scope.stage,
    value,
    resourcePath: route.resourcePath,
    method: route.method,
    monotonicNow: o.clock.monotonicNow(),
    now: info.timeEpoch,
    quota: o.quota,
  });
  return typeof verdict === "string" ? verdict : { value: value as string, id: verdict.keyId };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
