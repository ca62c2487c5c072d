/**
 * Queue attributes as SQS validates and reports them: the settable ones with their ranges and
 * defaults, FIFO-only ones, the RedrivePolicy, and the computed ones GetQueueAttributes adds.
 */
import type { QueueCounts, QueueRecord } from "../ports/queue-store.js";
import { PlatformError } from "../shared/errors.js";
import { checkQueuePolicy } from "./queue-policy.js";

const RANGES: Readonly<Record<string, readonly [number, number, number]>> = {
  // name: [min, max, default]
  DelaySeconds: [0, 900, 0],
  MaximumMessageSize: [1024, 262_144, 262_144],
  MessageRetentionPeriod: [60, 1_209_600, 345_600],
  ReceiveMessageWaitTimeSeconds: [0, 20, 0],
  VisibilityTimeout: [0, 43_200, 30],
};
const FIFO_ONLY = new Set(["FifoQueue", "ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit"]);
const STORED = new Set(["Policy", "RedriveAllowPolicy", "SqsManagedSseEnabled"]);
// Encryption with a customer key needs KMS, which haneul does not have: refused, not ignored.
const UNSUPPORTED = new Set(["KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds"]);
const COMPUTED = [
  "ApproximateNumberOfMessages",
  "ApproximateNumberOfMessagesNotVisible",
  "ApproximateNumberOfMessagesDelayed",
  "CreatedTimestamp",
  "LastModifiedTimestamp",
  "QueueArn",
];

const invalidValue = (name: string, detail: string) =>
  new PlatformError("ERR_SQS_INVALID_ATTRIBUTE_VALUE", `Invalid value for the parameter ${name}. Reason: ${detail}`);

/**
 * haneul's store does not encrypt messages at rest, so SQS-managed encryption cannot be honoured:
 * `false` is kept, `true` refused (never reported on and not done).
 */
function checkManagedSse(value: string): string {
  if (value === "false") return value;
  if (value === "true")
    throw new PlatformError(
      "ERR_SQS_UNSUPPORTED_OPERATION",
      "SqsManagedSseEnabled is not supported: haneul does not encrypt queue messages at rest.",
    );
  throw invalidValue("SqsManagedSseEnabled", "Must be true or false.");
}

/** A parsed RedrivePolicy. */
export interface RedrivePolicy {
  readonly deadLetterTargetArn: string;
  readonly maxReceiveCount: number;
}

/** The queue's RedrivePolicy, if it has one. */
export function redrivePolicyOf(q: QueueRecord): RedrivePolicy | undefined {
  const text = q.attributes["RedrivePolicy"];
  return text ? (JSON.parse(text) as RedrivePolicy) : undefined;
}

function checkRedrive(text: string): string {
  if (text === "") return text;
  let p: { deadLetterTargetArn?: unknown; maxReceiveCount?: unknown };
  try {
    p = JSON.parse(text) as typeof p;
  } catch {
    throw invalidValue("RedrivePolicy", "Redrive policy is not a valid JSON map.");
  }
  const count = Number(p.maxReceiveCount);
  if (
    typeof p.deadLetterTargetArn !== "string" ||
    !/^arn:aws[\w-]*:sqs:[^:]*:\d{12}:[\w.-]+$/.test(p.deadLetterTargetArn)
  ) {
    throw invalidValue("RedrivePolicy", "Dead letter target ARN is not a valid SQS queue ARN.");
  }
  if (!Number.isInteger(count) || count < 1 || count > 1000) {
    throw invalidValue("RedrivePolicy", "Invalid value for maxReceiveCount: must be an integer from 1 to 1000.");
  }
  return JSON.stringify({ deadLetterTargetArn: p.deadLetterTargetArn, maxReceiveCount: count });
}

/** A parsed RedriveAllowPolicy: which source queues may name this queue as their dead-letter queue. */
export interface RedriveAllowPolicy {
  readonly redrivePermission: "allowAll" | "denyAll" | "byQueue";
  readonly sourceQueueArns?: readonly string[] | undefined;
}

/** The queue's RedriveAllowPolicy (allowAll when it has none, as SQS's default). */
export function redriveAllowPolicyOf(q: QueueRecord): RedriveAllowPolicy {
  const text = q.attributes["RedriveAllowPolicy"];
  return text ? (JSON.parse(text) as RedriveAllowPolicy) : { redrivePermission: "allowAll" };
}

