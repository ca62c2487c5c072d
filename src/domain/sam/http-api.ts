import type { SamContext } from "./context.js";
import { s3Location } from "./code.js";
import { invalidResource } from "./errors.js";
import { samHash } from "./hash.js";
import { compact, ref, sub } from "./intrinsics.js";
import { passthroughAttributes } from "./rest-api.js";
import { operations, pathsOf } from "./swagger.js";
import { intrinsicName, isObject, textOf } from "../template/values.js";
import type { TemplateObject, TemplateValue } from "../template/values.js";

/**
 * AWS::Serverless::HttpApi → AWS::ApiGatewayV2::Api with its OpenAPI 3 body (routes from events,
 * CORS as `x-amazon-apigateway-cors`, JWT and Lambda authorizers under securitySchemes, the SAM
 * tag) and an auto-deployed stage (`<Api>ApiGatewayDefaultStage` for `$default`).
 */

const REFUSED = ["Domain", "DisableExecuteApiEndpoint"];
const CORS_KEYS: Record<string, string> = {
  AllowOrigins: "allowOrigins",
  AllowHeaders: "allowHeaders",
  AllowMethods: "allowMethods",
  ExposeHeaders: "exposeHeaders",
  MaxAge: "maxAge",
  AllowCredentials: "allowCredentials",
};

/** The body SAM starts from for an HTTP API whose routes come from function events. */
export function openApiSkeleton(): TemplateObject {
  return { openapi: "3.0.1", info: { version: "1.0", title: ref("AWS::StackName") }, paths: {} };
}

/** Translates one HTTP API into ctx. */
export function translateHttpApi(apiId: string, resource: TemplateObject, ctx: SamContext): void {
  const props = resource.Properties as TemplateObject;
  for (const key of REFUSED)
    if (props[key] !== undefined) throw invalidResource(apiId, `${key} is not supported by haneul yet`);
  if (props.DefinitionBody !== undefined && props.DefinitionUri !== undefined) {
    throw invalidResource(apiId, "Specify either 'DefinitionUri' or 'DefinitionBody' property and not both.");
  }
  const body = isObject(props.DefinitionBody) ? props.DefinitionBody : undefined;
  if (!body && props.DefinitionUri === undefined) {
    throw invalidResource(
      apiId,
      "'DefinitionUri' or 'DefinitionBody' are required properties of an 'AWS::Serverless::HttpApi'. Add a value for one of these properties or add a 'HttpApi' event to an 'AWS::Serverless::Function'.",
    );
  }
  for (const [key, what] of [
    ["CorsConfiguration", "Cors"],
    ["Auth", "Auth"],
    ["Tags", "Tags"],
  ] as const) {
    if (props[key] !== undefined && !body)
      throw invalidResource(
        apiId,
        `${what} works only with inline OpenApi specified in the 'DefinitionBody' property.`,
      );
  }
  if (body) {
    if (props.CorsConfiguration !== undefined) body["x-amazon-apigateway-cors"] = cors(apiId, props.CorsConfiguration);
    if (props.Auth !== undefined) httpAuth(apiId, body, props.Auth, ctx);
    addTags(body, props.Tags);
    if (props.Description !== undefined)
      body.info = { ...(isObject(body.info) ? body.info : {}), description: props.Description };
    if (props.Name !== undefined) body.info = { ...(isObject(body.info) ? body.info : {}), title: props.Name };
    const paths = pathsOf(body);
    if ("$default" in paths && props.FailOnWarnings === true) {
      paths["/$default"] = paths.$default;
      delete paths.$default;
    }
  }
  const passthrough = passthroughAttributes(resource);
  ctx.resources[apiId] = compact({
    Type: "AWS::ApiGatewayV2::Api",
    ...passthrough,
    DependsOn: resource.DependsOn,
    Properties: compact({
      Body: body,
      BodyS3Location: props.DefinitionUri === undefined ? undefined : bodyLocation(apiId, props.DefinitionUri, ctx),
      FailOnWarnings: props.FailOnWarnings,
    }),
  });
  const stageName = props.StageName ?? "$default";
  const stageId =
    typeof stageName === "string" && /^[A-Za-z0-9]+$/.test(stageName)
      ? `${apiId}${stageName}Stage`
      : stageName === "$default"
        ? `${apiId}ApiGatewayDefaultStage`
        : `${apiId}Stage${samHash(typeof stageName === "string" ? stageName : "")}`;
  ctx.resources[stageId] = compact({
    Type: "AWS::ApiGatewayV2::Stage",
    ...passthrough,
    Properties: compact({
      ApiId: ref(apiId),
      StageName: stageName,
      StageVariables: props.StageVariables,
      AccessLogSettings: props.AccessLogSettings,
      DefaultRouteSettings: props.DefaultRouteSettings,
      RouteSettings: props.RouteSettings,
      Tags: { "httpapi:createdBy": "SAM", ...(isObject(props.Tags) ? props.Tags : {}) },
      AutoDeploy: true,
    }),
  });
}

