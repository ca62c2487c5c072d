/** API Gateway v1 methods of REST resources and their integrations. */
import type { MethodIntegrationRecord, MethodRecord } from "../../ports/api-store.js";
import { REST_TIMEOUT_MS } from "../api-compiler.js";
import { type ApiGatewayContext, badRequest, checkWrite, conflict, mutate, notFound, optional } from "./context.js";
import { parseLambdaUri } from "./lambda-uri.js";
import { resourceNotFound } from "./rest-apis.js";
import type { PutIntegrationInput, PutMethodInput } from "./types.js";
import { checkOneOf, checkTimeout, REST_METHODS } from "./validate.js";

/** AWS's answer for a method the resource does not have. */
export function methodNotFound() {
  return notFound("Invalid Method identifier specified");
}

function checkHttpMethod(httpMethod: string): void {
  if (!(REST_METHODS as readonly string[]).includes(httpMethod)) {
    throw badRequest(`Invalid HttpMethod specified. Valid options are ${REST_METHODS.join(",")}`);
  }
}

const AUTHORIZATION_TYPES = ["NONE", "AWS_IAM", "CUSTOM", "COGNITO_USER_POOLS"];

/** Adds a method to a resource (AWS refuses to overwrite one: use DeleteMethod first). */
export async function putMethod(
  ctx: ApiGatewayContext,
  key: { apiId: string; resourceId: string; httpMethod: string },
  input: PutMethodInput,
): Promise<MethodRecord> {
  checkHttpMethod(key.httpMethod);
  return mutate(ctx, key.apiId, async () => {
    if (!(await ctx.store.getResource(key.apiId, key.resourceId))) throw resourceNotFound();
    if (await ctx.store.getMethod(key.apiId, key.resourceId, key.httpMethod)) {
      throw conflict("Method already exists for this resource");
    }
    checkOneOf(input.authorizationType, AUTHORIZATION_TYPES, "authorization type");
    const custom = input.authorizationType === "CUSTOM" || input.authorizationType === "COGNITO_USER_POOLS";
    if (custom && !(input.authorizerId && (await ctx.store.getAuthorizer(key.apiId, input.authorizerId)))) {
      throw badRequest(
        "Invalid authorizer ID specified. Setting the authorization type to CUSTOM or COGNITO_USER_POOLS requires a valid authorizer.",
      );
    }
    const method: MethodRecord = {
      ...key,
      authorizationType: input.authorizationType,
      apiKeyRequired: input.apiKeyRequired ?? false,
      ...optional({
        authorizerId: custom ? input.authorizerId : undefined,
        operationName: input.operationName,
        requestParameters: input.requestParameters,
        authorizationScopes: input.authorizationScopes,
        requestValidatorId: input.requestValidatorId,
        requestModels: input.requestModels,
      }),
    };
    await checkValidation(ctx, method);
    checkWrite(ctx, key.apiId, await ctx.store.putMethod(method), () =>
      conflict("Method already exists for this resource"),
    );
    return method;
  });
}

/** A method's request validator and request models must exist on its API. */
export async function checkValidation(ctx: ApiGatewayContext, method: MethodRecord): Promise<void> {
  if (method.requestValidatorId === undefined && method.requestModels === undefined) return;
  const api = await ctx.store.getApi(method.apiId);
  if (method.requestValidatorId !== undefined && !api?.requestValidators?.[method.requestValidatorId]) {
    throw badRequest("Invalid Request Validator identifier specified");
  }
  for (const name of Object.values(method.requestModels ?? {})) {
    if (!api?.models?.[name]) throw badRequest(`Invalid model identifier specified: ${name}`);
  }
}

/** One method with its integration. */
export async function getMethod(
  ctx: ApiGatewayContext,
  apiId: string,
  resourceId: string,
  httpMethod: string,
): Promise<MethodRecord> {
  if (!(await ctx.store.getResource(apiId, resourceId))) throw resourceNotFound();
  const method = await ctx.store.getMethod(apiId, resourceId, httpMethod);
  if (!method) throw methodNotFound();
  return method;
}

/** Deletes a method and its integration. */
export async function deleteMethod(
  ctx: ApiGatewayContext,
  apiId: string,
  resourceId: string,
  httpMethod: string,
): Promise<void> {
  await mutate(ctx, apiId, async () => {
    if (!(await ctx.store.getResource(apiId, resourceId))) throw resourceNotFound();
    if (!(await ctx.store.deleteMethod(apiId, resourceId, httpMethod))) throw methodNotFound();
  });
}

