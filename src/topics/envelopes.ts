/**
 * What a subscription receives: SNS's JSON notification (queues and HTTP endpoints, unless raw),
 * the Lambda event (`Records[].Sns`), and the SubscriptionConfirmation an HTTP endpoint gets.
 * A delivery stores the published message as a `Notification`; the envelope is written when the
 * delivery is made.
 */
import type { MessageAttribute } from "./filter-policy.js";
import { canonicalString, type MessageSigner } from "./signing.js";

/** A published message as one subscription gets it (the protocol's text chosen at publish). */
export interface Notification {
  readonly kind: "Notification" | "SubscriptionConfirmation";
  readonly messageId: string;
  readonly topicArn: string;
  readonly subject?: string | undefined;
  readonly message: string;
  /** ISO 8601 with milliseconds. */
  readonly timestamp: string;
  readonly attributes: Readonly<Record<string, MessageAttribute>>;
  readonly messageGroupId?: string | undefined;
  readonly deduplicationId?: string | undefined;
  readonly sequenceNumber?: string | undefined;
  /** A confirmation's token. */
  readonly token?: string | undefined;
  /** The SNS endpoint for SubscribeURL and UnsubscribeURL (the Subscribe call's). */
  readonly apiUrl: string;
  /** The topic's SignatureVersion. */
  readonly signatureVersion: string;
  /** The publisher's trace header (kept for the deliveries, never shown in an envelope). */
  readonly traceHeader?: string | undefined;
}

function attributeJson(attributes: Notification["attributes"]): Record<string, { Type: string; Value: string }> {
  const out: Record<string, { Type: string; Value: string }> = {};
  for (const [name, a] of Object.entries(attributes)) {
    out[name] = { Type: a.DataType, Value: a.StringValue ?? a.BinaryValue ?? "" };
  }
  return out;
}

function unsubscribeUrl(n: Notification, subscriptionArn: string): string {
  return `${n.apiUrl}/?Action=Unsubscribe&SubscriptionArn=${encodeURIComponent(subscriptionArn)}`;
}

/** The signature of `n` over SNS's canonical string, by the topic's SignatureVersion. */
function signature(n: Notification, signer: MessageSigner): string {
  const fields = {
    Message: n.message,
    MessageId: n.messageId,
    Subject: n.subject,
    SubscribeURL: n.kind === "SubscriptionConfirmation" ? subscribeUrl(n) : undefined,
    Timestamp: n.timestamp,
    Token: n.token,
    TopicArn: n.topicArn,
    Type: n.kind,
  };
  return signer.sign(canonicalString(n.kind, fields), n.signatureVersion);
}

/** Where the node serves the signing certificate (its API's root). */
function certUrl(n: Notification, signer: MessageSigner): string {
  return `${n.apiUrl}/${signer.certName}`;
}

/** SNS's JSON notification, as queues (not raw) and HTTP endpoints receive it. */
export function notificationJson(n: Notification, subscriptionArn: string, signer: MessageSigner): string {
  const fifo = n.sequenceNumber !== undefined;
  const body: Record<string, unknown> = {
    Type: n.kind,
    MessageId: n.messageId,
    ...(n.token !== undefined && { Token: n.token }),
    ...(n.sequenceNumber !== undefined && { SequenceNumber: n.sequenceNumber }),
    TopicArn: n.topicArn,
    ...(n.subject !== undefined && { Subject: n.subject }),
    Message: n.message,
    ...(n.kind === "SubscriptionConfirmation" && { SubscribeURL: subscribeUrl(n) }),
    Timestamp: n.timestamp,
    ...(!fifo && {
      SignatureVersion: n.signatureVersion,
      Signature: signature(n, signer),
      SigningCertURL: certUrl(n, signer),
    }),
    ...(n.kind === "Notification" && { UnsubscribeURL: unsubscribeUrl(n, subscriptionArn) }),
    ...(n.kind === "Notification" &&
      Object.keys(n.attributes).length > 0 && {
        MessageAttributes: attributeJson(n.attributes),
      }),
  };
  return JSON.stringify(body, null, 2);
}

/** The URL that confirms a pending subscription (ConfirmSubscription with its token). */
export function subscribeUrl(n: Notification): string {
  const q = new URLSearchParams({ Action: "ConfirmSubscription", TopicArn: n.topicArn, Token: n.token ?? "" });
  return `${n.apiUrl}/?${q.toString()}`;
}

/** The Lambda event of a notification (one record, as SNS sends). */
export function lambdaEvent(n: Notification, subscriptionArn: string, signer: MessageSigner): string {
  return JSON.stringify({
    Records: [
      {
        EventSource: "aws:sns",
        EventVersion: "1.0",
        EventSubscriptionArn: subscriptionArn,
        Sns: {
          Type: "Notification",
          MessageId: n.messageId,
          TopicArn: n.topicArn,
          Subject: n.subject ?? null,
          Message: n.message,
          Timestamp: n.timestamp,
          SignatureVersion: n.signatureVersion,
          Signature: signature(n, signer),
          SigningCertUrl: certUrl(n, signer),
          UnsubscribeUrl: unsubscribeUrl(n, subscriptionArn),
          MessageAttributes: attributeJson(n.attributes),
          ...(n.messageGroupId !== undefined && { MessageGroupId: n.messageGroupId }),
          ...(n.sequenceNumber !== undefined && { SequenceNumber: n.sequenceNumber }),
        },
      },
    ],
  });
}
