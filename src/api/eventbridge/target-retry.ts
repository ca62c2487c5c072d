/** PutTargets' RetryPolicy and DeadLetterConfig: AWS's checks, and how ListTargetsByRule shows them. */
import { invalid, isQueueArn } from "../../buses/index.js";
import type { RuleTargetRecord, TargetRetryPolicy } from "../../ports/bus-store.js";

/** The bounds of RetryPolicy's members, as the EventBridge model gives them. */
const BOUNDS = {
  MaximumRetryAttempts: { min: 0, max: 185, path: "maximumRetryAttempts" },
  MaximumEventAgeInSeconds: { min: 60, max: 86_400, path: "maximumEventAgeInSeconds" },
} as const;

/** RetryPolicy of the `index`th target (0-based): each member an integer in its range, both optional. */
export function retryPolicyOf(index: number, v: unknown): RuleTargetRecord["retryPolicy"] {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "object") throw invalid("RetryPolicy must be a structure.");
  const raw = v as Record<string, unknown>;
  const member = (name: keyof typeof BOUNDS): number | undefined => {
    const value = raw[name];
    if (value === undefined || value === null) return undefined;
    const b = BOUNDS[name];
    if (typeof value !== "number" || !Number.isInteger(value)) throw invalid(`RetryPolicy.${name} must be an integer.`);
    const at = `targets.${index + 1}.member.retryPolicy.${b.path}`;
    if (value < b.min) throw outOfRange(value, at, `greater than or equal to ${b.min}`);
    if (value > b.max) throw outOfRange(value, at, `less than or equal to ${b.max}`);
    return value;
  };
  return {
    maximumRetryAttempts: member("MaximumRetryAttempts"),
    maximumEventAgeInSeconds: member("MaximumEventAgeInSeconds"),
  };
}

function outOfRange(value: number, at: string, bound: string): Error {
  return invalid(
    `1 validation error detected: Value '${value}' at '${at}' failed to satisfy constraint: Member must have value ${bound}`,
  );
}

/**
 * DeadLetterConfig: the ARN of a standard SQS queue (EventBridge takes no FIFO queue as a DLQ).
 * A config without an Arn is no dead-letter queue, as on AWS.
 */
export function deadLetterConfigOf(id: string, v: unknown): RuleTargetRecord["deadLetterConfig"] {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "object") throw invalid("DeadLetterConfig must be a structure.");
  const arn = (v as { Arn?: unknown }).Arn;
  if (arn === undefined || arn === null) return undefined;
  if (typeof arn !== "string" || arn.length < 1 || arn.length > 1600)
    throw invalid(`Parameter DeadLetterConfig.Arn of target ${id} is not valid.`);
  if (!isQueueArn(arn)) throw invalid(`Parameter ${arn} is not valid. Reason: Provided Arn is not in correct format.`);
  if (arn.endsWith(".fifo"))
    throw invalid(`Parameter ${arn} is not valid. Reason: FIFO queues are not supported as dead-letter queues.`);
  return { arn };
}

/** RetryPolicy as ListTargetsByRule shows it: the members that were given. */
export function retryPolicyView(p: TargetRetryPolicy): Record<string, number> {
  return {
    ...(p.maximumRetryAttempts !== undefined && { MaximumRetryAttempts: p.maximumRetryAttempts }),
    ...(p.maximumEventAgeInSeconds !== undefined && { MaximumEventAgeInSeconds: p.maximumEventAgeInSeconds }),
  };
}
