export {
  EventBusService,
  type Deliver,
  type EventBusServiceOptions,
  type QueueDelivery,
  type RuleCount,
  type RuleInput,
  type SchedulerSends,
  MAX_TARGETS_PER_RULE,
} from "./event-bus-service.js";
export { putEvents, eventTime, type PutEventsEntry, type PutEventsResult } from "./put-events.js";
export { checkPattern } from "./rule-checks.js";
export { RuleScheduler, type RuleSchedulerOptions } from "./rule-scheduler.js";
export {
  busNameOf,
  busOfArn,
  ruleNameOf,
  functionOfArn,
  invalid,
  isQueueArn,
  isTopicArn,
  streamOfArn,
  type FunctionTarget,
} from "./names.js";
export { parseJsonPath } from "./json-path.js";
export {
  deleteSchedule,
  getSchedule,
  listSchedules,
  saveSchedule,
  schedulerBus,
  type ScheduleInput,
} from "./schedules.js";
export {
  createScheduleGroup,
  deleteScheduleGroup,
  groupOfArn,
  listScheduleGroups,
  scheduleGroup,
  tagScheduleGroup,
  untagScheduleGroup,
} from "./schedule-groups.js";
export type { ScheduleTargetInput } from "./schedule-targets.js";
export type { FlexOffset } from "./schedule-ticks.js";
export { DEFAULT_EVENT_AGE_SECONDS, DEFAULT_RETRY_ATTEMPTS } from "./target-retries.js";
