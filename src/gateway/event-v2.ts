/**
 * Builds payload format 2.0 events (HTTP APIs): DefinitelyTyped's APIGatewayProxyEventV2.
 * Header names are lower-cased and duplicates comma-joined; cookies move from the Cookie header
 * to `cookies`; empty parts (query, path parameters, stage variables, body) are left out.
 */
import type { APIGatewayEventRequestContextV2, APIGatewayProxyEventV2 } from "aws-lambda";
import { eventHeaderPairs } from "./event-headers.js";
import { eventBody } from "./media-types.js";
import { methodArn, type AuthContext, type RequestScope } from "./model.js";
import { parseQuery } from "./request-info.js";
import { requestTime } from "./trace.js";

type EventV2 = APIGatewayProxyEventV2 & { requestContext: { authorizer?: unknown } };

/** The 2.0 proxy event for a request; `auth` fills requestContext.authorizer. */
export function buildEventV2(scope: RequestScope, auth?: AuthContext): EventV2 {
  const { info } = scope;
  const { headers, cookies } = headersV2(scope);
  const event: EventV2 = {
    version: "2.0",
    routeKey: scope.route.routeKey,
    rawPath: info.contextPath,
    rawQueryString: info.rawQuery,
    headers,
    requestContext: requestContextV2(scope, auth),
    isBase64Encoded: false,
  };
  if (cookies) event.cookies = cookies;
  const query = queryV2(info.rawQuery);
  if (query) event.queryStringParameters = query;
  if (scope.params) event.pathParameters = scope.params;
  if (Object.keys(scope.variables).length > 0) event.stageVariables = { ...scope.variables };
  const body = eventBody(info.body, info.headers["content-type"], undefined);
  if (body) {
    event.body = body.text;
    event.isBase64Encoded = body.base64;
  }
  return event;
}

/** The HTTP API Lambda authorizer event (payload 2.0); `identitySource` holds the identity values. */
export function buildAuthorizerEventV2(
  scope: RequestScope,
  identitySource: readonly string[],
): Record<string, unknown> {
  const {
    version,
    routeKey,
    rawPath,
    rawQueryString,
    cookies,
    headers,
    queryStringParameters,
    requestContext,
    pathParameters,
    stageVariables,
  } = buildEventV2(scope);
  return {
    version,
    type: "REQUEST",
    routeArn: methodArn(scope),
    identitySource: [...identitySource],
    routeKey,
    rawPath,
    rawQueryString,
    cookies: cookies ?? [],
    headers,
    queryStringParameters,
    requestContext,
    pathParameters,
    stageVariables,
  };
}

function requestContextV2(scope: RequestScope, auth: AuthContext | undefined): EventV2["requestContext"] {
  const { info } = scope;
  const ctx: APIGatewayEventRequestContextV2 & { authorizer?: unknown } = {
    accountId: scope.accountId,
    apiId: scope.api.apiId,
    domainName: info.domainName,
    domainPrefix: info.domainPrefix,
    http: {
      method: info.method,
      path: info.contextPath,
      protocol: "HTTP/1.1",
      sourceIp: info.sourceIp,
      userAgent: info.headers["user-agent"] ?? "",
    },
    requestId: info.requestId,
    routeKey: scope.route.routeKey,
    stage: scope.stage,
    time: requestTime(info.timeEpoch),
    timeEpoch: info.timeEpoch,
  };
  if (auth) ctx.authorizer = authorizerV2(auth);
  return ctx;
}

function authorizerV2(auth: AuthContext): Record<string, unknown> {
  if (auth.type === "jwt") return { jwt: { claims: auth.claims, scopes: auth.scopes } };
  return { lambda: auth.context };
}

function headersV2(scope: RequestScope): { headers: Record<string, string>; cookies: string[] | undefined } {
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [name, value] of eventHeaderPairs(scope.info)) {
    const lower = name.toLowerCase();
    if (lower === "cookie") {
      cookies ??= [];
      for (const c of value.split(";")) {
        const t = c.trim();
        if (t) cookies.push(t);
      }
      continue;
    }
    const prev = headers[lower];
    headers[lower] = prev === undefined ? value : `${prev},${value}`;
  }
  return { headers, cookies };
}

function queryV2(rawQuery: string): Record<string, string> | undefined {
  const pairs = parseQuery(rawQuery);
  if (pairs.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of pairs) {
    const prev = out[k];
    out[k] = prev === undefined ? v : `${prev},${v}`;
  }
  return out;
}
