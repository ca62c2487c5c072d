/** The SNS actions: each reads its form and answers the `<ActionResult>` content. */
import { PlatformError } from "../../shared/errors.js";
import type { OutboundPolicy } from "../../shared/outbound-policy.js";
import type { TopicService } from "../../topics/index.js";
import { outboundRefusal } from "../outbound.js";
import type { Caller } from "../types.js";
import { requiredParam, type XmlValue } from "../query-wire.js";
import { batchEntries, entryMap, memberList, publishInput, tagMap } from "./input.js";

/** What a handler gets besides the form. */
export interface SnsCall {
  readonly form: URLSearchParams;
  /** The endpoint the caller reached (for SubscribeURL and UnsubscribeURL). */
  readonly apiUrl: string;
  /** The request's X-Amzn-Trace-Id, carried with what is published. */
  readonly traceHeader?: string | undefined;
  /** Who signed the request (an instance session may not point an HTTP endpoint at the host's network). */
  readonly caller: Caller;
}

type Handler = (c: SnsCall) => Promise<XmlValue | undefined>;

const need = (form: URLSearchParams, name: string) => requiredParam(form, name, "ERR_SNS_INVALID_PARAMETER");

/** The SNS actions over `sns`, by name. */
export function snsHandlers(sns: TopicService, outbound?: OutboundPolicy): Readonly<Record<string, Handler>> {
  const a = sns.admin;
  return {
    CreateTopic: async ({ form }) => ({
      TopicArn: await a.createTopic({
        name: need(form, "Name"),
        attributes: entryMap(form, "Attributes"),
        tags: tagMap(form),
      }),
    }),
    DeleteTopic: async ({ form }) => void (await a.deleteTopic(need(form, "TopicArn"))),
    ListTopics: async ({ form }) => {
      const r = await a.listTopics(form.get("NextToken") ?? undefined);
      return { Topics: r.arns.map((TopicArn) => ({ TopicArn })), NextToken: r.nextToken };
    },
    GetTopicAttributes: async ({ form }) => ({ Attributes: await a.getTopicAttributes(need(form, "TopicArn")) }),
    SetTopicAttributes: async ({ form }) =>
      void (await a.setTopicAttribute(
        need(form, "TopicArn"),
        need(form, "AttributeName"),
        form.get("AttributeValue") ?? "",
      )),
    TagResource: async ({ form }) => void (await a.tagResource(need(form, "ResourceArn"), tagMap(form))),
    UntagResource: async ({ form }) =>
      void (await a.untagResource(need(form, "ResourceArn"), memberList(form, "TagKeys"))),
    ListTagsForResource: async ({ form }) => ({
      Tags: Object.entries(await a.tags(need(form, "ResourceArn"))).map(([Key, Value]) => ({ Key, Value })),
    }),
    Subscribe: async ({ form, apiUrl, caller }) => {
      const protocol = need(form, "Protocol").toLowerCase();
      const endpoint = form.get("Endpoint") ?? "";
      if (protocol === "http" || protocol === "https") {
        const why = await outboundRefusal(outbound, endpoint, caller);
        if (why !== undefined)
          throw new PlatformError("ERR_SNS_INVALID_PARAMETER", `Invalid parameter: Endpoint (${why})`);
      }
      const SubscriptionArn = await a.subscribe({
        topicArn: need(form, "TopicArn"),
        protocol,
        endpoint,
        attributes: entryMap(form, "Attributes"),
        returnArn: form.get("ReturnSubscriptionArn") === "true",
        apiUrl,
      });
      return { SubscriptionArn };
    },
    ConfirmSubscription: async ({ form }) => ({
      SubscriptionArn: await a.confirmSubscription(need(form, "TopicArn"), need(form, "Token")),
    }),
    Unsubscribe: async ({ form }) => void (await a.unsubscribe(need(form, "SubscriptionArn"))),
    ListSubscriptions: async ({ form }) =>
      subscriptionsPage(await a.listSubscriptions(undefined, form.get("NextToken") ?? undefined)),
    ListSubscriptionsByTopic: async ({ form }) =>
      subscriptionsPage(await a.listSubscriptions(need(form, "TopicArn"), form.get("NextToken") ?? undefined)),
    GetSubscriptionAttributes: async ({ form }) => ({
      Attributes: await a.getSubscriptionAttributes(need(form, "SubscriptionArn")),
    }),
    SetSubscriptionAttributes: async ({ form }) =>
      void (await a.setSubscriptionAttribute(
        need(form, "SubscriptionArn"),
        need(form, "AttributeName"),
        form.get("AttributeValue") ?? "",
      )),
    Publish: async ({ form, apiUrl, traceHeader }) => {
      const arn = form.get("TopicArn") ?? form.get("TargetArn") ?? need(form, "TopicArn");
      const r = await sns.publisher.publish(arn, { ...publishInput(form), traceHeader }, apiUrl);
      return { MessageId: r.messageId, SequenceNumber: r.sequenceNumber };
    },
    PublishBatch: async ({ form, apiUrl, traceHeader }) => {
      const entries = batchEntries(form).map((e) => ({ ...e, traceHeader }));
      const r = await sns.publisher.publishBatch(need(form, "TopicArn"), entries, apiUrl);
      return {
        Successful: r.flatMap((o) =>
          o.ok ? [{ Id: o.id, MessageId: o.messageId, SequenceNumber: o.sequenceNumber }] : [],
        ),
        Failed: r.flatMap((o) =>
          o.ok ? [] : [{ Id: o.id, Code: o.code, Message: o.message, SenderFault: o.senderFault }],
        ),
      };
    },
  };
}

function subscriptionsPage(r: Awaited<ReturnType<TopicService["admin"]["listSubscriptions"]>>): XmlValue {
  return {
    Subscriptions: r.items.map((s) => ({
      SubscriptionArn: s.confirmed ? s.arn : "PendingConfirmation",
      Owner: s.owner,
      Protocol: s.protocol,
      Endpoint: s.endpoint,
      TopicArn: s.topicArn,
    })),
    NextToken: r.nextToken,
  };
}
