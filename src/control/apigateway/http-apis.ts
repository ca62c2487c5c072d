/** API Gateway v2 HTTP APIs: CreateApi (with quick create), GetApi(s), UpdateApi, DeleteApi. */
import type { ApiRecord, CorsRecord, IntegrationRecord, RouteRecord, StageRecord } from "../../ports/api-store.js";
import { HTTP_TIMEOUT_MS } from "../api-compiler.js";
import {
  type ApiGatewayContext,
  badRequest,
  checkWrite,
  conflict,
  mutate,
  mutateApi,
  newId,
  optional,
  requireApi,
} from "./context.js";
import { parseLambdaUri } from "./lambda-uri.js";
import type { CorsInput, CreateApiInput, UpdateApiInput } from "./types.js";
import { checkRouteKey, pageOf } from "./validate.js";

const ROUTE_SELECTION = "$request.method $request.path";

/** Creates an HTTP API; with `target`, also its integration, route and auto-deployed `$default` stage. */
export async function createApi(ctx: ApiGatewayContext, input: CreateApiInput): Promise<ApiRecord> {
  if (input.protocolType === "WEBSOCKET") throw badRequest("WEBSOCKET APIs are not supported by haneul; use HTTP.");
  if (input.protocolType !== "HTTP") throw badRequest("Invalid protocol specified. Must be one of [HTTP, WEBSOCKET]");
  if (input.routeKey !== undefined && input.target === undefined) {
    throw badRequest("RouteKey can only be specified together with Target (quick create).");
  }
  if (input.routeKey !== undefined) checkRouteKey(input.routeKey);
  if (input.target !== undefined) quickCreateType(input.target);
  const apiId = newId(ctx, 10);
  const now = ctx.clock.now();
  const api: ApiRecord = {
    apiId,
    protocol: "HTTP",
    name: input.name,
    createdAt: now,
    binaryMediaTypes: [],
    disableExecuteApiEndpoint: input.disableExecuteApiEndpoint ?? false,
    tags: input.tags ?? {},
    routeSelectionExpression: input.routeSelectionExpression ?? ROUTE_SELECTION,
    apiKeySelectionExpression: input.apiKeySelectionExpression ?? "$request.header.x-api-key",
    ...optional({ description: input.description, version: input.version, cors: toCors(input.corsConfiguration) }),
  };
  return mutate(ctx, apiId, async () => {
    if (!(await ctx.store.insertApi(api))) throw conflict("API id collision; retry the request.");
    if (input.target !== undefined) await quickCreate(ctx, api, { target: input.target, routeKey: input.routeKey });
    return api;
  });
}

/** The integration type quick create makes for `target`: a Lambda function or an HTTP URL. */
function quickCreateType(target: string): "AWS_PROXY" | "HTTP_PROXY" {
  if (parseLambdaUri(target) && target.startsWith("arn:")) return "AWS_PROXY";
  if (/^https?:\/\//.test(target)) return "HTTP_PROXY";
  throw badRequest(`Invalid target specified: ${target}. A Lambda function ARN or an HTTP URL is required.`);
}

async function quickCreate(
  ctx: ApiGatewayContext,
  api: ApiRecord,
  q: { target: string; routeKey?: string | undefined },
): Promise<void> {
  const type = quickCreateType(q.target);
  const integration: IntegrationRecord = {
    apiId: api.apiId,
    integrationId: newId(ctx, 7),
    integrationType: type,
    integrationUri: q.target,
    integrationMethod: type === "AWS_PROXY" ? "POST" : "ANY",
    payloadFormatVersion: type === "AWS_PROXY" ? "2.0" : "1.0",
    timeoutInMillis: HTTP_TIMEOUT_MS,
    connectionType: "INTERNET",
    apiGatewayManaged: true,
  };
  const route: RouteRecord = {
    apiId: api.apiId,
    routeId: newId(ctx, 7),
    routeKey: q.routeKey ?? "$default",
    target: `integrations/${integration.integrationId}`,
    authorizationType: "NONE",
    apiKeyRequired: false,
    apiGatewayManaged: true,
  };
  const now = ctx.clock.now();
  const stage: StageRecord = {
    apiId: api.apiId,
    stageName: "$default",
    autoDeploy: true,
    variables: {},
    tracingEnabled: false,
    tags: {},
    apiGatewayManaged: true,
    createdAt: now,
    lastUpdatedAt: now,
  };
  checkWrite(ctx, api.apiId, await ctx.store.putIntegration(integration), () => conflict("Integration id collision"));
  checkWrite(ctx, api.apiId, await ctx.store.insertRoute(route), () => conflict("Route id collision"));
  checkWrite(ctx, api.apiId, await ctx.store.insertStage(stage), () => conflict("Stage already exists"));
}

/** One HTTP API. */
export function getApi(ctx: ApiGatewayContext, apiId: string): Promise<ApiRecord> {
  return requireApi(ctx, apiId, "HTTP");
}

/** A page of HTTP APIs. */
export async function getApis(
  ctx: ApiGatewayContext,
  page: { maxResults?: number | undefined; nextToken?: string | undefined },
) {
  const all = await ctx.store.listApis("HTTP");
  return pageOf(all, page.nextToken, page.maxResults ?? 100);
}

/** Changes an HTTP API's own fields (name, description, CORS, endpoint switch…). */
export async function updateApi(ctx: ApiGatewayContext, apiId: string, input: UpdateApiInput): Promise<ApiRecord> {
  return mutateApi(ctx, apiId, "HTTP", async (current) => {
    const next: ApiRecord = {
      ...current,
      ...optional({
        name: input.name,
        description: input.description,
        version: input.version,
        cors: toCors(input.corsConfiguration),
        disableExecuteApiEndpoint: input.disableExecuteApiEndpoint,
        routeSelectionExpression: input.routeSelectionExpression,
        apiKeySelectionExpression: input.apiKeySelectionExpression,
      }),
    };
    await ctx.store.updateApi(next);
    return next;
  });
}

/** Deletes an HTTP API with everything in it. */
export async function deleteApi(ctx: ApiGatewayContext, apiId: string): Promise<void> {
  await mutateApi(ctx, apiId, "HTTP", async () => {
    await ctx.store.deleteApi(apiId);
  });
}

function toCors(c: CorsInput | undefined): CorsRecord | undefined {
  if (!c) return undefined;
  return optional({
    allowOrigins: c.allowOrigins,
    allowMethods: c.allowMethods,
    allowHeaders: c.allowHeaders,
    exposeHeaders: c.exposeHeaders,
    maxAge: c.maxAge,
    allowCredentials: c.allowCredentials,
  });
}
