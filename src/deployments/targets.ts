/**
 * The target abstraction of the deployment driver: what "send `weight` percent of the traffic to
 * the new side" means for each kind of target. A Lambda deployment shifts its alias's weights
 * (CodeDeploy); a stage canary deployment (a haneul extension) sets a REST stage's canary percent,
 * promotes the canary at 100 % and removes it to roll back.
 */
import { isStageCanary, type DeploymentTarget, type StageCanaryTarget } from "../ports/deployment-store.js";
import type { DriverEffects } from "./driver.js";

/** Sends `weight` percent (0-100) of the target's traffic to its new side: 0 is all on the old one. */
export async function shiftTraffic(t: DeploymentTarget, weight: number, fx: DriverEffects): Promise<void> {
  if (isStageCanary(t)) {
    if (!fx.routeStageCanary) throw new Error(`${targetName(t)}: this engine has no API Gateway to step a canary on`);
    return fx.routeStageCanary(t, weight);
  }
  if (weight >= 100) return fx.routeAlias(t, t.targetVersion);
  if (weight <= 0) return fx.routeAlias(t, t.currentVersion);
  return fx.routeAlias(t, t.currentVersion, { version: t.targetVersion, weight });
}

/** What the target is, in words: `fn:live` or `REST API abc stage prod`. */
export function targetName(t: DeploymentTarget): string {
  return isStageCanary(t) ? `REST API ${t.restApiId} stage ${t.stageName}` : `${t.functionName}:${t.alias}`;
}

/** The old and the new side, in words: `version 1 → 2` or `deployment abc → def`. */
export function targetSides(t: DeploymentTarget): { readonly old: string; readonly new: string } {
  return isStageCanary(t)
    ? { old: `deployment ${t.currentDeploymentId}`, new: `deployment ${t.targetDeploymentId}` }
    : { old: `version ${t.currentVersion}`, new: `version ${t.targetVersion}` };
}

/** The rollback message of a stage canary: no rollback deployment, the canary is simply gone. */
export function stageRollbackMessage(t: StageCanaryTarget): string {
  return `The canary of ${targetName(t)} was removed: all traffic is on deployment ${t.currentDeploymentId} again.`;
}
