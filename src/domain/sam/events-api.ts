import { invalidEvent } from "./errors.js";
import type { EventInput } from "./events-common.js";
import { permission, required } from "./events-common.js";
import { targetArn } from "./function-extras.js";
import { shorthand, sub } from "./intrinsics.js";
import { addLambdaIntegration, ANY_METHOD, normalizeMethod, operation } from "./swagger.js";
import { applyMethodAuth } from "./swagger-auth.js";
import { isObject, textOf } from "../template/values.js";
import type { TemplateObject, TemplateValue } from "../template/values.js";

/**
 * Api and HttpApi events: the permission for API Gateway to call the target, and — when SAM
 * manages the API's body (no DefinitionBody of the user's, or an HttpApi's) — the route's Lambda
 * proxy integration written into it.
 */

export const IMPLICIT_REST_API = "ServerlessRestApi";
export const IMPLICIT_HTTP_API = "ServerlessHttpApi";
export const MANAGED = "__MANAGE_SWAGGER";

const REFUSED_API_EVENT_KEYS = ["RequestModel", "RequestParameters"];

/** The logical id an event's RestApiId/ApiId names (a Ref or a plain string). */
function apiLogicalId(value: TemplateValue): string | undefined {
  if (typeof value === "string") return value;
  if (isObject(value) && typeof value.Ref === "string" && Object.keys(value).length === 1) return value.Ref;
  return undefined;
}

function permissionPath(path: string, greedy: RegExp): string {
  const trimmed = path.length > 1 ? path.replace(/\/$/, "") : path;
  return trimmed.replace(greedy, "*");
}

/** Api: a REST API route. */
export function apiEvent(e: EventInput, condition: string | undefined): void {
  const path = textOf(required(e, "Path"));
  const method = textOf(required(e, "Method")).toLowerCase();
  for (const key of REFUSED_API_EVENT_KEYS) {
    if (e.properties[key] !== undefined) throw invalidEvent(e.eventId, `${key} is not supported by haneul yet`);
  }
  const rawApiId = e.properties.RestApiId ?? { Ref: IMPLICIT_REST_API };
  const apiId = apiLogicalId(rawApiId);
  const api = apiId ? e.ctx.resources[apiId] : undefined;
  if (!apiId || !api || api.Type !== "AWS::Serverless::Api") {
    throw invalidEvent(
      e.eventId,
      "RestApiId property of Api event must reference a valid resource in the same template.",
    );
  }
  const props = api.Properties as TemplateObject;
  const stage = props.StageName;
  const suffix = typeof stage === "string" ? stage : "Stage";
  const arnMethod = method === "any" ? "*" : method.toUpperCase();
  const resourcePath = permissionPath(path, /\{([a-zA-Z0-9._-]+|[a-zA-Z0-9._-]+\+|proxy\+)\}/g);
  permission(e, "apigateway.amazonaws.com", {
    suffix,
    sourceArn: sub(
      `arn:${e.ctx.partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${__ApiId__}/\${__Stage__}/${arnMethod}${resourcePath}`,
      {
        __ApiId__: rawApiId,
        __Stage__: "*",
      },
    ),
  });
  if (props[MANAGED] !== true || !isObject(props.DefinitionBody)) return;
  const uri = sub(
    `arn:${e.ctx.partition}:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/${shorthand(targetArn(e.target))}/invocations`,
  );
  const credentials = integrationCredentials(e.properties.Auth, props.Auth, e.ctx.partition);
  const op = addLambdaIntegration(props.DefinitionBody, {
    path,
    method,
    uri,
    condition,
    eventId: e.eventId,
    credentials,
  });
  if (e.properties.TimeoutInMillis !== undefined) {
    (op["x-amazon-apigateway-integration"] as TemplateObject).timeoutInMillis = e.properties.TimeoutInMillis;
  }
  if (e.properties.Auth !== undefined)
    applyMethodAuth(op, e.properties.Auth, { props, eventId: e.eventId, method, path });
}

/** AWS_IAM routes call the function with the caller's credentials unless an InvokeRole says otherwise. */
function integrationCredentials(
  methodAuth: TemplateValue | undefined,
  apiAuth: TemplateValue | undefined,
  partition: string,
): TemplateValue | undefined {
  const method = isObject(methodAuth) ? methodAuth : undefined;
  const api = isObject(apiAuth) ? apiAuth : undefined;
  const iam = method?.Authorizer === "AWS_IAM" || (api?.DefaultAuthorizer === "AWS_IAM" && !method);
  if (!iam) return undefined;
  const role = method?.InvokeRole ?? api?.InvokeRole;
  if (role === "NONE") return undefined;
  return role !== undefined && role !== "CALLER_CREDENTIALS" ? role : `arn:${partition}:iam::*:user/*`;
}