function bodyLocation(apiId: string, uri: TemplateValue, ctx: SamContext): TemplateObject {
  const code = s3Location(uri, ctx, { logicalId: apiId, property: "DefinitionUri" });
  return compact({ Bucket: code.S3Bucket, Key: code.S3Key, Version: code.S3ObjectVersion });
}

function cors(apiId: string, value: TemplateValue): TemplateValue {
  if (value === true) return { allowOrigins: ["*"] };
  if (intrinsicName(value) === "Fn::If") {
    const [condition, ...branches] = (value as { "Fn::If": TemplateValue[] })["Fn::If"];
    return {
      "Fn::If": [condition ?? null, ...branches.map((b) => (isObject(b) && !intrinsicName(b) ? cors(apiId, b) : b))],
    };
  }
  if (intrinsicName(value)) return value;
  if (!isObject(value)) throw invalidResource(apiId, "Invalid value for 'Cors' property.");
  const out: TemplateObject = {};
  for (const [key, v] of Object.entries(value)) {
    const name = CORS_KEYS[key];
    if (!name) throw invalidResource(apiId, `Invalid key '${key}' for 'Cors' property.`);
    out[name] = v;
  }
  const origins = value.AllowOrigins;
  if (value.AllowCredentials === true && (origins === undefined || (Array.isArray(origins) && origins.includes("*")))) {
    throw invalidResource(
      apiId,
      "Unable to add Cors configuration because 'AllowCredentials' can not be true when 'AllowOrigin' is \"'*'\" or not set.",
    );
  }
  return out;
}

function addTags(body: TemplateObject, tags: TemplateValue | undefined): void {
  const all = { ...(isObject(tags) ? tags : {}), "httpapi:createdBy": "SAM" };
  const existing = Array.isArray(body.tags) ? body.tags : [];
  body.tags = [
    ...existing,
    ...Object.entries(all).map(([name, value]) => ({ name, "x-amazon-apigateway-tag-value": value })),
  ];
}

