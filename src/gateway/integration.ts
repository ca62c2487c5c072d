/**
 * Runs a route's Lambda proxy integration: builds the event for its payload format, invokes
 * the function under the integration timeout, and maps the outcome to an HTTP answer or to the
 * gateway error AWS gives (malformed answer, function error, Lambda rejecting the call, timeout).
 */
import type { DeployedLambdaProxy } from "../domain/deployed-api.js";
import type { ParameterMapping } from "../domain/parameter-mapping.js";
import type { InvokeService } from "../ports/invoke-service.js";
import type { Clock } from "../shared/clock.js";
import { DEADLINE_PASSED, withDeadline } from "../shared/deadline.js";
import { runCustomIntegration, traceAnswer, traceLambdaRequest } from "./custom-integration.js";
import { buildEventV1 } from "./event-v1.js";
import { buildEventV2 } from "./event-v2.js";
import type { ExecutionLog } from "./execution-log.js";
import type { GatewayErrorKind } from "./gateway-errors.js";
import { runHttpProxy } from "./http-proxy.js";
import { mapRequest, mapResponse } from "./parameter-mapping.js";
import type { GatewayOptions } from "./options.js";
import type { AuthContext, RequestScope } from "./model.js";
import type { Reply } from "./reply.js";
import { mapResponseV1 } from "./response-v1.js";
import { mapResponseV2 } from "./response-v2.js";

/** What the integration produced, with the version that ran (for the access log). */
export interface IntegrationResult {
  readonly reply?: Reply | undefined;
  readonly error?: GatewayErrorKind | undefined;
  readonly executedVersion?: string | undefined;
}

/**
 * A value now, or one to wait for: integrations that need not wait (MOCK, an open circuit's
 * fallback) answer without a promise, so the gateway answers them in the same turn.
 */
export type MaybePromise<T> = T | Promise<T>;

/** Lambda's synchronous event limit: a larger event is refused before any instance sees it. */
export const LAMBDA_EVENT_BYTES = 6 * 1024 * 1024;

/** What running an integration needs. */
interface IntegrationDeps {
  readonly invoker: InvokeService;
  readonly clock: Clock;
  readonly invokePermitted?: GatewayOptions["invokePermitted"];
  readonly outbound?: GatewayOptions["outbound"];
  /** TestInvokeMethod: where each step is logged (never set when serving). */
  readonly trace?: ExecutionLog | undefined;
}

/** Runs the route's integration for this request (under its target's resilience settings, if any). */
export function runIntegration(
  scope: RequestScope,
  auth: AuthContext | undefined,
  deps: IntegrationDeps,
): MaybePromise<IntegrationResult> {
  const { resilience, mapping } = scope.route;
  if (mapping) return runMapped(scope, auth, { deps, mapping });
  if (resilience) return resilience.run(scope.info.method, () => runOnce(scope, auth, deps));
  return runOnce(scope, auth, deps);
}

/** HTTP APIs' parameter mapping around the integration: its request changed, then its answer. */
async function runMapped(
  scope: RequestScope,
  auth: AuthContext | undefined,
  o: { readonly deps: IntegrationDeps; readonly mapping: ParameterMapping },
): Promise<IntegrationResult> {
  const mapped = mapRequest(scope, auth, o.mapping);
  const resilience = scope.route.resilience;
  const result = resilience
    ? await resilience.run(scope.info.method, () => runOnce(mapped, auth, o.deps))
    : await runOnce(mapped, auth, o.deps);
  if (!result.reply) return result;
  return { ...result, reply: mapResponse(result.reply, mapped, { auth, mapping: o.mapping }) };
}

function runOnce(
  scope: RequestScope,
  auth: AuthContext | undefined,
  deps: IntegrationDeps,
): MaybePromise<IntegrationResult> {
  const { integration, custom } = scope.route;
  if (custom) return runCustomIntegration(scope, auth, custom, deps);
  if (integration.type === "HTTP_PROXY") return runHttpProxy(scope, integration, deps);
  if (integration.type !== undefined && integration.type !== "AWS_PROXY") return { error: "integration-failure" };
  return runLambdaProxy(scope, auth, { deps, integration });
}

/** An AWS_PROXY integration: the function invoked with the event of the route's payload format. */
async function runLambdaProxy(
  scope: RequestScope,
  auth: AuthContext | undefined,
  o: { readonly deps: IntegrationDeps; readonly integration: DeployedLambdaProxy },
): Promise<IntegrationResult> {
  const { deps, integration } = o;
  const target = { functionName: integration.functionName, qualifier: integration.qualifier };
  if (deps.invokePermitted) {
    const permitted = deps.invokePermitted(target, sourceArnOf(scope));
    if (!(permitted === true || (permitted !== false && (await permitted)))) return { error: "invalid-permissions" };
  }
  const v2 = integration.payloadFormatVersion === "2.0";
  const payload = Buffer.from(JSON.stringify(v2 ? buildEventV2(scope, auth) : buildEventV1(scope, auth)));
  // Lambda answers a too-large event 413, which API Gateway passes on as its own 413.
  if (payload.length > LAMBDA_EVENT_BYTES) return { error: "too-large" };
  if (deps.trace) traceLambdaRequest(deps.trace, scope, { functionName: target.functionName, payload });
  const sent = deps.trace ? deps.clock.now() : 0;
  let result;
  try {
    const call = deps.invoker.invoke(target, payload, { traceId: scope.info.traceHeader });
    // The call keeps running after a timeout, as the Lambda invocation does behind API Gateway.
    result = await withDeadline(deps.clock, integration.timeoutMs, call);
  } catch {
    return { error: "lambda-rejected" };
  }
  if (result === DEADLINE_PASSED) return { error: "timeout" };
  const { outcome, record } = result;
  const executedVersion = record.executedVersion;
  if (deps.trace && outcome.kind !== "throttled") {
    traceAnswer(deps.trace, { status: 200, ms: deps.clock.now() - sent, body: outcome.payload });
  }
  if (outcome.kind === "throttled") return { error: "lambda-rejected", executedVersion };
  if (outcome.kind !== "ok") return { error: "function-error", executedVersion };
  const reply = v2 ? mapResponseV2(outcome.payload) : mapResponseV1(outcome.payload, v1Options(scope));
  return reply ? { reply, executedVersion } : { error: "bad-response", executedVersion };
}

/**
 * The `SourceArn` API Gateway invokes a route's function with, which an AddPermission condition
 * matches: `arn:aws:execute-api:<region>:<account>:<api>/<stage>/<METHOD><resource path>`, the
 * resource path as defined (`/pets/{id}`), or `…/<stage>/$default` for an HTTP API's default route.
 */
export function sourceArnOf(scope: RequestScope): string {
  const { route } = scope;
  const tail = route.resourcePath === "$default" ? "$default" : `${route.method}${route.resourcePath}`;
  return `arn:aws:execute-api:${scope.region}:${scope.accountId}:${scope.api.apiId}/${scope.stage}/${tail}`;
}

function v1Options(scope: RequestScope) {
  const { api, info } = scope;
  const rest = api.protocol === "REST";
  const accept = info.headers.accept?.split(",")[0];
  return { rest, decodeBinary: (ct: string | undefined) => api.isBinary(ct) || api.isBinary(accept) };
}
