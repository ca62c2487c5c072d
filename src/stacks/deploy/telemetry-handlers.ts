import { isPlatformError } from "../../shared/errors.js";
import { generatedName, needService, refuseUnsupported, ResourceFailure, str } from "./handler.js";
import type { Properties, ResourceHandler, ResourceResult, ResourceScope } from "./handler.js";

/**
 * AWS::CloudWatch::Alarm through the node's alarms (PutMetricAlarm's checks: metric or metric
 * math, dimensions, Lambda actions) and AWS::Logs::LogGroup through its CloudWatch Logs
 * (retention, class, tags), AWS::Logs::SubscriptionFilter through PutSubscriptionFilter. AlarmName
 * and LogGroupName replace the resource; the rest updates it.
 */

const ALARM_KEYS = [
  "AlarmName",
  "AlarmDescription",
  "ActionsEnabled",
  "AlarmActions",
  "OKActions",
  "InsufficientDataActions",
  "ComparisonOperator",
  "DatapointsToAlarm",
  "Dimensions",
  "EvaluationPeriods",
  "ExtendedStatistic",
  "MetricName",
  "Metrics",
  "Namespace",
  "Period",
  "Statistic",
  "Threshold",
  "TreatMissingData",
  "Unit",
];

function alarmResult(name: string, scope: ResourceScope) {
  const { region, accountId } = scope.services;
  return { physicalId: name, attributes: { Arn: `arn:aws:cloudwatch:${region}:${accountId}:alarm:${name}` } };
}

async function putAlarm(props: Properties, scope: ResourceScope, name: string) {
  refuseUnsupported(props, scope, ALARM_KEYS);
  await needService(scope.services.alarms, scope).put({ ...props, AlarmName: name });
  return alarmResult(name, scope);
}

const alarm: ResourceHandler = {
  async create(props, scope) {
    const given = str(props, "AlarmName");
    if (given !== undefined && needService(scope.services.alarms, scope).exists(given)) {
      throw new ResourceFailure(`Resource of type '${scope.type}' with identifier '${given}' already exists.`);
    }
    return putAlarm(props, scope, given ?? generatedName(scope, 255));
  },
  update: (props, previous, scope) => putAlarm(props, scope, previous.physicalId ?? ""),
  async delete(record, scope) {
    await needService(scope.services.alarms, scope).delete(record.physicalId ?? "");
  },
};

const GROUP_KEYS = ["LogGroupName", "RetentionInDays", "LogGroupClass", "KmsKeyId", "Tags"];

function groupTags(props: Properties): Record<string, string> {
  const list = Array.isArray(props.Tags) ? (props.Tags as { Key: string; Value: string }[]) : [];
  return Object.fromEntries(list.map((t) => [t.Key, String(t.Value)]));
}

function groupResult(name: string, scope: ResourceScope) {
  const { region, accountId } = scope.services;
  return { physicalId: name, attributes: { Arn: `arn:aws:logs:${region}:${accountId}:log-group:${name}:*` } };
}

async function retention(props: Properties, scope: ResourceScope, name: string, had: boolean): Promise<void> {
  const call = needService(scope.services.logs, scope).call;
  const days = props.RetentionInDays;
  if (days !== undefined) await call("PutRetentionPolicy", { logGroupName: name, retentionInDays: Number(days) });
  else if (had) await call("DeleteRetentionPolicy", { logGroupName: name });
}

