export { TopicService, type TopicServiceOptions } from "./topic-service.js";
export type { DeliveryTargets, QueueMessage } from "./deliver.js";
export type { MessageAttribute } from "./filter-policy.js";
export type { PublishInput } from "./publish-input.js";
export type { BatchOutcome, Published } from "./publisher.js";
export { topicArn, topicNameOf, type TopicScope } from "./refs.js";
export { generateSigningKey, MessageSigner } from "./signing.js";
