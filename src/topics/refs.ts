/** Topic names and ARNs, subscription ARNs, and SNS's errors about them. */
import { PlatformError } from "../shared/errors.js";

/** Where topics live: the region and account of this node. */
export interface TopicScope {
  readonly region: string;
  readonly accountId: string;
}

const NAME_RE = /^[A-Za-z0-9_-]{1,256}$/;
const FIFO_NAME_RE = /^[A-Za-z0-9_-]{1,251}\.fifo$/;

/** Checks a topic name (`.fifo` names for FIFO topics only), with SNS's messages. */
export function checkTopicName(name: string, fifo: boolean): void {
  if (fifo ? FIFO_NAME_RE.test(name) : NAME_RE.test(name)) return;
  const reason = fifo
    ? "Invalid parameter: Fifo Topic names must end with .fifo and must be made up of only uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256 characters long."
    : "Invalid parameter: Topic Name";
  throw invalid(reason);
}

/** The ARN of topic `name`. */
export function topicArn(scope: TopicScope, name: string): string {
  return `arn:aws:sns:${scope.region}:${scope.accountId}:${name}`;
}

/** The topic name of an ARN in `scope`, or undefined when it is not one. */
export function topicNameOf(scope: TopicScope, arn: string): string | undefined {
  const prefix = `arn:aws:sns:${scope.region}:${scope.accountId}:`;
  if (!arn.startsWith(prefix)) return undefined;
  const name = arn.slice(prefix.length);
  return NAME_RE.test(name) || FIFO_NAME_RE.test(name) ? name : undefined;
}

/** SNS's InvalidParameter with `message`. */
export function invalid(message: string): PlatformError {
  return new PlatformError("ERR_SNS_INVALID_PARAMETER", message);
}

/** SNS's NotFound for a topic. */
export function noTopic(): PlatformError {
  return new PlatformError("ERR_SNS_NOT_FOUND", "Topic does not exist");
}

/** SNS's NotFound for a subscription. */
export function noSubscription(): PlatformError {
  return new PlatformError("ERR_SNS_NOT_FOUND", "Subscription does not exist");
}
