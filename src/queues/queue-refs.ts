/** Queue names, URLs and ARNs as SQS spells them. */
import { PlatformError } from "../shared/errors.js";

const NAME_RE = /^[A-Za-z0-9_-]{1,80}$/;
const FIFO_NAME_RE = /^[A-Za-z0-9_-]{1,75}\.fifo$/;

/** Where queues live: the region and account of this node. */
export interface QueueScope {
  readonly region: string;
  readonly accountId: string;
}

/** Checks a queue name (`.fifo` names for FIFO queues only). */
export function checkQueueName(name: string, fifo: boolean): void {
  const ok = fifo ? FIFO_NAME_RE.test(name) : NAME_RE.test(name);
  if (!ok) {
    const reason = fifo
      ? "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length."
      : "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length";
    throw new PlatformError(
      "ERR_SQS_INVALID_PARAMETER_VALUE",
      `Value ${name} for parameter QueueName is invalid. Reason: ${reason}`,
    );
  }
}

/** The URL of a queue, as the SDKs expect: `http://host:port/<account>/<name>`. */
export function queueUrl(baseUrl: string, scope: QueueScope, name: string): string {
  return `${baseUrl}/${scope.accountId}/${name}`;
}

/** The ARN of a queue. */
export function queueArn(scope: QueueScope, name: string): string {
  return `arn:aws:sqs:${scope.region}:${scope.accountId}:${name}`;
}

/** The queue name a QueueUrl names; QueueDoesNotExist for another account, InvalidAddress when it is no queue URL. */
export function nameFromUrl(scope: QueueScope, url: string | undefined): string {
  if (url === undefined || url === "") {
    throw new PlatformError("ERR_SQS_MISSING_PARAMETER", "The request must contain the parameter QueueUrl.");
  }
  const m = /^(?:https?:\/\/[^/]+)?\/(\d{12}|queue)\/([^/?#]+)\/?$/.exec(url);
  if (!m) throw new PlatformError("ERR_SQS_INVALID_ADDRESS", `The address ${url} is not valid for this endpoint.`);
  if (m[1] !== scope.accountId) throw noQueue();
  return decodeURIComponent(m[2]!);
}

/** The queue name a queue ARN of this account names, or undefined. */
export function nameFromArn(scope: QueueScope, arn: string): string | undefined {
  const parts = arn.split(":");
  if (parts.length !== 6 || parts[2] !== "sqs" || parts[4] !== scope.accountId) return undefined;
  return parts[5];
}

/** SQS's error for a queue that does not exist. */
export function noQueue(): PlatformError {
  return new PlatformError("ERR_SQS_QUEUE_DOES_NOT_EXIST", "The specified queue does not exist.");
}
