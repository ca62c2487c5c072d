/**
 * A queue's `Policy` attribute: checked when it is set, compiled once per text, and evaluated for
 * the SQS API (beside the caller's identity policies) and for the services that deliver into the
 * queue on their own behalf (SNS, EventBridge, S3), which only the queue policy can allow.
 */
import {
  compiledResourcePolicy,
  MalformedPolicyError,
  serviceAllowed,
  type CompiledPolicy,
  type ServiceCaller,
} from "../iam/index.js";
import { PlatformError } from "../shared/errors.js";

/** SQS's limit on the size of a queue policy. */
const MAX_POLICY_BYTES = 8192;

/** Checks a Policy given to CreateQueue / SetQueueAttributes ("" removes the policy). */
export function checkQueuePolicy(text: string): string {
  if (text === "") return text;
  const invalid = (reason: string) =>
    new PlatformError("ERR_SQS_INVALID_ATTRIBUTE_VALUE", `Invalid value for the parameter Policy. Reason: ${reason}`);
  if (Buffer.byteLength(text) > MAX_POLICY_BYTES) throw invalid(`Policy must be at most ${MAX_POLICY_BYTES} bytes.`);
  try {
    compiledQueuePolicy(text);
  } catch (e) {
    if (e instanceof MalformedPolicyError) throw invalid(e.message);
    throw e;
  }
  return text;
}

/** The compiled form of a stored policy text (parsed once per distinct text). */
export function compiledQueuePolicy(text: string): CompiledPolicy {
  return compiledResourcePolicy(text);
}

/** A service sending into a queue: who, and the resource it acts for (aws:SourceArn). */
export type ServiceSender = ServiceCaller;

/**
 * Whether the queue policy lets `sender` call sqs:SendMessage on `queueArn`. A service principal
 * has no identity policies: with no policy, or none that names it, it is refused (as on AWS).
 */
export function serviceMaySend(policy: CompiledPolicy | undefined, queueArn: string, sender: ServiceSender): boolean {
  return policy !== undefined && serviceAllowed(policy, { action: "sqs:SendMessage", resource: queueArn }, sender);
}
