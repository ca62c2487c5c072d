import type { StackResourceRecord } from "../../ports/stack-store.js";
import { generatedName, refuseUnsupported, ResourceFailure } from "./handler.js";
import type { Properties, ResourceHandler, ResourceScope } from "./handler.js";

/**
 * AWS::SNS::TopicPolicy: the document becomes the `Policy` attribute of every topic it lists (by
 * ARN), checked by SNS itself; an update takes it off the topics no longer listed and a delete off
 * all (they fall back to SNS's default policy), as CloudFormation does. Ref (and Id) is a generated
 * id; the topics the policy was put on are kept with the resource for the update and delete.
 */

function topicsOf(props: Properties): string[] {
  const topics = props.Topics;
  if (!Array.isArray(topics) || topics.length === 0 || !topics.every((t) => typeof t === "string")) {
    throw new ResourceFailure("Property Topics must be a non-empty list of topic ARNs.");
  }
  return topics;
}

function documentOf(props: Properties): string {
  const doc = props.PolicyDocument;
  if (doc === undefined || doc === null) throw new ResourceFailure("Property PolicyDocument cannot be empty.");
  return typeof doc === "string" ? doc : JSON.stringify(doc);
}

function adminOf(scope: ResourceScope) {
  const t = scope.services.topics;
  if (!t) throw new ResourceFailure(`${scope.type} needs SNS, which this node does not run`);
  return t.service.admin;
}

function checked(props: Properties, scope: ResourceScope) {
  refuseUnsupported(props, scope, ["PolicyDocument", "Topics"]);
  return { topics: topicsOf(props), policy: documentOf(props), admin: adminOf(scope) };
}

function appliedTo(record: StackResourceRecord): string[] {
  const topics = record.attributes["Topics"];
  return Array.isArray(topics) ? (topics as string[]) : [];
}

/** The handler of AWS::SNS::TopicPolicy. */
export const TOPIC_POLICY: ResourceHandler = {
  async create(props, scope) {
    const { topics, policy, admin } = checked(props, scope);
    for (const arn of topics) await admin.setTopicAttribute(arn, "Policy", policy);
    const id = generatedName(scope);
    return { physicalId: id, attributes: { Id: id, Topics: topics } };
  },
  async update(props, previous, scope) {
    const { topics, policy, admin } = checked(props, scope);
    for (const arn of topics) await admin.setTopicAttribute(arn, "Policy", policy);
    for (const arn of appliedTo(previous).filter((a) => !topics.includes(a))) await admin.clearTopicPolicy(arn);
    const id = previous.physicalId ?? generatedName(scope);
    return { physicalId: id, attributes: { Id: id, Topics: topics } };
  },
  async delete(record, scope) {
    const admin = adminOf(scope);
    for (const arn of appliedTo(record)) await admin.clearTopicPolicy(arn);
  },
};
