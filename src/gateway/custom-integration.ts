/**
 * REST non-proxy integrations (`MOCK`, `AWS` to a Lambda function, `HTTP`) as API Gateway runs
 * them: request template chosen by content type (or the passthrough behaviour), the backend
 * called, an integration response selected by its pattern on the status (HTTP, MOCK) or the Lambda
 * error message (AWS), then its response parameters and template make the method response.
 */
import type { DeployedCustomIntegration, DeployedIntegrationResponse } from "../domain/deployed-api.js";
import type { InvokeService } from "../ports/invoke-service.js";
import type { Clock } from "../shared/clock.js";
import type { OutboundPolicy } from "../shared/outbound-policy.js";
import { DEADLINE_PASSED, withDeadline } from "../shared/deadline.js";
import { javaMap, type ExecutionLog } from "./execution-log.js";
import type { IntegrationResult, MaybePromise } from "./integration.js";
import {
  compileTemplate,
  fixedOutput,
  headerOf,
  jsonPathOf,
  type MappingTemplate,
  renderTemplate,
  requestParams,
  templateVariables,
  type TemplateParams,
} from "./mapping-template.js";
import type { AuthContext, RequestScope } from "./model.js";
import type { Reply } from "./reply.js";
import { mockAnswer, noteFixedMockTemplates } from "./mock-integration.js";
import { backendUrl, mappedRequest } from "./request-mapping.js";
import { callUpstream } from "./upstream.js";

/** An integration response ready to select and render. */
interface CompiledResponse {
  readonly response: DeployedIntegrationResponse;
  readonly pattern: RegExp | undefined;
  readonly templates: ReadonlyMap<string, MappingTemplate>;
}

/** A non-proxy integration with its templates parsed and patterns compiled. */
export interface CompiledCustomIntegration {
  readonly integration: DeployedCustomIntegration;
  readonly requestTemplates: ReadonlyMap<string, MappingTemplate>;
  readonly responses: readonly CompiledResponse[];
  readonly fallback: CompiledResponse | undefined;
}

/** Parses the templates and selection patterns once, when the API is compiled. */
export function compileCustomIntegration(i: DeployedCustomIntegration): CompiledCustomIntegration {
  const responses: CompiledResponse[] = [];
  let fallback: CompiledResponse | undefined;
  for (const r of i.responses) {
    const pattern = r.selectionPattern ? anchored(r.selectionPattern) : undefined;
    const compiled = { response: r, pattern, templates: templatesOf(r.responseTemplates) };
    if (r.selectionPattern) responses.push(compiled);
    else fallback = compiled;
  }
  const requestTemplates = templatesOf(i.requestTemplates);
  if (i.type === "MOCK") noteFixedMockTemplates(requestTemplates.values());
  return { integration: i, requestTemplates, responses, fallback };
}

function templatesOf(t: Readonly<Record<string, string>>): Map<string, MappingTemplate> {
  return new Map(Object.entries(t).map(([type, text]) => [type.toLowerCase(), compileTemplate(text)]));
}

// Java's Pattern.matches: the whole text must match.
function anchored(pattern: string): RegExp | undefined {
  try {
    return new RegExp(`^(?:${pattern})$`);
  } catch {
    return undefined;
  }
}

/** What the backend gave, before the integration response maps it. */
export interface BackendAnswer {
  /** The status code (HTTP, MOCK) or the Lambda error message (AWS) the patterns are matched on. */
  readonly selector: string;
  readonly body: Buffer;
  readonly headers: Readonly<Record<string, string>>;
}

/** Why the backend gave no answer. */
type BackendFailure = "timeout" | "integration-failure" | "lambda-rejected";

/** What running the integration needs. */
export interface CustomIntegrationDeps {
  readonly invoker: InvokeService;
  readonly clock: Clock;
  readonly outbound?: OutboundPolicy | undefined;
  /** TestInvokeMethod: where each step is logged (never set when serving). */
  readonly trace?: ExecutionLog | undefined;
}

/** Runs one request through the integration (without a promise for a MOCK, which waits for nothing). */
export function runCustomIntegration(
  scope: RequestScope,
  auth: AuthContext | undefined,
  c: CompiledCustomIntegration,
  deps: CustomIntegrationDeps,
): MaybePromise<IntegrationResult> {
  const params = requestParams(scope);
  const request = requestBody(scope, auth, c, params);
  if (request === "unsupported") return { error: "unsupported-media-type" };
  if (request === undefined) return { error: "integration-failure" };
  const i = c.integration;
  if (i.type === "MOCK") return answered(scope, auth, { c, answer: mockAnswer(request), params, deps });
  return callBackend(scope, i, { body: request, params, deps }).then((answer) =>
    answered(scope, auth, { c, answer, params, deps }),
  );
}

