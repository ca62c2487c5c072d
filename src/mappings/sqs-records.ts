/** The SQS event Lambda sends (Records[]), and reading a function's partial batch response. */
import type { Json } from "./types.js";

/** A message as the queue feature's ReceiveMessage returns it (JSON protocol shape). */
export interface ReceivedMessage {
  readonly MessageId: string;
  readonly ReceiptHandle: string;
  readonly MD5OfBody: string;
  readonly Body: string;
  readonly Attributes?: Record<string, string>;
  readonly MessageAttributes?: Record<string, { DataType: string; StringValue?: string; BinaryValue?: string }>;
}

/** One record of the SQS event. */
export interface SqsRecord {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly attributes: Record<string, string>;
  readonly messageAttributes: Record<string, Json>;
  readonly md5OfBody: string;
  readonly eventSource: "aws:sqs";
  readonly eventSourceARN: string;
  readonly awsRegion: string;
}

/** A received message as Lambda hands it to the function. */
export function sqsRecord(m: ReceivedMessage, source: { arn: string; region: string }): SqsRecord {
  const messageAttributes: Record<string, Json> = {};
  for (const [name, v] of Object.entries(m.MessageAttributes ?? {})) {
    messageAttributes[name] = {
      ...(v.StringValue !== undefined && { stringValue: v.StringValue }),
      ...(v.BinaryValue !== undefined && { binaryValue: v.BinaryValue }),
      stringListValues: [],
      binaryListValues: [],
      dataType: v.DataType,
    };
  }
  return {
    messageId: m.MessageId,
    receiptHandle: m.ReceiptHandle,
    body: m.Body,
    attributes: m.Attributes ?? {},
    messageAttributes,
    md5OfBody: m.MD5OfBody,
    eventSource: "aws:sqs",
    eventSourceARN: source.arn,
    awsRegion: source.region,
  };
}

/**
 * The message ids a function reported failed (ReportBatchItemFailures), or "all" when its
 * response is invalid, as Lambda reads it: no response, null, or an empty or null
 * `batchItemFailures` is a complete success; a response that is not JSON, or an item without a
 * non-empty `itemIdentifier` of the batch, fails the whole batch.
 */
export function reportedFailures(payload: Buffer, ids: ReadonlySet<string>): ReadonlySet<string> | "all" {
  const text = payload.toString("utf8").trim();
  if (text === "" || text === "null") return new Set();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return "all";
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return new Set();
  const items = (parsed as { batchItemFailures?: unknown }).batchItemFailures;
  if (items === undefined || items === null) return new Set();
  if (!Array.isArray(items)) return "all";
  const failed = new Set<string>();
  for (const item of items as unknown[]) {
    const id = (item as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== "string" || id === "" || !ids.has(id)) return "all";
    failed.add(id);
  }
  return failed;
}
