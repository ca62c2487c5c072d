/**
 * HTTP API parameter mapping at request time: the request an integration sees is the client's with
 * its headers, query string and path changed as the integration's `RequestParameters` say (every
 * value read from the client's request as it came), and the integration's answer goes back with its
 * headers and status changed as the `ResponseParameters` of its status code say. Only routes whose
 * integration has a mapping pay for this.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import type { MappingOperation, MappingPart, ParameterMapping } from "../domain/parameter-mapping.js";
import { clfTime } from "./access-log.js";
import { jsonPathOf } from "./mapping-template.js";
import type { AuthContext, RequestScope } from "./model.js";
import type { RequestInfo } from "./request-info.js";
import type { Reply } from "./reply.js";
import { parseQuery } from "./request-info.js";

/** API Gateway reads a JSON path in at most the first 100 KB of a body. */
const BODY_SELECTION_BYTES = 100 * 1024;

type Resolve = (part: Exclude<MappingPart, { text: string }>) => string | undefined;

function evaluate(parts: readonly MappingPart[], resolve: Resolve): string {
  let out = "";
  for (const p of parts) out += "text" in p ? p.text : (resolve(p) ?? "");
  return out;
}

/** The request scope the integration runs with, once the request parameters are applied. */
export function mapRequest(scope: RequestScope, auth: AuthContext | undefined, m: ParameterMapping): RequestScope {
  if (m.request.length === 0) return scope;
  const { info } = scope;
  const headers = headerPairs(info.rawHeaders);
  const query = parseQuery(info.rawQuery);
  const resolve = requestResolver(scope, auth, { headers, query });
  let mappedHeaders: [string, string][] | undefined;
  let mappedQuery: [string, string][] | undefined;
  let path: string | undefined;
  for (const op of m.request) {
    const value = op.action === "remove" ? "" : evaluate(op.value, resolve);
    // A value that comes out empty (a missing header, say) leaves the parameter as it is.
    if (op.action !== "remove" && value === "") continue;
    if (op.target === "header") mappedHeaders = applyTo(mappedHeaders ?? [...headers], op, value, true);
    else if (op.target === "querystring") mappedQuery = applyTo(mappedQuery ?? [...query], op, value, false);
    else if (op.target === "path") path = value.startsWith("/") ? value : `/${value}`;
  }
  const next: Mutable<RequestInfo> = { ...info };
  if (mappedHeaders) {
    next.rawHeaders = mappedHeaders.flat();
    next.headers = lowerCased(mappedHeaders);
  }
  if (mappedQuery) next.rawQuery = mappedQuery.map(([k, v]) => `${encode(k)}=${encode(v)}`).join("&");
  if (path !== undefined) {
    next.path = path;
    next.contextPath = path;
  }
  return { ...scope, info: next, ...(path !== undefined ? { mappedPath: path } : {}) };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The answer as the client gets it, once the response parameters of its status are applied. */
export function mapResponse(
  reply: Reply,
  scope: RequestScope,
  o: { readonly auth: AuthContext | undefined; readonly mapping: ParameterMapping },
): Reply {
  const ops = o.mapping.response.get(reply.status);
  if (!ops || ops.length === 0) return reply;
  const resolve = responseResolver(scope, o.auth, reply);
  // Every value reads the integration's answer as it came, so they are all taken before any change.
  const values = ops.map((op) => (op.action === "remove" ? "" : evaluate(op.value, resolve)));
  const headers: OutgoingHttpHeaders = { ...reply.headers };
  let status = reply.status;
  ops.forEach((op, k) => {
    const value = values[k] as string;
    if (op.target === "statuscode") {
      const n = /^\d{3}$/.test(value) ? Number(value) : NaN;
      if (n >= 100 && n <= 599) status = n;
      return;
    }
    if (op.action !== "remove" && value === "") return;
    const existing = Object.keys(headers).find((h) => h.toLowerCase() === op.name.toLowerCase());
    if (op.action === "append" && existing !== undefined) {
      headers[existing] = `${joined(headers[existing])},${value}`;
      return;
    }
    if (existing !== undefined) delete headers[existing];
    if (op.action !== "remove") headers[op.name] = value;
  });
  return { status, headers, body: reply.body };
}

/** Header pairs with repeated names combined by commas, in arrival order. */
function headerPairs(raw: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  const at = new Map<string, number>();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    const lower = name.toLowerCase();
    const k = at.get(lower);
    if (k === undefined) {
      at.set(lower, out.length);
      out.push([name, raw[i + 1] as string]);
    } else {
      const pair = out[k] as [string, string];
      pair[1] = `${pair[1]},${raw[i + 1] as string}`;
    }
  }
  return out;
}