/** The integration response selected for the backend's answer, made into the method response. */
function answered(
  scope: RequestScope,
  auth: AuthContext | undefined,
  o: {
    readonly c: CompiledCustomIntegration;
    readonly answer: BackendAnswer | BackendFailure;
    readonly params: TemplateParams;
    readonly deps: CustomIntegrationDeps;
  },
): IntegrationResult {
  const { answer, deps } = o;
  if (typeof answer === "string") return { error: answer };
  const selected = selectResponse(o.c, answer.selector);
  if (!selected) return { error: "integration-failure" };
  const reply = methodResponse(scope, auth, { selected, answer, params: o.params });
  if (reply && deps.trace) {
    deps.trace.add(`Method response body after transformations: ${reply.body.toString("utf8")}`);
    deps.trace.add(`Method response headers: ${javaMap(reply.headers)}`);
  }
  return reply ? { reply } : { error: "integration-failure" };
}

/** The first integration response whose pattern matches, else the default one. */
function selectResponse(c: CompiledCustomIntegration, selector: string): CompiledResponse | undefined {
  for (const r of c.responses) if (r.pattern?.test(selector)) return r;
  return c.fallback;
}

/** The integration request body: the template for the content type, or the body passed through. */
function requestBody(
  scope: RequestScope,
  auth: AuthContext | undefined,
  c: CompiledCustomIntegration,
  params: TemplateParams,
): Buffer | "unsupported" | undefined {
  const contentType = mediaType(scope.info.headers["content-type"]) ?? "application/json";
  const template = c.requestTemplates.get(contentType);
  const raw = scope.info.body;
  if (!template) {
    const behaviour = c.integration.passthroughBehavior;
    if (behaviour === "NEVER" || (behaviour === "WHEN_NO_TEMPLATES" && c.requestTemplates.size > 0)) {
      return "unsupported";
    }
    return converted(raw, c.integration.contentHandling, scope.api.isBinary(contentType));
  }
  const fixed = fixedOutput(template);
  if (fixed) return fixed.bytes;
  const text = renderTemplate(template, templateVariables(scope, auth, { body: raw.toString("utf8"), params }));
  return text === undefined ? undefined : Buffer.from(text);
}

// CONVERT_TO_TEXT base64-encodes a binary body; CONVERT_TO_BINARY decodes a base64 one.
function converted(body: Buffer, handling: DeployedCustomIntegration["contentHandling"], binary: boolean): Buffer {
  if (handling === "CONVERT_TO_TEXT" && binary) return Buffer.from(body.toString("base64"));
  if (handling === "CONVERT_TO_BINARY" && !binary) return Buffer.from(body.toString("utf8"), "base64");
  return body;
}

function mediaType(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const semi = header.indexOf(";");
  return (semi < 0 ? header : header.slice(0, semi)).trim().toLowerCase();
}

async function callBackend(
  scope: RequestScope,
  i: DeployedCustomIntegration,
  o: { readonly body: Buffer; readonly params: TemplateParams; readonly deps: CustomIntegrationDeps },
): Promise<BackendAnswer | BackendFailure> {
  if (i.type === "AWS") return invokeFunction(scope, i, o.body, o.deps);
  const mapped = mappedRequest(scope, i, o.params);
  const url = backendUrl(i, mapped, scope);
  if (!url) return "integration-failure";
  const method = !i.httpMethod || i.httpMethod === "ANY" ? scope.info.method : i.httpMethod;
  const trace = o.deps.trace;
  if (trace) {
    trace.add(`Endpoint request URI: ${url.href}`);
    trace.add(`Endpoint request headers: ${javaMap(mapped.headers)}`);
    trace.add(`Endpoint request body after transformations: ${o.body.toString("utf8")}`);
    trace.add(`Sending request to ${url.href}`);
  }
  const sent = trace ? o.deps.clock.now() : 0;
  const answer = await callUpstream({
    url,
    method,
    headers: mapped.headers,
    body: o.body,
    timeoutMs: i.timeoutMs,
    clock: o.deps.clock,
    outbound: o.deps.outbound,
  });
  if (answer === "timeout") return "timeout";
  if (answer === "unreachable") return "integration-failure";
  const headers: Record<string, string> = {};
  for (let k = 0; k + 1 < answer.rawHeaders.length; k += 2) {
    headers[answer.rawHeaders[k] as string] = answer.rawHeaders[k + 1] as string;
  }
  if (trace) {
    traceAnswer(trace, { status: answer.status, ms: o.deps.clock.now() - sent, body: answer.body });
    trace.add(`Endpoint response headers: ${javaMap(headers)}`);
  }
  return { selector: String(answer.status), body: answer.body, headers };
}

