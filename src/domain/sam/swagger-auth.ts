import type { SamContext } from "./context.js";
import { invalidEvent, invalidResource } from "./errors.js";
import { ref, sub } from "./intrinsics.js";
import { operations, pathsOf } from "./swagger.js";
import { applyMethodApiKey } from "./usage-plan.js";
import { isObject, textOf } from "../template/values.js";
import type { TemplateObject, TemplateValue } from "../template/values.js";

/**
 * REST API authorizers as SAM writes them into the body: Lambda TOKEN and REQUEST authorizers and
 * Cognito user pools under securityDefinitions, a method's own Authorizer, the DefaultAuthorizer
 * on every method without one (and on CORS preflights unless AddDefaultAuthorizerToCorsPreflight
 * is false), and the permission for API Gateway to call each Lambda authorizer.
 */

const AUTH_KEYS = [
  "Authorizers",
  "DefaultAuthorizer",
  "AddDefaultAuthorizerToCorsPreflight",
  "InvokeRole",
  "ApiKeyRequired",
  "UsagePlan",
  "AddApiKeyRequiredToCorsPreflight",
];
const REFUSED = ["ResourcePolicy"];

/** Checks the Auth property of a REST API: SAM's keys, those haneul does not carry out refused. */
export function checkRestAuth(apiId: string, auth: TemplateValue): TemplateObject {
  if (!isObject(auth)) throw invalidResource(apiId, "Invalid value for 'Auth' property");
  for (const key of Object.keys(auth)) {
    if (REFUSED.includes(key)) throw invalidResource(apiId, `Auth.${key} is not supported by haneul yet`);
    if (!AUTH_KEYS.includes(key)) throw invalidResource(apiId, "Invalid value for 'Auth' property");
  }
  return auth;
}

function authorizerDefinition(apiId: string, name: string, a: TemplateObject, partition: string): TemplateObject {
  const identity = isObject(a.Identity) ? a.Identity : undefined;
  if (a.Identity !== undefined && !identity) {
    throw invalidResource(
      apiId,
      "Auth.Authorizers.<Authorizer>.Identity must be a dict (LambdaTokenAuthorizationIdentity, LambdaRequestAuthorizationIdentity or CognitoAuthorizationIdentity).",
    );
  }
  const payload = a.FunctionPayloadType ?? "TOKEN";
  if (payload !== "TOKEN" && payload !== "REQUEST")
    throw invalidResource(apiId, `${name} Authorizer has invalid 'FunctionPayloadType': ${textOf(payload)}.`);
  if (a.UserPoolArn !== undefined) {
    const authorizer: TemplateObject = {
      type: "cognito_user_pools",
      providerARNs: Array.isArray(a.UserPoolArn) ? a.UserPoolArn : [a.UserPoolArn],
    };
    if (identity?.ValidationExpression !== undefined)
      authorizer.identityValidationExpression = identity.ValidationExpression;
    return {
      type: "apiKey",
      name: identity?.Header ?? "Authorization",
      in: "header",
      "x-amazon-apigateway-authtype": "cognito_user_pools",
      "x-amazon-apigateway-authorizer": authorizer,
    };
  }
  if (a.FunctionArn === undefined)
    throw invalidResource(apiId, `Authorizer ${name} must have either 'UserPoolArn' or 'FunctionArn'.`);
  const authorizer: TemplateObject = {
    type: payload === "REQUEST" ? "request" : "token",
    authorizerUri: sub(
      `arn:${partition}:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${__FunctionArn__}/invocations`,
      { __FunctionArn__: a.FunctionArn },
    ),
  };
  if (identity?.ReauthorizeEvery !== undefined) authorizer.authorizerResultTtlInSeconds = identity.ReauthorizeEvery;
  if (a.FunctionInvokeRole !== undefined && a.FunctionInvokeRole !== "NONE")
    authorizer.authorizerCredentials = a.FunctionInvokeRole;
  if (payload === "REQUEST") {
    const source = identitySource(identity);
    if (!source && !(identity?.ReauthorizeEvery !== undefined && Number(identity.ReauthorizeEvery) === 0)) {
      throw invalidResource(
        apiId,
        `${name} Authorizer must specify Identity with at least one of Headers, QueryStrings, StageVariables, or Context.`,
      );
    }
    if (source) authorizer.identitySource = source;
  } else if (identity?.ValidationExpression !== undefined)
    authorizer.identityValidationExpression = identity.ValidationExpression;
  const header = payload === "REQUEST" ? "Unused" : (identity?.Header ?? "Authorization");
  return {
    type: "apiKey",
    name: header,
    in: "header",
    "x-amazon-apigateway-authtype": "custom",
    "x-amazon-apigateway-authorizer": authorizer,
  };
}

function identitySource(identity: TemplateObject | undefined): string {
  if (!identity) return "";
  const pairs: [string, string][] = [
    ["Headers", "method.request.header."],
    ["QueryStrings", "method.request.querystring."],
    ["StageVariables", "stageVariables."],
    ["Context", "context."],
  ];
  return pairs
    .flatMap(([key, prefix]) => (Array.isArray(identity[key]) ? identity[key].map((v) => prefix + textOf(v)) : []))
    .join(", ");
}

