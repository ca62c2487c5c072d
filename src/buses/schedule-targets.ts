/**
 * Scheduler's templated targets: a Lambda function (Invoke), an SQS queue (SendMessage), an SNS
 * topic (Publish), an event bus (PutEvents) or a Kinesis stream (PutRecord), each named by its ARN,
 * with the parameters of its kind. Universal targets (`arn:aws:scheduler:::aws-sdk:...`) and other
 * services are refused.
 */
import type { ScheduleTargetParameters, TargetRetryPolicy } from "../ports/bus-store.js";
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
  /** RetryPolicy as given (a member left out takes Scheduler's default). */
  readonly retryPolicy?: TargetRetryPolicy | undefined;
  /** DeadLetterConfig.Arn: the standard SQS queue a delivery that failed for good goes to. */
  readonly deadLetterArn?: string | undefined;
}

/** DeadLetterConfig.Arn's pattern (a standard queue: a FIFO queue's name has a dot). */
const DLQ_ARN = /^arn:aws(-[a-z]+)?:sqs:[a-z0-9-]+:\d{12}:[a-zA-Z0-9\-_]+$/;
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
  checkRetries(t);
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

/** RetryPolicy's ranges (60–86400 s, 0–185 retries) and DeadLetterConfig's ARN, as Scheduler's model has them. */
function checkRetries(t: ScheduleTargetInput): void {
  const range = (value: number | undefined, member: string, min: number, max: number) => {
    if (value === undefined) return;
    const bound = value < min ? `greater than or equal to ${min}` : value > max ? `less than or equal to ${max}` : "";
    if (bound)
      throw fail(
        `1 validation error detected: Value '${value}' at 'target.retryPolicy.${member}' failed to satisfy constraint: Member must have value ${bound}`,
      );
  };
  range(t.retryPolicy?.maximumEventAgeInSeconds, "maximumEventAgeInSeconds", 60, 86_400);
  range(t.retryPolicy?.maximumRetryAttempts, "maximumRetryAttempts", 0, 185);
  if (t.deadLetterArn !== undefined && !DLQ_ARN.test(t.deadLetterArn))
    throw fail(
      `1 validation error detected: Value '${t.deadLetterArn}' at 'target.deadLetterConfig.arn' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:aws(-[a-z]+)?:sqs:[a-z0-9\\-]+:\\d{12}:[a-zA-Z0-9\\-_]+`,
    );
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
