export { QueueService, type PlatformQueueMessage, type QueueServiceOptions } from "./queue-service.js";
export type { ServiceSender } from "./queue-policy.js";
export { queueArn, nameFromUrl } from "./queue-refs.js";
export type { CallContext, Json as QueueJson } from "./types.js";
export { MoveTaskRunner, MOVE_STEP_MS } from "./move-runner.js";
