/**
 * A Scheduler schedule's tick delivered to its target as Scheduler does: the target's `Input` (or
 * `{}`) is the function's payload, the message body, the published message, the event's detail or
 * the record's data. Every kind is done as the schedule's role, which must allow the action on the
 * target (lambda:InvokeFunction, sqs:SendMessage, sns:Publish, events:PutEvents,
 * kinesis:PutRecord). A delivery that failed is retried, sent to the target's dead-letter queue or
 * dropped by the rule targets' machinery (TargetRetries) as the target's RetryPolicy and
 * DeadLetterConfig say; the dead letter carries Scheduler's message attributes and is sent as the
 * schedule's role too (sqs:SendMessage on the queue).
 */
import type { EventRuleRecord } from "../ports/bus-store.js";
import { failureOf, permanentFailure, type DeliveryFailure } from "./delivery-failure.js";
import type { EventBusService } from "./event-bus-service.js";
import { functionOfArn } from "./names.js";
import { eventTime, putEvents } from "./put-events.js";
import { targetKindOf } from "./schedule-targets.js";
import type { Delivery } from "./target-delivery.js";

const ACTION = {
  lambda: "lambda:InvokeFunction",
  sqs: "sqs:SendMessage",
  sns: "sns:Publish",
  events: "events:PutEvents",
  kinesis: "kinesis:PutRecord",
} as const;

/** Scheduler's error codes for the DLQ's ERROR_CODE attribute, by the failure's EventBridge code. */
const ERROR_CODES: Readonly<Record<string, string>> = {
  NO_PERMISSIONS: "AccessDeniedException",
  NO_RESOURCE: "ResourceNotFoundException",
  THROTTLING: "ThrottlingException",
  INVALID_PARAMETER: "ValidationException",
  INTERNAL_ERROR: "InternalServerException",
};

/** Why a dead letter was sent after retries: EXHAUSTED_RETRY_CONDITION. */
export type ExhaustedCondition = "MaximumRetryAttempts" | "MaximumEventAgeInSeconds";

/** Delivers a schedule's tick; a failed delivery is handed to the retries (false: not delivered now). */
export async function deliverSchedule(svc: EventBusService, rule: EventRuleRecord): Promise<boolean> {
  const target = rule.targets[0];
  if (!target) return false;
  const input = target.input ?? "{}";
  const failure = await deliverScheduleInput(svc, rule, input);
  if (!failure) return true;
  const delivery: Delivery = {
    event: {},
    ingestionTime: eventTime(svc.clock.now()),
    whole: () => Buffer.from(input),
  };
  await svc.retries.failed(svc, { rule, target, delivery, failure });
  return false;
}

/**
 * One try of a schedule's target with `input`: the failure (logged), undefined when delivered.
 * Scheduler retries every failed invocation under the RetryPolicy, a refused permission or a
 * missing target too (they may be put right before the retries run out).
 */
export async function deliverScheduleInput(
  svc: EventBusService,
  rule: EventRuleRecord,
  input: string,
): Promise<DeliveryFailure | undefined> {
  const failure = await tryTarget(svc, rule, input);
  return failure && { ...failure, retryable: true };
}