/** Sets (replaces) a method's integration. Lambda proxy: type AWS_PROXY, httpMethod POST, uri of the function. */
export async function putIntegration(
  ctx: ApiGatewayContext,
  key: { apiId: string; resourceId: string; httpMethod: string },
  input: PutIntegrationInput,
): Promise<MethodIntegrationRecord> {
  return mutate(ctx, key.apiId, async () => {
    const method = await getMethod(ctx, key.apiId, key.resourceId, key.httpMethod);
    const integration = checkedIntegration({
      type: input.type,
      timeoutInMillis: input.timeoutInMillis ?? REST_TIMEOUT_MS,
      cacheNamespace: input.cacheNamespace ?? key.resourceId,
      cacheKeyParameters: input.cacheKeyParameters ?? [],
      passthroughBehavior: input.passthroughBehavior ?? "WHEN_NO_MATCH",
      ...optional({
        httpMethod: input.httpMethod,
        uri: input.uri,
        contentHandling: input.contentHandling,
        credentials: input.credentials,
        connectionType: input.connectionType,
        requestParameters: input.requestParameters,
        requestTemplates: input.requestTemplates,
        resilience: input.resilience,
      }),
    });
    const result = await ctx.store.putMethod({ ...method, integration });
    if (result === "missing-parent") throw resourceNotFound();
    return integration;
  });
}

export function checkedIntegration(i: MethodIntegrationRecord): MethodIntegrationRecord {
  checkOneOf(i.type, ["HTTP", "AWS", "MOCK", "HTTP_PROXY", "AWS_PROXY"], "integration type");
  checkTimeout(i.timeoutInMillis, REST_TIMEOUT_MS);
  if (i.type !== "MOCK") {
    if (!i.httpMethod) throw badRequest("Enumeration value for HttpMethod must be non-empty");
    if (!i.uri)
      throw badRequest(
        i.type.startsWith("HTTP") ? "Invalid HTTP endpoint specified for URI" : "Invalid ARN specified in the request",
      );
  }
  if ((i.type === "AWS_PROXY" || i.type === "AWS") && !parseLambdaUri(i.uri ?? "")) {
    // Only Lambda is behind haneul's AWS integrations: another service's URI is refused, not kept unserved.
    throw badRequest("AWS ARN for integration must contain path or action");
  }
  if (i.type.startsWith("HTTP") && !isHttpUri(i.uri ?? "")) throw badRequest("Invalid HTTP endpoint specified for URI");
  checkOneOf(
    i.passthroughBehavior ?? "WHEN_NO_MATCH",
    ["WHEN_NO_MATCH", "WHEN_NO_TEMPLATES", "NEVER"],
    "passthrough behavior",
  );
  if (i.contentHandling !== undefined)
    checkOneOf(i.contentHandling, ["CONVERT_TO_BINARY", "CONVERT_TO_TEXT"], "content handling");
  for (const [target, source] of Object.entries(i.requestParameters ?? {})) checkRequestParameter(target, source);
  return i;
}

const REQUEST_TARGET = /^integration\.request\.(header|querystring|path)\.[^.\s]+$/;
const REQUEST_SOURCE =
  /^(method\.request\.(header|querystring|path)\.[^\s]+|'[^']*'|stageVariables\.[A-Za-z0-9_]+|context\.(requestId|stage))$/;

function checkRequestParameter(target: string, source: string): void {
  if (!REQUEST_TARGET.test(target) || !REQUEST_SOURCE.test(source)) {
    throw badRequest(
      `Invalid mapping expression specified: Validation Result: warnings : [], errors : [Invalid mapping expression specified: ${REQUEST_TARGET.test(target) ? source : target}]`,
    );
  }
}

// A URI with stage variables is checked with them filled in by a stand-in host.
function isHttpUri(uri: string): boolean {
  try {
    const url = new URL(uri.replace(/\$\{stageVariables\.[^}]+\}/g, "stage-variable"));
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

/** A method's integration. */
export async function getIntegration(
  ctx: ApiGatewayContext,
  apiId: string,
  resourceId: string,
  httpMethod: string,
): Promise<MethodIntegrationRecord> {
  const method = await getMethod(ctx, apiId, resourceId, httpMethod);
  if (!method.integration) throw notFound("No integration defined for method");
  return method.integration;
}