const logGroup: ResourceHandler = {
  async create(props, scope) {
    refuseUnsupported(props, scope, GROUP_KEYS);
    const call = needService(scope.services.logs, scope).call;
    const name = str(props, "LogGroupName") ?? generatedName(scope, 512);
    const tags = groupTags(props);
    try {
      await call("CreateLogGroup", {
        logGroupName: name,
        logGroupClass: str(props, "LogGroupClass"),
        kmsKeyId: str(props, "KmsKeyId"),
        ...(Object.keys(tags).length > 0 && { tags }),
      });
    } catch (e) {
      if (isPlatformError(e) && e.code === "ERR_LOGS_ALREADY_EXISTS") {
        throw new ResourceFailure(`Resource of type '${scope.type}' with identifier '${name}' already exists.`);
      }
      throw e;
    }
    try {
      await retention(props, scope, name, false);
    } catch (e) {
      // The group was made and its retention refused: it goes again (nothing half-made is left).
      await call("DeleteLogGroup", { logGroupName: name });
      throw e;
    }
    return groupResult(name, scope);
  },
  async update(props, previous, scope) {
    refuseUnsupported(props, scope, GROUP_KEYS);
    const call = needService(scope.services.logs, scope).call;
    const name = previous.physicalId ?? "";
    await retention(props, scope, name, previous.properties.RetentionInDays !== undefined);
    const wanted = groupTags(props);
    const had = ((await call("ListTagsLogGroup", { logGroupName: name })).tags ?? {}) as Record<string, string>;
    const gone = Object.keys(had).filter((k) => !(k in wanted));
    if (gone.length > 0) await call("UntagLogGroup", { logGroupName: name, tags: gone });
    if (Object.keys(wanted).length > 0) await call("TagLogGroup", { logGroupName: name, tags: wanted });
    return groupResult(name, scope);
  },
  async delete(record, scope) {
    try {
      await needService(scope.services.logs, scope).call("DeleteLogGroup", { logGroupName: record.physicalId ?? "" });
    } catch (e) {
      if (!(isPlatformError(e) && e.code === "ERR_LOGS_NOT_FOUND")) throw e;
    }
  },
};

const FILTER_KEYS = ["DestinationArn", "FilterPattern", "LogGroupName", "FilterName", "RoleArn", "Distribution"];

/** PutSubscriptionFilter (its checks: the destination exists and lets CloudWatch Logs deliver). */
async function putFilter(props: Properties, scope: ResourceScope, name: string): Promise<ResourceResult> {
  refuseUnsupported(props, scope, FILTER_KEYS);
  await needService(scope.services.logs, scope).call("PutSubscriptionFilter", {
    logGroupName: str(props, "LogGroupName"),
    filterName: name,
    filterPattern: str(props, "FilterPattern") ?? null,
    destinationArn: str(props, "DestinationArn"),
    roleArn: str(props, "RoleArn"),
    distribution: str(props, "Distribution"),
  });
  // The group, resolved, for update and delete (the recorded properties may hold a Ref).
  return { physicalId: name, attributes: { LogGroupName: str(props, "LogGroupName") } };
}

async function deleteFilter(scope: ResourceScope, groupName: unknown, name: string): Promise<void> {
  if (typeof groupName !== "string") return; // never made
  try {
    await needService(scope.services.logs, scope).call("DeleteSubscriptionFilter", {
      logGroupName: groupName,
      filterName: name,
    });
  } catch (e) {
    if (!(isPlatformError(e) && e.code === "ERR_LOGS_NOT_FOUND")) throw e;
  }
}

/**
 * AWS::Logs::SubscriptionFilter. A new group or name is a new filter (made before the old one
 * goes, as a replacement is); the same group and name are updated in place (Put replaces by name).
 */
const subscriptionFilter: ResourceHandler = {
  create: (props, scope) => putFilter(props, scope, str(props, "FilterName") ?? generatedName(scope, 512)),
  async update(props, previous, scope) {
    const name = str(props, "FilterName") ?? previous.physicalId ?? generatedName(scope, 512);
    const result = await putFilter(props, scope, name);
    const oldGroup = previous.attributes.LogGroupName;
    if (oldGroup !== props.LogGroupName || previous.physicalId !== name)
      await deleteFilter(scope, oldGroup, previous.physicalId ?? "");
    return result;
  },
  delete: (record, scope) => deleteFilter(scope, record.attributes.LogGroupName, record.physicalId ?? ""),
};

/** The CloudWatch and Logs handlers by type. */
export const TELEMETRY_HANDLERS: Readonly<Record<string, ResourceHandler>> = {
  "AWS::CloudWatch::Alarm": alarm,
  "AWS::Logs::LogGroup": logGroup,
  "AWS::Logs::SubscriptionFilter": subscriptionFilter,
};
