/**
 * The deployment store: CodeDeploy's applications, deployment groups, custom deployment configs,
 * and deployments, each a persisted state machine that a node restart resumes where it stood.
 */

/** How traffic moves to the new version (a deployment config's trafficRoutingConfig). */
export type TrafficRouting =
  | { readonly type: "AllAtOnce" }
  | { readonly type: "TimeBasedCanary"; readonly percentage: number; readonly intervalMinutes: number }
  | { readonly type: "TimeBasedLinear"; readonly percentage: number; readonly intervalMinutes: number };

/** A CodeDeploy application. */
export interface ApplicationRecord {
  readonly name: string;
  readonly id: string;
  readonly computePlatform: string;
  readonly createdAt: number;
  readonly tags: Readonly<Record<string, string>>;
}

/** Alarms watched during a deployment (alarmConfiguration). */
export interface AlarmConfiguration {
  readonly enabled: boolean;
  readonly ignorePollAlarmFailure: boolean;
  readonly alarms: readonly string[];
}

/** When traffic returns to the old version (autoRollbackConfiguration). */
export interface AutoRollbackConfiguration {
  readonly enabled: boolean;
  readonly events: readonly string[];
}

/** A notification trigger: the SNS topic that hears the named deployment and instance events. */
export interface TriggerConfig {
  readonly triggerName: string;
  readonly triggerTargetArn: string;
  readonly triggerEvents: readonly string[];
}

/** A deployment group of an application. */
export interface DeploymentGroupRecord {
  readonly applicationName: string;
  readonly name: string;
  readonly id: string;
  readonly deploymentConfigName: string;
  readonly serviceRoleArn: string;
  readonly alarmConfiguration: AlarmConfiguration;
  readonly autoRollbackConfiguration: AutoRollbackConfiguration;
  readonly deploymentStyle: { readonly deploymentType: string; readonly deploymentOption: string };
  readonly tags: Readonly<Record<string, string>>;
  /** Absent on groups stored before triggers were honoured: none. */
  readonly triggerConfigurations?: readonly TriggerConfig[] | undefined;
}

/** A custom deployment config (the predefined ones are not stored). */
export interface DeploymentConfigRecord {
  readonly name: string;
  readonly id: string;
  readonly computePlatform: string;
  readonly trafficRouting: TrafficRouting;
  readonly createdAt: number;
}

export type DeploymentStatus =
  "Created" | "Queued" | "InProgress" | "Baking" | "Succeeded" | "Failed" | "Stopped" | "Ready";
export type LifecycleEventStatus = "Pending" | "InProgress" | "Succeeded" | "Failed" | "Skipped" | "Unknown";
export type LifecycleEventName = "Start" | "BeforeAllowTraffic" | "AllowTraffic" | "AfterAllowTraffic" | "End";

/** One lifecycle event of the deployment's Lambda target. */
export interface LifecycleEvent {
  readonly name: LifecycleEventName;
  readonly status: LifecycleEventStatus;
  readonly startTime?: number | undefined;
  readonly endTime?: number | undefined;
  /** A hook event: the function invoked and the execution id it reports with. */
  readonly hookFunction?: string | undefined;
  readonly hookExecutionId?: string | undefined;
  /** When a hook that has not reported fails (CodeDeploy gives it an hour). */
  readonly hookDeadline?: number | undefined;
  readonly diagnostics?: { readonly errorCode: string; readonly message: string } | undefined;
}

/** The function alias a Lambda deployment shifts (the AppSpec's one resource). */
export interface LambdaTarget {
  readonly resourceName: string;
  readonly functionName: string;
  readonly alias: string;
  readonly currentVersion: string;
  readonly targetVersion: string;
}

/**
 * A REST API stage's canary that a stage canary deployment (a haneul extension) steps: the stage
 * keeps serving `currentDeploymentId`, its canary serves `targetDeploymentId` to `weight` percent.
 */
export interface StageCanaryTarget {
  readonly kind: "ApiGatewayStage";
  readonly restApiId: string;
  readonly stageName: string;
  readonly currentDeploymentId: string;
  readonly targetDeploymentId: string;
}

