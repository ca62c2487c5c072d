/** The SQS API's shapes as the JSON protocol names them; the query protocol maps to the same. */
import type { MessageAttributeValue } from "../ports/queue-store.js";

export type Json = Record<string, unknown>;
export type StringMap = Record<string, string>;

/** Who calls, and at which address they reached the node (queue URLs are built on it). */
export interface CallContext {
  /** `http://host:port` as the client addressed the node. */
  readonly baseUrl: string;
  /** SenderId of messages sent: the IAM user id, or role id and session. */
  readonly senderId: string;
  /** The request's X-Amzn-Trace-Id: the AWSTraceHeader of messages that do not set one (as SQS keeps X-Ray's header). */
  readonly traceHeader?: string | undefined;
}

export interface SendEntry {
  readonly Id?: string | undefined;
  readonly MessageBody?: string | undefined;
  readonly DelaySeconds?: number | undefined;
  readonly MessageAttributes?: Record<string, MessageAttributeValue> | undefined;
  readonly MessageSystemAttributes?: Record<string, MessageAttributeValue> | undefined;
  readonly MessageDeduplicationId?: string | undefined;
  readonly MessageGroupId?: string | undefined;
}

export interface ReceiveInput {
  readonly QueueUrl?: string | undefined;
  readonly AttributeNames?: readonly string[] | undefined;
  readonly MessageSystemAttributeNames?: readonly string[] | undefined;
  readonly MessageAttributeNames?: readonly string[] | undefined;
  readonly MaxNumberOfMessages?: number | undefined;
  readonly VisibilityTimeout?: number | undefined;
  readonly WaitTimeSeconds?: number | undefined;
  readonly ReceiveRequestAttemptId?: string | undefined;
}

export interface HandleEntry {
  readonly Id?: string | undefined;
  readonly ReceiptHandle?: string | undefined;
  readonly VisibilityTimeout?: number | undefined;
}

/** A failed entry of a batch, as SQS reports it. */
export interface BatchFailure {
  readonly Id: string;
  readonly SenderFault: boolean;
  readonly Code: string;
  readonly Message: string;
}
