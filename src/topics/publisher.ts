/**
 * Publish and PublishBatch: a message is checked, deduplicated on FIFO topics (5 minutes), matched
 * against each confirmed subscription's filter policy, and stored as one delivery per match in one
 * write, before the call answers: from then on the message is the delivery worker's, and survives
 * a crash. Filter policies are compiled once per policy text.
 */
import type { NewDelivery, SubscriptionRecord, TopicStore } from "../ports/topic-store.js";
import type { Clock } from "../shared/clock.js";
import { PlatformError } from "../shared/errors.js";
import type { IdSource } from "../shared/ids.js";
import type { Notification } from "./envelopes.js";
import { compileFilterPolicy, type MessageFilter } from "./filter-policy.js";
import { checkPublish, MAX_MESSAGE_BYTES, type CheckedPublish, type PublishInput } from "./publish-input.js";
import { invalid, noTopic } from "./refs.js";

const DEDUP_WINDOW_MS = 5 * 60_000;

export interface PublisherOptions {
  readonly store: TopicStore;
  readonly clock: Clock;
  readonly ids: IdSource;
  /** Deliveries were stored: the worker looks for due ones. */
  readonly wake: () => void;
}

/** What a publish answers. */
export interface Published {
  readonly messageId: string;
  readonly sequenceNumber?: string | undefined;
}

/** A PublishBatch entry's outcome. */
export type BatchOutcome =
  | ({ readonly id: string; readonly ok: true } & Published)
  | {
      readonly id: string;
      readonly ok: false;
      readonly code: string;
      readonly message: string;
      readonly senderFault: boolean;
    };

/** Publishes messages to topics; see the file comment. */
export class Publisher {
  readonly #o: PublisherOptions;
  readonly #filters = new Map<string, MessageFilter>();
  #sequence = 0;

  constructor(o: PublisherOptions) {
    this.#o = o;
  }

  /** Publish to the topic with this ARN, from the SNS endpoint `apiUrl`. */
  async publish(topicArn: string, input: PublishInput, apiUrl: string): Promise<Published> {
    const topic = await this.#o.store.getTopic(topicArn);
    if (!topic) throw noTopic();
    const checked = checkPublish(input, topic);
    const subs = await this.#o.store.listSubscriptions(topicArn);
    const signatureVersion = topic.attributes["SignatureVersion"] ?? "1";
    const traceHeader = input.traceHeader;
    return this.#deliver({ topicArn, fifo: topic.fifo, checked, subs, apiUrl, signatureVersion, traceHeader });
  }

