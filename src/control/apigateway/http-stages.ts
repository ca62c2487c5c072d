/** API Gateway v2 stages, authorizers and deployments of HTTP APIs. */
import type { AuthorizerRecord, DeploymentRecord, StageRecord } from "../../ports/api-store.js";
import { compileHttpRoutes } from "../api-compiler.js";
import {
  apiChildOperations,
  AUTHORIZERS,
  DEPLOYMENTS,
  freshChildId,
  httpNotFound,
  newChildId,
  STAGES,
} from "./api-children.js";
import {
  type ApiGatewayContext,
  badRequest,
  checkWrite,
  conflict,
  mutateApi,
  optional,
  requireModel,
  without,
} from "./context.js";
import { checkAccessLogSettings } from "./access-logs.js";
import { parseLambdaUri } from "./lambda-uri.js";
import type { HttpAuthorizerInput, HttpDeploymentInput, HttpStageInput } from "./types.js";
import { checkOneOf, checkStageName } from "./validate.js";

const stageNotFound = httpNotFound("Stage", "stage");
const authorizerNotFound = httpNotFound("Authorizer");
const deploymentNotFound = httpNotFound("Deployment");

/** GetStage, GetStages and DeleteStage. */
export const stages = apiChildOperations("HTTP", STAGES, stageNotFound);
/** GetAuthorizer, GetAuthorizers and DeleteAuthorizer (routes that used a deleted one fail closed: not served). */
export const authorizers = apiChildOperations("HTTP", AUTHORIZERS, authorizerNotFound);
/** GetDeployments (oldest first). */
export const deployments = apiChildOperations("HTTP", DEPLOYMENTS, deploymentNotFound);

async function checkDeployment(ctx: ApiGatewayContext, apiId: string, deploymentId: string | undefined): Promise<void> {
  if (deploymentId !== undefined && !(await ctx.store.getDeployment(apiId, deploymentId))) {
    throw deploymentNotFound(deploymentId);
  }
}

/** Creates a stage (auto-deploy stages serve every change at once). */
export async function createStage(ctx: ApiGatewayContext, apiId: string, input: HttpStageInput): Promise<StageRecord> {
  const stageName = input.stageName ?? "";
  checkStageName(stageName, true);
  return mutateApi(ctx, apiId, "HTTP", async () => {
    await checkDeployment(ctx, apiId, input.deploymentId);
    const accessLogSettings = await checkedSettings(ctx, input);
    const now = ctx.clock.now();
    const stage: StageRecord = {
      apiId,
      stageName,
      autoDeploy: input.autoDeploy ?? false,
      variables: input.stageVariables ?? {},
      tracingEnabled: false,
      tags: input.tags ?? {},
      createdAt: now,
      lastUpdatedAt: now,
      ...optional({
        deploymentId: input.deploymentId,
        description: input.description,
        defaultRouteSettings: input.defaultRouteSettings,
        routeSettings: input.routeSettings,
        accessLogSettings,
      }),
    };
    await checkRouteSettings(ctx, apiId, input.routeSettings);
    checkWrite(ctx, apiId, await ctx.store.insertStage(stage), () => conflict(`Stage already exists: ${stageName}`));
    return stage;
  }).then(() => stages.get(ctx, apiId, stageName));
}

/** Changes a stage. */
export async function updateStage(
  ctx: ApiGatewayContext,
  apiId: string,
  stageName: string,
  input: HttpStageInput,
): Promise<StageRecord> {
  await mutateApi(ctx, apiId, "HTTP", async () => {
    const current = await ctx.store.getStage(apiId, stageName);
    if (!current) throw stageNotFound(stageName);
    await checkDeployment(ctx, apiId, input.deploymentId);
    await checkRouteSettings(ctx, apiId, input.routeSettings);
    const accessLogSettings = await checkedSettings(ctx, input);
    const next: StageRecord = {
      ...current,
      ...optional({
        accessLogSettings,
        autoDeploy: input.autoDeploy,
        deploymentId: input.deploymentId,
        description: input.description,
        variables: input.stageVariables,
        defaultRouteSettings: input.defaultRouteSettings,
        routeSettings: input.routeSettings && { ...current.routeSettings, ...input.routeSettings },
      }),
      lastUpdatedAt: ctx.clock.now(),
    };
    if (!(await ctx.store.updateStage(next))) throw stageNotFound(stageName);
  });
  return stages.get(ctx, apiId, stageName);
}

/** DeleteRouteSettings: the route's own throttling is gone (the stage default applies again). */
export async function deleteRouteSettings(
  ctx: ApiGatewayContext,
  apiId: string,
  key: { readonly stageName: string; readonly routeKey: string },
): Promise<void> {
  await mutateApi(ctx, apiId, "HTTP", async () => {
    const current = await ctx.store.getStage(apiId, key.stageName);
    if (!current) throw stageNotFound(key.stageName);
    if (!current.routeSettings || !(key.routeKey in current.routeSettings)) {
      throw httpNotFound("RouteSettings", "route settings")(key.routeKey);
    }
    const routeSettings = { ...current.routeSettings };
    delete routeSettings[key.routeKey];
    const next: StageRecord = { ...current, routeSettings, lastUpdatedAt: ctx.clock.now() };
    if (!(await ctx.store.updateStage(next))) throw stageNotFound(key.stageName);
  });
}

