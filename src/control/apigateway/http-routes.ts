/** API Gateway v2 routes and integrations of HTTP APIs. */
import type { IntegrationRecord, RouteRecord } from "../../ports/api-store.js";
import { HTTP_TIMEOUT_MS } from "../api-compiler.js";
import { apiChildOperations, freshChildId, httpNotFound, INTEGRATIONS, ROUTES } from "./api-children.js";
import { type ApiGatewayContext, badRequest, checkWrite, conflict, mutateApi, optional, without } from "./context.js";
import { checkMapping, createdMapping, updatedMapping } from "./http-mapping.js";
import { parseLambdaUri } from "./lambda-uri.js";
import type { IntegrationInput, RouteInput } from "./types.js";
import { checkOneOf, checkRouteKey, checkTimeout } from "./validate.js";

const AUTHORIZATION_TYPES = ["NONE", "JWT", "CUSTOM", "AWS_IAM"] as const;

const routeNotFound = httpNotFound("Route");
const integrationNotFound = httpNotFound("Integration");

/** GetRoute, GetRoutes and DeleteRoute. */
export const routes = apiChildOperations("HTTP", ROUTES, routeNotFound);
/** GetIntegration, GetIntegrations and DeleteIntegration (routes that targeted a deleted one are not served). */
export const integrations = apiChildOperations("HTTP", INTEGRATIONS, integrationNotFound);

function routeKeyTaken(routeKey: string) {
  return conflict(`Unable to create route ${routeKey}. A route with that key already exists for this API.`);
}

/** Creates a route. */
export async function createRoute(ctx: ApiGatewayContext, apiId: string, input: RouteInput): Promise<RouteRecord> {
  return mutateApi(ctx, apiId, "HTTP", async () => {
    const route = await checkedRoute(ctx, apiId, {
      apiId,
      routeId: await freshChildId(ctx, ROUTES, apiId),
      routeKey: input.routeKey ?? "",
      authorizationType: "NONE",
      apiKeyRequired: false,
      ...withoutRouteKey(input),
    });
    checkWrite(ctx, apiId, await ctx.store.insertRoute(route), () => routeKeyTaken(route.routeKey));
    return route;
  });
}

/** Changes a route. */
export async function updateRoute(
  ctx: ApiGatewayContext,
  apiId: string,
  routeId: string,
  input: RouteInput,
): Promise<RouteRecord> {
  return mutateApi(ctx, apiId, "HTTP", async () => {
    const current = await ctx.store.getRoute(apiId, routeId);
    if (!current) throw routeNotFound(routeId);
    const route = await checkedRoute(ctx, apiId, {
      ...current,
      ...optional({ routeKey: input.routeKey }),
      ...withoutRouteKey(input),
    });
    const result = await ctx.store.updateRoute(route);
    if (result === "missing-parent") throw routeNotFound(routeId);
    checkWrite(ctx, apiId, result, () => routeKeyTaken(route.routeKey));
    return route;
  });
}

function withoutRouteKey(input: RouteInput): Partial<RouteRecord> {
  return optional({
    target: input.target,
    authorizationType: input.authorizationType as RouteRecord["authorizationType"] | undefined,
    authorizerId: input.authorizerId,
    authorizationScopes: input.authorizationScopes,
    apiKeyRequired: input.apiKeyRequired,
    operationName: input.operationName,
  });
}

async function checkedRoute(ctx: ApiGatewayContext, apiId: string, route: RouteRecord): Promise<RouteRecord> {
  checkRouteKey(route.routeKey);
  checkOneOf(route.authorizationType, AUTHORIZATION_TYPES, "authorization type");
  if (route.target !== undefined) {
    const id = route.target.startsWith("integrations/") ? route.target.slice("integrations/".length) : undefined;
    if (id === undefined || !(await ctx.store.getIntegration(apiId, id))) {
      throw badRequest(`Invalid target specified: ${route.target}. Must be integrations/<integrationId> of this API.`);
    }
  }
  if (route.authorizationType === "JWT" || route.authorizationType === "CUSTOM") {
    const wanted = route.authorizationType === "JWT" ? "JWT" : "REQUEST";
    const authorizer = route.authorizerId ? await ctx.store.getAuthorizer(apiId, route.authorizerId) : undefined;
    if (authorizer?.authorizerType !== wanted) {
      throw badRequest(
        `Invalid authorizer ID specified. Authorization type ${route.authorizationType} requires a ${wanted} authorizer.`,
      );
    }
    return route;
  }
  // Only JWT and CUSTOM routes name an authorizer; scopes belong to JWT routes.
  return without(route, "authorizerId", "authorizationScopes");
}

