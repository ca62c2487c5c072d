import { deleteSchedule, saveSchedule, type ScheduleInput } from "../../buses/index.js";
import { isPlatformError } from "../../shared/errors.js";
import { generatedName, needService, refuseUnsupported, ResourceFailure, str } from "./handler.js";
import type { Properties, ResourceHandler, ResourceScope } from "./handler.js";

/**
 * AWS::Scheduler::Schedule through the node's EventBridge Scheduler: what the Scheduler API
 * honours (flexible windows, start and end dates, templated targets with their parameters, time
 * zones, state, groups, a target's RetryPolicy and DeadLetterConfig); KMS keys are refused.
 */

const KEYS = [
  "Name",
  "GroupName",
  "Description",
  "ScheduleExpression",
  "ScheduleExpressionTimezone",
  "FlexibleTimeWindow",
  "Target",
  "State",
  "ActionAfterCompletion",
  "StartDate",
  "EndDate",
];

const TARGET_KEYS = [
  "Arn",
  "RoleArn",
  "Input",
  "SqsParameters",
  "KinesisParameters",
  "EventBridgeParameters",
  "RetryPolicy",
  "DeadLetterConfig",
];

/** A RetryPolicy member as a number (CloudFormation may give it as a string), or a failure. */
function countOf(policy: Properties, key: string, scope: ResourceScope): number | undefined {
  const v = policy[key];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n))
    throw new ResourceFailure(`Invalid RetryPolicy ${key} '${JSON.stringify(v)}' on ${scope.logicalId}`);
  return n;
}

/** A CloudFormation timestamp (ISO 8601) in ms, or a failure naming the property. */
function dateOf(props: Properties, key: string, scope: ResourceScope): number | undefined {
  const v = str(props, key);
  if (v === undefined) return undefined;
  const ms = Date.parse(v);
  if (Number.isNaN(ms)) throw new ResourceFailure(`Invalid ${key} '${v}' on ${scope.logicalId}`);
  return ms;
}

function flexibleWindowOf(props: Properties, scope: ResourceScope): number | undefined {
  const window = (props.FlexibleTimeWindow ?? {}) as Properties;
  const mode = str(window, "Mode");
  if (mode === "OFF") return undefined;
  const minutes = Number(str(window, "MaximumWindowInMinutes"));
  if (mode !== "FLEXIBLE" || !Number.isFinite(minutes))
    throw new ResourceFailure(
      `Invalid FlexibleTimeWindow on ${scope.logicalId}: Mode OFF, or FLEXIBLE with MaximumWindowInMinutes`,
    );
  return minutes;
}

function parametersOf(target: Properties): NonNullable<ScheduleInput["target"]["parameters"]> {
  const sqs = target.SqsParameters as Properties | undefined;
  const kinesis = target.KinesisParameters as Properties | undefined;
  const events = target.EventBridgeParameters as Properties | undefined;
  return {
    messageGroupId: sqs && str(sqs, "MessageGroupId"),
    partitionKey: kinesis && str(kinesis, "PartitionKey"),
    eventBridge: events && { detailType: str(events, "DetailType") ?? "", source: str(events, "Source") ?? "" },
  };
}

function inputOf(props: Properties, scope: ResourceScope, name: string): ScheduleInput {
  const target = (props.Target ?? {}) as Properties;
  const extra = Object.keys(target).filter((k) => !TARGET_KEYS.includes(k));
  if (extra.length > 0) {
    throw new ResourceFailure(
      `haneul does not support Target ${extra.map((k) => `'${k}'`).join(", ")} on ${scope.type} (resource ${scope.logicalId})`,
    );
  }
  const retry = target.RetryPolicy as Properties | undefined;
  const dlq = target.DeadLetterConfig as Properties | undefined;
  const state = str(props, "State") ?? "ENABLED";
  const after = str(props, "ActionAfterCompletion") ?? "NONE";
  if ((state !== "ENABLED" && state !== "DISABLED") || (after !== "NONE" && after !== "DELETE")) {
    throw new ResourceFailure(`Invalid State or ActionAfterCompletion on ${scope.logicalId}`);
  }
  return {
    name,
    groupName: str(props, "GroupName") ?? "default",
    scheduleExpression: str(props, "ScheduleExpression") ?? "",
    timezone: str(props, "ScheduleExpressionTimezone") ?? "UTC",
    state,
    description: str(props, "Description"),
    target: {
      arn: str(target, "Arn") ?? "",
      roleArn: str(target, "RoleArn") ?? "",
      input: str(target, "Input"),
      parameters: parametersOf(target),
      retryPolicy: retry && {
        maximumEventAgeInSeconds: countOf(retry, "MaximumEventAgeInSeconds", scope),
        maximumRetryAttempts: countOf(retry, "MaximumRetryAttempts", scope),
      },
      deadLetterArn: dlq && str(dlq, "Arn"),
    },
    actionAfterCompletion: after,
    startDate: dateOf(props, "StartDate", scope),
    endDate: dateOf(props, "EndDate", scope),
    flexibleWindowMinutes: flexibleWindowOf(props, scope),
  };
}

/** The physical id is the name (Ref); the group is kept in the attributes. */
const schedule: ResourceHandler = {
  async create(props, scope) {
    refuseUnsupported(props, scope, KEYS);
    const service = needService(scope.services.buses, scope).service;
    const input = inputOf(props, scope, str(props, "Name") ?? generatedName(scope));
    const arn = await saveSchedule(service, input, true);
    return { physicalId: input.name, attributes: { Arn: arn, GroupName: input.groupName } };
  },
  async update(props, previous, scope) {
    refuseUnsupported(props, scope, KEYS);
    const service = needService(scope.services.buses, scope).service;
    const input = inputOf(props, scope, previous.physicalId ?? "");
    const arn = await saveSchedule(service, input, false);
    return { physicalId: input.name, attributes: { Arn: arn, GroupName: input.groupName } };
  },
  async delete(record, scope) {
    const service = needService(scope.services.buses, scope).service;
    try {
      await deleteSchedule(service, str(record.attributes, "GroupName") ?? "default", record.physicalId ?? "");
    } catch (e) {
      if (!(isPlatformError(e) && e.code === "ERR_SCHEDULER_NOT_FOUND")) throw e;
    }
  },
};

/** The Scheduler handlers by type. */
export const SCHEDULER_HANDLERS: Readonly<Record<string, ResourceHandler>> = { "AWS::Scheduler::Schedule": schedule };
