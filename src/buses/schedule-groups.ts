/**
 * Scheduler's schedule groups: `default` always exists; others are created, tagged and deleted
 * (with their schedules). A group is kept in the bus store as a bus named `aws.scheduler/<group>`,
 * the pseudo bus its schedules are rules of, so deleting it deletes them in the same statement.
 */
import type { EventBusRecord } from "../ports/bus-store.js";
import { PlatformError } from "../shared/errors.js";
import type { EventBusService } from "./event-bus-service.js";
import type { ArnScope } from "./names.js";
import { GROUP_PREFIX } from "./rule-cache.js";

/** AWS's limit of tags on a resource. */
const MAX_TAGS = 200;

/** The ARN of a schedule group. */
export const groupArn = (scope: ArnScope, name: string): string =>
  `arn:aws:scheduler:${scope.region}:${scope.accountId}:schedule-group/${name}`;

/** The stored record of a group. */
export function groupRecord(
  scope: ArnScope,
  name: string,
  createdAt: number,
  tags: Readonly<Record<string, string>>,
): EventBusRecord {
  return { name: GROUP_PREFIX + name, arn: groupArn(scope, name), createdAt, tags };
}

const notFound = (name: string) =>
  new PlatformError("ERR_SCHEDULER_NOT_FOUND", `Schedule group ${name} does not exist.`);

/** The group named, or AWS's 404. */
export function scheduleGroup(svc: EventBusService, name: string): EventBusRecord {
  const group = svc.cache.groups.get(name);
  if (!group) throw notFound(name);
  return group;
}

/** Every group, by name. */
export function listScheduleGroups(svc: EventBusService): { name: string; group: EventBusRecord }[] {
  return [...svc.cache.groups.entries()]
    .map(([name, group]) => ({ name, group }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** Creates a group; returns its ARN. */
export async function createScheduleGroup(
  svc: EventBusService,
  name: string,
  tags: Readonly<Record<string, string>>,
): Promise<string> {
  checkTagCount(tags);
  const record = groupRecord(svc.scope, name, svc.clock.now(), tags);
  if (!(await svc.createGroup(record)))
    throw new PlatformError("ERR_SCHEDULER_CONFLICT", `Schedule group ${name} already exists.`);
  return record.arn;
}

/** Deletes a group and its schedules; `default` may not go. */
export async function deleteScheduleGroup(svc: EventBusService, name: string): Promise<void> {
  if (name === "default")
    throw new PlatformError("ERR_SCHEDULER_VALIDATION", "The default schedule group cannot be deleted.");
  scheduleGroup(svc, name);
  await svc.deleteGroup(name);
}

/** The group a TagResource ARN names (only schedule groups take tags), or AWS's 404. */
export function groupOfArn(svc: EventBusService, arn: string): string {
  const m = /^arn:aws(-[a-z]+)?:scheduler:[a-z0-9-]+:\d{12}:schedule-group\/([0-9a-zA-Z\-_.]+)$/.exec(arn);
  if (!m)
    throw new PlatformError(
      "ERR_SCHEDULER_VALIDATION",
      `1 validation error detected: Value '${arn}' at 'resourceArn' failed to satisfy constraint: Member must satisfy regular expression pattern: ^arn:aws(-[a-z]+)?:scheduler:[a-z0-9\\-]+:\\d{12}:schedule-group\\/[0-9a-zA-Z-_.]+$`,
    );
  const name = m[2]!;
  if (scheduleGroup(svc, name).arn !== arn) throw notFound(name);
  return name;
}

/** Adds or replaces tags on a group. */
export async function tagScheduleGroup(
  svc: EventBusService,
  name: string,
  tags: Readonly<Record<string, string>>,
): Promise<void> {
  const merged = { ...scheduleGroup(svc, name).tags, ...tags };
  checkTagCount(merged);
  await svc.updateGroupTags(name, merged);
}

/** Removes tags from a group by key. */
export async function untagScheduleGroup(svc: EventBusService, name: string, keys: readonly string[]): Promise<void> {
  const left = Object.fromEntries(Object.entries(scheduleGroup(svc, name).tags).filter(([k]) => !keys.includes(k)));
  await svc.updateGroupTags(name, left);
}

function checkTagCount(tags: Readonly<Record<string, string>>): void {
  if (Object.keys(tags).length > MAX_TAGS)
    throw new PlatformError(
      "ERR_SCHEDULER_VALIDATION",
      `1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to ${MAX_TAGS}`,
    );
}
