/**
 * The query protocol's form (`Action=SendMessage&MessageAttribute.1.Name=…`) read into the JSON
 * protocol's input shapes, by the SQS model's flattened names (botocore and aws-sdk v2 send these).
 */
type Tree = { [k: string]: Tree | string };

function treeOf(form: URLSearchParams): Tree {
  const root: Tree = {};
  for (const [key, value] of form) {
    const parts = key.split(".");
    let node = root;
    for (const p of parts.slice(0, -1)) {
      const next = node[p];
      node = typeof next === "object" ? next : (node[p] = {});
    }
    node[parts.at(-1)!] = value;
  }
  return root;
}

/** The numbered children of `t[name]`, in index order. */
function members(t: Tree, name: string): Tree[] {
  const list = t[name];
  if (typeof list !== "object") return [];
  return Object.keys(list)
    .filter((k) => /^\d+$/.test(k))
    .sort((a, b) => Number(a) - Number(b))
    .map((k) => list[k])
    .filter((v): v is Tree => typeof v === "object");
}

function strings(t: Tree, name: string): string[] | undefined {
  const list = t[name];
  if (typeof list !== "object") return undefined;
  return Object.keys(list)
    .filter((k) => /^\d+$/.test(k))
    .sort((a, b) => Number(a) - Number(b))
    .map((k) => list[k])
    .filter((v): v is string => typeof v === "string");
}

function stringMap(t: Tree, name: string, k: string, v: string): Record<string, string> | undefined {
  const m = members(t, name);
  if (m.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const e of m) if (typeof e[k] === "string") out[e[k]] = typeof e[v] === "string" ? e[v] : "";
  return out;
}

function attributeMap(t: Tree, name: string) {
  const m = members(t, name);
  if (m.length === 0) return undefined;
  const out: Record<string, { DataType: string; StringValue?: string; BinaryValue?: string }> = {};
  for (const e of m) {
    const value = e["Value"];
    if (typeof e["Name"] !== "string" || typeof value !== "object") continue;
    const s = value["StringValue"];
    const b = value["BinaryValue"];
    out[e["Name"]] = {
      DataType: typeof value["DataType"] === "string" ? value["DataType"] : "",
      ...(typeof s === "string" && { StringValue: s }),
      ...(typeof b === "string" && { BinaryValue: b }),
    };
  }
  return out;
}

const num = (v: Tree | string | undefined) => (typeof v === "string" && v !== "" ? Number(v) : undefined);
const str = (v: Tree | string | undefined) => (typeof v === "string" ? v : undefined);

function sendEntry(t: Tree) {
  return {
    Id: str(t["Id"]),
    MessageBody: str(t["MessageBody"]),
    DelaySeconds: num(t["DelaySeconds"]),
    MessageAttributes: attributeMap(t, "MessageAttribute"),
    MessageSystemAttributes: attributeMap(t, "MessageSystemAttribute"),
    MessageDeduplicationId: str(t["MessageDeduplicationId"]),
    MessageGroupId: str(t["MessageGroupId"]),
  };
}

function handleEntry(t: Tree) {
  return { Id: str(t["Id"]), ReceiptHandle: str(t["ReceiptHandle"]), VisibilityTimeout: num(t["VisibilityTimeout"]) };
}

/** A query-protocol form as the JSON input of its action (undefined members are absent). */
export function queryInput(form: URLSearchParams): Record<string, unknown> {
  const t = treeOf(form);
  const input: Record<string, unknown> = {
    ...sendEntry(t),
    QueueName: str(t["QueueName"]),
    QueueUrl: str(t["QueueUrl"]),
    QueueNamePrefix: str(t["QueueNamePrefix"]),
    QueueOwnerAWSAccountId: str(t["QueueOwnerAWSAccountId"]),
    MaxResults: num(t["MaxResults"]),
    NextToken: str(t["NextToken"]),
    Attributes: stringMap(t, "Attribute", "Name", "Value"),
    tags: stringMap(t, "Tag", "Key", "Value"),
    Tags: stringMap(t, "Tag", "Key", "Value"),
    TagKeys: strings(t, "TagKey"),
    AttributeNames: strings(t, "AttributeName"),
    MessageSystemAttributeNames: strings(t, "MessageSystemAttributeName"),
    MessageAttributeNames: strings(t, "MessageAttributeName"),
    MaxNumberOfMessages: num(t["MaxNumberOfMessages"]),
    VisibilityTimeout: num(t["VisibilityTimeout"]),
    WaitTimeSeconds: num(t["WaitTimeSeconds"]),
    ReceiveRequestAttemptId: str(t["ReceiveRequestAttemptId"]),
    ReceiptHandle: str(t["ReceiptHandle"]),
    SourceArn: str(t["SourceArn"]),
    DestinationArn: str(t["DestinationArn"]),
    MaxNumberOfMessagesPerSecond: num(t["MaxNumberOfMessagesPerSecond"]),
    TaskHandle: str(t["TaskHandle"]),
  };
  const action = form.get("Action") ?? "";
  if (action === "SendMessageBatch") input["Entries"] = members(t, "SendMessageBatchRequestEntry").map(sendEntry);
  if (action === "DeleteMessageBatch") input["Entries"] = members(t, "DeleteMessageBatchRequestEntry").map(handleEntry);
  if (action === "ChangeMessageVisibilityBatch") {
    input["Entries"] = members(t, "ChangeMessageVisibilityBatchRequestEntry").map(handleEntry);
  }
  for (const k of Object.keys(input)) if (input[k] === undefined) delete input[k];
  return input;
}
