/**
 * The integration request of `HTTP` and `HTTP_PROXY` integrations: request parameters mapped
 * (`integration.request.{header|querystring|path}.X` from `method.request.…`, `'literal'`,
 * `stageVariables.x`, `context.x`), and the backend URL with its `{param}` placeholders and
 * `${stageVariables.x}` filled in.
 */
import type { OutgoingHttpHeaders } from "node:http";
import type { DeployedCustomIntegration } from "../domain/deployed-api.js";
import { headerOf, type TemplateParams } from "./mapping-template.js";
import type { RequestScope } from "./model.js";

/** The mapped parts of the integration request. */
export interface MappedRequest {
  readonly headers: OutgoingHttpHeaders;
  readonly query: [string, string][];
  readonly path: Record<string, string>;
}

// Hop-by-hop headers and the ones the gateway sets itself are never passed to a backend.
const NOT_FORWARDED = new Set([
  "host",
  "connection",
  "keep-alive",
  "transfer-encoding",
  "content-length",
  "upgrade",
  "te",
  "trailer",
  "proxy-connection",
  "expect",
]);

/** Maps the request parameters; an `HTTP_PROXY` integration also passes the client's headers and query on. */
export function mappedRequest(
  scope: RequestScope,
  i: DeployedCustomIntegration,
  params: TemplateParams,
): MappedRequest {
  const headers: OutgoingHttpHeaders = {};
  const query: [string, string][] = [];
  const proxy = i.type === "HTTP_PROXY";
  if (proxy) {
    for (const [name, value] of Object.entries(params.header)) {
      if (!NOT_FORWARDED.has(name.toLowerCase())) headers[name] = value;
    }
    headers["X-Amzn-Trace-Id"] = scope.info.traceHeader;
  } else {
    const contentType = scope.info.headers["content-type"];
    headers["Content-Type"] = contentType ?? "application/json";
    headers["Accept"] = "application/json";
  }
  const path: Record<string, string> = { ...scope.params };
  for (const [target, source] of Object.entries(i.requestParameters)) {
    const value = sourceValue(scope, params, source);
    if (value === undefined) continue;
    if (target.startsWith("integration.request.header.")) headers[target.slice(27)] = value;
    else if (target.startsWith("integration.request.querystring.")) query.push([target.slice(32), value]);
    else if (target.startsWith("integration.request.path.")) path[target.slice(25)] = value;
  }
  return { headers, query, path };
}

function sourceValue(scope: RequestScope, p: TemplateParams, source: string): string | undefined {
  if (source.length >= 2 && source.startsWith("'") && source.endsWith("'")) return source.slice(1, -1);
  if (source.startsWith("method.request.path.")) return p.path[source.slice(20)];
  if (source.startsWith("method.request.querystring.")) return p.querystring[source.slice(27)];
  if (source.startsWith("method.request.header.")) return headerOf(p.header, source.slice(22));
  if (source.startsWith("stageVariables.")) return scope.variables[source.slice(15)];
  if (source === "context.requestId") return scope.info.requestId;
  if (source === "context.stage") return scope.stage;
  return undefined;
}

const PLACEHOLDER = /\{([A-Za-z0-9._-]+)\+?\}/g;
const STAGE_VARIABLE = /\$\{stageVariables\.([A-Za-z0-9_.:/-]+)\}/g;

/** The backend URL of this request, or undefined when the URI is not a URL once filled in. */
export function backendUrl(i: DeployedCustomIntegration, m: MappedRequest, scope: RequestScope): URL | undefined {
  let text = (i.uri ?? "").replace(STAGE_VARIABLE, (_, name: string) => scope.variables[name] ?? "");
  text = text.replace(PLACEHOLDER, (_, name: string) => encodePath(m.path[name] ?? ""));
  if (i.appendPath) text = text.replace(/\/$/, "") + scope.info.path;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  if (i.type === "HTTP_PROXY" && scope.info.rawQuery) {
    url.search = url.search ? `${url.search}&${scope.info.rawQuery}` : scope.info.rawQuery;
  }
  for (const [k, v] of m.query) url.searchParams.append(k, v);
  // An HTTP API's `overwrite:path` mapping names the whole backend path.
  if (scope.mappedPath !== undefined) url.pathname = scope.mappedPath;
  return url;
}

// A greedy value keeps its slashes; each segment is encoded again.
function encodePath(value: string): string {
  return value.split("/").map(encodeURIComponent).join("/");
}