/** What a deployment shifts traffic on: a function alias's weights, or a REST stage's canary percent. */
export type DeploymentTarget = LambdaTarget | StageCanaryTarget;

/** Whether the deployment steps a REST stage's canary rather than an alias. */
export function isStageCanary(t: DeploymentTarget): t is StageCanaryTarget {
  return "kind" in t && t.kind === "ApiGatewayStage";
}

/**
 * A CloudWatch metric the canary judge compares between the versions (a `haneul:judgeMetric` tag):
 * dimension values may hold `@function`, `@alias` and `@version`, filled in per version.
 */
export interface JudgeMetric {
  /** The tag's label (`haneul:judgeMetric:<label>`), or "metric" for the bare tag. */
  readonly label: string;
  readonly namespace: string;
  readonly name: string;
  /** Average, Minimum, Maximum, pNN (compared as distributions), SampleCount or Sum (as counts per invocation). */
  readonly statistic: string;
  /** Which way is worse. */
  readonly worse: "higher" | "lower";
  readonly dimensions: readonly { readonly name: string; readonly value: string }[];
}

/** A deployment, as it stands. */
export interface DeploymentRecord {
  readonly id: string;
  readonly applicationName: string;
  readonly groupName: string;
  readonly configName: string;
  readonly routing: TrafficRouting;
  readonly target: DeploymentTarget;
  /** The AppSpec as given (revision.appSpecContent). */
  readonly appSpec: { readonly content: string; readonly sha256?: string | undefined };
  readonly description?: string | undefined;
  readonly creator:
    "user" | "autoscaling" | "codeDeployRollback" | "CodeDeploy" | "CloudFormation" | "CloudFormationRollback";
  readonly alarmConfiguration: AlarmConfiguration;
  readonly autoRollbackConfiguration: AutoRollbackConfiguration;
  readonly status: DeploymentStatus;
  /** The new version's share of traffic now, in percent. */
  readonly weight: number;
  /** When the next traffic step is due (AllowTraffic). */
  readonly nextStepAt?: number | undefined;
  /** When the current traffic step began (the traffic guard counts the new version's invocations since). */
  readonly stepStartedAt?: number | undefined;
  /** haneul's traffic guard (the group's `haneul:minInvocationsPerStep` tag): a step advances only after this many invocations of the new version. */
  readonly trafficGuard?: { readonly minInvocations: number } | undefined;
  /** The traffic guard is holding the step: invocations counted so far, and when it looks again. */
  readonly guardWait?: { readonly served: number; readonly checkAt: number } | undefined;
  /**
   * haneul's synthetic invocations (the group's `haneul:testEvent` tag): the event the guard invokes
   * the new version with; on a stage canary, the request it sends the canary's deployment.
   */
  readonly testEvent?: string | undefined;
  /**
   * The synthetic invocations (stage canary: requests) made in the step that began at `since`, how
   * many failed (5XX answers), and on a stage canary how many were answered 4XX.
   */
  readonly synthetic?:
    | {
        readonly since: number;
        readonly invocations: number;
        readonly errors: number;
        readonly clientErrors?: number | undefined;
      }
    | undefined;
  /** haneul's canary judge (the group's `haneul:canaryJudge` tag): the fewest invocations per version it decides on, and the metrics named by `haneul:judgeMetric` tags. */
  readonly judge?: { readonly minSamples: number; readonly metrics?: readonly JudgeMetric[] | undefined } | undefined;
  /** The judge's verdicts, one per judged step (the latest "not enough data" replaced as the step holds). */
  readonly judgeVerdicts?: readonly JudgeVerdict[] | undefined;
  readonly lifecycleEvents: readonly LifecycleEvent[];
  readonly errorInformation?: { readonly code: string; readonly message: string } | undefined;
  /** A rolled-back deployment names its rollback deployment; a rollback deployment, the one it undid. */
  readonly rollbackInfo?:
    | {
        readonly rollbackMessage: string;
        readonly rollbackDeploymentId?: string | undefined;
        readonly rollbackTriggeringDeploymentId?: string | undefined;
      }
    | undefined;
  readonly createdAt: number;
  readonly startedAt?: number | undefined;
  readonly completedAt?: number | undefined;
  readonly updatedAt: number;
  /** Counts writes: a save succeeds only over the revision it read (two nodes never both win). */
  readonly revision: number;
  /** StopDeployment asked for it; the driver stops the deployment on its next step. */
  readonly stopRequest?: { readonly autoRollbackEnabled?: boolean | undefined } | undefined;
  /** `haneul deployments promote` (ContinueDeployment) asked for it: the remaining traffic waits are skipped. */
  readonly promoteRequest?: { readonly requestedAt: number } | undefined;
}

