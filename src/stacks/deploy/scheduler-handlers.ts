import { deleteSchedule, saveSchedule, type ScheduleInput } from "../../buses/index.js";
import { isPlatformError } from "../../shared/errors.js";
import { generatedName, needService, refuseUnsupported, ResourceFailure, str } from "./handler.js";
import type { Properties, ResourceHandler, ResourceScope } from "./handler.js";

/**
 * AWS::Scheduler::Schedule through the node's EventBridge Scheduler: what the Scheduler API
 * honours (FlexibleTimeWindow OFF, a Lambda target with Input, time zones, state, the default
 * group); start and end dates, KMS keys, retry policies and dead-letter queues are refused.
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
];

function inputOf(props: Properties, scope: ResourceScope, name: string): ScheduleInput {
  const window = (props.FlexibleTimeWindow ?? {}) as Properties;
  if (str(window, "Mode") !== "OFF") {
    throw new ResourceFailure(`haneul supports FlexibleTimeWindow Mode OFF only (resource ${scope.logicalId})`);
  }
  const target = (props.Target ?? {}) as Properties;
  const extra = Object.keys(target).filter((k) => !["Arn", "RoleArn", "Input"].includes(k));
  if (extra.length > 0) {
    throw new ResourceFailure(
      `haneul does not support Target ${extra.map((k) => `'${k}'`).join(", ")} on ${scope.type} (resource ${scope.logicalId})`,
    );
  }
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
    target: { arn: str(target, "Arn") ?? "", roleArn: str(target, "RoleArn") ?? "", input: str(target, "Input") },
    actionAfterCompletion: after,
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
