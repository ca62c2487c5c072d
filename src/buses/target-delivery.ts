/**
 * An event on its way to the targets of the rules it matches: each target by the kind its ARN
 * names — a function (an asynchronous invocation), a topic, a queue, a Kinesis stream, or another
 * event bus of the account, whose own rules then match the same event (same id, as on AWS).
 */
import type { EventRuleRecord, RuleTargetRecord } from "../ports/bus-store.js";
import type { EventBusService } from "./event-bus-service.js";
import { parseJsonPath, valueAt } from "./json-path.js";
import { failureOf, permanentFailure, type DeliveryFailure } from "./delivery-failure.js";
import { busOfArn, functionOfArn, streamOfArn, type FunctionTarget } from "./names.js";
import { targetInput } from "./target-input.js";

/** An EventBridge event as targets receive it. */
export type BusEvent = Readonly<Record<string, unknown>>;

/** What a rule's targets are given: the event, when it came in, and its JSON. */
export interface Delivery {
  readonly event: BusEvent;
  readonly ingestionTime: string;
  readonly whole: () => Buffer;
  /** The buses the event was passed on from (it is never passed back to one of them). */
  readonly via?: ReadonlySet<string> | undefined;
}

/** Matches an event against the enabled rules of a bus and delivers it to their targets. */
export async function deliverOnBus(svc: EventBusService, busName: string, d: Delivery): Promise<void> {
  const deliveries: Promise<void>[] = [];
  for (const rule of svc.cache.rulesOf(busName).values()) {
    if (rule.record.state !== "ENABLED" || !rule.pattern || !rule.pattern(d.event)) continue;
    svc.count(busName, rule.record.name, "MatchedEvents");
    deliveries.push(deliverToTargets(svc, rule.record, d));
  }
  if (deliveries.length > 0) svc.count(busName, undefined, "MatchedEvents");
  await Promise.all(deliveries);
}

/**
 * Hands an event to each target of a rule (the kinds PutTargets accepts), counting the rule's
 * invocations; a failed delivery is retried, dead-lettered or dropped as the target's RetryPolicy
 * and DeadLetterConfig say (TargetRetries). Scheduler's schedules, which are no rules on AWS, are
 * neither counted nor retried here.
 */
export async function deliverToTargets(svc: EventBusService, rule: EventRuleRecord, d: Delivery): Promise<void> {
  const counted = rule.schedule === undefined;
  if (counted) svc.count(rule.busName, rule.name, "TriggeredRules");
  await Promise.all(
    rule.targets.map(async (target) => {
      if (counted) svc.count(rule.busName, rule.name, "InvocationAttempts");
      const failure = await deliverToTarget(svc, rule, target, d);
      if (!counted) return;
      if (failure === undefined) return svc.count(rule.busName, rule.name, "Invocations");
      await svc.retries.failed(svc, { rule, target, delivery: d, failure });
    }),
  );
}

/** Delivers to one target; the failure when the delivery failed (logged), undefined when it was delivered. */
export async function deliverToTarget(
  svc: EventBusService,
  rule: EventRuleRecord,
  target: RuleTargetRecord,
  d: Delivery,
): Promise<DeliveryFailure | undefined> {
  const fn = functionOfArn(target.arn);
  const plain = target.input === undefined && target.inputPath === undefined && !target.inputTransformer;
  const ctx = { event: d.event, ruleArn: rule.arn, ruleName: rule.name, ingestionTime: d.ingestionTime };
  const input = () => (plain ? d.whole() : Buffer.from(targetInput(target, ctx)));
  if (fn) return invoke(svc, fn, input(), rule.arn);
  const service = target.arn.split(":")[2];
  if (service === "sns") return svc.senders.publishToTopic(target.arn, input(), rule.arn);
  if (service === "sqs") {
    const messageGroupId = target.sqsParameters?.messageGroupId;
    const body = input().toString("utf8");
    // Each event is one message: its id deduplicates a FIFO queue's copies of it.
    const deduplicationId = `${eventIdOf(svc, d.event)}-${target.id}`;
    return svc.senders.sendToQueue(target.arn, { body, ruleArn: rule.arn, messageGroupId, deduplicationId });
  }
  if (streamOfArn(target.arn)) {
    return svc.senders.putRecord(target, { partitionKey: partitionKeyOf(svc, target, d.event), data: input() });
  }
  const bus = busOfArn(target.arn);
  if (bus) return passOn(svc, { rule, target, busName: bus.name }, d);
  const what = `rule ${rule.arn} has a target of no kind haneul knows`;
  return svc.senders.failed(what, permanentFailure("INVALID_PARAMETER", target.arn));
}

/** An asynchronous invocation; a store that could not take it is a failure to retry. */
async function invoke(
  svc: EventBusService,
  fn: FunctionTarget,
  payload: Buffer,
  ruleArn: string,
): Promise<DeliveryFailure | undefined> {
  try {
    return await svc.deliver(fn, payload, ruleArn);
  } catch (e) {
    return svc.senders.failed(`rule ${ruleArn} did not invoke function ${fn.functionName}`, failureOf(e));
  }
}

/** Passes the event on to another bus, as the target's role (when it has one) may. */
async function passOn(
  svc: EventBusService,
  to: { rule: EventRuleRecord; target: RuleTargetRecord; busName: string },
  d: Delivery,
): Promise<DeliveryFailure | undefined> {
  const what = `rule ${to.rule.arn} did not pass an event on to ${to.target.arn}`;
  if (
    to.target.roleArn !== undefined &&
    !svc.senders.rolePermits(to.target.roleArn, "events:PutEvents", to.target.arn)
  ) {
    const reason = `the role ${to.target.roleArn} may not events:PutEvents`;
    return svc.senders.failed(what, permanentFailure("NO_PERMISSIONS", reason));
  }
  if (!svc.cache.buses.has(to.busName))
    return svc.senders.failed(what, permanentFailure("NO_RESOURCE", `event bus ${to.busName} does not exist`));
  const via = new Set(d.via ?? []).add(to.rule.busName);
  // A chain of buses that leads back to one the event was on would pass it round without end.
  if (via.has(to.busName)) {
    const reason = `the event already went through event bus ${to.busName}`;
    return svc.senders.failed(what, permanentFailure("INVALID_PARAMETER", reason));
  }
  await deliverOnBus(svc, to.busName, { ...d, via });
  return undefined;
}

/** KinesisParameters.PartitionKeyPath's value in the event; the event's id without one (or when it selects nothing). */
function partitionKeyOf(svc: EventBusService, target: RuleTargetRecord, event: BusEvent): string {
  const path = target.kinesisParameters?.partitionKeyPath;
  const value = path === undefined ? undefined : valueAt(event, parseJsonPath(path) ?? []);
  if (value === undefined || value === null || value === "") return eventIdOf(svc, event);
  const key = typeof value === "string" ? value : JSON.stringify(value);
  // Kinesis takes keys of at most 256 characters.
  return key.slice(0, 256);
}

function eventIdOf(svc: EventBusService, event: BusEvent): string {
  return typeof event.id === "string" ? event.id : svc.ids.requestId();
}
