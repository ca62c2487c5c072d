/** API Gateway v1 deployments and stages of REST APIs (a stage serves its deployment's frozen routes). */
import type { CanaryRecord, DeploymentRecord, StageRecord } from "../../ports/api-store.js";
import { checkAccessLogSettings } from "./access-logs.js";
import { compileRestRoutes } from "../api-compiler.js";
import { apiChildOperations, DEPLOYMENTS, newChildId, STAGES } from "./api-children.js";
import {
  type ApiGatewayContext,
  badRequest,
  checkWrite,
  conflict,
  mutate,
  mutateApi,
  notFound,
  optional,
  requireModel,
} from "./context.js";
import { applyStagePatch } from "./rest-stage-patch.js";
import type { CanaryInput, PatchOperation, RestDeploymentInput, RestStageInput } from "./types.js";
import { checkStageName } from "./validate.js";

function stageNotFound() {
  return notFound("Invalid Stage identifier specified");
}

export function deploymentNotFound() {
  return notFound("Invalid Deployment identifier specified");
}

/** GetStage and DeleteStage. */
export const stages = apiChildOperations("REST", STAGES, stageNotFound);
/** GetDeployment and GetDeployments (oldest first). */
export const deployments = apiChildOperations("REST", DEPLOYMENTS, deploymentNotFound);

function canaryOf(input: CanaryInput, deploymentId: string | undefined): CanaryRecord {
  const percentTraffic = input.percentTraffic ?? 0;
  if (percentTraffic < 0 || percentTraffic > 100)
    throw badRequest("Canary percentTraffic must be between 0.0 and 100.0");
  return {
    percentTraffic,
    stageVariableOverrides: input.stageVariableOverrides ?? {},
    useStageCache: input.useStageCache ?? false,
    ...optional({ deploymentId: input.deploymentId ?? deploymentId }),
  };
}

/**
 * Freezes the current resources and methods into a deployment. With `stageName`, the stage serves it
 * (created when missing); with `canarySettings` too, the stage keeps its deployment and serves the
 * new one as its canary.
 */
export async function createDeployment(
  ctx: ApiGatewayContext,
  apiId: string,
  input: RestDeploymentInput,
): Promise<DeploymentRecord> {
  return mutate(ctx, apiId, async () => {
    const model = await requireModel(ctx, apiId, "REST");
    const stage = input.stageName ? model.stages.find((s) => s.stageName === input.stageName) : undefined;
    if (input.canarySettings) {
      if (!input.stageName) {
        throw badRequest(
          `Invalid deployment content specified.Non null and non empty stageName must be provided for canary deployment. Provided value is ${input.stageName === undefined ? "null" : "empty"}`,
        );
      }
      if (!stage) {
        throw badRequest(
          `Invalid deployment content specified.Stage ${input.stageName} must already be created before making a canary release deployment`,
        );
      }
    }
    if (input.stageName !== undefined && !stage) checkStageName(input.stageName, false);
    if (model.methods.length === 0) throw badRequest("The REST API doesn't contain any methods");
    if (model.methods.some((m) => !m.integration)) throw badRequest("No integration defined for method");
    const now = ctx.clock.now();
    const deployment: DeploymentRecord = {
      apiId,
      deploymentId: newChildId(ctx, DEPLOYMENTS, model.deployments),
      createdAt: now,
      autoDeployed: false,
      routes: compileRestRoutes(model),
      ...optional({ description: input.description, gatewayResponses: model.api.gatewayResponses }),
    };
    checkWrite(ctx, apiId, await ctx.store.insertDeployment(deployment), () => conflict("Deployment id collision"));
    if (input.stageName) await deployToStage(ctx, { stage, stageName: input.stageName, deployment, input });
    return deployment;
  });
}

async function deployToStage(
  ctx: ApiGatewayContext,
  d: { stage: StageRecord | undefined; stageName: string; deployment: DeploymentRecord; input: RestDeploymentInput },
): Promise<void> {
  const { stage, deployment, input } = d;
  const now = deployment.createdAt;
  if (stage && input.canarySettings) {
    const canary = canaryOf({ ...input.canarySettings, deploymentId: deployment.deploymentId }, undefined);
    await ctx.store.updateStage({ ...stage, canary, lastUpdatedAt: now });
    return;
  }
  if (stage) {
    const variables = input.variables ? { ...stage.variables, ...input.variables } : stage.variables;
    await ctx.store.updateStage({ ...stage, deploymentId: deployment.deploymentId, variables, lastUpdatedAt: now });
    return;
  }
  const created: StageRecord = {
    apiId: deployment.apiId,
    stageName: d.stageName,
    deploymentId: deployment.deploymentId,
    autoDeploy: false,
    variables: input.variables ?? {},
    tracingEnabled: input.tracingEnabled ?? false,
    tags: {},
    createdAt: now,
    lastUpdatedAt: now,
    ...optional({ description: input.stageDescription }),
  };
  checkWrite(ctx, deployment.apiId, await ctx.store.insertStage(created), () => conflict("Stage already exists"));
}