function httpAuth(apiId: string, body: TemplateObject, auth: TemplateValue, ctx: SamContext): void {
  if (!isObject(auth)) throw invalidResource(apiId, "Invalid value for 'Auth' property");
  for (const key of Object.keys(auth)) {
    if (!["Authorizers", "DefaultAuthorizer", "EnableIamAuthorizer"].includes(key))
      throw invalidResource(apiId, "Invalid value for 'Auth' property");
  }
  const authorizers = isObject(auth.Authorizers) ? auth.Authorizers : {};
  const schemes: TemplateObject = {};
  if (auth.EnableIamAuthorizer === true) {
    schemes.AWS_IAM = {
      type: "apiKey",
      name: "Authorization",
      in: "header",
      "x-amazon-apigateway-authtype": "awsSigv4",
    };
  }
  for (const [name, a] of Object.entries(authorizers)) {
    if (!isObject(a)) throw invalidResource(apiId, `Property 'Auth.Authorizers.${name}' should be a map.`);
    schemes[name] = authorizerScheme(apiId, name, a, ctx);
  }
  if (Object.keys(schemes).length) {
    const components = isObject(body.components) ? body.components : {};
    body.components = {
      ...components,
      securitySchemes: { ...(isObject(components.securitySchemes) ? components.securitySchemes : {}), ...schemes },
    };
  }
  const fallback = auth.DefaultAuthorizer;
  if (fallback === undefined) return;
  const name = textOf(fallback);
  if (!(name in schemes))
    throw invalidResource(apiId, `Unable to set DefaultAuthorizer because '${name}' was not defined in 'Authorizers'.`);
  const own = authorizers[name];
  const scopes = isObject(own) && Array.isArray(own.AuthorizationScopes) ? own.AuthorizationScopes : [];
  for (const item of Object.values(pathsOf(body))) {
    for (const [method, op] of operations(item)) {
      if (
        method === "options" ||
        method === "parameters" ||
        op["x-amazon-apigateway-integration"] === undefined ||
        op.security
      )
        continue;
      op.security = [{ [name]: scopes }];
    }
  }
}

function authorizerScheme(apiId: string, name: string, a: TemplateObject, ctx: SamContext): TemplateObject {
  if (a.JwtConfiguration !== undefined) {
    const jwt = isObject(a.JwtConfiguration)
      ? Object.fromEntries(Object.entries(a.JwtConfiguration).map(([k, v]) => [k.toLowerCase(), v]))
      : a.JwtConfiguration;
    return {
      type: "oauth2",
      "x-amazon-apigateway-authorizer": compact({
        jwtConfiguration: jwt,
        identitySource: a.IdentitySource ?? "$request.header.Authorization",
        type: "jwt",
      }),
    };
  }
  if (a.FunctionArn === undefined) throw invalidResource(apiId, `${name} Authorizer must define 'FunctionArn'.`);
  const authorizer: TemplateObject = {
    type: "request",
    authorizerUri: sub(
      `arn:${ctx.partition}:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${__FunctionArn__}/invocations`,
      { __FunctionArn__: a.FunctionArn },
    ),
  };
  if (a.FunctionInvokeRole !== undefined) authorizer.authorizerCredentials = a.FunctionInvokeRole;
  const identity = isObject(a.Identity) ? a.Identity : undefined;
  if (identity) {
    if (identity.ReauthorizeEvery !== undefined) authorizer.authorizerResultTtlInSeconds = identity.ReauthorizeEvery;
    const pairs: [string, string][] = [
      ["Headers", "$request.header."],
      ["QueryStrings", "$request.querystring."],
      ["StageVariables", "$stageVariables."],
      ["Context", "$context."],
    ];
    authorizer.identitySource = pairs.flatMap(([key, prefix]) =>
      Array.isArray(identity[key]) ? identity[key].map((v) => prefix + textOf(v)) : [],
    );
  }
  if (a.AuthorizerPayloadFormatVersion === undefined)
    throw invalidResource(apiId, `${name} Lambda Authorizer must define 'AuthorizerPayloadFormatVersion'.`);
  authorizer.authorizerPayloadFormatVersion = a.AuthorizerPayloadFormatVersion;
  if (a.EnableSimpleResponses !== undefined) authorizer.enableSimpleResponses = a.EnableSimpleResponses;
  if (a.EnableFunctionDefaultPermissions === true) {
    ctx.resources[`${apiId}${name}AuthorizerPermission`] = {
      Type: "AWS::Lambda::Permission",
      Properties: {
        Action: "lambda:InvokeFunction",
        FunctionName: a.FunctionArn,
        Principal: "apigateway.amazonaws.com",
        SourceArn: sub(
          `arn:\${AWS::Partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${__ApiId__}/authorizers/*`,
          { __ApiId__: ref(apiId) },
        ),
      },
    };
  }
  return { type: "apiKey", name: "Unused", in: "header", "x-amazon-apigateway-authorizer": authorizer };
}
