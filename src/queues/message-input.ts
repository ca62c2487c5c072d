/** Checks of what SendMessage carries: body, attributes, delay and FIFO ids, as SQS words its errors. */
import { createHash } from "node:crypto";
import type { MessageAttributeValue, QueueRecord } from "../ports/queue-store.js";
import { PlatformError } from "../shared/errors.js";
import { numberAttribute } from "./queue-attributes.js";
import type { SendEntry } from "./types.js";

// XML 1.0's characters: what SQS accepts in a body or an attribute value.
const INVALID_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const FIFO_ID_RE = /^[\x21-\x7e]{1,128}$/;
const ATTRIBUTE_NAME_RE = /^(?!aws\.|amazon\.)(?!\.)(?!.*\.\.)(?!.*\.$)[A-Za-z0-9_.-]{1,256}$/i;

const invalid = (message: string) => new PlatformError("ERR_SQS_INVALID_PARAMETER_VALUE", message);

/** What a valid entry becomes. */
export interface CheckedMessage {
  readonly body: string;
  readonly attributes: Record<string, MessageAttributeValue> | undefined;
  readonly traceHeader: string | undefined;
  readonly delaySeconds: number;
  readonly groupId: string | undefined;
  readonly dedupId: string | undefined;
  /** Bytes the message counts against MaximumMessageSize. */
  readonly size: number;
}

function checkBody(body: string | undefined): string {
  if (body === undefined || body === "") {
    throw new PlatformError("ERR_SQS_MISSING_PARAMETER", "The request must contain the parameter MessageBody.");
  }
  const bad = INVALID_CHAR.exec(body);
  if (bad) {
    const code = bad[0].codePointAt(0)!.toString(16).toUpperCase();
    throw new PlatformError(
      "ERR_SQS_INVALID_MESSAGE_CONTENTS",
      `Invalid binary character '#x${code}' was found in the message body, the set of allowed characters is #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF`,
    );
  }
  return body;
}

function attributeSize(name: string, a: MessageAttributeValue): number {
  const value =
    a.BinaryValue !== undefined ? Buffer.from(a.BinaryValue, "base64").length : Buffer.byteLength(a.StringValue ?? "");
  return Buffer.byteLength(name) + Buffer.byteLength(a.DataType) + value;
}

function checkAttributes(attrs: Record<string, MessageAttributeValue> | undefined): number {
  const names = Object.keys(attrs ?? {});
  if (names.length > 10)
    throw invalid(`Number of message attributes [${names.length}] exceeds the allowed maximum [10].`);
  let size = 0;
  for (const name of names) {
    const a = attrs![name]!;
    if (!ATTRIBUTE_NAME_RE.test(name)) throw invalid(`Message (user) attribute name '${name}' is invalid.`);
    const type = a.DataType ?? "";
    if (!/^(String|Number|Binary)(\..+)?$/.test(type)) {
      throw invalid(
        `The type of message (user) attribute '${name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.`,
      );
    }
    const binary = type.startsWith("Binary");
    const value = binary ? a.BinaryValue : a.StringValue;
    if (value === undefined || value === "") {
      throw invalid(
        `The message (user) attribute '${name}' must contain a non-empty value of message attribute type '${binary ? "Binary" : type.split(".")[0]}'.`,
      );
    }
    if (type.startsWith("Number") && !/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(value)) {
      throw invalid(`Could not cast message attribute '${name}' value to number.`);
    }
    size += attributeSize(name, a);
  }
  return size;
}

/** Validates one entry for `queue`; throws SQS's error for what is wrong. */
export function checkMessage(queue: QueueRecord, e: SendEntry): CheckedMessage {
  const body = checkBody(e.MessageBody);
  const size = Buffer.byteLength(body) + checkAttributes(e.MessageAttributes);
  const max = numberAttribute(queue, "MaximumMessageSize");
  if (size > max)
    throw invalid(`One or more parameters are invalid. Reason: Message must be shorter than ${max} bytes.`);
  const trace = e.MessageSystemAttributes?.["AWSTraceHeader"];
  const extra = Object.keys(e.MessageSystemAttributes ?? {}).filter((k) => k !== "AWSTraceHeader");
  if (extra.length > 0) throw invalid(`Message system attribute name '${extra[0]}' is invalid.`);
  let delay = e.DelaySeconds;
  if (delay !== undefined && (!Number.isInteger(delay) || delay < 0 || delay > 900)) {
    throw invalid(
      `Value ${delay} for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.`,
    );
  }
  if (queue.fifo)
    return checkFifo(queue, { e, body, attributes: e.MessageAttributes, trace: trace?.StringValue, size });
  delay ??= numberAttribute(queue, "DelaySeconds");
  if (e.MessageDeduplicationId !== undefined) {
    throw invalid("The request include parameter MessageDeduplicationId which is not valid for this queue type");
  }
  return {
    body,
    attributes: e.MessageAttributes,
    traceHeader: trace?.StringValue,
    delaySeconds: delay,
    groupId: e.MessageGroupId,
    dedupId: undefined,
    size,
  };
}

function checkFifo(
  queue: QueueRecord,
  o: { e: SendEntry; body: string; attributes: CheckedMessage["attributes"]; trace: string | undefined; size: number },
): CheckedMessage {
  const { e } = o;
  if (e.DelaySeconds !== undefined && e.DelaySeconds !== 0) {
    throw invalid(
      `Value ${e.DelaySeconds} for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.`,
    );
  }
  if (!e.MessageGroupId)
    throw new PlatformError("ERR_SQS_MISSING_PARAMETER", "The request must contain the parameter MessageGroupId.");
  if (!FIFO_ID_RE.test(e.MessageGroupId))
    throw invalid(
      `Value ${e.MessageGroupId} for parameter MessageGroupId is invalid. Reason: MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length.`,
    );
  let dedupId = e.MessageDeduplicationId;
  if (dedupId === undefined) {
    if (queue.attributes["ContentBasedDeduplication"] !== "true") {
      throw invalid(
        "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly",
      );
    }
    dedupId = createHash("sha256").update(o.body, "utf8").digest("hex");
  } else if (!FIFO_ID_RE.test(dedupId)) {
    throw invalid(
      `Value ${dedupId} for parameter MessageDeduplicationId is invalid. Reason: MessageDeduplicationId can only include alphanumeric and punctuation characters. 1 to 128 in length.`,
    );
  }
  const delaySeconds = numberAttribute(queue, "DelaySeconds");
  return {
    body: o.body,
    attributes: o.attributes,
    traceHeader: o.trace,
    delaySeconds,
    groupId: e.MessageGroupId,
    dedupId,
    size: o.size,
  };
}
