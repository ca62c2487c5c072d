/**
 * EventBridge Scheduler's schedules: one-time (`at(...)`) or recurring (`rate`, `cron`) with a time
 * zone, a Lambda target given `Input` (or `{}`), fired by the same scheduler as scheduled rules.
 * A schedule is stored as a rule on the pseudo bus `aws.scheduler/<group>` (no real bus can be
 * named so), which gives it the store, the cluster change log and the once-per-tick claim.
 */
import { InvalidScheduleExpression, isTimeZone, parseScheduleExpression } from "../domain/schedule/index.js";
import type { EventRuleRecord, RuleTargetRecord } from "../ports/bus-store.js";
import { PlatformError } from "../shared/errors.js";
import type { EventBusService } from "./event-bus-service.js";
import { functionOfArn } from "./names.js";

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
  readonly target: { readonly arn: string; readonly roleArn: string; readonly input?: string | undefined };
  readonly actionAfterCompletion: "NONE" | "DELETE";
}

const fail = (message: string) => new PlatformError("ERR_SCHEDULER_VALIDATION", message);

function check(input: ScheduleInput): void {
  if (input.groupName !== "default") {
    throw new PlatformError("ERR_SCHEDULER_NOT_FOUND", `Schedule group ${input.groupName} does not exist.`);
  }
  if (!isTimeZone(input.timezone)) throw fail(`Invalid time zone: ${input.timezone}.`);
  try {
    parseScheduleExpression(input.scheduleExpression, { timezone: input.timezone, allowAt: true });
  } catch (e) {
    if (e instanceof InvalidScheduleExpression) throw fail(`Invalid Schedule Expression ${input.scheduleExpression}.`);
    throw e;
  }
  if (!functionOfArn(input.target.arn)) {
    throw fail(`Target ${input.target.arn} is not supported: haneul's Scheduler invokes Lambda functions only.`);
  }
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
  check(input);
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
    input: input.target.input ?? "{}",
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
    },
  });
  return arn;
}

/** Deletes a schedule, or AWS's 404. */
export async function deleteSchedule(svc: EventBusService, group: string, name: string): Promise<void> {
  getSchedule(svc, group, name);
  await svc.deleteRuleRecord(schedulerBus(group), name);
}
