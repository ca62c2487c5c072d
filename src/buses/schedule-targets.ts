/**
 * Scheduler's templated targets: a Lambda function (Invoke), an SQS queue (SendMessage), an SNS
 * topic (Publish), an event bus (PutEvents) or a Kinesis stream (PutRecord), each named by its ARN,
 * with the parameters of its kind. Universal targets (`arn:aws:scheduler:::aws-sdk:...`) and other
 * services are refused.
 */
import type { ScheduleTargetParameters } from "../ports/bus-store.js";
import { PlatformError } from "../shared/errors.js";
import { busOfArn, functionOfArn, isQueueArn, isTopicArn, streamOfArn } from "./names.js";

/** The kinds of target a schedule delivers to. */
export type ScheduleTargetKind = "lambda" | "sqs" | "sns" | "events" | "kinesis";

/** A schedule's target as CreateSchedule takes it (shaped by the API). */
export interface ScheduleTargetInput {
  readonly arn: string;
  readonly roleArn: string;
  readonly input?: string | undefined;
  readonly parameters?: ScheduleTargetParameters | undefined;
}

const ROLE_ARN = /^arn:aws(-[a-z]+)?:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const SOURCE = /^(?=[/.\-_A-Za-z0-9]+)((?!aws\.).*)$/;

const fail = (message: string) => new PlatformError("ERR_SCHEDULER_VALIDATION", message);

/** The kind of target an ARN names, or undefined. */
export function targetKindOf(arn: string): ScheduleTargetKind | undefined {
  if (functionOfArn(arn)) return "lambda";
  if (isQueueArn(arn)) return "sqs";
  if (isTopicArn(arn)) return "sns";
  if (busOfArn(arn)) return "events";
  if (streamOfArn(arn)) return "kinesis";
  return undefined;
}

/** The parameters member that goes with each kind. */
const PARAMETERS_OF: Readonly<Record<keyof ScheduleTargetParameters, [ScheduleTargetKind, string]>> = {
  messageGroupId: ["sqs", "SqsParameters"],
  partitionKey: ["kinesis", "KinesisParameters"],
  eventBridge: ["events", "EventBridgeParameters"],
};

/** Checks a target as Scheduler does; returns its kind. */
export function checkScheduleTarget(t: ScheduleTargetInput): ScheduleTargetKind {
  if (!ROLE_ARN.test(t.roleArn))
    throw fail(
      `1 validation error detected: Value '${t.roleArn}' at 'target.roleArn' failed to satisfy constraint: Member must satisfy regular expression pattern: ^arn:aws(-[a-z]+)?:iam::\\d{12}:role\\/[\\w+=,.@\\/-]+$`,
    );
  if (t.arn.startsWith("arn:aws:scheduler:::aws-sdk:"))
    throw fail(`Universal target ${t.arn} is not supported by haneul: use a templated target.`);
  const kind = targetKindOf(t.arn);
  if (!kind)
    throw fail(
      `Target ${t.arn} is not supported by haneul: a Lambda function, SQS queue, SNS topic, event bus or Kinesis stream.`,
    );
  const p = t.parameters ?? {};
  for (const [key, [owner, member]] of Object.entries(PARAMETERS_OF)) {
    if (p[key as keyof ScheduleTargetParameters] !== undefined && owner !== kind)
      throw fail(`${member} is not valid for target ${t.arn}.`);
  }
  if (kind === "kinesis" && p.partitionKey === undefined)
    throw fail("KinesisParameters.PartitionKey is required for a Kinesis target.");
  if (kind === "events") checkEventBridge(t);
  if ((kind === "lambda" || kind === "events") && t.input !== undefined && !isJson(t.input))
    throw fail(`Input must be well-formed JSON for target ${t.arn}.`);
  return kind;
}

function checkEventBridge(t: ScheduleTargetInput): void {
  const e = t.parameters?.eventBridge;
  if (!e) throw fail("EventBridgeParameters is required for an EventBridge target.");
  if (!SOURCE.test(e.source) || e.source.length > 256)
    throw fail(
      `1 validation error detected: Value '${e.source}' at 'target.eventBridgeParameters.source' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(?=[/\\.\\-_A-Za-z0-9]+)((?!aws\\.).*)|(\\$(\\.[\\w_-]+(\\[(\\d+|\\*)\\])*)*)$`,
    );
  if (e.detailType.length < 1 || e.detailType.length > 128)
    throw fail(
      `1 validation error detected: Value '${e.detailType}' at 'target.eventBridgeParameters.detailType' failed to satisfy constraint: Member must have length between 1 and 128`,
    );
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
