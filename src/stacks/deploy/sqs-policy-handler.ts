import type { StackResourceRecord } from "../../ports/stack-store.js";
import { isPlatformError } from "../../shared/errors.js";
import { generatedName, needService, refuseUnsupported, ResourceFailure } from "./handler.js";
import type { Properties, ResourceHandler, ResourceScope, ServiceCall } from "./handler.js";

/**
 * AWS::SQS::QueuePolicy: the document becomes the `Policy` attribute of every queue it lists (by
 * URL), checked by SQS itself; an update takes it off the queues no longer listed, a delete off all.
 * Ref (and Id) is a generated id, as CloudFormation's; the queues the policy was put on are kept
 * with the resource, for the update and delete.
 */

function queuesOf(props: Properties): string[] {
  const queues = props.Queues;
  if (!Array.isArray(queues) || queues.length === 0 || !queues.every((q) => typeof q === "string")) {
    throw new ResourceFailure("Property Queues must be a non-empty list of queue URLs.");
  }
  return queues;
}

function documentOf(props: Properties): string {
  const doc = props.PolicyDocument;
  if (doc === undefined || doc === null) throw new ResourceFailure("Property PolicyDocument cannot be empty.");
  return typeof doc === "string" ? doc : JSON.stringify(doc);
}

async function setPolicy(call: ServiceCall, url: string, policy: string): Promise<void> {
  try {
    await call("SetQueueAttributes", { QueueUrl: url, Attributes: { Policy: policy } });
  } catch (e) {
    // Taking a policy off a queue deleted by hand succeeds, as CloudFormation's delete does.
    if (!(policy === "" && isPlatformError(e) && e.code === "ERR_SQS_QUEUE_DOES_NOT_EXIST")) throw e;
  }
}

function checked(props: Properties, scope: ResourceScope): { queues: string[]; policy: string; call: ServiceCall } {
  refuseUnsupported(props, scope, ["PolicyDocument", "Queues"]);
  return { queues: queuesOf(props), policy: documentOf(props), call: needService(scope.services.queues, scope).call };
}

function appliedTo(record: StackResourceRecord): string[] {
  const queues = record.attributes["Queues"];
  return Array.isArray(queues) ? (queues as string[]) : [];
}

/** The handler of AWS::SQS::QueuePolicy. */
export const QUEUE_POLICY: ResourceHandler = {
  async create(props, scope) {
    const { queues, policy, call } = checked(props, scope);
    for (const url of queues) await setPolicy(call, url, policy);
    const id = generatedName(scope);
    return { physicalId: id, attributes: { Id: id, Queues: queues } };
  },
  async update(props, previous, scope) {
    const { queues, policy, call } = checked(props, scope);
    for (const url of queues) await setPolicy(call, url, policy);
    for (const url of appliedTo(previous).filter((u) => !queues.includes(u))) await setPolicy(call, url, "");
    const id = previous.physicalId ?? generatedName(scope);
    return { physicalId: id, attributes: { Id: id, Queues: queues } };
  },
  async delete(record, scope) {
    const call = needService(scope.services.queues, scope).call;
    for (const url of appliedTo(record)) await setPolicy(call, url, "");
  },
};