/** HttpApi: an HTTP API route; no Path and Method is the `$default` route. */
export function httpApiEvent(e: EventInput, condition: string | undefined): void {
  const p = e.properties;
  if ((p.Path === undefined) !== (p.Method === undefined)) {
    throw invalidEvent(
      e.eventId,
      "Event source is missing a Path or Method property; HttpApi events need both, or neither for the $default route.",
    );
  }
  const path = p.Path === undefined ? "$default" : textOf(p.Path);
  const method = p.Method === undefined ? ANY_METHOD : textOf(p.Method).toLowerCase();
  const rawApiId = p.ApiId ?? { Ref: IMPLICIT_HTTP_API };
  const apiId = apiLogicalId(rawApiId);
  const api = apiId ? e.ctx.resources[apiId] : undefined;
  if (!apiId || !api || api.Type !== "AWS::Serverless::HttpApi") {
    throw invalidEvent(
      e.eventId,
      "ApiId must be a valid reference to an 'AWS::Serverless::HttpApi' resource in same template.",
    );
  }
  const props = api.Properties as TemplateObject;
  const isAny = method === "any" || method === ANY_METHOD;
  const uri = sub(
    `arn:\${AWS::Partition}:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/${shorthand(targetArn(e.target))}/invocations`,
  );
  const body = isObject(props.DefinitionBody) ? props.DefinitionBody : undefined;
  if (path !== "$default" && body && defaultRouteCalls(body, uri)) {
    addHttpRoute(e, { body, path, method, uri, condition, managed: props[MANAGED] === true, props });
    return; // the $default route's permission already lets API Gateway call this function
  }
  // SAM's special cases: the $default route covers everything; ANY on a literal "/$default" path keeps it.
  const arnPath = path === "$default" ? "" : permissionPath(path, /\{([a-zA-Z0-9._-]+|proxy\+)\}/g);
  const arnRoute = isAny && path === "/$default" ? "/$default" : `/${isAny ? "*" : method.toUpperCase()}${arnPath}`;
  permission(e, "apigateway.amazonaws.com", {
    sourceArn: sub(
      `arn:\${AWS::Partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${__ApiId__}/\${__Stage__}${arnRoute}`,
      {
        __ApiId__: rawApiId,
        __Stage__: "*",
      },
    ),
  });
  if (body) addHttpRoute(e, { body, path, method, uri, condition, managed: props[MANAGED] === true, props });
}

function defaultRouteCalls(body: TemplateObject, uri: TemplateValue): boolean {
  const op = operation(body, "$default", ANY_METHOD);
  const integration = op?.["x-amazon-apigateway-integration"];
  return isObject(integration) && JSON.stringify(integration.uri) === JSON.stringify(uri);
}

function addHttpRoute(
  e: EventInput,
  r: {
    body: TemplateObject;
    path: string;
    method: string;
    uri: TemplateValue;
    condition: string | undefined;
    managed: boolean;
    props: TemplateObject;
  },
): void {
  const p = e.properties;
  const { body, path, method } = r;
  const found = operation(body, path, method);
  const existing = found?.["x-amazon-apigateway-integration"] !== undefined;
  if (existing && r.managed)
    throw invalidEvent(e.eventId, `API method '${method}' defined multiple times for path '${path}'.`);
  if (existing) return;
  const op = addLambdaIntegration(body, {
    path,
    method,
    uri: r.uri,
    condition: r.condition,
    eventId: e.eventId,
    payload: "2.0",
  });
  if (path === "$default" && normalizeMethod(method) === ANY_METHOD) op.isDefaultRoute = true;
  const integration = op["x-amazon-apigateway-integration"] as TemplateObject;
  if (p.PayloadFormatVersion !== undefined) integration.payloadFormatVersion = p.PayloadFormatVersion;
  if (p.TimeoutInMillis !== undefined) integration.timeoutInMillis = p.TimeoutInMillis;
  const params = [...path.matchAll(/\{(.*?)\}/g)].map((m) => ({
    name: (m[1] as string).replace(/\+$/, ""),
    in: "path",
    required: true,
  }));
  if (params.length) op.parameters = params;
  if (p.Auth !== undefined) httpMethodAuth(op, p.Auth, r.props, e.eventId);
}

function httpMethodAuth(op: TemplateObject, auth: TemplateValue, props: TemplateObject, eventId: string): void {
  if (!isObject(auth)) throw invalidEvent(eventId, "Property 'Auth' should be a map.");
  for (const key of Object.keys(auth)) {
    if (key !== "Authorizer" && key !== "AuthorizationScopes")
      throw invalidEvent(eventId, `Auth.${key} is not supported by haneul yet`);
  }
  const apiAuth = isObject(props.Auth) ? props.Auth : {};
  const authorizer = auth.Authorizer ?? apiAuth.DefaultAuthorizer;
  if (authorizer === undefined) {
    throw invalidEvent(
      eventId,
      "'Auth' section requires either an explicit 'Authorizer' set or a 'DefaultAuthorizer' configured on the HttpApi.",
    );
  }
  const name = textOf(authorizer);
  const authorizers = isObject(apiAuth.Authorizers) ? apiAuth.Authorizers : {};
  const iam = apiAuth.EnableIamAuthorizer === true;
  if (name !== "NONE" && !(name in authorizers) && !(name === "AWS_IAM" && iam)) {
    throw invalidEvent(
      eventId,
      `Unable to set Authorizer [${name}] because it wasn't defined in the API's Authorizers.`,
    );
  }
  const own = authorizers[name];
  const scopes = Array.isArray(auth.AuthorizationScopes)
    ? auth.AuthorizationScopes
    : isObject(own) && Array.isArray(own.AuthorizationScopes)
      ? own.AuthorizationScopes
      : [];
  op.security = [{ [name]: name === "NONE" || name === "AWS_IAM" ? [] : scopes }];
}
