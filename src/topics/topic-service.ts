/**
 * SNS on the topic store: topic and subscription management, publishing, and the worker that makes
 * the deliveries. The API layer reads the query protocol's forms into the inputs these take.
 */
import type { SubscriptionRecord, TopicStore } from "../ports/topic-store.js";
import type { Clock } from "../shared/clock.js";
import type { IdSource } from "../shared/ids.js";
import type { DeliveryTargets } from "./deliver.js";
import { DeliveryWorker } from "./delivery-worker.js";
import type { Notification } from "./envelopes.js";
import { Publisher } from "./publisher.js";
import type { TopicScope } from "./refs.js";
import { TopicAdmin } from "./topic-admin.js";

export interface TopicServiceOptions {
  readonly store: TopicStore;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly scope: TopicScope;
  readonly targets: DeliveryTargets;
  /** Cluster: the lease of a delivery claim and how often to look for other nodes' deliveries. */
  readonly leaseMs?: number | undefined;
  readonly pollMs?: number | undefined;
  readonly onChange?: (() => void) | undefined;
  readonly onError?: ((message: string, error: unknown) => void) | undefined;
}

/** SNS; see the file comment. */
export class TopicService {
  readonly admin: TopicAdmin;
  readonly publisher: Publisher;
  readonly worker: DeliveryWorker;

  constructor(o: TopicServiceOptions) {
    this.worker = new DeliveryWorker({
      store: o.store,
      clock: o.clock,
      ids: o.ids,
      targets: o.targets,
      leaseMs: o.leaseMs,
      pollMs: o.pollMs,
      onError: o.onError,
    });
    this.admin = new TopicAdmin({
      store: o.store,
      clock: o.clock,
      ids: o.ids,
      scope: o.scope,
      onChange: o.onChange,
      confirm: async (s, apiUrl) => {
        const now = o.clock.now();
        await o.store.addDeliveries([
          {
            id: o.ids.requestId(),
            subscriptionArn: s.arn,
            body: JSON.stringify(confirmation(s, apiUrl, now, o.ids)),
            dueAt: now,
          },
        ]);
        this.worker.wake();
      },
    });
    this.publisher = new Publisher({ store: o.store, clock: o.clock, ids: o.ids, wake: () => this.worker.wake() });
  }
}

function confirmation(s: SubscriptionRecord, apiUrl: string, now: number, ids: IdSource): Notification {
  return {
    kind: "SubscriptionConfirmation",
    messageId: ids.requestId(),
    topicArn: s.topicArn,
    message: `You have chosen to subscribe to the topic ${s.topicArn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`,
    timestamp: new Date(now).toISOString(),
    attributes: {},
    token: s.token,
    apiUrl,
    signatureVersion: "1",
  };
}
