/**
 * One delivery to one endpoint: a function (an Event invocation with the SNS event), a queue (the
 * JSON notification, or the raw message with its attributes), an HTTP endpoint (a POST with SNS's
 * headers; a 2xx answer is a delivery, anything else is retried).
 */
import type { SubscriptionRecord } from "../ports/topic-store.js";
import { lambdaEvent, notificationJson, type Notification } from "./envelopes.js";
import type { MessageAttribute } from "./filter-policy.js";
import type { MessageSigner } from "./signing.js";

/** What a delivery came to. */
export type Outcome =
  | { readonly kind: "done" }
  | { readonly kind: "retry"; readonly reason: string }
  | { readonly kind: "permanent"; readonly reason: string };

/** A message for a queue. */
export interface QueueMessage {
  readonly body: string;
  readonly attributes?: Readonly<Record<string, MessageAttribute>> | undefined;
  readonly messageGroupId?: string | undefined;
  readonly deduplicationId?: string | undefined;
  readonly traceHeader?: string | undefined;
}

/** Where deliveries go (the composition root gives the node's queues, functions and HTTP client). */
export interface DeliveryTargets {
  /** Queues the function's Event invocation; false when the function does not allow SNS from `o.topicArn`. */
  invokeFunction(
    functionArn: string,
    payload: string,
    o: { readonly topicArn: string; readonly traceHeader?: string | undefined },
  ): Promise<boolean>;
  /**
   * Sends to the queue with this ARN as SNS acting for `topicArn`; false when the queue's policy
   * does not allow that, throws when it cannot (the queue is gone).
   */
  sendToQueue(queueArn: string, message: QueueMessage, topicArn: string): Promise<boolean>;
  /** POSTs and answers the status (0: no answer), or why the outbound policy refuses the endpoint. */
  post(url: string, headers: Record<string, string>, body: string): Promise<number | { readonly refused: string }>;
  /** The signer of notifications (the node's stored key, generated on first use). */
  signer(): Promise<MessageSigner>;
}

/** Delivers `n` to subscription `s`. */
export async function deliver(t: DeliveryTargets, s: SubscriptionRecord, n: Notification): Promise<Outcome> {
  try {
    const signer = await t.signer();
    if (s.protocol === "lambda") {
      const ok = await t.invokeFunction(s.endpoint, lambdaEvent(n, s.arn, signer), {
        topicArn: n.topicArn,
        traceHeader: n.traceHeader,
      });
      return ok
        ? { kind: "done" }
        : { kind: "permanent", reason: "the function's policy does not allow sns.amazonaws.com" };
    }
    const raw = s.attributes["RawMessageDelivery"] === "true" && n.kind === "Notification";
    if (s.protocol === "sqs") {
      const message = {
        body: raw ? n.message : notificationJson(n, s.arn, signer),
        attributes: raw ? n.attributes : undefined,
        messageGroupId: n.messageGroupId,
        deduplicationId: n.deduplicationId,
        traceHeader: n.traceHeader,
      };
      // A client-side error: SNS does not retry it (the message goes to the subscription's DLQ).
      return (await t.sendToQueue(s.endpoint, message, n.topicArn))
        ? { kind: "done" }
        : { kind: "permanent", reason: "the queue's policy does not allow sns.amazonaws.com to send from the topic" };
    }
    const headers: Record<string, string> = {
      "content-type": "text/plain; charset=UTF-8",
      "x-amz-sns-message-type": n.kind,
      "x-amz-sns-message-id": n.messageId,
      "x-amz-sns-topic-arn": n.topicArn,
      ...(n.kind === "Notification" && { "x-amz-sns-subscription-arn": s.arn }),
      ...(raw && { "x-amz-sns-rawdelivery": "true" }),
      "user-agent": "Amazon Simple Notification Service Agent",
    };
    const status = await t.post(s.endpoint, headers, raw ? n.message : notificationJson(n, s.arn, signer));
    // A refused endpoint will not become allowed by trying again.
    if (typeof status !== "number") return { kind: "permanent", reason: `endpoint refused: ${status.refused}` };
    return status >= 200 && status < 300 ? { kind: "done" } : { kind: "retry", reason: `HTTP status ${status}` };
  } catch (e) {
    return { kind: "retry", reason: e instanceof Error ? e.message : String(e) };
  }
}
