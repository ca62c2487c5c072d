/**
 * Builds payload format 1.0 events (REST proxy integrations, and HTTP APIs set to 1.0):
 * DefinitelyTyped's APIGatewayProxyEvent, field for field.
 */
import type { APIGatewayEventIdentity, APIGatewayProxyEvent } from "aws-lambda";
import { eventHeaderPairs } from "./event-headers.js";
import { eventBody } from "./media-types.js";
import { methodArn, type AuthContext, type RequestScope } from "./model.js";
import { parseQuery, type RequestInfo } from "./request-info.js";
import { requestTime } from "./trace.js";

type Multi = Record<string, string[]>;

/** The 1.0 proxy event for a request; `auth` fills requestContext.authorizer. */
export function buildEventV1(scope: RequestScope, auth?: AuthContext): APIGatewayProxyEvent {
  const { info } = scope;
  const { headers, multiValueHeaders } = headersV1(info);
  const query = queryV1(info.rawQuery);
  const body = bodyV1(scope);
  return {
    resource: scope.route.resourcePath,
    path: info.path,
    httpMethod: info.method,
    headers,
    multiValueHeaders,
    queryStringParameters: query.single,
    multiValueQueryStringParameters: query.multi,
    pathParameters: scope.params ?? null,
    stageVariables: nonEmpty(scope.variables),
    requestContext: requestContextV1(scope, auth),
    body: body.text,
    isBase64Encoded: body.base64,
  };
}

/** The REST REQUEST authorizer event: the proxy event's request fields, without the body. */
export function buildRequestAuthorizerEventV1(scope: RequestScope): Record<string, unknown> {
  const fields: Record<string, unknown> = { type: "REQUEST", methodArn: methodArn(scope), ...buildEventV1(scope) };
  delete fields["body"];
  delete fields["isBase64Encoded"];
  return fields;
}

/** requestContext of a 1.0 event. */
export function requestContextV1(scope: RequestScope, auth?: AuthContext): APIGatewayProxyEvent["requestContext"] {
  const { info, route } = scope;
  // One literal, the protocol's last field added after: spread fragments would make V8 copy them
  // into a slow, dictionary-backed object on every request (and templates read it per request).
  const context: APIGatewayProxyEvent["requestContext"] & { deploymentId?: string } = {
    accountId: scope.accountId,
    apiId: scope.api.apiId,
    authorizer: auth ? authorizerV1(auth) : undefined,
    domainName: info.domainName,
    domainPrefix: info.domainPrefix,
    extendedRequestId: info.extendedRequestId,
    httpMethod: info.method,
    identity: identity(info, scope.apiKey),
    path: info.contextPath,
    protocol: "HTTP/1.1",
    requestId: info.requestId,
    requestTime: requestTime(info.timeEpoch),
    requestTimeEpoch: info.timeEpoch,
    resourceId: route.resourceId,
    resourcePath: route.resourcePath,
    stage: scope.stage,
  };
  if (scope.api.protocol === "REST") context.deploymentId = scope.deploymentId;
  else context.routeKey = route.routeKey;
  return context;
}

function authorizerV1(auth: AuthContext): Record<string, unknown> {
  if (auth.type === "jwt") return { claims: auth.claims, scopes: auth.scopes };
  // REST hands context values on as strings, next to principalId and integrationLatency.
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(auth.context)) out[k] = v === null ? null : scalarText(v);
  if (auth.principalId !== undefined) out["principalId"] = auth.principalId;
  out["integrationLatency"] = auth.latencyMs;
  return out;
}

function scalarText(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

function identity(info: RequestInfo, apiKey: RequestScope["apiKey"]): APIGatewayEventIdentity {
  const ua = info.headers["user-agent"];
  return {
    accessKey: null,
    accountId: null,
    apiKey: apiKey?.value ?? null,
    apiKeyId: apiKey?.id ?? null,
    caller: null,
    clientCert: null,
    cognitoAuthenticationProvider: null,
    cognitoAuthenticationType: null,
    cognitoIdentityId: null,
    cognitoIdentityPoolId: null,
    principalOrgId: null,
    sourceIp: info.sourceIp,
    user: null,
    userAgent: ua ?? null,
    userArn: null,
  };
}

function headersV1(info: RequestInfo): { headers: Record<string, string>; multiValueHeaders: Multi } {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Multi = {};
  for (const [name, value] of eventHeaderPairs(info)) {
    headers[name] = value; // the last duplicate wins
    (multiValueHeaders[name] ??= []).push(value);
  }
  return { headers, multiValueHeaders };
}

function queryV1(rawQuery: string): { single: Record<string, string> | null; multi: Multi | null } {
  const pairs = parseQuery(rawQuery);
  if (pairs.length === 0) return { single: null, multi: null };
  const single: Record<string, string> = {};
  const multi: Multi = {};
  for (const [k, v] of pairs) {
    single[k] = v;
    (multi[k] ??= []).push(v);
  }
  return { single, multi };
}

function bodyV1(scope: RequestScope): { text: string | null; base64: boolean } {
  const { api, info } = scope;
  const b = eventBody(info.body, info.headers["content-type"], api.protocol === "REST" ? api.isBinary : undefined);
  return b ?? { text: null, base64: false };
}

function nonEmpty(vars: Readonly<Record<string, string>>): Record<string, string> | null {
  for (const _ in vars) return { ...vars };
  return null;
}