function applyTo(
  pairs: [string, string][],
  op: MappingOperation,
  value: string,
  caseless: boolean,
): [string, string][] {
  const same = (k: string) => (caseless ? k.toLowerCase() === op.name.toLowerCase() : k === op.name);
  if (op.action === "remove") return pairs.filter(([k]) => !same(k));
  if (op.action === "overwrite") return [...pairs.filter(([k]) => !same(k)), [op.name, value]];
  if (!caseless) return [...pairs, [op.name, value]];
  // Appending to a header extends its value, as repeated header lines are combined.
  const k = pairs.findIndex(([name]) => same(name));
  if (k < 0) return [...pairs, [op.name, value]];
  const copy = [...pairs];
  const [name, prev] = copy[k] as [string, string];
  copy[k] = [name, `${prev},${value}`];
  return copy;
}

function lowerCased(pairs: readonly [string, string][]): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  for (const [k, v] of pairs) out[k.toLowerCase()] = v;
  return out;
}

function encode(s: string): string {
  return encodeURIComponent(s);
}

function joined(v: OutgoingHttpHeaders[string]): string {
  return Array.isArray(v) ? v.join(",") : String(v ?? "");
}

function requestResolver(
  scope: RequestScope,
  auth: AuthContext | undefined,
  from: { readonly headers: readonly [string, string][]; readonly query: readonly [string, string][] },
): Resolve {
  return (p) => {
    if (p.source === "request.header") {
      return from.headers.find(([k]) => k.toLowerCase() === p.name.toLowerCase())?.[1];
    }
    if (p.source === "request.querystring") {
      const values = from.query.filter(([k]) => k === p.name).map(([, v]) => v);
      return values.length > 0 ? values.join(",") : undefined;
    }
    if (p.source === "request.body") return bodyValue(scope.info.body, p.name);
    if (p.source === "request.path") return p.name === "" ? scope.info.path : scope.params?.[p.name];
    return shared(scope, auth, p);
  };
}

function responseResolver(scope: RequestScope, auth: AuthContext | undefined, reply: Reply): Resolve {
  return (p) => {
    if (p.source === "response.header") {
      const name = Object.keys(reply.headers).find((h) => h.toLowerCase() === p.name.toLowerCase());
      return name === undefined ? undefined : joined(reply.headers[name]);
    }
    if (p.source === "response.body") return bodyValue(reply.body, p.name);
    return shared(scope, auth, p);
  };
}

function bodyValue(body: Buffer, name: string): string | undefined {
  if (name === "") return body.toString("utf8");
  const text = body.subarray(0, BODY_SELECTION_BYTES).toString("utf8");
  const value = jsonPathOf(text, name.startsWith("[") ? `$${name}` : `$.${name}`);
  if (value === undefined || value === null) return undefined;
  return typeof value === "string" ? value : JSON.stringify(value);
}

function shared(
  scope: RequestScope,
  auth: AuthContext | undefined,
  p: Exclude<MappingPart, { text: string }>,
): string | undefined {
  if (p.source === "stageVariables") return scope.variables[p.name];
  if (p.source !== "context") return undefined;
  return contextValue(scope, auth, p.name);
}

function contextValue(scope: RequestScope, auth: AuthContext | undefined, name: string): string | undefined {
  const { info } = scope;
  switch (name) {
    case "accountId":
      return scope.accountId;
    case "apiId":
      return scope.api.apiId;
    case "domainName":
      return info.domainName;
    case "domainPrefix":
      return info.domainPrefix;
    case "extendedRequestId":
      return info.extendedRequestId;
    case "httpMethod":
      return info.method;
    case "identity.sourceIp":
      return info.sourceIp;
    case "identity.userAgent":
      return info.headers["user-agent"];
    case "path":
      return info.contextPath;
    case "protocol":
      return "HTTP/1.1";
    case "requestId":
      return info.requestId;
    case "requestTime":
      return clfTime(info.timeEpoch);
    case "requestTimeEpoch":
      return String(info.timeEpoch);
    case "routeKey":
      return scope.route.routeKey;
    case "stage":
      return scope.stage;
    default:
      return name.startsWith("authorizer.") ? authorizerValue(auth, name.slice("authorizer.".length)) : undefined;
  }
}

function authorizerValue(auth: AuthContext | undefined, name: string): string | undefined {
  if (!auth) return undefined;
  if (auth.type === "jwt") {
    if (name.startsWith("claims.")) return auth.claims[name.slice("claims.".length)];
    return name === "scopes" && auth.scopes ? auth.scopes.join(" ") : undefined;
  }
  if (name === "principalId") return auth.principalId;
  const v = auth.context[name.startsWith("lambda.") ? name.slice("lambda.".length) : name];
  return v === undefined || v === null ? undefined : typeof v === "string" ? v : JSON.stringify(v);
}
