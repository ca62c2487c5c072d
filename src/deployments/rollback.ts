/**
 * The rollback deployment: as on CodeDeploy, returning a failed or stopped Lambda deployment's
 * traffic to the old version is a deployment of its own (creator `codeDeployRollback`), pointing
 * back at the one it undid (`rollbackTriggeringDeploymentId`) while that one names it
 * (`rollbackDeploymentId`). Its id is derived from the undone deployment's, so that writing it
 * again after a lost race or a restart finds the same one.
 */
import type { DeploymentRecord, LambdaTarget } from "../ports/deployment-store.js";

const ID_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** The id of the deployment that rolls `id` back (d- and nine letters or digits). */
export function rollbackIdOf(id: string): string {
  let h = 0xcbf29ce484222325n;
  for (const c of `${id}/rollback`) h = BigInt.asUintN(64, (h ^ BigInt(c.charCodeAt(0))) * 0x100000001b3n);
  let out = "";
  for (let i = 0; i < 9; i++, h /= 36n) out += ID_CHARS[Number(h % 36n)] ?? "0";
  return `d-${out}`;
}

/** The rollback deployment of `d`, done at `now`: the alias already points at the old version again. */
export function rollbackDeployment(d: DeploymentRecord & { target: LambdaTarget }, now: number): DeploymentRecord {
  const t = d.target;
  const target = { ...t, currentVersion: t.targetVersion, targetVersion: t.currentVersion };
  const properties = {
    Name: t.functionName,
    Alias: t.alias,
    CurrentVersion: t.targetVersion,
    TargetVersion: t.currentVersion,
  };
  const content = JSON.stringify({
    version: 0.0,
    Resources: [{ [t.resourceName]: { Type: "AWS::Lambda::Function", Properties: properties } }],
  });
  return {
    id: rollbackIdOf(d.id),
    applicationName: d.applicationName,
    groupName: d.groupName,
    configName: "CodeDeployDefault.LambdaAllAtOnce",
    routing: { type: "AllAtOnce" },
    target,
    appSpec: { content },
    description: `Rollback of deployment ${d.id}`,
    creator: "codeDeployRollback",
    alarmConfiguration: { enabled: false, ignorePollAlarmFailure: false, alarms: [] },
    autoRollbackConfiguration: { enabled: false, events: [] },
    status: "Succeeded",
    weight: 100,
    // Hooks test a new version; a rollback returns to the one that served before, so none runs.
    lifecycleEvents: [
      { name: "BeforeAllowTraffic", status: "Skipped" },
      { name: "AllowTraffic", status: "Succeeded", startTime: now, endTime: now },
      { name: "AfterAllowTraffic", status: "Skipped" },
    ],
    rollbackInfo: {
      rollbackTriggeringDeploymentId: d.id,
      rollbackMessage: `Rollback of deployment ${d.id}: traffic returned to version ${t.currentVersion} of ${t.functionName}:${t.alias}.`,
    },
    createdAt: now,
    startedAt: now,
    completedAt: now,
    updatedAt: now,
    revision: 0,
  };
}