function checkRedriveAllow(text: string): string {
  if (text === "") return text;
  const invalid = (reason: string) =>
    new PlatformError(
      "ERR_SQS_INVALID_PARAMETER_VALUE",
      `Value ${text} for parameter RedriveAllowPolicy is invalid. Reason: ${reason}`,
    );
  let p: { redrivePermission?: unknown; sourceQueueArns?: unknown };
  try {
    p = JSON.parse(text) as typeof p;
  } catch {
    throw invalid("Redrive allow policy is not a valid JSON map.");
  }
  const permission = p.redrivePermission;
  if (permission !== "allowAll" && permission !== "denyAll" && permission !== "byQueue") {
    throw invalid("Invalid value for redrivePermission: must be one of allowAll, denyAll, byQueue.");
  }
  const arns = p.sourceQueueArns;
  if (permission !== "byQueue") {
    if (arns !== undefined) throw invalid(`sourceQueueArns can only be specified when redrivePermission is byQueue.`);
    return JSON.stringify({ redrivePermission: permission });
  }
  if (!Array.isArray(arns) || arns.length === 0) {
    throw invalid("sourceQueueArns must be specified when redrivePermission is byQueue.");
  }
  if (arns.length > 10) throw invalid("sourceQueueArns can contain at most 10 queue ARNs.");
  if (!arns.every((a) => typeof a === "string" && /^arn:aws[\w-]*:sqs:[^:]*:\d{12}:[\w.-]+$/.test(a))) {
    throw invalid("sourceQueueArns must contain SQS queue ARNs.");
  }
  return JSON.stringify({ redrivePermission: permission, sourceQueueArns: arns });
}

/** Validates attributes given to CreateQueue / SetQueueAttributes; resolves to them normalized. */
export function checkAttributes(
  given: Readonly<Record<string, string>>,
  o: { fifo: boolean; creating: boolean },
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(given)) {
    if (UNSUPPORTED.has(name)) {
      throw new PlatformError("ERR_SQS_UNSUPPORTED_OPERATION", `${name} is not supported: haneul has no KMS.`);
    }
    const range = RANGES[name];
    if (range) {
      const n = Number(value);
      if (value.trim() === "" || !Number.isInteger(n) || n < range[0] || n > range[1]) {
        throw invalidValue(name, `Must be an integer from ${range[0]} to ${range[1]}.`);
      }
      out[name] = String(n);
    } else if (name === "RedrivePolicy") out[name] = checkRedrive(value);
    else if (name === "Policy") out[name] = checkQueuePolicy(value);
    else if (name === "RedriveAllowPolicy") out[name] = checkRedriveAllow(value);
    else if (name === "SqsManagedSseEnabled") out[name] = checkManagedSse(value);
    else if (FIFO_ONLY.has(name) && o.fifo) {
      if (name === "FifoQueue" && !o.creating)
        throw new PlatformError("ERR_SQS_INVALID_ATTRIBUTE_NAME", `Unknown Attribute ${name}.`);
      out[name] = value;
    } else if (STORED.has(name)) out[name] = value;
    else if (name === "FifoQueue" && value === "false" && o.creating) continue;
    else throw new PlatformError("ERR_SQS_INVALID_ATTRIBUTE_NAME", `Unknown Attribute ${name}.`);
  }
  return out;
}

/** A numeric attribute of the queue, or its default. */
export function numberAttribute(q: QueueRecord, name: keyof typeof RANGES): number {
  const v = q.attributes[name];
  return v === undefined ? RANGES[name]![2] : Number(v);
}

/** The attributes GetQueueAttributes reports for `names` (`All` for every one). */
export function reportAttributes(
  q: QueueRecord,
  o: { names: readonly string[]; counts: QueueCounts; arn: string },
): Record<string, string> {
  const all: Record<string, string> = {};
  for (const [name, r] of Object.entries(RANGES)) all[name] = q.attributes[name] ?? String(r[2]);
  Object.assign(all, {
    ApproximateNumberOfMessages: String(o.counts.visible),
    ApproximateNumberOfMessagesNotVisible: String(o.counts.inFlight),
    ApproximateNumberOfMessagesDelayed: String(o.counts.delayed),
    CreatedTimestamp: String(q.createdAt),
    LastModifiedTimestamp: String(q.lastModified),
    QueueArn: o.arn,
    SqsManagedSseEnabled: "false",
  });
  if (q.fifo)
    Object.assign(all, {
      FifoQueue: "true",
      ContentBasedDeduplication: "false",
      DeduplicationScope: "queue",
      FifoThroughputLimit: "perQueue",
    });
  for (const [name, value] of Object.entries(q.attributes)) if (value !== "") all[name] = value;
  if (o.names.includes("All")) return all;
  const out: Record<string, string> = {};
  for (const name of o.names) {
    if (
      !(name in all) &&
      !RANGES[name] &&
      !COMPUTED.includes(name) &&
      !STORED.has(name) &&
      !FIFO_ONLY.has(name) &&
      name !== "RedrivePolicy"
    ) {
      throw new PlatformError("ERR_SQS_INVALID_ATTRIBUTE_NAME", `Unknown Attribute ${name}.`);
    }
    if (all[name] !== undefined) out[name] = all[name];
  }
  return out;
}