  /** PublishBatch: each entry succeeds or fails alone. */
  async publishBatch(
    topicArn: string,
    entries: readonly (PublishInput & { id: string })[],
    apiUrl: string,
  ): Promise<BatchOutcome[]> {
    checkBatch(entries);
    const topic = await this.#o.store.getTopic(topicArn);
    if (!topic) throw noTopic();
    const subs = await this.#o.store.listSubscriptions(topicArn);
    const signatureVersion = topic.attributes["SignatureVersion"] ?? "1";
    const checked = entries.map((e) => ({
      id: e.id,
      trace: e.traceHeader,
      checked: attempt(() => checkPublish(e, topic)),
    }));
    const total = checked.reduce((n, c) => n + (c.checked instanceof PlatformError ? 0 : c.checked.size), 0);
    if (total > MAX_MESSAGE_BYTES) {
      throw new PlatformError(
        "ERR_SNS_BATCH_TOO_LONG",
        "The length of all the messages put together is more than the limit.",
      );
    }
    const out: BatchOutcome[] = [];
    for (const c of checked) {
      if (c.checked instanceof PlatformError) {
        out.push({ id: c.id, ok: false, code: c.checked.awsType, message: c.checked.message, senderFault: true });
        continue;
      }
      const r = await this.#deliver({
        ...{ topicArn, fifo: topic.fifo, checked: c.checked, subs, apiUrl, signatureVersion },
        traceHeader: c.trace,
      });
      out.push({ id: c.id, ok: true, ...r });
    }
    return out;
  }

  async #deliver(o: {
    topicArn: string;
    fifo: boolean;
    checked: CheckedPublish;
    subs: readonly SubscriptionRecord[];
    apiUrl: string;
    signatureVersion: string;
    traceHeader: string | undefined;
  }): Promise<Published> {
    const now = this.#o.clock.now();
    const messageId = this.#o.ids.requestId();
    const c = o.checked;
    let sequenceNumber: string | undefined;
    if (o.fifo) {
      const first = await this.#o.store.deduplicate({
        topicArn: o.topicArn,
        id: c.deduplicationId!,
        messageId,
        now,
        until: now + DEDUP_WINDOW_MS,
      });
      if (first !== undefined) return { messageId: first, sequenceNumber: this.#nextSequence(now) };
      sequenceNumber = this.#nextSequence(now);
    }
    const base: Omit<Notification, "message"> = {
      kind: "Notification",
      messageId,
      topicArn: o.topicArn,
      subject: c.subject,
      timestamp: new Date(now).toISOString(),
      attributes: c.attributes,
      messageGroupId: c.messageGroupId,
      deduplicationId: o.fifo ? c.deduplicationId : undefined,
      sequenceNumber,
      apiUrl: o.apiUrl,
      signatureVersion: o.signatureVersion,
      ...(o.traceHeader !== undefined && { traceHeader: o.traceHeader }),
    };
    const deliveries: NewDelivery[] = [];
    for (const s of o.subs) {
      if (!s.confirmed || !this.#matches(s, c)) continue;
      const message = c.perProtocol?.[s.protocol] ?? c.message;
      const notification: Notification = { ...base, message };
      deliveries.push({
        id: this.#o.ids.requestId(),
        subscriptionArn: s.arn,
        body: JSON.stringify(notification),
        dueAt: now,
        // A FIFO topic delivers a message group in order to each subscription.
        ...(o.fifo && { orderingKey: `${s.arn}\n${c.messageGroupId}` }),
      });
    }
    if (deliveries.length > 0) {
      await this.#o.store.addDeliveries(deliveries);
      this.#o.wake();
    }
    return sequenceNumber === undefined ? { messageId } : { messageId, sequenceNumber };
  }

  #matches(s: SubscriptionRecord, c: CheckedPublish): boolean {
    const policy = s.attributes["FilterPolicy"];
    if (!policy) return true;
    const scope = s.attributes["FilterPolicyScope"] ?? "MessageAttributes";
    const key = `${scope}\n${policy}`;
    let filter = this.#filters.get(key);
    if (!filter) {
      filter = compileFilterPolicy(policy, scope);
      if (this.#filters.size > 10_000) this.#filters.clear();
      this.#filters.set(key, filter);
    }
    return filter({ message: c.message, attributes: c.attributes });
  }

  /** FIFO sequence numbers: 20 digits, increasing on this node (time, then a counter). */
  #nextSequence(now: number): string {
    this.#sequence = (this.#sequence + 1) % 1_000_000;
    return `${String(now).padStart(14, "0")}${String(this.#sequence).padStart(6, "0")}`;
  }
}

function attempt<T>(f: () => T): T | PlatformError {
  try {
    return f();
  } catch (e) {
    if (e instanceof PlatformError) return e;
    throw e;
  }
}

function checkBatch(entries: readonly { id: string }[]): void {
  if (entries.length === 0) {
    throw new PlatformError("ERR_SNS_EMPTY_BATCH", "The batch request doesn't contain any entries");
  }
  if (entries.length > 10) {
    throw new PlatformError("ERR_SNS_TOO_MANY_ENTRIES", "The batch request contains more entries than permissible");
  }
  const ids = new Set(entries.map((e) => e.id));
  if (ids.size !== entries.length) {
    throw new PlatformError(
      "ERR_SNS_BATCH_IDS_NOT_DISTINCT",
      "Two or more batch entries in the request have the same Id",
    );
  }
  for (const e of entries) if (!/^[A-Za-z0-9_-]{1,80}$/.test(e.id)) throw invalid("Invalid parameter: Id");
}