// AWS refuses settings for a route key the API does not have.
async function checkRouteSettings(
  ctx: ApiGatewayContext,
  apiId: string,
  settings: Readonly<Record<string, unknown>> | undefined,
): Promise<void> {
  if (!settings) return;
  const keys = new Set((await ctx.store.listRoutes(apiId)).map((r) => r.routeKey));
  for (const routeKey of Object.keys(settings)) {
    if (!keys.has(routeKey)) {
      throw badRequest(`Unable to find Route by key ${routeKey} within the provided RouteSettings`);
    }
  }
}

async function checkedSettings(
  ctx: ApiGatewayContext,
  input: HttpStageInput,
): Promise<StageRecord["accessLogSettings"]> {
  const given = input.accessLogSettings;
  if (!given) return undefined;
  const settings = optional({ destinationArn: given.destinationArn, format: given.format });
  await checkAccessLogSettings(ctx, "HTTP", settings);
  return settings;
}

/** DeleteAccessLogSettings: the stage logs no more. */
export async function deleteAccessLogSettings(ctx: ApiGatewayContext, apiId: string, stageName: string): Promise<void> {
  await mutateApi(ctx, apiId, "HTTP", async () => {
    const current = await ctx.store.getStage(apiId, stageName);
    if (!current) throw stageNotFound(stageName);
    const next: StageRecord = { ...without(current, "accessLogSettings"), lastUpdatedAt: ctx.clock.now() };
    if (!(await ctx.store.updateStage(next))) throw stageNotFound(stageName);
  });
}

/** Creates a REQUEST (Lambda) or JWT authorizer. */
export async function createAuthorizer(
  ctx: ApiGatewayContext,
  apiId: string,
  input: HttpAuthorizerInput,
): Promise<AuthorizerRecord> {
  return mutateApi(ctx, apiId, "HTTP", async () => {
    const authorizer = checkedAuthorizer({
      apiId,
      authorizerId: await freshChildId(ctx, AUTHORIZERS, apiId),
      name: input.name,
      authorizerType: input.authorizerType,
      identitySource: input.identitySource ?? [],
      ...optional({
        authorizerUri: input.authorizerUri,
        identityValidationExpression: input.identityValidationExpression,
        resultTtlSeconds: input.authorizerResultTtlInSeconds,
        payloadFormatVersion: input.authorizerPayloadFormatVersion,
        enableSimpleResponses: input.enableSimpleResponses,
        credentialsArn: input.authorizerCredentialsArn,
        jwtConfiguration: input.jwtConfiguration && {
          audience: input.jwtConfiguration.audience ?? [],
          ...optional({ issuer: input.jwtConfiguration.issuer }),
        },
      }),
    });
    checkWrite(ctx, apiId, await ctx.store.putAuthorizer(authorizer), () => conflict("Authorizer id collision"));
    return authorizer;
  });
}

function checkedAuthorizer(a: AuthorizerRecord): AuthorizerRecord {
  if (a.authorizerType === "JWT") {
    if (!a.jwtConfiguration?.issuer)
      throw badRequest("JwtConfiguration with an Issuer is required for JWT authorizers");
    return a.identitySource.length ? a : { ...a, identitySource: ["$request.header.Authorization"] };
  }
  checkOneOf(a.authorizerType, ["REQUEST", "JWT"], "authorizer type");
  if (!a.authorizerUri || !parseLambdaUri(a.authorizerUri)) {
    throw badRequest("AuthorizerUri must be a Lambda function invocation URI for REQUEST authorizers");
  }
  const version = a.payloadFormatVersion;
  if (version !== "1.0" && version !== "2.0") {
    throw badRequest("AuthorizerPayloadFormatVersion is required for REQUEST authorizers and must be 1.0 or 2.0");
  }
  if (a.enableSimpleResponses && version !== "2.0") {
    throw badRequest("EnableSimpleResponses is only supported for authorizer payload format version 2.0");
  }
  const ttl = a.resultTtlSeconds ?? 0;
  if (ttl < 0 || ttl > 3600) throw badRequest("AuthorizerResultTtlInSeconds must be between 0 and 3600");
  if (ttl > 0 && a.identitySource.length === 0)
    throw badRequest("IdentitySource is required when authorizer caching is enabled");
  return a;
}

/** Freezes the current routes into a deployment, and points `stageName` at it when given. */
export async function createDeployment(
  ctx: ApiGatewayContext,
  apiId: string,
  input: HttpDeploymentInput,
): Promise<DeploymentRecord> {
  return mutateApi(ctx, apiId, "HTTP", async () => {
    const stage = input.stageName === undefined ? undefined : await ctx.store.getStage(apiId, input.stageName);
    if (input.stageName !== undefined && !stage) throw stageNotFound(input.stageName);
    if (stage?.autoDeploy)
      throw badRequest(`Stage ${stage.stageName} has autoDeploy enabled; it deploys every change itself.`);
    const model = await requireModel(ctx, apiId, "HTTP");
    const deployment: DeploymentRecord = {
      apiId,
      deploymentId: newChildId(ctx, DEPLOYMENTS, model.deployments),
      createdAt: ctx.clock.now(),
      autoDeployed: false,
      routes: compileHttpRoutes(model),
      ...optional({ description: input.description }),
    };
    checkWrite(ctx, apiId, await ctx.store.insertDeployment(deployment), () => conflict("Deployment id collision"));
    if (stage)
      await ctx.store.updateStage({
        ...stage,
        deploymentId: deployment.deploymentId,
        lastUpdatedAt: deployment.createdAt,
      });
    return deployment;
  });
}
