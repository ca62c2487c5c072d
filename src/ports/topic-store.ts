/**
 * The topic store port: SNS topics, their subscriptions, the deliveries a publish leaves to be made,
 * and FIFO topics' deduplication window. A publish writes one delivery per matching subscription in
 * one transaction, so that nothing accepted is lost: deliveries are claimed with a lease (a dead
 * node's come due again), finished by deleting them, or put back with a later due time to retry.
 * Every adapter passes topic-store.contract.ts.
 */

/** A topic: its ARN, name, attributes as SNS spells them (strings) and tags. */
export interface TopicRecord {
  readonly arn: string;
  readonly name: string;
  readonly fifo: boolean;
  readonly attributes: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
  readonly createdAt: number;
}

/** A subscription of an endpoint to a topic. */
export interface SubscriptionRecord {
  readonly arn: string;
  readonly topicArn: string;
  readonly protocol: string;
  readonly endpoint: string;
  readonly owner: string;
  /** Settable attributes (FilterPolicy, RawMessageDelivery, …). */
  readonly attributes: Readonly<Record<string, string>>;
  /** False until an http(s) endpoint confirms it. */
  readonly confirmed: boolean;
  /** The token a pending subscription is confirmed with. */
  readonly token?: string | undefined;
  readonly createdAt: number;
}

/** A delivery to be made: to one subscription, with everything it needs in `body` (JSON). */
export interface NewDelivery {
  readonly id: string;
  readonly subscriptionArn: string;
  readonly body: string;
  readonly dueAt: number;
  /**
   * Deliveries with one key are made one at a time in the order they were added (a FIFO topic's
   * subscription and message group): a later one is claimed only when no earlier one is left.
   */
  readonly orderingKey?: string | undefined;
}

/** A claimed delivery. */
export interface DeliveryRecord extends NewDelivery {
  /** Attempts made before this one. */
  readonly attempts: number;
}

/** Topics, subscriptions, pending deliveries; see the file comment. */
/** The key pair notifications are signed with: PKCS#8 and X.509 PEM. */
export interface SigningKeyRecord {
  readonly privateKeyPem: string;
  readonly certificatePem: string;
}

export interface TopicStore {
  /** Inserts a topic; false when the ARN is taken. */
  insertTopic(topic: TopicRecord): Promise<boolean>;
  /** Replaces a stored topic (attributes, tags). */
  updateTopic(topic: TopicRecord): Promise<void>;
  /** One topic. */
  getTopic(arn: string): Promise<TopicRecord | undefined>;
  /** Every topic, by ARN. */
  listTopics(): Promise<TopicRecord[]>;
  /** Deletes a topic and its subscriptions; false when there was none. */
  deleteTopic(arn: string): Promise<boolean>;
  /** Inserts or replaces a subscription. */
  saveSubscription(subscription: SubscriptionRecord): Promise<void>;
  /** One subscription. */
  getSubscription(arn: string): Promise<SubscriptionRecord | undefined>;
  /** The subscriptions of a topic, or every subscription, by ARN. */
  listSubscriptions(topicArn?: string): Promise<SubscriptionRecord[]>;
  /** Deletes a subscription (its pending deliveries are dropped when claimed); false when there was none. */
  deleteSubscription(arn: string): Promise<boolean>;
  /** Stores deliveries, all or none. */
  addDeliveries(deliveries: readonly NewDelivery[]): Promise<void>;
  /** Claims up to `limit` deliveries due at `now` and not claimed (or whose claim lapsed) until `now + leaseMs`. */
  claimDeliveries(o: { owner: string; now: number; leaseMs: number; limit: number }): Promise<DeliveryRecord[]>;
  /** Removes a delivery made (or given up). */
  finishDelivery(id: string): Promise<void>;
  /** Releases a delivery to be tried again at `dueAt`, counting the attempt. */
  retryDelivery(id: string, dueAt: number): Promise<void>;
  /** When the next unclaimed delivery is due, if any. */
  nextDeliveryAt(): Promise<number | undefined>;
  /**
   * Remembers a FIFO topic's deduplication id until `until`; when one is remembered (and not
   * expired at `now`) answers the message id it was first published with, and stores nothing.
   */
  deduplicate(o: {
    topicArn: string;
    id: string;
    messageId: string;
    now: number;
    until: number;
  }): Promise<string | undefined>;
  /**
   * Stores `candidate` as the signing key unless one is stored already; resolves to the stored one,
   * so that every node of a cluster signs with the same key.
   */
  adoptSigningKey(candidate: SigningKeyRecord): Promise<SigningKeyRecord>;
  close(): Promise<void>;
}