async function tryTarget(
  svc: EventBusService,
  rule: EventRuleRecord,
  input: string,
): Promise<DeliveryFailure | undefined> {
  const target = rule.targets[0];
  if (!target) return permanentFailure("NO_RESOURCE", `schedule ${rule.arn} has no target`);
  const p = rule.schedule?.targetParameters ?? {};
  const kind = targetKindOf(target.arn);
  const what = `schedule ${rule.arn} did not deliver to ${target.arn}`;
  if (kind === undefined)
    return svc.senders.failed(what, permanentFailure("INVALID_PARAMETER", "a target of no kind haneul knows"));
  // A stream's record is put by the senders, which check the role's kinesis:PutRecord themselves.
  if (kind === "kinesis") {
    const record = { partitionKey: p.partitionKey ?? rule.name, data: Buffer.from(input) };
    return svc.senders.putRecord(target, record, what);
  }
  if (!svc.senders.rolePermits(target.roleArn, ACTION[kind], target.arn)) {
    const reason = `the role ${target.roleArn ?? "(none)"} may not ${ACTION[kind]} on ${target.arn}`;
    return svc.senders.failed(what, permanentFailure("NO_PERMISSIONS", reason));
  }
  try {
    if (kind === "lambda") return await svc.deliver(functionOfArn(target.arn)!, Buffer.from(input), rule.arn);
    const sends = svc.schedulerSends;
    if (kind === "events") {
      const refused = await putOnBus(svc, rule, input);
      if (refused) return svc.senders.failed(what, refused);
    } else if (!sends) throw new Error("queues and topics are not available on this node");
    else if (kind === "sqs") await sends.sendMessage(target.arn, { body: input, messageGroupId: p.messageGroupId });
    else await sends.publish(target.arn, input);
    return undefined;
  } catch (e) {
    return svc.senders.failed(what, failureOf(e));
  }
}

/**
 * Sends a schedule's input that was not delivered to its DLQ, as the schedule's role, with
 * Scheduler's message attributes; the failure when it could not be sent.
 */
export async function deadLetterSchedule(
  svc: EventBusService,
  rule: EventRuleRecord,
  letter: { body: string; failure: DeliveryFailure; retryAttempts: number; exhausted: ExhaustedCondition | undefined },
): Promise<DeliveryFailure | undefined> {
  const target = rule.targets[0]!;
  const dlq = target.deadLetterConfig!.arn;
  const what = `schedule ${rule.arn} did not send a dead letter to ${dlq}`;
  if (!svc.senders.rolePermits(target.roleArn, "sqs:SendMessage", dlq))
    return svc.senders.failed(
      what,
      permanentFailure("NO_PERMISSIONS", `the role ${target.roleArn ?? "(none)"} may not sqs:SendMessage on ${dlq}`),
    );
  const text = (StringValue: string) => ({ DataType: "String", StringValue });
  const f = letter.failure;
  const attributes = {
    ERROR_CODE: text(ERROR_CODES[f.code] ?? f.code),
    ERROR_MESSAGE: text(f.message),
    ...(letter.exhausted && { EXHAUSTED_RETRY_CONDITION: text(letter.exhausted) }),
    INVOCATION_ID: text(svc.ids.requestId()),
    RETRY_ATTEMPTS: text(String(letter.retryAttempts)),
    SCHEDULE_ARN: text(rule.arn),
    TARGET_ARN: text(target.arn),
  };
  try {
    if (!svc.schedulerSends) throw new Error("queues are not available on this node");
    await svc.schedulerSends.sendMessage(dlq, { body: letter.body, attributes });
    return undefined;
  } catch (e) {
    return svc.senders.failed(what, failureOf(e));
  }
}

/**
 * PutEvents of one entry: EventBridgeParameters' Source and DetailType, Input as Detail, the
 * schedule as resource; the failure when the entry was refused (only an internal one is retried).
 */
async function putOnBus(
  svc: EventBusService,
  rule: EventRuleRecord,
  detail: string,
): Promise<DeliveryFailure | undefined> {
  const target = rule.targets[0]!;
  const e = rule.schedule?.targetParameters?.eventBridge;
  const [result] = await putEvents(svc, [
    { Source: e?.source, DetailType: e?.detailType, Detail: detail, Resources: [rule.arn], EventBusName: target.arn },
  ]);
  if (!result || !("ErrorCode" in result)) return undefined;
  const message = `${result.ErrorCode}: ${result.ErrorMessage}`;
  if (/Internal|Throttl/.test(result.ErrorCode)) return { code: "INTERNAL_ERROR", message, retryable: true };
  return permanentFailure(/NotFound/.test(result.ErrorCode) ? "NO_RESOURCE" : "INVALID_PARAMETER", message);
}
