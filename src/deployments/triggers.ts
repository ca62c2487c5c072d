/**
 * CodeDeploy's notification triggers: a deployment group names SNS topics and the deployment and
 * instance events each hears. The group's triggers are checked as CodeDeploy checks them, and each
 * change of a deployment's state is turned into the messages CodeDeploy publishes (its JSON and
 * subject). For Lambda the one "instance" is the deployment's target (`function:alias`); the Ready
 * events belong to EC2 blue/green waits, which a Lambda deployment never has, so they never fire.
 */
import { isStageCanary, type DeploymentRecord, type TriggerConfig } from "../ports/deployment-store.js";
import { PlatformError } from "../shared/errors.js";

/** The event names CodeDeploy accepts (TriggerEventType). */
export const TRIGGER_EVENTS: readonly string[] = [
  "DeploymentStart",
  "DeploymentSuccess",
  "DeploymentFailure",
  "DeploymentStop",
  "DeploymentRollback",
  "DeploymentReady",
  "InstanceStart",
  "InstanceSuccess",
  "InstanceFailure",
  "InstanceReady",
];
const MAX_TRIGGERS = 10;
const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;

const invalid = (message: string) => new PlatformError("ERR_CODEDEPLOY_INVALID_TRIGGER_CONFIG", message);

/** Checks a group's triggers; `topicExists` says whether an SNS topic ARN names a topic. */
export async function checkTriggers(
  triggers: readonly Partial<TriggerConfig>[],
  topicExists: (arn: string) => Promise<boolean>,
): Promise<TriggerConfig[]> {
  if (triggers.length > MAX_TRIGGERS)
    throw new PlatformError(
      "ERR_CODEDEPLOY_TRIGGER_LIMIT_EXCEEDED",
      `The maximum number of triggers for a deployment group is ${MAX_TRIGGERS}.`,
    );
  const checked: TriggerConfig[] = [];
  for (const t of triggers) {
    const name = t.triggerName ?? "";
    if (name === "" || name.length > 100) throw invalid("Each trigger needs a name of 1-100 characters.");
    if (checked.some((c) => c.triggerName === name)) throw invalid(`The trigger name ${name} is used twice.`);
    const arn = t.triggerTargetArn ?? "";
    if (!TOPIC_ARN.test(arn)) throw invalid(`The trigger ${name} needs an SNS topic ARN as its target: ${arn}`);
    const events = t.triggerEvents ?? [];
    if (events.length === 0) throw invalid(`The trigger ${name} needs at least one trigger event.`);
    const unknown = events.find((e) => !TRIGGER_EVENTS.includes(e));
    if (unknown !== undefined) throw invalid(`The trigger event ${unknown} of trigger ${name} is not valid.`);
    if (!(await topicExists(arn))) throw invalid(`The trigger target ${arn} of trigger ${name} does not exist.`);
    checked.push({ triggerName: name, triggerTargetArn: arn, triggerEvents: [...new Set(events)] });
  }
  return checked;
}

/** The trigger events a deployment's change from `before` to `after` raises, in order. */
export function eventsOf(before: DeploymentRecord | undefined, after: DeploymentRecord): string[] {
  const was = before?.status;
  if (was === after.status && before?.rollbackInfo?.rollbackDeploymentId === after.rollbackInfo?.rollbackDeploymentId)
    return [];
  const events: string[] = [];
  if (after.status === "InProgress" && (was === "Created" || was === "Queued"))
    events.push("DeploymentStart", "InstanceStart");
  if (after.status === "Succeeded" && was !== undefined) events.push("DeploymentSuccess", "InstanceSuccess");
  if (after.status === "Failed" && was !== "Failed") events.push("DeploymentFailure", "InstanceFailure");
  if (after.status === "Stopped" && was !== "Stopped") events.push("DeploymentStop");
  if (
    after.rollbackInfo?.rollbackDeploymentId !== undefined &&
    before?.rollbackInfo?.rollbackDeploymentId === undefined
  )
    events.push("DeploymentRollback");
  return events;
}

/** One message to publish. */
export interface TriggerMessage {
  readonly topicArn: string;
  readonly subject: string;
  readonly body: string;
}

/** Where the messages say they come from. */
export interface TriggerScope {
  readonly region: string;
  readonly accountId: string;
}

/** CodeDeploy's times: seconds since the epoch with milliseconds, as a string. */
const time = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : (ms / 1000).toFixed(3));

/** The word CodeDeploy puts in the subject and `status` of a deployment message. */
function statusWord(d: DeploymentRecord): string {
  if (d.status === "InProgress") return "CREATED";
  return d.status.toUpperCase();
}

const targetId = (d: DeploymentRecord): string =>
  isStageCanary(d.target)
    ? `${d.target.restApiId}/${d.target.stageName}`
    : `${d.target.functionName}:${d.target.alias}`;

function deploymentBody(d: DeploymentRecord, trigger: string, scope: TriggerScope): object {
  const count = (status: string) => String(d.status === status ? 1 : 0);
  return {
    region: scope.region,
    accountId: scope.accountId,
    eventTriggerName: trigger,
    applicationName: d.applicationName,
    deploymentId: d.id,
    deploymentGroupName: d.groupName,
    createTime: time(d.createdAt),
    completeTime: time(d.completedAt),
    deploymentOverview: {
      Failed: String(d.status === "Failed" || d.status === "Stopped" ? 1 : 0),
      InProgress: count("InProgress"),
      Pending: "0",
      Skipped: "0",
      Succeeded: count("Succeeded"),
    },
    status: statusWord(d),
    ...(d.errorInformation && {
      errorInformation: { ErrorCode: d.errorInformation.code, ErrorMessage: d.errorInformation.message },
    }),
  };
}

function instanceBody(d: DeploymentRecord, trigger: string, scope: TriggerScope): object {
  const instanceStatus = d.status === "InProgress" ? "InProgress" : d.status === "Succeeded" ? "Succeeded" : "Failed";
  return {
    region: scope.region,
    accountId: scope.accountId,
    eventTriggerName: trigger,
    deploymentId: d.id,
    instanceId: targetId(d),
    lastUpdatedAt: time(d.updatedAt),
    instanceStatus,
    lifecycleEvents: d.lifecycleEvents.map((e) => ({
      LifecycleEvent: e.name,
      LifecycleEventStatus: e.status,
      ...(e.startTime !== undefined && { StartTime: time(e.startTime) }),
      ...(e.endTime !== undefined && { EndTime: time(e.endTime) }),
    })),
  };
}

/** The messages the group's triggers publish for `events` of deployment `d`. */
export function triggerMessages(
  d: DeploymentRecord,
  events: readonly string[],
  triggers: readonly TriggerConfig[],
  scope: TriggerScope,
): TriggerMessage[] {
  const out: TriggerMessage[] = [];
  for (const event of events) {
    const instance = event.startsWith("Instance");
    const word = instance ? (event === "InstanceStart" ? "CREATED" : statusWord(d)) : statusWord(d);
    const subject = `${word}: AWS CodeDeploy ${d.id} in ${scope.region} to ${instance ? targetId(d) : d.groupName}`;
    for (const t of triggers) {
      if (!t.triggerEvents.includes(event)) continue;
      const body = instance ? instanceBody(d, t.triggerName, scope) : deploymentBody(d, t.triggerName, scope);
      out.push({ topicArn: t.triggerTargetArn, subject, body: JSON.stringify(body) });
    }
  }
  return out;
}