/** Deletes a deployment no stage serves. */
export async function deleteDeployment(ctx: ApiGatewayContext, apiId: string, deploymentId: string): Promise<void> {
  await mutate(ctx, apiId, async () => {
    const model = await requireModel(ctx, apiId, "REST");
    if (model.stages.some((s) => s.deploymentId === deploymentId || s.canary?.deploymentId === deploymentId)) {
      throw badRequest("Active stages pointing to this deployment must be moved or deleted");
    }
    if (!(await ctx.store.deleteDeployment(apiId, deploymentId))) throw deploymentNotFound();
  });
}

async function checkDeployments(
  ctx: ApiGatewayContext,
  apiId: string,
  ids: readonly (string | undefined)[],
): Promise<void> {
  for (const id of ids) if (id !== undefined && !(await ctx.store.getDeployment(apiId, id))) throw deploymentNotFound();
}

/** Creates a stage serving `deploymentId` (and a canary deployment, with `canarySettings`). */
export async function createStage(ctx: ApiGatewayContext, apiId: string, input: RestStageInput): Promise<StageRecord> {
  checkStageName(input.stageName, false);
  return mutateApi(ctx, apiId, "REST", async () => {
    const canary = input.canarySettings && canaryOf(input.canarySettings, input.deploymentId);
    await checkDeployments(ctx, apiId, [input.deploymentId, canary?.deploymentId]);
    const now = ctx.clock.now();
    const stage: StageRecord = {
      apiId,
      stageName: input.stageName,
      deploymentId: input.deploymentId,
      autoDeploy: false,
      variables: input.variables ?? {},
      tracingEnabled: input.tracingEnabled ?? false,
      tags: input.tags ?? {},
      createdAt: now,
      lastUpdatedAt: now,
      ...optional({ description: input.description, canary }),
    };
    checkWrite(ctx, apiId, await ctx.store.insertStage(stage), () => conflict("Stage already exists"));
    return stage;
  });
}

/** A REST API's stages, optionally only those serving `deploymentId`. */
export async function getStages(ctx: ApiGatewayContext, apiId: string, deploymentId?: string): Promise<StageRecord[]> {
  const all = await stages.list(ctx, apiId);
  return deploymentId === undefined ? all : all.filter((s) => s.deploymentId === deploymentId);
}

/** Applies patch operations to a stage: variables, deployment, canary settings and canary promotion. */
export async function updateStage(
  ctx: ApiGatewayContext,
  apiId: string,
  stageName: string,
  ops: readonly PatchOperation[],
): Promise<StageRecord> {
  return mutate(ctx, apiId, async () => {
    const current = await stages.get(ctx, apiId, stageName);
    const patched = applyStagePatch(current, ops);
    await checkDeployments(ctx, apiId, patched.deploymentIds);
    const logs = patched.stage.accessLogSettings;
    if (logs && JSON.stringify(logs) !== JSON.stringify(current.accessLogSettings)) {
      await checkAccessLogSettings(ctx, "REST", logs);
    }
    const next = { ...patched.stage, lastUpdatedAt: ctx.clock.now() };
    if (!(await ctx.store.updateStage(next))) throw stageNotFound();
    return next;
  });
}

/**
 * FlushStageAuthorizersCache: authorizer results are cached by the gateway's compiled authorizers.
 * The stage records when it was flushed; that changes the published API, which every node's
 * gateway then compiles afresh (an unchanged API keeps its compiled authorizers and their caches).
 */
export async function flushStageAuthorizersCache(
  ctx: ApiGatewayContext,
  apiId: string,
  stageName: string,
): Promise<void> {
  await mutate(ctx, apiId, async () => {
    const current = await stages.get(ctx, apiId, stageName);
    const next = { ...current, authorizersFlushedAt: ctx.clock.now() };
    if (!(await ctx.store.updateStage(next))) throw stageNotFound();
  });
}

/** FlushStageCache: haneul's stages have no cache cluster (cacheClusterEnabled is false), so there is none to flush. */
export async function flushStageCache(ctx: ApiGatewayContext, apiId: string, stageName: string): Promise<void> {
  await stages.get(ctx, apiId, stageName);
  throw badRequest(`Cache cluster is not enabled for stage: ${stageName}`);
}
