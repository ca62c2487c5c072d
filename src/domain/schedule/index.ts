export {
  InvalidScheduleExpression,
  isTimeZone,
  parseScheduleExpression,
  wallTimeToUtc,
  type Schedule,
  type ScheduleOptions,
} from "./schedule-expression.js";
