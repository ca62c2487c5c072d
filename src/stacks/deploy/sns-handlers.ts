/**
 * AWS::SNS::Topic and AWS::SNS::Subscription through the topic service (SAM's `SNS` event becomes
 * a subscription). Properties haneul does not honour (KmsMasterKeyId, DeliveryPolicy…) are refused.
 */
import type { StackResourceRecord } from "../../ports/stack-store.js";
import { generatedName, ResourceFailure, refuseUnsupported, str } from "./handler.js";
import { TOPIC_POLICY } from "./sns-policy-handler.js";
import type { Properties, ResourceHandler, ResourceResult, ResourceScope } from "./handler.js";

const TOPIC_KEYS = ["TopicName", "DisplayName", "FifoTopic", "ContentBasedDeduplication", "Tags", "Subscription"];
const SUBSCRIPTION_KEYS = [
  "TopicArn",
  "Protocol",
  "Endpoint",
  "FilterPolicy",
  "FilterPolicyScope",
  "RawMessageDelivery",
  "RedrivePolicy",
  "Region",
];

function topicsOf(scope: ResourceScope) {
  const t = scope.services.topics;
  if (!t) throw new ResourceFailure(`${scope.type} needs SNS, which this node does not run`);
  return t;
}

/** A property as SNS's attribute string (objects as JSON, booleans and numbers as text). */
function attr(props: Properties, key: string): string | undefined {
  const v = props[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === "string") return v;
  return typeof v === "object" ? JSON.stringify(v) : `${v as number | boolean}`;
}

function tagsOf(props: Properties): Record<string, string> {
  if (!Array.isArray(props.Tags)) return {};
  return Object.fromEntries((props.Tags as { Key: string; Value: string }[]).map((t) => [t.Key, t.Value]));
}

function topicResult(arn: string): ResourceResult {
  return { physicalId: arn, attributes: { TopicArn: arn, TopicName: arn.split(":")[5] ?? "" } };
}

async function subscribeAll(props: Properties, arn: string, scope: ResourceScope): Promise<void> {
  const t = topicsOf(scope);
  for (const s of (props.Subscription ?? []) as { Endpoint: string; Protocol: string }[]) {
    await t.service.admin.subscribe({
      topicArn: arn,
      protocol: s.Protocol,
      endpoint: s.Endpoint,
      attributes: {},
      returnArn: true,
      apiUrl: t.apiUrl(),
    });
  }
}

const topic: ResourceHandler = {
  async create(props, scope) {
    refuseUnsupported(props, scope, TOPIC_KEYS);
    const fifo = attr(props, "FifoTopic") === "true";
    const name = str(props, "TopicName") ?? `${generatedName(scope, fifo ? 251 : 256)}${fifo ? ".fifo" : ""}`;
    const attributes: Record<string, string> = {};
    for (const k of ["DisplayName", "FifoTopic", "ContentBasedDeduplication"]) {
      const v = attr(props, k);
      if (v !== undefined) attributes[k] = v;
    }
    const arn = await topicsOf(scope).service.admin.createTopic({ name, attributes, tags: tagsOf(props) });
    await subscribeAll(props, arn, scope);
    return topicResult(arn);
  },
  async update(props, previous, scope) {
    refuseUnsupported(props, scope, TOPIC_KEYS);
    const arn = previous.physicalId ?? "";
    const name = str(props, "TopicName");
    if ((name !== undefined && name !== arn.split(":")[5]) || attr(props, "FifoTopic") !== previousFifo(previous)) {
      throw new ResourceFailure(`haneul does not replace ${scope.logicalId}: TopicName and FifoTopic cannot change`);
    }
    const admin = topicsOf(scope).service.admin;
    await admin.setTopicAttribute(arn, "DisplayName", attr(props, "DisplayName") ?? "");
    const cbd = attr(props, "ContentBasedDeduplication");
    if (cbd !== undefined) await admin.setTopicAttribute(arn, "ContentBasedDeduplication", cbd);
    const old = await admin.tags(arn);
    await admin.untagResource(arn, Object.keys(old));
    await admin.tagResource(arn, tagsOf(props));
    await subscribeAll(props, arn, scope);
    return topicResult(arn);
  },
  async delete(record, scope) {
    if (record.physicalId) await topicsOf(scope).service.admin.deleteTopic(record.physicalId);
  },
};

function previousFifo(previous: StackResourceRecord): string | undefined {
  return (previous.physicalId ?? "").endsWith(".fifo") ? "true" : undefined;
}

const subscription: ResourceHandler = {
  async create(props, scope) {
    refuseUnsupported(props, scope, SUBSCRIPTION_KEYS);
    const t = topicsOf(scope);
    const attributes: Record<string, string> = {};
    for (const k of ["FilterPolicy", "FilterPolicyScope", "RawMessageDelivery", "RedrivePolicy"]) {
      const v = attr(props, k);
      if (v !== undefined) attributes[k] = v;
    }
    const arn = await t.service.admin.subscribe({
      topicArn: str(props, "TopicArn") ?? "",
      protocol: str(props, "Protocol") ?? "",
      endpoint: str(props, "Endpoint") ?? "",
      attributes,
      returnArn: true,
      apiUrl: t.apiUrl(),
    });
    return { physicalId: arn, attributes: { Arn: arn } };
  },
  async delete(record, scope) {
    if (!record.physicalId) return;
    await topicsOf(scope)
      .service.admin.unsubscribe(record.physicalId)
      .catch(() => undefined);
  },
};

/** The SNS resource handlers, by type. */
export const SNS_HANDLERS: Readonly<Record<string, ResourceHandler>> = {
  "AWS::SNS::Topic": topic,
  "AWS::SNS::Subscription": subscription,
  "AWS::SNS::TopicPolicy": TOPIC_POLICY,
};
