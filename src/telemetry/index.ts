export { RecordChannel, type RecordListener } from "./record-channel.js";
export { LogWriter, type LogWriterOptions } from "./log-writer.js";
export { RetentionSweeper } from "./retention.js";
export { functionLogGroup, invocationEvents, streamNameFor } from "./log-events.js";
export { FilterPatternError, parseFilterPattern, type MessageMatcher } from "./filter-pattern.js";
export * as insights from "./insights/index.js";
export {
  dataMessage,
  SubscriptionDelivery,
  SUBSCRIPTION_RETRY_MS,
  UndeliverableError,
  type SubscriptionBatch,
  type SubscriptionMetric,
  type SubscriptionDeliveryOptions,
} from "./subscription-delivery.js";
