/**
 * Topic and subscription attributes: which SNS takes, their checks, and the attributes it reports.
 * Attributes haneul does not act on (KMS keys, delivery policies) are refused, not stored and
 * ignored; a topic Policy is checked and enforced (topic-policy.ts).
 */
import type { SubscriptionRecord, TopicRecord } from "../ports/topic-store.js";
import { compileFilterPolicy } from "./filter-policy.js";
import { invalid } from "./refs.js";
import { checkTopicPolicy, defaultTopicPolicy } from "./topic-policy.js";

const TOPIC_SETTABLE = new Set(["DisplayName", "ContentBasedDeduplication", "SignatureVersion", "FifoTopic", "Policy"]);
const SUBSCRIPTION_SETTABLE = new Set(["FilterPolicy", "FilterPolicyScope", "RawMessageDelivery", "RedrivePolicy"]);
const BOOLEAN = new Set(["true", "false"]);

/** Checks one topic attribute; `creating` allows FifoTopic. */
export function checkTopicAttribute(name: string, value: string, o: { fifo: boolean; creating: boolean }): void {
  if (!TOPIC_SETTABLE.has(name) || (name === "FifoTopic" && !o.creating)) {
    throw invalid(`Invalid parameter: AttributeName${unsupportedReason(name)}`);
  }
  if ((name === "FifoTopic" || name === "ContentBasedDeduplication") && !BOOLEAN.has(value)) {
    throw invalid(`Invalid parameter: ${name}`);
  }
  if (name === "ContentBasedDeduplication" && value === "true" && !o.fifo) {
    throw invalid("Invalid parameter: Attributes Reason: Content based deduplication can only be set for FIFO topics");
  }
  if (name === "SignatureVersion" && value !== "1" && value !== "2") {
    throw invalid("Invalid parameter: SignatureVersion");
  }
  if (name === "DisplayName" && value.length > 100) throw invalid("Invalid parameter: DisplayName");
  if (name === "Policy") checkTopicPolicy(value);
}

function unsupportedReason(name: string): string {
  if (["KmsMasterKeyId", "DeliveryPolicy", "TracingConfig", "ArchivePolicy", "DataProtectionPolicy"].includes(name)) {
    return ` (${name} is not supported by haneul)`;
  }
  return "";
}

/** The attributes GetTopicAttributes reports. */
export function reportedTopicAttributes(
  t: TopicRecord,
  subs: readonly SubscriptionRecord[],
  accountId: string,
): Map<string, string> {
  const confirmed = subs.filter((s) => s.confirmed).length;
  const out = new Map<string, string>([
    ["TopicArn", t.arn],
    ["Owner", accountId],
    ["DisplayName", t.attributes["DisplayName"] ?? ""],
    ["SubscriptionsConfirmed", String(confirmed)],
    ["SubscriptionsPending", String(subs.length - confirmed)],
    ["SubscriptionsDeleted", "0"],
    ["EffectiveDeliveryPolicy", EFFECTIVE_DELIVERY_POLICY],
    ["SignatureVersion", t.attributes["SignatureVersion"] ?? "1"],
    ["Policy", t.attributes["Policy"] ?? defaultTopicPolicy(t.arn, accountId)],
  ]);
  if (t.fifo) {
    out.set("FifoTopic", "true");
    out.set("ContentBasedDeduplication", t.attributes["ContentBasedDeduplication"] ?? "false");
  }
  return out;
}

const EFFECTIVE_DELIVERY_POLICY = JSON.stringify({
  http: {
    defaultHealthyRetryPolicy: {
      minDelayTarget: 20,
      maxDelayTarget: 20,
      numRetries: 3,
      numMaxDelayRetries: 0,
      numNoDelayRetries: 0,
      numMinDelayRetries: 0,
      backoffFunction: "linear",
    },
    disableSubscriptionOverrides: false,
    defaultRequestPolicy: { headerContentType: "text/plain; charset=UTF-8" },
  },
});

/** Checks one subscription attribute against the subscription it would be set on. */
export function checkSubscriptionAttribute(
  name: string,
  value: string,
  o: { protocol: string; attributes: Readonly<Record<string, string>> },
): void {
  if (!SUBSCRIPTION_SETTABLE.has(name)) throw invalid(`Invalid parameter: AttributeName${unsupportedReason(name)}`);
  if (name === "RawMessageDelivery") {
    if (!BOOLEAN.has(value)) throw invalid("Invalid parameter: RawMessageDelivery");
    if (o.protocol === "lambda" && value === "true") {
      throw invalid("Invalid parameter: Attributes Reason: RawMessageDelivery: Invalid value [true]. Must be false.");
    }
  }
  if (name === "FilterPolicyScope" && value !== "MessageAttributes" && value !== "MessageBody") {
    throw invalid(
      "Invalid parameter: Attributes Reason: FilterPolicyScope: Invalid value [" +
        value +
        "]. Please use either MessageBody or MessageAttributes",
    );
  }
  if (name === "RedrivePolicy" && value !== "") checkRedrivePolicy(value);
}

/** Checks the filter policy of a subscription's final attributes under its scope. */
export function checkFilterPolicy(attributes: Readonly<Record<string, string>>): void {
  const policy = attributes["FilterPolicy"];
  if (policy) compileFilterPolicy(policy, attributes["FilterPolicyScope"] ?? "MessageAttributes");
}

function checkRedrivePolicy(value: string): void {
  let arn: unknown;
  try {
    arn = (JSON.parse(value) as { deadLetterTargetArn?: unknown }).deadLetterTargetArn;
  } catch {
    throw invalid("Invalid parameter: RedrivePolicy: failed to parse JSON.");
  }
  if (typeof arn !== "string" || !arn.startsWith("arn:aws:sqs:")) {
    throw invalid("Invalid parameter: RedrivePolicy: deadLetterTargetArn is invalid");
  }
}

/** The attributes GetSubscriptionAttributes reports. */
export function reportedSubscriptionAttributes(s: SubscriptionRecord): Map<string, string> {
  const out = new Map<string, string>([
    ["SubscriptionArn", s.arn],
    ["TopicArn", s.topicArn],
    ["Owner", s.owner],
    ["Protocol", s.protocol],
    ["Endpoint", s.endpoint],
    ["ConfirmationWasAuthenticated", String(s.confirmed)],
    ["PendingConfirmation", String(!s.confirmed)],
    ["RawMessageDelivery", s.attributes["RawMessageDelivery"] ?? "false"],
  ]);
  for (const [k, v] of Object.entries(s.attributes)) if (v !== "") out.set(k, v);
  if (s.attributes["FilterPolicy"] && !s.attributes["FilterPolicyScope"])
    out.set("FilterPolicyScope", "MessageAttributes");
  return out;
}
