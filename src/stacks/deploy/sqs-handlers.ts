import { isPlatformError } from "../../shared/errors.js";
import { generatedName, needService, refuseUnsupported, ResourceFailure, str } from "./handler.js";
import { QUEUE_POLICY } from "./sqs-policy-handler.js";
import type { Properties, ResourceHandler, ResourceResult, ResourceScope, ServiceCall } from "./handler.js";

/**
 * AWS::SQS::Queue through the node's SQS: the template's properties are the queue's attributes
 * (RedrivePolicy and RedriveAllowPolicy given as objects or JSON text), checked by SQS itself.
 * Ref is the queue URL on the node's API; QueueName and FifoQueue replace the queue.
 */

const ATTRIBUTES = [
  "ContentBasedDeduplication",
  "DeduplicationScope",
  "DelaySeconds",
  "FifoQueue",
  "FifoThroughputLimit",
  "KmsDataKeyReusePeriodSeconds",
  "KmsMasterKeyId",
  "MaximumMessageSize",
  "MessageRetentionPeriod",
  "ReceiveMessageWaitTimeSeconds",
  "RedriveAllowPolicy",
  "RedrivePolicy",
  "SqsManagedSseEnabled",
  "VisibilityTimeout",
] as const;

/** What an attribute removed from the template goes back to (SQS's defaults). */
const DEFAULTS: Readonly<Record<string, string>> = {
  DelaySeconds: "0",
  MaximumMessageSize: "262144",
  MessageRetentionPeriod: "345600",
  ReceiveMessageWaitTimeSeconds: "0",
  VisibilityTimeout: "30",
  RedrivePolicy: "",
  RedriveAllowPolicy: "",
  SqsManagedSseEnabled: "",
  ContentBasedDeduplication: "false",
  DeduplicationScope: "queue",
  FifoThroughputLimit: "perQueue",
};

function attributes(props: Properties): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ATTRIBUTES) {
    const v = props[k];
    if (v === undefined || v === null) continue;
    out[k] = typeof v === "string" ? v : JSON.stringify(v);
  }
  return out;
}

function tags(props: Properties): Record<string, string> {
  const list = Array.isArray(props.Tags) ? (props.Tags as { Key: string; Value: string }[]) : [];
  return Object.fromEntries(list.map((t) => [t.Key, String(t.Value)]));
}

const isFifo = (props: Properties): boolean => String(props.FifoQueue) === "true";

function result(url: string, scope: ResourceScope): ResourceResult {
  const name = url.slice(url.lastIndexOf("/") + 1);
  const { region, accountId } = scope.services;
  return {
    physicalId: url,
    attributes: { Arn: `arn:aws:sqs:${region}:${accountId}:${name}`, QueueName: name, QueueUrl: url },
  };
}

async function exists(call: ServiceCall, name: string): Promise<boolean> {
  try {
    await call("GetQueueUrl", { QueueName: name });
    return true;
  } catch (e) {
    if (isPlatformError(e) && e.code === "ERR_SQS_QUEUE_DOES_NOT_EXIST") return false;
    throw e;
  }
}

const queue: ResourceHandler = {
  async create(props, scope) {
    refuseUnsupported(props, scope, [...ATTRIBUTES, "QueueName", "Tags"]);
    const call = needService(scope.services.queues, scope).call;
    const given = str(props, "QueueName");
    const name = given ?? (isFifo(props) ? `${generatedName(scope, 75)}.fifo` : generatedName(scope, 80));
    if (given !== undefined && (await exists(call, given))) {
      throw new ResourceFailure(`Resource of type '${scope.type}' with identifier '${given}' already exists.`);
    }
    const created = await call("CreateQueue", { QueueName: name, Attributes: attributes(props), tags: tags(props) });
    return result(String(created.QueueUrl), scope);
  },
  async update(props, previous, scope) {
    refuseUnsupported(props, scope, [...ATTRIBUTES, "QueueName", "Tags"]);
    const call = needService(scope.services.queues, scope).call;
    const url = previous.physicalId ?? "";
    const next = attributes(props);
    const removed = Object.keys(attributes(previous.properties)).filter((k) => !(k in next) && k in DEFAULTS);
    const changes = { ...Object.fromEntries(removed.map((k) => [k, DEFAULTS[k]!])), ...next };
    delete changes.FifoQueue;
    if (Object.keys(changes).length > 0) await call("SetQueueAttributes", { QueueUrl: url, Attributes: changes });
    const wanted = tags(props);
    const had = ((await call("ListQueueTags", { QueueUrl: url })).Tags ?? {}) as Record<string, string>;
    const gone = Object.keys(had).filter((k) => !(k in wanted));
    if (gone.length > 0) await call("UntagQueue", { QueueUrl: url, TagKeys: gone });
    if (Object.keys(wanted).length > 0) await call("TagQueue", { QueueUrl: url, Tags: wanted });
    return result(url, scope);
  },
  async delete(record, scope) {
    const call = needService(scope.services.queues, scope).call;
    try {
      await call("DeleteQueue", { QueueUrl: record.physicalId ?? "" });
    } catch (e) {
      // Already gone (deleted by hand): the stack's delete still succeeds, as CloudFormation's does.
      if (!(isPlatformError(e) && e.code === "ERR_SQS_QUEUE_DOES_NOT_EXIST")) throw e;
    }
  },
};

/** The SQS handlers by type. */
export const SQS_HANDLERS: Readonly<Record<string, ResourceHandler>> = {
  "AWS::SQS::Queue": queue,
  "AWS::SQS::QueuePolicy": QUEUE_POLICY,
};
