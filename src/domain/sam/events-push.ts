import { invalidEvent } from "./errors.js";
import type { EventInput } from "./events-common.js";
import { permission, required, ruleDeadLetterArn, ruleTargetId } from "./events-common.js";
import { targetArn } from "./function-extras.js";
import { pullEvent } from "./events-pull.js";
import { compact, getAtt, ref, sub } from "./intrinsics.js";
import { isObject } from "../template/values.js";
import type { TemplateObject, TemplateValue } from "../template/values.js";

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

/**
 * SNS: a subscription of the target to the topic, and the permission for SNS; with
 * `SqsSubscription`, the topic feeds a queue (a new one, or the one given) whose policy lets the
 * topic send, and the function polls the queue through an event source mapping.
 */
export function snsEvent(e: EventInput): void {
  const p = e.properties;
  const topic = required(e, "Topic");
  const viaQueue = p.SqsSubscription !== undefined && p.SqsSubscription !== false;
  const queue = viaQueue ? sqsSubscriptionQueue(e, topic) : undefined;
  if (!queue) permission(e, "sns.amazonaws.com", { sourceArn: topic });
  e.ctx.resources[e.logicalId] = compact({
    Type: "AWS::SNS::Subscription",
    ...e.target.passthrough,
    Properties: compact({
      Protocol: queue ? "sqs" : "lambda",
      Endpoint: queue ? queue.arn : targetArn(e.target),
      TopicArn: topic,
      Region: p.Region,
      FilterPolicy: p.FilterPolicy,
      FilterPolicyScope: p.FilterPolicyScope,
      RedrivePolicy: p.RedrivePolicy,
    }),
  });
}

/** SAM's SNS → SQS → function: the queue, its policy for the topic, and the mapping. */
function sqsSubscriptionQueue(e: EventInput, topic: TemplateValue): { arn: TemplateValue } {
  const given = e.properties.SqsSubscription;
  let arn: TemplateValue;
  let url: TemplateValue;
  let policyId = `${e.logicalId}QueuePolicy`;
  let mapping: TemplateObject = { BatchSize: 10, Enabled: true };
  if (isObject(given)) {
    if (given.QueueArn === undefined || given.QueueUrl === undefined) {
      throw invalidEvent(e.eventId, "No QueueARN or QueueURL provided.");
    }
    arn = given.QueueArn;
    url = given.QueueUrl;
    if (typeof given.QueuePolicyLogicalId === "string") policyId = given.QueuePolicyLogicalId;
    mapping = compact({ BatchSize: given.BatchSize ?? 10, Enabled: given.Enabled ?? true });
  } else if (given === true) {
    const queueId = `${e.logicalId}Queue`;
    e.ctx.resources[queueId] = compact({ Type: "AWS::SQS::Queue", ...e.target.passthrough, Properties: {} });
    arn = getAtt(queueId, "Arn");
    url = ref(queueId);
  } else {
    throw invalidEvent(e.eventId, "Property 'SqsSubscription' should be a boolean or a map.");
  }
  e.ctx.resources[policyId] = compact({
    Type: "AWS::SQS::QueuePolicy",
    ...e.target.passthrough,
    Properties: {
      PolicyDocument: {
        Version: "2012-10-17",
        Statement: [
          {
            Action: "sqs:SendMessage",
            Effect: "Allow",
            Principal: "*",
            Resource: arn,
            Condition: { ArnEquals: { "aws:SourceArn": topic } },
          },
        ],
      },
      Queues: [url],
    },
  });
  pullEvent("SQS", { ...e, logicalId: `${e.logicalId}EventSourceMapping`, properties: { ...mapping, Queue: arn } });
  return { arn };
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
