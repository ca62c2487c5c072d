/**
 * EventBridge Scheduler's schedules: one-time (`at(...)`) or recurring (`rate`, `cron`) with a time
 * zone, start and end dates and a flexible window, a templated target given `Input` (or `{}`; see
 * schedule-targets.ts), fired by the same scheduler as scheduled rules.
 * A schedule is stored as a rule on the pseudo bus `aws.scheduler/<group>` (no real bus can be
 * named so), which gives it the store, the cluster change log and the once-per-tick claim.
 */
import { InvalidScheduleExpression, isTimeZone, parseScheduleExpression } from "../domain/schedule/index.js";
import type { EventRuleRecord, RuleTargetRecord } from "../ports/bus-store.js";
import { PlatformError } from "../shared/errors.js";
import type { EventBusService } from "./event-bus-service.js";
import { checkScheduleTarget, type ScheduleTargetInput } from "./schedule-targets.js";
import { scheduleGroup } from "./schedule-groups.js";

/** The pseudo bus of a schedule group. */
export const schedulerBus = (group: string): string => `aws.scheduler/${group}`;

/** What CreateSchedule and UpdateSchedule take (already shaped by the API). */
export interface ScheduleInput {
  readonly name: string;
  readonly groupName: string;
  readonly scheduleExpression: string;
  readonly timezone: string;
  readonly state: "ENABLED" | "DISABLED";
  readonly description?: string | undefined;
  readonly target: ScheduleTargetInput;
  readonly actionAfterCompletion: "NONE" | "DELETE";
  /** Epoch ms. */
  readonly startDate?: number | undefined;
  readonly endDate?: number | undefined;
  /** FlexibleTimeWindow FLEXIBLE's MaximumWindowInMinutes (absent: OFF). */
  readonly flexibleWindowMinutes?: number | undefined;
}

const fail = (message: string) => new PlatformError("ERR_SCHEDULER_VALIDATION", message);

function check(svc: EventBusService, input: ScheduleInput): void {
  scheduleGroup(svc, input.groupName);
  if (!isTimeZone(input.timezone)) throw fail(`Invalid time zone: ${input.timezone}.`);
  try {
    parseScheduleExpression(input.scheduleExpression, { timezone: input.timezone, allowAt: true });
  } catch (e) {
    if (e instanceof InvalidScheduleExpression) throw fail(`Invalid Schedule Expression ${input.scheduleExpression}.`);
    throw e;
  }
  checkScheduleTarget(input.target);
  const w = input.flexibleWindowMinutes;
  if (w !== undefined && (!Number.isInteger(w) || w < 1 || w > 1440))
    throw fail(
      `1 validation error detected: Value '${w}' at 'flexibleTimeWindow.maximumWindowInMinutes' failed to satisfy constraint: Member must have value between 1 and 1440`,
    );
  // One-time schedules ignore both dates (as on AWS).
  if (input.scheduleExpression.startsWith("at(")) return;
  if (input.startDate !== undefined && input.startDate < svc.clock.now() - 5 * 60_000)
    throw fail("The StartDate you specify cannot be earlier than 5 minutes ago.");
  if (input.startDate !== undefined && input.endDate !== undefined && input.endDate <= input.startDate)
    throw fail("The EndDate you specify must be later than the StartDate.");
}

/** The schedule named, or AWS's 404. */
export function getSchedule(svc: EventBusService, group: string, name: string): EventRuleRecord {
  const rule = svc.cache.get(schedulerBus(group), name)?.record;
  if (!rule?.schedule) throw new PlatformError("ERR_SCHEDULER_NOT_FOUND", `Schedule ${name} does not exist.`);
  return rule;
}

/** Every schedule of every group, by group then name. */
export function listSchedules(svc: EventBusService): EventRuleRecord[] {
  const out: EventRuleRecord[] = [];
  for (const rule of svc.cache.scheduled()) if (rule.record.schedule) out.push(rule.record);
  return out.sort((a, b) => (a.busName + a.name < b.busName + b.name ? -1 : 1));
}

/** Creates (`create`) or replaces a schedule; returns its ARN. */
export async function saveSchedule(svc: EventBusService, input: ScheduleInput, create: boolean): Promise<string> {
  check(svc, input);
  const busName = schedulerBus(input.groupName);
  const existing = svc.cache.get(busName, input.name)?.record;
  if (create && existing) throw new PlatformError("ERR_SCHEDULER_CONFLICT", `Schedule ${input.name} already exists.`);
  if (!create && !existing)
    throw new PlatformError("ERR_SCHEDULER_NOT_FOUND", `Schedule ${input.name} does not exist.`);
  const now = svc.clock.now();
  const target: RuleTargetRecord = {
    id: "target",
    arn: input.target.arn,
    roleArn: input.target.roleArn,
    input: input.target.input,
    retryPolicy: input.target.retryPolicy,
    deadLetterConfig: input.target.deadLetterArn === undefined ? undefined : { arn: input.target.deadLetterArn },
  };
  const arn = `arn:aws:scheduler:${svc.scope.region}:${svc.scope.accountId}:schedule/${input.groupName}/${input.name}`;
  await svc.saveRuleRecord({
    busName,
    name: input.name,
    arn,
    scheduleExpression: input.scheduleExpression,
    state: input.state,
    description: input.description,
    createdAt: existing?.createdAt ?? now,
    enabledAt: now,
    targets: [target],
    tags: {},
    schedule: {
      groupName: input.groupName,
      timezone: input.timezone,
      actionAfterCompletion: input.actionAfterCompletion,
      modifiedAt: now,
      startDate: input.startDate,
      endDate: input.endDate,
      flexibleWindowMinutes: input.flexibleWindowMinutes,
      targetParameters: input.target.parameters,
    },
  });
  return arn;
}

/** Deletes a schedule, or AWS's 404. */
export async function deleteSchedule(svc: EventBusService, group: string, name: string): Promise<void> {
  getSchedule(svc, group, name);
  await svc.deleteRuleRecord(schedulerBus(group), name);
}
