/** Checks of what Publish carries: message, subject, structure, attributes and FIFO ids, in SNS's words. */
import { createHash } from "node:crypto";
import type { TopicRecord } from "../ports/topic-store.js";
import { PlatformError } from "../shared/errors.js";
import type { MessageAttribute } from "./filter-policy.js";
import { invalid } from "./refs.js";

/** One message to publish, as Publish and PublishBatch entries carry it. */
export interface PublishInput {
  /** The publisher's X-Amzn-Trace-Id, handed on to functions and queues (recursive loop detection). */
  readonly traceHeader?: string | undefined;
  readonly message?: string | undefined;
  readonly subject?: string | undefined;
  readonly messageStructure?: string | undefined;
  readonly attributes: Readonly<Record<string, MessageAttribute>>;
  readonly messageGroupId?: string | undefined;
  readonly deduplicationId?: string | undefined;
}

/** A checked message: the text per protocol (MessageStructure json) and its FIFO ids. */
export interface CheckedPublish {
  readonly message: string;
  readonly perProtocol: Readonly<Record<string, string>> | undefined;
  readonly subject: string | undefined;
  readonly attributes: Readonly<Record<string, MessageAttribute>>;
  readonly messageGroupId: string | undefined;
  readonly deduplicationId: string | undefined;
  readonly size: number;
}

/** The largest message (with its attributes) SNS takes. */
export const MAX_MESSAGE_BYTES = 256 * 1024;
const FIFO_ID_RE = /^[\x21-\x7e]{1,128}$/;
const ATTRIBUTE_NAME_RE = /^(?!aws\.|amazon\.)(?!\.)(?!.*\.\.)(?!.*\.$)[A-Za-z0-9_.-]{1,256}$/i;
const valueInvalid = (m: string) => new PlatformError("ERR_SNS_INVALID_PARAMETER_VALUE", m);

/** Checks one message for `topic`; throws SNS's error for the first fault. */
export function checkPublish(i: PublishInput, topic: TopicRecord): CheckedPublish {
  const message = i.message ?? "";
  if (message === "") throw invalid("Invalid parameter: Empty message");
  if (i.subject !== undefined && (i.subject === "" || i.subject.length > 100 || /[^\x20-\x7e]/.test(i.subject))) {
    throw invalid("Invalid parameter: Subject");
  }
  const size = Buffer.byteLength(message) + attributesSize(i.attributes);
  if (size > MAX_MESSAGE_BYTES) throw invalid("Invalid parameter: Message too long");
  checkAttributes(i.attributes);
  const perProtocol = i.messageStructure === undefined ? undefined : structured(i.messageStructure, message);
  checkFifo(i, topic, perProtocol?.["default"] ?? message);
  const dedup =
    topic.fifo && i.deduplicationId === undefined
      ? createHash("sha256")
          .update(perProtocol?.["default"] ?? message)
          .digest("hex")
      : i.deduplicationId;
  return {
    message: perProtocol?.["default"] ?? message,
    perProtocol,
    subject: i.subject,
    attributes: i.attributes,
    messageGroupId: i.messageGroupId,
    deduplicationId: dedup,
    size,
  };
}

function structured(structure: string, message: string): Record<string, string> {
  if (structure !== "json") throw invalid("Invalid parameter: MessageStructure");
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    throw invalid("Invalid parameter: Message Structure - JSON message body failed to parse");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw invalid("Invalid parameter: Message Structure - JSON message body failed to parse");
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed)) {
    if (typeof v !== "string") throw invalid(`Invalid parameter: Message Structure - value of ${k} is not a string`);
    out[k] = v;
  }
  if (out["default"] === undefined)
    throw invalid("Invalid parameter: Message Structure - No default entry in JSON message body");
  return out;
}

function checkFifo(i: PublishInput, topic: TopicRecord, message: string): void {
  void message;
  if (!topic.fifo) {
    if (i.deduplicationId !== undefined) {
      throw invalid(
        "Invalid parameter: MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type",
      );
    }
    return;
  }
  if (i.messageGroupId === undefined) {
    throw invalid("Invalid parameter: The MessageGroupId parameter is required for FIFO topics");
  }
  if (!FIFO_ID_RE.test(i.messageGroupId)) throw invalid("Invalid parameter: MessageGroupId");
  if (i.deduplicationId === undefined && topic.attributes["ContentBasedDeduplication"] !== "true") {
    throw invalid(
      "Invalid parameter: The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly",
    );
  }
  if (i.deduplicationId !== undefined && !FIFO_ID_RE.test(i.deduplicationId)) {
    throw invalid("Invalid parameter: MessageDeduplicationId");
  }
}

function attributesSize(attrs: Readonly<Record<string, MessageAttribute>>): number {
  let size = 0;
  for (const [name, a] of Object.entries(attrs)) {
    const value =
      a.BinaryValue !== undefined
        ? Buffer.from(a.BinaryValue, "base64").length
        : Buffer.byteLength(a.StringValue ?? "");
    size += Buffer.byteLength(name) + Buffer.byteLength(a.DataType) + value;
  }
  return size;
}

function checkAttributes(attrs: Readonly<Record<string, MessageAttribute>>): void {
  const names = Object.keys(attrs);
  if (names.length > 10)
    throw valueInvalid(`Number of message attributes [${names.length}] exceeds the allowed maximum [10].`);
  for (const name of names) {
    const a = attrs[name]!;
    if (!ATTRIBUTE_NAME_RE.test(name)) throw valueInvalid(`Message (user) attribute name '${name}' is invalid.`);
    const type = a.DataType ?? "";
    if (!/^(String|Number|Binary)(\..+)?$/.test(type)) {
      throw valueInvalid(
        `The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`,
      );
    }
    const binary = type.startsWith("Binary");
    const value = binary ? a.BinaryValue : a.StringValue;
    if (value === undefined || value === "") {
      throw valueInvalid(
        `The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${type.split(".")[0]}'.`,
      );
    }
    if (type.startsWith("Number") && !/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(value)) {
      throw valueInvalid(`The message attribute '${name}' has an invalid numeric value: ${value}`);
    }
    if (type === "String.Array") checkArray(name, value);
  }
}

function checkArray(name: string, value: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    parsed = undefined;
  }
  const ok =
    Array.isArray(parsed) && parsed.every((x) => x === null || ["string", "number", "boolean"].includes(typeof x));
  if (!ok) throw valueInvalid(`The message attribute '${name}' has an invalid value for String.Array type.`);
}