/** Writes authorizers and the default authorizer into the body, and the permissions of Lambda authorizers into ctx. */
export function applyRestAuth(apiId: string, body: TemplateObject, auth: TemplateObject, ctx: SamContext): void {
  const authorizers = isObject(auth.Authorizers) ? auth.Authorizers : {};
  if (auth.Authorizers !== undefined && !isObject(auth.Authorizers))
    throw invalidResource(apiId, "Property 'Auth.Authorizers' should be a map.");
  const definitions: TemplateObject = {};
  for (const [name, a] of Object.entries(authorizers)) {
    if (!isObject(a)) throw invalidResource(apiId, `Property 'Auth.Authorizers.${name}' should be a map.`);
    definitions[name] = authorizerDefinition(apiId, name, a, ctx.partition);
    if (a.FunctionArn !== undefined && a.UserPoolArn === undefined && a.DisableFunctionDefaultPermissions !== true) {
      ctx.resources[`${apiId}${name}AuthorizerPermission`] = {
        Type: "AWS::Lambda::Permission",
        ...(typeof ctx.resources[apiId]?.Condition === "string" ? { Condition: ctx.resources[apiId].Condition } : {}),
        Properties: {
          Action: "lambda:InvokeFunction",
          FunctionName: a.FunctionArn,
          Principal: "apigateway.amazonaws.com",
          SourceArn: sub(
            `arn:${ctx.partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${__ApiId__}/authorizers/*`,
            { __ApiId__: ref(apiId) },
          ),
        },
      };
    }
  }
  const defaultAuthorizer = auth.DefaultAuthorizer;
  if (defaultAuthorizer === "AWS_IAM") definitions.AWS_IAM = awsIamDefinition();
  if (Object.keys(definitions).length)
    body.securityDefinitions = {
      ...(isObject(body.securityDefinitions) ? body.securityDefinitions : {}),
      ...definitions,
    };
  if (defaultAuthorizer === undefined) return;
  if (typeof defaultAuthorizer !== "string") throw invalidResource(apiId, "DefaultAuthorizer is not a string.");
  if (!(defaultAuthorizer in authorizers) && defaultAuthorizer !== "AWS_IAM") {
    throw invalidResource(
      apiId,
      `Unable to set DefaultAuthorizer because '${defaultAuthorizer}' was not defined in 'Authorizers'.`,
    );
  }
  const preflight = auth.AddDefaultAuthorizerToCorsPreflight !== false;
  const names = new Set(["AWS_IAM", ...Object.keys(authorizers)]);
  for (const item of Object.values(pathsOf(body))) {
    for (const [method, op] of operations(item)) {
      if (method === "options" && !preflight) continue;
      const existing = Array.isArray(op.security) ? op.security : [];
      const others = existing.filter((s) => isObject(s) && !Object.keys(s).some((k) => names.has(k)));
      const own = existing.filter((s) => !others.includes(s));
      // A method with Authorizer NONE keeps its [{NONE: []}] (SAM leaves it, and API Gateway reads it as no authorizer).
      if (others.some((s) => isObject(s) && "NONE" in s)) continue;
      const chosen = own.length ? own : [{ [defaultAuthorizer]: scopes(authorizers, defaultAuthorizer) }];
      op.security = [...others, ...chosen];
    }
  }
}

function scopes(authorizers: TemplateObject, name: string): TemplateValue {
  const a = authorizers[name];
  return isObject(a) && Array.isArray(a.AuthorizationScopes) ? a.AuthorizationScopes : [];
}

function awsIamDefinition(): TemplateObject {
  return { type: "apiKey", name: "Authorization", in: "header", "x-amazon-apigateway-authtype": "awsSigv4" };
}

/** A function event's own Auth on its method: an Authorizer (NONE, AWS_IAM or a named one) with its scopes. */
export function applyMethodAuth(
  op: TemplateObject,
  eventAuth: TemplateValue,
  api: { props: TemplateObject; eventId: string; method: string; path: string },
): void {
  if (!isObject(eventAuth)) throw invalidEvent(api.eventId, "Property 'Auth' should be a map.");
  for (const key of Object.keys(eventAuth)) {
    if (["Authorizer", "AuthorizationScopes", "InvokeRole", "ApiKeyRequired"].includes(key)) continue;
    throw invalidEvent(api.eventId, `Auth.${key} is not supported by haneul yet`);
  }
  const authorizer = eventAuth.Authorizer;
  if (authorizer !== undefined) applyMethodAuthorizer(op, authorizer, eventAuth, api);
  if (eventAuth.ApiKeyRequired !== undefined)
    applyMethodApiKey(op, eventAuth.ApiKeyRequired, api.props.DefinitionBody as TemplateObject);
}

function applyMethodAuthorizer(
  op: TemplateObject,
  authorizer: TemplateValue,
  eventAuth: TemplateObject,
  api: { props: TemplateObject; eventId: string; method: string; path: string },
): void {
  const apiAuth = isObject(api.props.Auth) ? api.props.Auth : {};
  const authorizers = isObject(apiAuth.Authorizers) ? apiAuth.Authorizers : {};
  if (typeof authorizer !== "string") throw invalidEvent(api.eventId, "Property 'Auth.Authorizer' should be a string.");
  if (authorizer !== "NONE" && authorizer !== "AWS_IAM" && !(authorizer in authorizers)) {
    throw invalidEvent(
      api.eventId,
      `Unable to set Authorizer [${authorizer}] on API method [${api.method}] for path [${api.path}] because it wasn't defined in the API's Authorizers.`,
    );
  }
  const scopesOf = Array.isArray(eventAuth.AuthorizationScopes)
    ? eventAuth.AuthorizationScopes
    : scopes(authorizers, authorizer);
  op.security = [{ [authorizer]: authorizer === "NONE" || authorizer === "AWS_IAM" ? [] : scopesOf }];
  if (authorizer === "AWS_IAM") {
    const body = api.props.DefinitionBody as TemplateObject;
    body.securityDefinitions = {
      ...(isObject(body.securityDefinitions) ? body.securityDefinitions : {}),
      AWS_IAM: awsIamDefinition(),
    };
  }
}
