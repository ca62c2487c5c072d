import { invalidEvent } from "./errors.js";
import type { EventInput } from "./events-common.js";
import { permission, required, ruleDeadLetterArn, ruleTargetId } from "./events-common.js";
import { targetArn } from "./function-extras.js";
import { compact, getAtt, sub } from "./intrinsics.js";
import { isObject } from "../template/values.js";
import type { TemplateValue } from "../template/values.js";

/** Schedule: an EventBridge rule on a schedule expression, and the permission for EventBridge. */
export function scheduleEvent(e: EventInput): void {
  const p = e.properties;
  const schedule = required(e, "Schedule");
  const ruleArn = getAtt(e.logicalId, "Arn");
  const dlqArn = ruleDeadLetterArn(e, ruleArn);
  e.ctx.resources[e.logicalId] = compact({
    Type: "AWS::Events::Rule",
    ...e.target.passthrough,
    Properties: compact({
      ScheduleExpression: schedule,
      State: ruleState(e),
      Name: p.Name,
      Description: p.Description,
      Targets: [
        compact({
          Arn: targetArn(e.target),
          Id: ruleTargetId(e.logicalId),
          Input: p.Input,
          DeadLetterConfig: dlqArn === undefined ? undefined : { Arn: dlqArn },
          RetryPolicy: p.RetryPolicy,
        }),
      ],
    }),
  });
  permission(e, "events.amazonaws.com", { sourceArn: ruleArn });
}

/** EventBridgeRule (and its older name CloudWatchEvent): a rule with the event pattern. */
export function eventBridgeRuleEvent(e: EventInput): void {
  const p = e.properties;
  const ruleArn = getAtt(e.logicalId, "Arn");
  const dlqArn = ruleDeadLetterArn(e, ruleArn);
  const target = isObject(p.Target) ? p.Target : {};
  e.ctx.resources[e.logicalId] = compact({
    Type: "AWS::Events::Rule",
    ...e.target.passthrough,
    Properties: compact({
      EventBusName: p.EventBusName,
      EventPattern: p.Pattern,
      Name: p.RuleName,
      State: ruleState(e),
      Targets: [
        compact({
          Arn: targetArn(e.target),
          Id: target.Id ?? ruleTargetId(e.logicalId),
          Input: p.Input,
          InputPath: p.InputPath,
          DeadLetterConfig: dlqArn === undefined ? undefined : { Arn: dlqArn },
          RetryPolicy: p.RetryPolicy,
          InputTransformer: p.InputTransformer,
        }),
      ],
    }),
  });
  permission(e, "events.amazonaws.com", { sourceArn: ruleArn });
}

function ruleState(e: EventInput): TemplateValue | undefined {
  const { State: state, Enabled: enabled } = e.properties;
  if (state !== undefined && enabled !== undefined)
    throw invalidEvent(e.eventId, "State and Enabled Properties cannot both be specified.");
  if (enabled !== undefined) return enabled === true ? "ENABLED" : "DISABLED";
  return state;
}

/** SNS: a subscription of the target to the topic, and the permission for SNS. */
export function snsEvent(e: EventInput): void {
  const p = e.properties;
  const topic = required(e, "Topic");
  if (p.SqsSubscription !== undefined && p.SqsSubscription !== false) {
    throw invalidEvent(
      e.eventId,
      "SqsSubscription is not supported by haneul yet: subscribe the function to the topic directly",
    );
  }
  permission(e, "sns.amazonaws.com", { sourceArn: topic });
  e.ctx.resources[e.logicalId] = compact({
    Type: "AWS::SNS::Subscription",
    ...e.target.passthrough,
    Properties: compact({
      Protocol: "lambda",
      Endpoint: targetArn(e.target),
      TopicArn: topic,
      Region: p.Region,
      FilterPolicy: p.FilterPolicy,
      FilterPolicyScope: p.FilterPolicyScope,
      RedrivePolicy: p.RedrivePolicy,
    }),
  });
}

/** CloudWatchLogs: a subscription filter on the log group, after the permission for CloudWatch Logs. */
export function cloudWatchLogsEvent(e: EventInput): void {
  const logGroup = required(e, "LogGroupName");
  const filter = required(e, "FilterPattern");
  const permissionId = `${e.logicalId}Permission`;
  permission(e, "logs.amazonaws.com", {
    // SAM writes the partition of this ARN literally.
    sourceArn: sub(`arn:${e.ctx.partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:\${__LogGroupName__}:*`, {
      __LogGroupName__: logGroup,
    }),
  });
  e.ctx.resources[e.logicalId] = compact({
    Type: "AWS::Logs::SubscriptionFilter",
    ...e.target.passthrough,
    DependsOn: [permissionId],
    Properties: { DestinationArn: targetArn(e.target), FilterPattern: filter, LogGroupName: logGroup },
  });
}
