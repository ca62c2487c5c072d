import type { EventInput } from "./events-common.js";
import { required } from "./events-common.js";
import { targetArn } from "./function-extras.js";
import { compact, getAtt } from "./intrinsics.js";
import { isObject } from "../template/values.js";
import type { TemplateObject, TemplateValue } from "../template/values.js";

const PASSED = ["Description", "StartDate", "EndDate", "ScheduleExpressionTimezone", "GroupName", "KmsKeyArn", "State"];

/** ScheduleV2: an EventBridge Scheduler schedule and `<Fn><Event>Role` it assumes to invoke the target. */
export function scheduleV2Event(e: EventInput): void {
  const p = e.properties;
  const expression = required(e, "ScheduleExpression");
  const roleId = `${e.logicalId}Role`;
  const policies: TemplateValue[] = [
    {
      PolicyName: `${e.logicalId}LambdaPolicy`,
      PolicyDocument: {
        Statement: [{ Action: "lambda:InvokeFunction", Effect: "Allow", Resource: targetArn(e.target) }],
      },
    },
  ];
  const dlqArn = deadLetterArn(e, policies);
  const properties: TemplateObject = compact({
    ScheduleExpression: expression,
    FlexibleTimeWindow: p.FlexibleTimeWindow ?? { Mode: "OFF" },
    Name: p.OmitName === true ? undefined : (p.Name ?? e.logicalId),
    Target: compact({
      Arn: targetArn(e.target),
      RoleArn: p.RoleArn ?? getAtt(roleId, "Arn"),
      Input: p.Input,
      RetryPolicy: p.RetryPolicy,
      DeadLetterConfig: dlqArn === undefined ? undefined : { Arn: dlqArn },
    }),
  });
  for (const key of PASSED) if (p[key] !== undefined) properties[key] = p[key];
  e.ctx.resources[e.logicalId] = compact({
    Type: "AWS::Scheduler::Schedule",
    ...e.target.passthrough,
    Properties: properties,
  });
  if (p.RoleArn !== undefined) return;
  e.ctx.resources[roleId] = compact({
    Type: "AWS::IAM::Role",
    ...e.target.passthrough,
    Properties: compact({
      AssumeRolePolicyDocument: {
        Version: "2012-10-17",
        Statement: [
          { Action: ["sts:AssumeRole"], Effect: "Allow", Principal: { Service: ["scheduler.amazonaws.com"] } },
        ],
      },
      Policies: policies,
      PermissionsBoundary: p.PermissionsBoundary,
    }),
  });
}

function deadLetterArn(e: EventInput, policies: TemplateValue[]): TemplateValue | undefined {
  const dlq = e.properties.DeadLetterConfig;
  if (!isObject(dlq)) return undefined;
  let arn = dlq.Arn;
  if (arn === undefined) {
    const queueId = typeof dlq.QueueLogicalId === "string" ? dlq.QueueLogicalId : `${e.logicalId}Queue`;
    e.ctx.resources[queueId] = compact({ Type: "AWS::SQS::Queue", ...e.target.passthrough, Properties: {} });
    arn = getAtt(queueId, "Arn");
  }
  policies.push({
    PolicyName: `${e.logicalId}SQSPolicy`,
    PolicyDocument: { Statement: [{ Action: "sqs:SendMessage", Effect: "Allow", Resource: arn }] },
  });
  return arn;
}
