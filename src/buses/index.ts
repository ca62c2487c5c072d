export {
  EventBusService,
  checkPattern,
  type Deliver,
  type EventBusServiceOptions,
  type QueueDelivery,
  type RuleInput,
  MAX_TARGETS_PER_RULE,
} from "./event-bus-service.js";
export {
  putEvents,
  eventTime,
  isQueueArn,
  isTopicArn,
  type PutEventsEntry,
  type PutEventsResult,
} from "./put-events.js";
export { RuleScheduler, type RuleSchedulerOptions } from "./rule-scheduler.js";
export { busNameOf, ruleNameOf, functionOfArn, invalid, type FunctionTarget } from "./names.js";
export { parseJsonPath } from "./json-path.js";
export {
  deleteSchedule,
  getSchedule,
  listSchedules,
  saveSchedule,
  schedulerBus,
  type ScheduleInput,
} from "./schedules.js";
