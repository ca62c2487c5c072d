/**
 * Topics and subscriptions: CreateTopic, DeleteTopic, ListTopics, topic attributes and tags,
 * Subscribe (http/https pending until confirmed), ConfirmSubscription, Unsubscribe, listing and
 * subscription attributes. Every change is announced (cluster: change kind `topics`).
 */
import type { CompiledPolicy, ServiceCaller } from "../iam/index.js";
import type { SubscriptionRecord, TopicRecord, TopicStore } from "../ports/topic-store.js";
import type { Clock } from "../shared/clock.js";
import { PlatformError } from "../shared/errors.js";
import type { IdSource } from "../shared/ids.js";
import {
  checkFilterPolicy,
  checkSubscriptionAttribute,
  checkTopicAttribute,
  reportedSubscriptionAttributes,
  reportedTopicAttributes,
} from "./topic-attributes.js";
import { checkTopicName, invalid, noSubscription, noTopic, topicArn, type TopicScope } from "./refs.js";
import { compiledTopicPolicy, serviceMayPublish } from "./topic-policy.js";

export interface TopicAdminOptions {
  readonly store: TopicStore;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly scope: TopicScope;
  /** A subscription waits for confirmation: the confirmation message is to be sent. */
  readonly confirm: (s: SubscriptionRecord, apiUrl: string) => Promise<void>;
  readonly onChange?: (() => void) | undefined;
}

const PROTOCOLS = new Set(["lambda", "sqs", "http", "https"]);
const PAGE = 100;

/** Topic and subscription management; see the file comment. */
export class TopicAdmin {
  readonly #o: TopicAdminOptions;

  constructor(o: TopicAdminOptions) {
    this.#o = o;
  }

  get scope(): TopicScope {
    return this.#o.scope;
  }

