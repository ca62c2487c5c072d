/**
 * Makes the deliveries publishes stored: claims due ones with a lease (a node that dies loses its
 * claims, and another node or the next start makes them), delivers each to its subscription's
 * endpoint, and deletes it once made. A failed delivery is retried as SNS does (HTTP endpoints: 3
 * retries 20 s apart; queues and functions: backoff from 1 s to 20 min for up to 23 days), then
 * goes to the subscription's dead-letter queue (RedrivePolicy) or is dropped.
 */
import type { DeliveryRecord, TopicStore } from "../ports/topic-store.js";
import type { Clock } from "../shared/clock.js";
import type { IdSource } from "../shared/ids.js";
import { deliver, type DeliveryTargets, type Outcome } from "./deliver.js";
import { notificationJson, type Notification } from "./envelopes.js";

export interface DeliveryWorkerOptions {
  readonly store: TopicStore;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly targets: DeliveryTargets;
  /** The lease of a claim in real milliseconds (a delivery takes at most its HTTP timeout). */
  readonly leaseMs?: number | undefined;
  /** Also look for due deliveries this often (deliveries stored by other nodes); 0 = only when woken. */
  readonly pollMs?: number | undefined;
  readonly concurrency?: number | undefined;
  readonly onError?: ((message: string, error: unknown) => void) | undefined;
}

const HTTP_RETRIES = 3;
const HTTP_DELAY_MS = 20_000;
const MANAGED_MAX_AGE_MS = 23 * 24 * 3600_000;
const MANAGED_MAX_DELAY_MS = 20 * 60_000;

/** Delivers stored deliveries; see the file comment. */
export class DeliveryWorker {
  readonly #o: DeliveryWorkerOptions;
  readonly #owner: string;
  readonly #inFlight = new Set<Promise<void>>();
  #running = false;
  #pumping: Promise<void> | undefined;
  #again = false;
  #cancelTimer: (() => void) | undefined;

  constructor(o: DeliveryWorkerOptions) {
    this.#o = o;
    this.#owner = `sns-${o.ids.hex(8)}`;
  }

  start(): void {
    this.#running = true;
    this.wake();
  }

  /** Looks for due deliveries now. */
  wake(): void {
    if (!this.#running) return;
    if (this.#pumping) {
      this.#again = true;
      return;
    }
    this.#pumping = this.#pump().finally(() => {
      this.#pumping = undefined;
      if (this.#again) {
        this.#again = false;
        this.wake();
      }
    });
  }

  /** Stops claiming and waits for the deliveries under way. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#cancelTimer?.();
    await this.#pumping;
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  async #pump(): Promise<void> {
    try {
      const free = (this.#o.concurrency ?? 32) - this.#inFlight.size;
      if (free <= 0) return;
      const leaseMs = (this.#o.leaseMs ?? 60_000) * this.#o.clock.scale;
      const now = this.#o.clock.now();
      const claimed = await this.#o.store.claimDeliveries({ owner: this.#owner, now, leaseMs, limit: free });
      for (const d of claimed) this.#track(this.#run(d));
      if (claimed.length === free) this.#again = true;
      else await this.#scheduleNext();
    } catch (e) {
      this.#o.onError?.("topic deliveries", e);
      this.#wakeIn(1000);
    }
  }

  #track(run: Promise<void>): void {
    const p = run.finally(() => {
      this.#inFlight.delete(p);
      this.wake();
    });
    this.#inFlight.add(p);
  }

  async #scheduleNext(): Promise<void> {
    const due = await this.#o.store.nextDeliveryAt();
    const poll = this.#o.pollMs ?? 0;
    const now = this.#o.clock.now();
    const at = [due, poll > 0 ? now + poll : undefined].filter((t): t is number => t !== undefined);
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    if (at.length > 0) this.#wakeIn(Math.max(0, Math.min(...at) - now));
  }

  #wakeIn(ms: number): void {
    if (!this.#running) return;
    this.#cancelTimer?.();
    this.#cancelTimer = this.#o.clock.setTimer(() => {
      this.#cancelTimer = undefined;
      this.wake();
    }, ms);
  }

  async #run(d: DeliveryRecord): Promise<void> {
    try {
      const subscription = await this.#o.store.getSubscription(d.subscriptionArn);
      const n = JSON.parse(d.body) as Notification;
      const outcome: Outcome = subscription ? await deliver(this.#o.targets, subscription, n) : { kind: "done" };
      if (outcome.kind === "done") return await this.#o.store.finishDelivery(d.id);
      const retryAt = this.#retryAt(d, subscription!.protocol, outcome.kind === "permanent");
      if (retryAt !== undefined) return await this.#o.store.retryDelivery(d.id, retryAt);
      this.#o.onError?.(`SNS gave up delivering to ${subscription!.endpoint}`, outcome.reason);
      await this.#redrive(subscription!.attributes["RedrivePolicy"], n, subscription!.arn);
      await this.#o.store.finishDelivery(d.id);
    } catch (e) {
      // The store failed: the claim lapses and the delivery is made later.
      this.#o.onError?.("topic delivery", e);
    }
  }

  /** When to try again, or undefined to give up. */
  #retryAt(d: DeliveryRecord, protocol: string, permanent: boolean): number | undefined {
    if (permanent) return undefined;
    const now = this.#o.clock.now();
    if (protocol === "http" || protocol === "https") {
      return d.attempts < HTTP_RETRIES ? now + HTTP_DELAY_MS : undefined;
    }
    const first = JSON.parse(d.body) as Notification;
    if (now - Date.parse(first.timestamp) > MANAGED_MAX_AGE_MS) return undefined;
    return now + Math.min(MANAGED_MAX_DELAY_MS, 1000 * 2 ** Math.min(d.attempts, 20));
  }

  async #redrive(policy: string | undefined, n: Notification, subscriptionArn: string): Promise<void> {
    if (!policy) return;
    const arn = (JSON.parse(policy) as { deadLetterTargetArn: string }).deadLetterTargetArn;
    const targets = this.#o.targets;
    await targets
      .signer()
      .then((signer) => targets.sendToQueue(arn, { body: notificationJson(n, subscriptionArn, signer) }, n.topicArn))
      .then((sent) => {
        if (!sent) this.#o.onError?.(`SNS could not move a message to ${arn}`, "the queue's policy does not allow it");
      })
      .catch((e: unknown) => this.#o.onError?.(`SNS could not move a message to ${arn}`, e));
  }
}
