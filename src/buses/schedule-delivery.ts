/**
 * A Scheduler schedule's tick delivered to its target as Scheduler does: the target's `Input` (or
 * `{}`) is the function's payload, the message body, the published message, the event's detail or
 * the record's data. Every kind but Lambda is done as the schedule's role, which must allow the
 * action on the target (Lambda is invoked as today: see the user guide).
 */
import type { EventRuleRecord } from "../ports/bus-store.js";
import { failureOf, permanentFailure } from "./delivery-failure.js";
import type { EventBusService } from "./event-bus-service.js";
import { functionOfArn } from "./names.js";
import { putEvents } from "./put-events.js";
import { targetKindOf } from "./schedule-targets.js";

const ACTION = { sqs: "sqs:SendMessage", sns: "sns:Publish", events: "events:PutEvents" } as const;

/** Delivers a schedule's tick; false when it was not delivered (logged). */
export async function deliverSchedule(svc: EventBusService, rule: EventRuleRecord): Promise<boolean> {
  const target = rule.targets[0];
  if (!target) return false;
  const input = target.input ?? "{}";
  const p = rule.schedule?.targetParameters ?? {};
  const kind = targetKindOf(target.arn);
  const what = `schedule ${rule.arn} did not deliver to ${target.arn}`;
  const refused = (code: string, reason: string): false => {
    svc.senders.failed(what, permanentFailure(code, reason));
    return false;
  };
  if (kind === "lambda")
    return (await svc.deliver(functionOfArn(target.arn)!, Buffer.from(input), rule.arn)) === undefined;
  if (kind === "kinesis") {
    const record = { partitionKey: p.partitionKey ?? rule.name, data: Buffer.from(input) };
    return (await svc.senders.putRecord(target, record)) === undefined;
  }
  if (kind === undefined) return refused("INVALID_PARAMETER", "a target of no kind haneul knows");
  if (!svc.senders.rolePermits(target.roleArn, ACTION[kind], target.arn))
    return refused("NO_PERMISSIONS", `the role ${target.roleArn ?? "(none)"} may not ${ACTION[kind]}`);
  try {
    const sends = svc.schedulerSends;
    if (kind === "events") return await putOnBus(svc, rule, input);
    if (!sends) throw new Error("queues and topics are not available on this node");
    if (kind === "sqs") await sends.sendMessage(target.arn, { body: input, messageGroupId: p.messageGroupId });
    else await sends.publish(target.arn, input);
    return true;
  } catch (e) {
    svc.senders.failed(what, failureOf(e));
    return false;
  }
}

/** PutEvents of one entry: EventBridgeParameters' Source and DetailType, Input as Detail, the schedule as resource. */
async function putOnBus(svc: EventBusService, rule: EventRuleRecord, detail: string): Promise<boolean> {
  const target = rule.targets[0]!;
  const e = rule.schedule?.targetParameters?.eventBridge;
  const [result] = await putEvents(svc, [
    { Source: e?.source, DetailType: e?.detailType, Detail: detail, Resources: [rule.arn], EventBusName: target.arn },
  ]);
  if (result && "ErrorCode" in result) throw new Error(`${result.ErrorCode}: ${result.ErrorMessage}`);
  return true;
}
