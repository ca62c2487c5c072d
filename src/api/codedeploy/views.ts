/** CodeDeploy's response shapes (the client models' ApplicationInfo, DeploymentInfo, DeploymentTarget…). */
import { trafficRoutingView, verdictLine } from "../../deployments/index.js";
import {
  isStageCanary,
  type ApplicationRecord,
  type DeploymentConfigRecord,
  type DeploymentGroupRecord,
  type DeploymentRecord,
  type LifecycleEvent,
} from "../../ports/deployment-store.js";
import { seconds } from "./wire.js";

const opt = <K extends string, V>(key: K, v: V | undefined): Partial<Record<K, V>> =>
  v === undefined ? {} : ({ [key]: v } as Record<K, V>);

/** ApplicationInfo. */
export function applicationView(a: ApplicationRecord): object {
  return {
    applicationId: a.id,
    applicationName: a.name,
    createTime: seconds(a.createdAt),
    linkedToGitHub: false,
    computePlatform: a.computePlatform,
  };
}

function alarmsView(c: DeploymentGroupRecord["alarmConfiguration"]): object {
  return {
    enabled: c.enabled,
    ignorePollAlarmFailure: c.ignorePollAlarmFailure,
    alarms: c.alarms.map((name) => ({ name })),
  };
}

/** DeploymentGroupInfo. */
export function groupView(
  g: DeploymentGroupRecord,
  last: { attempted?: DeploymentRecord; succeeded?: DeploymentRecord },
): object {
  const summary = (d: DeploymentRecord | undefined) =>
    d && {
      deploymentId: d.id,
      status: d.status,
      endTime: d.completedAt === undefined ? undefined : seconds(d.completedAt),
      createTime: seconds(d.createdAt),
    };
  return {
    applicationName: g.applicationName,
    deploymentGroupId: g.id,
    deploymentGroupName: g.name,
    deploymentConfigName: g.deploymentConfigName,
    ec2TagFilters: [],
    onPremisesInstanceTagFilters: [],
    autoScalingGroups: [],
    serviceRoleArn: g.serviceRoleArn,
    triggerConfigurations: g.triggerConfigurations ?? [],
    alarmConfiguration: alarmsView(g.alarmConfiguration),
    autoRollbackConfiguration: g.autoRollbackConfiguration,
    deploymentStyle: g.deploymentStyle,
    outdatedInstancesStrategy: "UPDATE",
    ...opt("lastSuccessfulDeployment", summary(last.succeeded)),
    ...opt("lastAttemptedDeployment", summary(last.attempted)),
    computePlatform: "Lambda",
    terminationHookEnabled: false,
  };
}

/** DeploymentConfigInfo. */
export function configView(c: DeploymentConfigRecord): object {
  return {
    deploymentConfigId: c.id,
    deploymentConfigName: c.name,
    ...opt("createTime", c.createdAt > 0 ? seconds(c.createdAt) : undefined),
    computePlatform: c.computePlatform,
    trafficRoutingConfig: trafficRoutingView(c.trafficRouting),
  };
}

/** The deployment's one target's status (InstanceStatus/TargetStatus). */
function targetStatus(d: DeploymentRecord): string {
  if (d.status === "Created" || d.status === "Queued") return "Pending";
  if (d.status === "Stopped") return "Failed";
  return d.status === "Baking" || d.status === "Ready" ? "InProgress" : d.status;
}

/** haneul's own news of the deployment: the canary judge's verdicts and the synthetic invocations made. */
function statusMessages(d: DeploymentRecord): string[] {
  const out = (d.judgeVerdicts ?? []).map(verdictLine);
  const s = d.synthetic;
  if (!s || s.invocations === 0) return out;
  if (isStageCanary(d.target))
    out.push(
      `synthetic requests in the ${d.weight}% step: ${s.invocations} to deployment ${d.target.targetDeploymentId}, ${s.errors} answered 5XX, ${s.clientErrors ?? 0} 4XX`,
    );
  else
    out.push(
      `synthetic invocations in the ${d.weight}% step: ${s.invocations} of version ${d.target.targetVersion}, ${s.errors} failed`,
    );
  return out;
}

