/** A received message as ReceiveMessage returns it: system attributes and message attributes as asked. */
import type { MessageAttributeValue, QueueMessageRecord, QueueRecord } from "../ports/queue-store.js";
import { md5OfAttributes } from "./md5.js";
import type { Json, ReceiveInput } from "./types.js";

/** The system attributes of a message (all of them; the caller picks). */
export function systemAttributes(m: QueueMessageRecord, fifo: boolean): Record<string, string> {
  const c = m.content;
  return {
    SenderId: c.senderId,
    SentTimestamp: String(c.sentAt),
    ApproximateReceiveCount: String(m.receiveCount),
    ApproximateFirstReceiveTimestamp: String(m.firstReceiveAt ?? c.sentAt),
    ...(c.traceHeader !== undefined && { AWSTraceHeader: c.traceHeader }),
    ...(fifo && {
      SequenceNumber: m.sequence,
      MessageDeduplicationId: c.dedupId ?? "",
      MessageGroupId: c.groupId ?? "",
    }),
  };
}

function pickSystem(all: Record<string, string>, names: readonly string[]): Record<string, string> | undefined {
  if (names.length === 0) return undefined;
  if (names.includes("All")) return all;
  const out: Record<string, string> = {};
  for (const n of names) if (all[n] !== undefined) out[n] = all[n];
  return Object.keys(out).length > 0 ? out : undefined;
}

function pickMessageAttributes(
  attrs: Readonly<Record<string, MessageAttributeValue>> | undefined,
  names: readonly string[],
): Record<string, MessageAttributeValue> | undefined {
  if (!attrs || names.length === 0) return undefined;
  const wanted = (n: string) =>
    names.some((p) => p === "All" || p === ".*" || p === n || (p.endsWith(".*") && n.startsWith(p.slice(0, -1))));
  const out: Record<string, MessageAttributeValue> = {};
  for (const [n, v] of Object.entries(attrs)) if (wanted(n)) out[n] = v;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** One message of a ReceiveMessage answer. */
export function messageView(m: QueueMessageRecord, o: { q: QueueRecord; input: ReceiveInput }): Json {
  const names = [...(o.input.AttributeNames ?? []), ...(o.input.MessageSystemAttributeNames ?? [])];
  const attributes = pickSystem(systemAttributes(m, o.q.fifo), names);
  const messageAttributes = pickMessageAttributes(m.content.messageAttributes, o.input.MessageAttributeNames ?? []);
  return {
    MessageId: m.id,
    ReceiptHandle: m.receiptHandle,
    MD5OfBody: m.content.md5OfBody,
    Body: m.content.body,
    ...(attributes && { Attributes: attributes }),
    ...(messageAttributes && {
      MD5OfMessageAttributes: md5OfAttributes(messageAttributes),
      MessageAttributes: messageAttributes,
    }),
  };
}
