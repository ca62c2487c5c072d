import type { SamContext } from "./context.js";
import { invalidEvent } from "./errors.js";
import { samHash } from "./hash.js";
import { compact, getAtt, ref } from "./intrinsics.js";
import type { FunctionTarget } from "./function-extras.js";
import { targetName } from "./function-extras.js";
import { isObject } from "../template/values.js";
import type { TemplateObject, TemplateValue } from "../template/values.js";

/** One event of a function, as its translator receives it. */
export interface EventInput {
  /** The event's key under Events. */
  readonly eventId: string;
  /** `<Fn><Event>`: the logical id of what the event creates. */
  readonly logicalId: string;
  readonly properties: TemplateObject;
  readonly target: FunctionTarget;
  /** The generated execution role's logical id, when SAM generated it. */
  readonly roleId?: string | undefined;
  readonly ctx: SamContext;
}

/** A required property of the event, or SAM's missing-property error. */
export function required(e: EventInput, key: string): TemplateValue {
  const value = e.properties[key];
  if (value === undefined || value === null) throw invalidEvent(e.eventId, `Missing required property '${key}'.`);
  return value;
}

/**
 * `<prefix>Permission<suffix>` allowing `principal` to invoke the target (SAM hashes a suffix
 * that is not alphanumeric).
 */
export function permission(
  e: EventInput,
  principal: string,
  extra: {
    sourceArn?: TemplateValue | undefined;
    sourceAccount?: TemplateValue | undefined;
    suffix?: string;
    prefix?: string;
  },
): void {
  const prefix = extra.prefix ?? e.logicalId;
  const suffix = extra.suffix ?? "";
  const id = /^[A-Za-z0-9]*$/.test(suffix) ? `${prefix}Permission${suffix}` : `${prefix}Permission${samHash(suffix)}`;
  e.ctx.resources[id] = compact({
    Type: "AWS::Lambda::Permission",
    ...e.target.passthrough,
    Properties: compact({
      Action: "lambda:InvokeFunction",
      FunctionName: targetName(e.target),
      Principal: principal,
      SourceArn: extra.sourceArn,
      SourceAccount: extra.sourceAccount,
    }),
  });
}

/** Appends a managed policy to the generated execution role (event sources that poll need one). */
export function addRoleManagedPolicy(e: EventInput, arn: string): void {
  const role = e.roleId ? e.ctx.resources[e.roleId] : undefined;
  const props = role && isObject(role.Properties) ? role.Properties : undefined;
  if (!props) return;
  const list = Array.isArray(props.ManagedPolicyArns) ? props.ManagedPolicyArns : [];
  if (!list.includes(arn)) props.ManagedPolicyArns = [...list, arn];
}

/** Appends an inline policy to the generated execution role. */
export function addRolePolicy(e: EventInput, policy: TemplateObject): void {
  const role = e.roleId ? e.ctx.resources[e.roleId] : undefined;
  const props = role && isObject(role.Properties) ? role.Properties : undefined;
  if (!props) return;
  props.Policies = [...(Array.isArray(props.Policies) ? props.Policies : []), policy];
}

/** An EventBridge rule's DeadLetterConfig: a given Arn, or a queue SAM creates (`Type: SQS`) with its policy. */
export function ruleDeadLetterArn(
  e: EventInput,
  ruleArn: TemplateValue,
  service = "events.amazonaws.com",
): TemplateValue | undefined {
  const dlq = e.properties.DeadLetterConfig;
  if (dlq === undefined) return undefined;
  if (!isObject(dlq)) throw invalidEvent(e.logicalId, "Property 'DeadLetterConfig' should be a map.");
  if ("Arn" in dlq && "Type" in dlq)
    throw invalidEvent(e.logicalId, "You can either define 'Arn' or 'Type' property of DeadLetterConfig.");
  if ("Type" in dlq && dlq.Type !== "SQS")
    throw invalidEvent(e.logicalId, "The only valid value for 'Type' property of DeadLetterConfig is 'SQS'.");
  if (!("Arn" in dlq) && !("Type" in dlq))
    throw invalidEvent(e.logicalId, "No 'Arn' or 'Type' property provided for DeadLetterConfig.");
  if (dlq.Arn !== undefined) return dlq.Arn;
  const queueId = typeof dlq.QueueLogicalId === "string" ? dlq.QueueLogicalId : `${e.logicalId}Queue`;
  e.ctx.resources[queueId] = compact({ Type: "AWS::SQS::Queue", ...e.target.passthrough, Properties: {} });
  e.ctx.resources[`${e.logicalId}QueuePolicy`] = compact({
    Type: "AWS::SQS::QueuePolicy",
    ...e.target.passthrough,
    Properties: {
      PolicyDocument: {
        Version: "2012-10-17",
        Statement: [
          {
            Action: "sqs:SendMessage",
            Effect: "Allow",
            Principal: { Service: service },
            Resource: getAtt(queueId, "Arn"),
            Condition: { ArnEquals: { "aws:SourceArn": ruleArn } },
          },
        ],
      },
      Queues: [ref(queueId)],
    },
  });
  return getAtt(queueId, "Arn");
}

/** SAM's target id: `<id>LambdaTarget`, cut to EventBridge's 64 characters. */
export function ruleTargetId(logicalId: string): string {
  const suffix = "LambdaTarget";
  return logicalId.length + suffix.length <= 64 ? logicalId + suffix : logicalId.slice(0, 64 - suffix.length) + suffix;
}
