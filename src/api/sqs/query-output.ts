/** JSON-protocol results written as the query protocol's XML (namespace 2012-11-05). */
import { flatXml as flat, queryResponse as writeResponse, rawXml, xml, type XmlValue } from "../query-wire.js";
import type { ApiResponse } from "../types.js";

export const SQS_XMLNS = "http://queue.amazonaws.com/doc/2012-11-05/";

type Json = Record<string, unknown>;

const nameValues = (m: unknown, k: string, v: string): XmlValue[] =>
  Object.entries((m ?? {}) as Record<string, unknown>).map(([name, value]) => ({ [k]: name, [v]: value as XmlValue }));

function messageXml(m: Json): string {
  const { Attributes, MessageAttributes, ...rest } = m;
  const attrs = Object.entries((MessageAttributes ?? {}) as Record<string, Json>).map(([name, v]) => ({
    Name: name,
    Value: {
      StringValue: v["StringValue"] as string | undefined,
      BinaryValue: v["BinaryValue"] as string | undefined,
      DataType: v["DataType"] as string,
    },
  }));
  return (
    xml(rest as XmlValue) + flat("Attribute", nameValues(Attributes, "Name", "Value")) + flat("MessageAttribute", attrs)
  );
}

function batchXml(r: Json, entry: string): string {
  const ok = (r["Successful"] ?? []) as XmlValue[];
  const failed = (r["Failed"] ?? []) as XmlValue[];
  return flat(entry, ok) + flat("BatchResultErrorEntry", failed);
}

/** The `<…Result>` content of an action's answer, or undefined for actions that return nothing. */
function resultXml(action: string, r: Json): string | undefined {
  switch (action) {
    case "CreateQueue":
    case "GetQueueUrl":
      return xml({ QueueUrl: r["QueueUrl"] as string });
    case "ListQueues":
      return (
        flat("QueueUrl", (r["QueueUrls"] ?? []) as string[]) + xml({ NextToken: r["NextToken"] as string | undefined })
      );
    case "ListDeadLetterSourceQueues":
      return flat("QueueUrl", (r["queueUrls"] ?? []) as string[]);
    case "GetQueueAttributes":
      return flat("Attribute", nameValues(r["Attributes"], "Name", "Value"));
    case "ListQueueTags":
      return flat("Tag", nameValues(r["Tags"], "Key", "Value"));
    case "SendMessage":
      return xml(r as XmlValue);
    case "ReceiveMessage":
      return ((r["Messages"] ?? []) as Json[]).map((m) => `<Message>${messageXml(m)}</Message>`).join("");
    case "SendMessageBatch":
      return batchXml(r, "SendMessageBatchResultEntry");
    case "DeleteMessageBatch":
      return batchXml(r, "DeleteMessageBatchResultEntry");
    case "ChangeMessageVisibilityBatch":
      return batchXml(r, "ChangeMessageVisibilityBatchResultEntry");
    case "StartMessageMoveTask":
    case "CancelMessageMoveTask":
      return xml(r as XmlValue);
    case "ListMessageMoveTasks":
      return flat("Results", (r["Results"] ?? []) as XmlValue[]);
    default:
      return undefined;
  }
}

/** The query protocol's answer to `action`. */
export function queryResponse(action: string, result: Json, requestId: string): ApiResponse {
  const inner = resultXml(action, result);
  const dialect = { xmlns: SQS_XMLNS, codes: {}, declaration: true };
  return writeResponse(dialect, action, inner === undefined ? undefined : rawXml(inner), requestId);
}