/** The canary judge's verdict on one traffic step, and why. */
export interface JudgeVerdict {
  /** The new version's share of traffic in the step judged. */
  readonly weight: number;
  readonly verdict: "Pass" | "Fail" | "NotEnoughData";
  readonly reasons: readonly string[];
  readonly at: number;
}

/** Which deployments to list, newest first. */
export interface DeploymentQuery {
  readonly applicationName?: string | undefined;
  readonly groupName?: string | undefined;
  readonly statuses?: readonly DeploymentStatus[] | undefined;
}

/** The statuses a deployment ends in. */
export const FINAL_STATUSES: readonly DeploymentStatus[] = ["Succeeded", "Failed", "Stopped"];

/** What refused a new deployment: the active one on the same group or alias. */
export type CreateDeploymentResult =
  { readonly kind: "ok" } | { readonly kind: "active"; readonly active: DeploymentRecord };

/** Persistence of applications, groups, custom configs and deployments. */
export interface DeploymentStore {
  /** Inserts an application; false when one of that name exists. */
  createApplication(app: ApplicationRecord): Promise<boolean>;
  getApplication(name: string): Promise<ApplicationRecord | undefined>;
  /** Every application, by name. */
  listApplications(): Promise<ApplicationRecord[]>;
  /** Deletes an application with its groups; false when there was none. */
  deleteApplication(name: string): Promise<boolean>;
  /** Inserts a group; false when the application has one of that name. */
  createDeploymentGroup(group: DeploymentGroupRecord): Promise<boolean>;
  /** Replaces the group named `currentName` (it may be renamed); false when the new name is taken. */
  updateDeploymentGroup(currentName: string, group: DeploymentGroupRecord): Promise<boolean>;
  getDeploymentGroup(applicationName: string, name: string): Promise<DeploymentGroupRecord | undefined>;
  /** An application's groups, by name. */
  listDeploymentGroups(applicationName: string): Promise<DeploymentGroupRecord[]>;
  /** Deletes a group; false when there was none. */
  deleteDeploymentGroup(applicationName: string, name: string): Promise<boolean>;
  /** Inserts a custom config; false when one of that name exists. */
  createDeploymentConfig(config: DeploymentConfigRecord): Promise<boolean>;
  getDeploymentConfig(name: string): Promise<DeploymentConfigRecord | undefined>;
  /** Every custom config, by name. */
  listDeploymentConfigs(): Promise<DeploymentConfigRecord[]>;
  /** Deletes a custom config; false when there was none. */
  deleteDeploymentConfig(name: string): Promise<boolean>;
  /** Inserts a deployment unless its group or its alias has an active (not final) one. */
  createDeployment(deployment: DeploymentRecord): Promise<CreateDeploymentResult>;
  /** Writes a deployment's new state if the stored one is `revision - 1`; false when it moved on. */
  saveDeployment(deployment: DeploymentRecord): Promise<boolean>;
  getDeployment(id: string): Promise<DeploymentRecord | undefined>;
  /** Deployments, newest first. */
  listDeployments(query: DeploymentQuery): Promise<DeploymentRecord[]>;
  /** Deployments not in a final status, oldest first (the ones to drive). */
  listActiveDeployments(): Promise<DeploymentRecord[]>;
  close(): Promise<void>;
}

/** The key that keeps one active deployment per alias (and per stage: a name no alias key can take). */
export function aliasKey(t: Pick<LambdaTarget, "functionName" | "alias"> | StageCanaryTarget): string {
  if ("kind" in t) return `apigateway:${t.restApiId}/${t.stageName}`;
  return `${t.functionName}:${t.alias}`;
}
