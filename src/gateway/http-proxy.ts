/**
 * `HTTP_PROXY` integrations (REST and HTTP APIs): the client's method, headers, query and body go to
 * the backend URL (placeholders and stage variables filled in), and the backend's answer comes back
 * as it is, less the hop-by-hop headers.
 */
import type { DeployedCustomIntegration } from "../domain/deployed-api.js";
import type { Clock } from "../shared/clock.js";
import type { OutboundPolicy } from "../shared/outbound-policy.js";
import { traceAnswer } from "./custom-integration.js";
import { javaMap, type ExecutionLog } from "./execution-log.js";
import type { IntegrationResult } from "./integration.js";
import { requestParams } from "./mapping-template.js";
import type { RequestScope } from "./model.js";
import type { Reply } from "./reply.js";
import { backendUrl, mappedRequest } from "./request-mapping.js";
import { callUpstream } from "./upstream.js";

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "content-length",
  "upgrade",
  "te",
  "trailer",
]);

/** Passes the request to the backend and its answer back. */
export async function runHttpProxy(
  scope: RequestScope,
  i: DeployedCustomIntegration,
  deps: {
    readonly clock: Clock;
    readonly outbound?: OutboundPolicy | undefined;
    readonly trace?: ExecutionLog | undefined;
  },
): Promise<IntegrationResult> {
  const mapped = mappedRequest(scope, i, requestParams(scope));
  const url = backendUrl(i, mapped, scope);
  if (!url) return { error: "integration-failure" };
  const method = !i.httpMethod || i.httpMethod === "ANY" ? scope.info.method : i.httpMethod;
  const trace = deps.trace;
  if (trace) {
    trace.add(`Endpoint request URI: ${url.href}`);
    trace.add(`Endpoint request headers: ${javaMap(mapped.headers)}`);
    trace.add(`Endpoint request body after transformations: ${scope.info.body.toString("utf8")}`);
    trace.add(`Sending request to ${url.href}`);
  }
  const sent = trace ? deps.clock.now() : 0;
  const answer = await callUpstream({
    url,
    method,
    headers: mapped.headers,
    body: scope.info.body,
    timeoutMs: i.timeoutMs,
    clock: deps.clock,
    outbound: deps.outbound,
  });
  if (answer === "timeout") return { error: "timeout" };
  if (answer === "unreachable") return { error: "integration-failure" };
  const headers: Reply["headers"] = {};
  const raw = answer.rawHeaders;
  for (let k = 0; k + 1 < raw.length; k += 2) {
    const name = raw[k] as string;
    if (HOP_BY_HOP.has(name.toLowerCase())) continue;
    const prev = headers[name];
    const value = raw[k + 1] as string;
    headers[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [String(prev), value];
  }
  if (trace) {
    traceAnswer(trace, { status: answer.status, ms: deps.clock.now() - sent, body: answer.body });
    trace.add(`Endpoint response headers: ${javaMap(headers)}`);
  }
  return { reply: { status: answer.status, headers, body: answer.body } };
}