async function invokeFunction(
  scope: RequestScope,
  i: DeployedCustomIntegration,
  body: Buffer,
  deps: CustomIntegrationDeps,
): Promise<BackendAnswer | "timeout" | "lambda-rejected"> {
  const target = { functionName: i.functionName ?? "", qualifier: i.qualifier };
  const payload = body.length === 0 ? Buffer.from("{}") : body;
  if (deps.trace) traceLambdaRequest(deps.trace, scope, { functionName: target.functionName, payload });
  const sent = deps.trace ? deps.clock.now() : 0;
  let result;
  try {
    const call = deps.invoker.invoke(target, payload, { traceId: scope.info.traceHeader });
    result = await withDeadline(deps.clock, i.timeoutMs, call);
  } catch {
    return "lambda-rejected";
  }
  if (result === DEADLINE_PASSED) return "timeout";
  const { outcome } = result;
  if (deps.trace && outcome.kind !== "throttled") {
    traceAnswer(deps.trace, { status: 200, ms: deps.clock.now() - sent, body: outcome.payload });
  }
  if (outcome.kind === "throttled") return "lambda-rejected";
  if (outcome.kind === "ok") return { selector: "", body: outcome.payload, headers: {} };
  // The Lambda error message is what selection patterns match (`.*Not Found.*`).
  const message = jsonPathOf(outcome.payload.toString("utf8"), "$.errorMessage");
  return { selector: typeof message === "string" ? message : "", body: outcome.payload, headers: {} };
}

function methodResponse(
  scope: RequestScope,
  auth: AuthContext | undefined,
  o: { readonly selected: CompiledResponse; readonly answer: BackendAnswer; readonly params: TemplateParams },
): Reply | undefined {
  const { response, templates } = o.selected;
  const { answer } = o;
  const accept = mediaType(scope.info.headers.accept?.split(",")[0]);
  const type =
    (accept && templates.has(accept) ? accept : undefined) ??
    (templates.has("application/json") ? "application/json" : templates.keys().next().value);
  const template = type === undefined ? undefined : templates.get(type);
  let body = answer.body;
  const fixed = template && fixedOutput(template);
  if (fixed) body = fixed.bytes;
  else if (template) {
    const text = renderTemplate(
      template,
      templateVariables(scope, auth, { body: answer.body.toString("utf8"), params: o.params }),
    );
    if (text === undefined) return undefined;
    body = Buffer.from(text);
  }
  if (response.contentHandling === "CONVERT_TO_TEXT") body = Buffer.from(body.toString("base64"));
  else if (response.contentHandling === "CONVERT_TO_BINARY") body = Buffer.from(body.toString("utf8"), "base64");
  const headers: Reply["headers"] = { "content-type": type ?? "application/json" };
  for (const [target, source] of Object.entries(response.responseParameters)) {
    if (!target.startsWith("method.response.header.")) continue;
    const value = responseValue(source, answer);
    if (value !== undefined) headers[target.slice("method.response.header.".length)] = value;
  }
  return { status: Number(response.statusCode), headers, body };
}

/** A response parameter's value: `'literal'`, `integration.response.header.X`, `integration.response.body[.path]`. */
function responseValue(source: string, answer: BackendAnswer): string | undefined {
  if (source.startsWith("'") && source.endsWith("'") && source.length >= 2) return source.slice(1, -1);
  if (source.startsWith("integration.response.header.")) {
    return headerOf(answer.headers, source.slice("integration.response.header.".length));
  }
  if (source === "integration.response.body") return answer.body.toString("utf8");
  if (source.startsWith("integration.response.body.")) {
    const v = jsonPathOf(answer.body.toString("utf8"), `$.${source.slice("integration.response.body.".length)}`);
    return v === undefined ? undefined : typeof v === "string" ? v : JSON.stringify(v);
  }
  return undefined;
}

/** The Lambda invoke request of an `AWS` or `AWS_PROXY` integration, in the execution log. */
export function traceLambdaRequest(
  trace: ExecutionLog,
  scope: RequestScope,
  call: { readonly functionName: string; readonly payload: Buffer },
): void {
  const name = call.functionName;
  const arn = name.startsWith("arn:") ? name : `arn:aws:lambda:${scope.region}:${scope.accountId}:function:${name}`;
  const uri = `https://lambda.${scope.region}.amazonaws.com/2015-03-31/functions/${arn}/invocations`;
  trace.add(`Endpoint request URI: ${uri}`);
  trace.add(`Endpoint request body after transformations: ${call.payload.toString("utf8")}`);
  trace.add(`Sending request to ${uri}`);
}

/** The backend's answer, in the execution log. */
export function traceAnswer(
  trace: ExecutionLog,
  a: { readonly status: number; readonly ms: number; readonly body: Buffer },
): void {
  trace.add(`Received response. Status: ${a.status}, Integration latency: ${Math.round(a.ms)} ms`);
  trace.add(`Endpoint response body before transformations: ${a.body.toString("utf8")}`);
}