/** DeploymentInfo. */
export function deploymentView(d: DeploymentRecord): object {
  const status = targetStatus(d);
  const overview = { Pending: 0, InProgress: 0, Succeeded: 0, Failed: 0, Skipped: 0, Ready: 0 };
  overview[status as keyof typeof overview] = 1;
  return {
    applicationName: d.applicationName,
    deploymentGroupName: d.groupName,
    deploymentConfigName: d.configName,
    deploymentId: d.id,
    revision: {
      revisionType: "AppSpecContent",
      appSpecContent: { content: d.appSpec.content, ...opt("sha256", d.appSpec.sha256) },
    },
    status: d.status,
    ...opt("errorInformation", d.errorInformation),
    createTime: seconds(d.createdAt),
    ...opt("startTime", d.startedAt === undefined ? undefined : seconds(d.startedAt)),
    ...opt("completeTime", d.completedAt === undefined ? undefined : seconds(d.completedAt)),
    deploymentOverview: overview,
    ...opt("description", d.description),
    creator: d.creator,
    ignoreApplicationStopFailures: false,
    autoRollbackConfiguration: d.autoRollbackConfiguration,
    updateOutdatedInstancesOnly: false,
    ...opt("rollbackInfo", d.rollbackInfo),
    deploymentStyle: { deploymentType: "BLUE_GREEN", deploymentOption: "WITH_TRAFFIC_CONTROL" },
    instanceTerminationWaitTimeStarted: false,
    deploymentStatusMessages: statusMessages(d),
    computePlatform: "Lambda",
    overrideAlarmConfiguration: alarmsView(d.alarmConfiguration),
  };
}

/** A lifecycle event's diagnostics code, as the LifecycleErrorCode enum names them. */
function lifecycleErrorCode(code: string): string {
  if (code === "HOOK_EXECUTION_FAILURE") return "ScriptFailed";
  if (code === "TIMEOUT") return "ScriptTimedOut";
  return "UnknownError";
}

function eventView(e: LifecycleEvent): object {
  return {
    lifecycleEventName: e.name,
    ...opt("startTime", e.startTime === undefined ? undefined : seconds(e.startTime)),
    ...opt("endTime", e.endTime === undefined ? undefined : seconds(e.endTime)),
    status: e.status,
    ...opt(
      "diagnostics",
      e.diagnostics && {
        errorCode: lifecycleErrorCode(e.diagnostics.errorCode),
        scriptName: e.hookFunction ?? "",
        message: e.diagnostics.message,
        logTail: "",
      },
    ),
  };
}

/** The id of a deployment's one target: the function and its alias, or the REST API and its stage. */
export const targetIdOf = (d: DeploymentRecord): string =>
  isStageCanary(d.target)
    ? `${d.target.restApiId}/${d.target.stageName}`
    : `${d.target.functionName}:${d.target.alias}`;

/**
 * DeploymentTarget: a LambdaTarget, or for a stage canary (a haneul extension) a CloudFormationTarget
 * of resource type AWS::ApiGateway::Stage, the generic target shape the clients read.
 */
export function targetView(d: DeploymentRecord, targetArn: string): object {
  const common = {
    deploymentId: d.id,
    targetId: targetIdOf(d),
    status: targetStatus(d),
    lastUpdatedAt: seconds(d.updatedAt),
    lifecycleEvents: d.lifecycleEvents.map(eventView),
  };
  const t = d.target;
  if (isStageCanary(t))
    return {
      deploymentTargetType: "CloudFormationTarget",
      cloudFormationTarget: { ...common, resourceType: "AWS::ApiGateway::Stage", targetVersionWeight: d.weight / 100 },
    };
  return {
    deploymentTargetType: "LambdaTarget",
    lambdaTarget: {
      ...common,
      targetArn,
      lambdaFunctionInfo: {
        functionName: t.functionName,
        functionAlias: t.alias,
        currentVersion: t.currentVersion,
        targetVersion: t.targetVersion,
        targetVersionWeight: d.weight / 100,
      },
    },
  };
}
