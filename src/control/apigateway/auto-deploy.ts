import { isDeepStrictEqual } from "node:util";
import type { ApiModel, DeploymentRecord, StageRecord } from "../../ports/api-store.js";
import { compileHttpRoutes } from "../api-compiler.js";
import { type ApiGatewayContext, freshId } from "./context.js";

/**
 * What AWS does for HTTP API stages with autoDeploy: when the API's routes changed, a new deployment
 * is made and every auto-deploy stage points at it. Returns the model with those writes applied.
 */
export async function autoDeploy(ctx: ApiGatewayContext, model: ApiModel): Promise<ApiModel> {
  const auto = model.stages.filter((s) => s.autoDeploy);
  if (auto.length === 0) return model;
  const live = compileHttpRoutes(model);
  const byId = new Map(model.deployments.map((d) => [d.deploymentId, d]));
  const stale = auto.filter((s) => {
    const current = s.deploymentId === undefined ? undefined : byId.get(s.deploymentId);
    return !current || !isDeepStrictEqual(current.routes, live);
  });
  if (stale.length === 0) return model;
  const now = ctx.clock.now();
  const deployment: DeploymentRecord = {
    apiId: model.api.apiId,
    deploymentId: freshId(ctx, 6, byId.keys()),
    description: "Automatic deployment triggered by changes to the Api configuration",
    createdAt: now,
    autoDeployed: true,
    routes: live,
  };
  if ((await ctx.store.insertDeployment(deployment)) !== "ok") return model;
  const updated = new Map<string, StageRecord>();
  for (const stage of stale) {
    const next: StageRecord = {
      ...stage,
      deploymentId: deployment.deploymentId,
      lastDeploymentStatusMessage: `Successfully deployed stage with deployment ID '${deployment.deploymentId}'`,
      lastUpdatedAt: now,
    };
    if (await ctx.store.updateStage(next)) updated.set(stage.stageName, next);
  }
  return {
    ...model,
    deployments: [...model.deployments, deployment],
    stages: model.stages.map((s) => updated.get(s.stageName) ?? s),
  };
}