/** Creates an integration (AWS_PROXY to a Lambda function is what the gateway serves). */
export async function createIntegration(
  ctx: ApiGatewayContext,
  apiId: string,
  input: IntegrationInput,
): Promise<IntegrationRecord> {
  return mutateApi(ctx, apiId, "HTTP", async () => {
    const integration = checkedIntegration({
      apiId,
      integrationId: await freshChildId(ctx, INTEGRATIONS, apiId),
      integrationType: input.integrationType ?? "",
      timeoutInMillis: HTTP_TIMEOUT_MS,
      connectionType: "INTERNET",
      ...integrationFields(input),
      ...createdMapping(input),
    });
    checkWrite(ctx, apiId, await ctx.store.putIntegration(integration), () => conflict("Integration id collision"));
    return integration;
  });
}

/** Changes an integration. */
export async function updateIntegration(
  ctx: ApiGatewayContext,
  apiId: string,
  integrationId: string,
  input: IntegrationInput,
): Promise<IntegrationRecord> {
  return mutateApi(ctx, apiId, "HTTP", async () => {
    const current = await ctx.store.getIntegration(apiId, integrationId);
    if (!current) throw integrationNotFound(integrationId);
    const next = checkedIntegration({
      ...without(current, "requestParameters", "responseParameters"),
      ...integrationFields(input),
      ...optional({ integrationType: input.integrationType }),
      ...updatedMapping(current, input),
    });
    checkWrite(ctx, apiId, await ctx.store.putIntegration(next), () => conflict("Integration conflict"));
    return next;
  });
}

function integrationFields(input: IntegrationInput): Partial<IntegrationRecord> {
  return optional({
    integrationUri: input.integrationUri,
    integrationMethod: input.integrationMethod,
    payloadFormatVersion: input.payloadFormatVersion,
    timeoutInMillis: input.timeoutInMillis,
    connectionType: input.connectionType,
    description: input.description,
    resilience: input.resilience,
  });
}

function checkedIntegration(i: IntegrationRecord): IntegrationRecord {
  // HTTP APIs have only proxy integrations (AWS's other types are REST's).
  checkOneOf(i.integrationType, ["AWS_PROXY", "HTTP_PROXY"], "integration type");
  checkTimeout(i.timeoutInMillis, HTTP_TIMEOUT_MS);
  checkMapping(i);
  if (i.integrationType === "HTTP_PROXY") return checkedHttpProxy(i);
  if (!i.integrationUri || !parseLambdaUri(i.integrationUri)) {
    throw badRequest("Invalid integration URI specified. An AWS_PROXY integration requires a Lambda function ARN.");
  }
  const version = i.payloadFormatVersion ?? "2.0";
  if (version !== "1.0" && version !== "2.0")
    throw badRequest("Invalid payload format version specified. Must be 1.0 or 2.0");
  return { ...i, payloadFormatVersion: version, integrationMethod: i.integrationMethod ?? "POST" };
}

function checkedHttpProxy(i: IntegrationRecord): IntegrationRecord {
  let url: URL | undefined;
  try {
    url = new URL((i.integrationUri ?? "").replace(/\$\{stageVariables\.[^}]+\}/g, "stage-variable"));
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw badRequest("Invalid integration URI specified. An HTTP_PROXY integration requires an http(s) URL.");
  }
  if (!i.integrationMethod) throw badRequest("Invalid integration method specified. HTTP_PROXY requires one.");
  const version = i.payloadFormatVersion ?? "1.0";
  if (version !== "1.0") throw badRequest("Invalid payload format version specified. HTTP_PROXY supports 1.0");
  return { ...i, payloadFormatVersion: version };
}