  /** CreateTopic: idempotent for the same attributes. */
  async createTopic(i: {
    name: string;
    attributes: Record<string, string>;
    tags: Record<string, string>;
  }): Promise<string> {
    const fifo = i.attributes["FifoTopic"] === "true";
    checkTopicName(i.name, fifo || i.name.endsWith(".fifo"));
    if (i.name.endsWith(".fifo") && !fifo) throw invalid("Invalid parameter: Topic Name");
    for (const [k, v] of Object.entries(i.attributes)) checkTopicAttribute(k, v, { fifo, creating: true });
    const attributes = Object.fromEntries(Object.entries(i.attributes).filter(([k]) => k !== "FifoTopic"));
    const arn = topicArn(this.#o.scope, i.name);
    const topic: TopicRecord = { arn, name: i.name, fifo, attributes, tags: i.tags, createdAt: this.#o.clock.now() };
    if (!(await this.#o.store.insertTopic(topic))) {
      const existing = (await this.#o.store.getTopic(arn))!;
      const same = Object.entries(attributes).every(([k, v]) => existing.attributes[k] === v);
      if (!same || existing.fifo !== fifo) {
        throw invalid("Invalid parameter: Attributes Reason: Topic already exists with different attributes");
      }
      return arn;
    }
    this.#changed();
    return arn;
  }

  /** The topic with this ARN; NotFound when there is none. */
  async topic(arn: string): Promise<TopicRecord> {
    const t = await this.#o.store.getTopic(arn);
    if (!t) throw noTopic();
    return t;
  }

  /** DeleteTopic: idempotent, as SNS; the topic's subscriptions go with it. */
  async deleteTopic(arn: string): Promise<void> {
    if (await this.#o.store.deleteTopic(arn)) this.#changed();
  }

  /** ListTopics, 100 a page. */
  async listTopics(nextToken: string | undefined): Promise<{ arns: string[]; nextToken?: string }> {
    const all = (await this.#o.store.listTopics()).map((t) => t.arn);
    return page(all, nextToken);
  }

  /** The topic's own Policy, compiled; undefined when it has none (or the topic is gone). */
  async policyOf(arn: string): Promise<CompiledPolicy | undefined> {
    const text = (await this.#o.store.getTopic(arn))?.attributes["Policy"];
    return text ? compiledTopicPolicy(text) : undefined;
  }

  /** Whether the topic's policy lets a service publish for one of its resources (topic-policy.ts). */
  async serviceMayPublish(arn: string, caller: ServiceCaller): Promise<boolean> {
    return serviceMayPublish(await this.policyOf(arn), arn, { caller, owner: this.#o.scope.accountId });
  }

  async getTopicAttributes(arn: string): Promise<Map<string, string>> {
    const t = await this.topic(arn);
    return reportedTopicAttributes(t, await this.#o.store.listSubscriptions(arn), this.#o.scope.accountId);
  }

  async setTopicAttribute(arn: string, name: string, value: string): Promise<void> {
    const t = await this.topic(arn);
    checkTopicAttribute(name, value, { fifo: t.fifo, creating: false });
    await this.#o.store.updateTopic({ ...t, attributes: { ...t.attributes, [name]: value } });
    this.#changed();
  }

  /** Takes the topic's own Policy off (the default policy applies again); nothing when the topic is gone. */
  async clearTopicPolicy(arn: string): Promise<void> {
    const t = await this.#o.store.getTopic(arn);
    if (!t || t.attributes["Policy"] === undefined) return;
    const rest: Record<string, string> = { ...t.attributes };
    delete rest["Policy"];
    await this.#o.store.updateTopic({ ...t, attributes: rest });
    this.#changed();
  }

  async tags(arn: string): Promise<Record<string, string>> {
    return { ...(await this.#tagged(arn)).tags };
  }

  async tagResource(arn: string, tags: Record<string, string>): Promise<void> {
    const t = await this.#tagged(arn);
    const next = { ...t.tags, ...tags };
    if (Object.keys(next).length > 50) {
      throw new PlatformError(
        "ERR_SNS_INVALID_PARAMETER",
        "Could not complete request: tag quota of per resource exceeded",
      );
    }
    await this.#o.store.updateTopic({ ...t, tags: next });
    this.#changed();
  }

  async untagResource(arn: string, keys: readonly string[]): Promise<void> {
    const t = await this.#tagged(arn);
    const tags = Object.fromEntries(Object.entries(t.tags).filter(([k]) => !keys.includes(k)));
    await this.#o.store.updateTopic({ ...t, tags });
    this.#changed();
  }

  async #tagged(arn: string): Promise<TopicRecord> {
    const t = await this.#o.store.getTopic(arn);
    if (!t) throw new PlatformError("ERR_SNS_RESOURCE_NOT_FOUND", "Resource does not exist");
    return t;
  }

  /** Subscribe: returns the subscription's ARN, or "pending confirmation" for an unconfirmed endpoint. */
  async subscribe(i: {
    topicArn: string;
    protocol: string;
    endpoint: string;
    attributes: Record<string, string>;
    returnArn: boolean;
    apiUrl: string;
  }): Promise<string> {
    const topic = await this.topic(i.topicArn);
    const protocol = i.protocol.toLowerCase();
    checkEndpoint(protocol, i.endpoint, topic.fifo);
    for (const [k, v] of Object.entries(i.attributes)) {
      checkSubscriptionAttribute(k, v, { protocol, attributes: i.attributes });
    }
    checkFilterPolicy(i.attributes);
    const existing = (await this.#o.store.listSubscriptions(i.topicArn)).find(
      (s) => s.protocol === protocol && s.endpoint === i.endpoint,
    );
    if (existing) {
      const same = Object.entries(i.attributes).every(([k, v]) => (existing.attributes[k] ?? "") === v);
      if (!same)
        throw invalid("Invalid parameter: Attributes Reason: Subscription already exists with different attributes");
      return existing.confirmed || i.returnArn ? existing.arn : "pending confirmation";
    }
    const needsConfirmation = protocol === "http" || protocol === "https";
    const s: SubscriptionRecord = {
      arn: `${i.topicArn}:${this.#o.ids.requestId()}`,
      topicArn: i.topicArn,
      protocol,
      endpoint: i.endpoint,
      owner: this.#o.scope.accountId,
      attributes: i.attributes,
      confirmed: !needsConfirmation,
      ...(needsConfirmation && { token: this.#o.ids.hex(32) }),
      createdAt: this.#o.clock.now(),
    };
    await this.#o.store.saveSubscription(s);
    this.#changed();
    if (!needsConfirmation) return s.arn;
    await this.#o.confirm(s, i.apiUrl);
    return i.returnArn ? s.arn : "pending confirmation";
  }

  /** ConfirmSubscription: the token a SubscriptionConfirmation carried. */
  async confirmSubscription(topicArn: string, token: string): Promise<string> {
    await this.topic(topicArn);
    const s = (await this.#o.store.listSubscriptions(topicArn)).find((x) => x.token === token);
    if (!s) throw invalid("Invalid token");
    if (!s.confirmed) {
      await this.#o.store.saveSubscription({ ...s, confirmed: true });
      this.#changed();
    }
    return s.arn;
  }

  async unsubscribe(arn: string): Promise<void> {
    if (!(await this.#o.store.deleteSubscription(arn))) throw noSubscription();
    this.#changed();
  }

  async subscription(arn: string): Promise<SubscriptionRecord> {
    const s = await this.#o.store.getSubscription(arn);
    if (!s) throw noSubscription();
    return s;
  }

  /** ListSubscriptions / ListSubscriptionsByTopic (NotFound for a topic that does not exist). */
  async listSubscriptions(
    topicArn: string | undefined,
    nextToken: string | undefined,
  ): Promise<{ items: SubscriptionRecord[]; nextToken?: string }> {
    if (topicArn !== undefined) await this.topic(topicArn);
    const all = await this.#o.store.listSubscriptions(topicArn);
    const { arns, nextToken: next } = page(
      all.map((s) => s.arn),
      nextToken,
    );
    const items = arns.map((a) => all.find((s) => s.arn === a)!);
    return next === undefined ? { items } : { items, nextToken: next };
  }

  async getSubscriptionAttributes(arn: string): Promise<Map<string, string>> {
    return reportedSubscriptionAttributes(await this.subscription(arn));
  }

  async setSubscriptionAttribute(arn: string, name: string, value: string): Promise<void> {
    const s = await this.subscription(arn);
    checkSubscriptionAttribute(name, value, s);
    const attributes = { ...s.attributes, [name]: value };
    checkFilterPolicy(attributes);
    await this.#o.store.saveSubscription({ ...s, attributes });
    this.#changed();
  }

  #changed(): void {
    this.#o.onChange?.();
  }
}

function checkEndpoint(protocol: string, endpoint: string, fifo: boolean): void {
  if (!PROTOCOLS.has(protocol)) {
    throw invalid(`Invalid parameter: Amazon SNS does not support this protocol string: ${protocol}`);
  }
  if (fifo && protocol !== "sqs") throw invalid(`Invalid parameter: Invalid protocol type: ${protocol}`);
  const ok =
    protocol === "lambda"
      ? /^arn:aws:lambda:[^:]+:\d{12}:function:[^:]+(:[^:]+)?$/.test(endpoint)
      : protocol === "sqs"
        ? /^arn:aws:sqs:[^:]+:\d{12}:[^:]+$/.test(endpoint)
        : endpoint.toLowerCase().startsWith(`${protocol}://`);
  if (!ok) {
    const what =
      protocol === "lambda"
        ? "Lambda endpoint ARN"
        : protocol === "sqs"
          ? "SQS endpoint ARN"
          : "Endpoint must match the specified protocol";
    throw invalid(`Invalid parameter: ${what}`);
  }
}

/** A page of 100 ARNs after the one `nextToken` names. */
function page(arns: string[], nextToken: string | undefined): { arns: string[]; nextToken?: string } {
  let start = 0;
  if (nextToken !== undefined && nextToken !== "") {
    const after = Buffer.from(nextToken, "base64url").toString("utf8");
    start = arns.findIndex((a) => a > after);
    if (start < 0) start = arns.length;
  }
  const slice = arns.slice(start, start + PAGE);
  if (start + PAGE >= arns.length) return { arns: slice };
  return { arns: slice, nextToken: Buffer.from(slice.at(-1)!).toString("base64url") };
}
