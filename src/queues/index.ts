export { QueueService, type QueueServiceOptions } from "./queue-service.js";
export { queueArn, nameFromUrl } from "./queue-refs.js";
export type { CallContext, Json as QueueJson } from "./types.js";
