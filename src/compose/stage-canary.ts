/**
 * A stage canary deployment's effect on its REST stage, through the stage's own UpdateStage patch
 * operations (so that the change is stored, republished and announced to the cluster as any
 * UpdateStage): a percent between 0 and 100 points the canary at the new deployment with that
 * share; 100 promotes it as AWS documents (the canary's deployment and variable overrides become
 * the stage's, the canary is removed); 0 removes the canary (rollback). Each is idempotent.
 */
import type { ApiService } from "../control/index.js";
import type { StageRecord } from "../ports/api-store.js";
import type { StageCanaryTarget } from "../ports/deployment-store.js";

/** UpdateStage's patch operation (v1 PatchOperation). */
type PatchOperation = { op: string; path: string; value?: string; from?: string };

function opsFor(stage: StageRecord, t: StageCanaryTarget, percent: number): PatchOperation[] {
  const canary = stage.canary;
  const ours = canary?.deploymentId === t.targetDeploymentId;
  if (percent <= 0) return canary ? [{ op: "remove", path: "/canarySettings" }] : [];
  if (percent >= 100) {
    if (!canary) return [{ op: "replace", path: "/deploymentId", value: t.targetDeploymentId }];
    return [
      ...(ours
        ? [
            { op: "copy", from: "/canarySettings/deploymentId", path: "/deploymentId" },
            { op: "copy", from: "/canarySettings/stageVariableOverrides", path: "/variables" },
          ]
        : [{ op: "replace", path: "/deploymentId", value: t.targetDeploymentId }]),
      { op: "remove", path: "/canarySettings" },
    ];
  }
  return [
    { op: "replace", path: "/canarySettings/deploymentId", value: t.targetDeploymentId },
    { op: "replace", path: "/canarySettings/percentTraffic", value: String(percent) },
  ];
}

/** Sets the stage's canary to `percent` of its traffic on the new deployment (0 removes, 100 promotes). */
export async function routeStageCanary(apis: ApiService, t: StageCanaryTarget, percent: number): Promise<void> {
  const stage = await apis.rest.getStage(t.restApiId, t.stageName);
  const ops = opsFor(stage, t, percent);
  if (ops.length > 0) await apis.rest.updateStage(t.restApiId, t.stageName, ops);
}
