/**
 * The contract every TopicStore adapter passes (SQLite file and memory, PostgreSQL).
 * `open` gives a fresh, empty store per test.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import type { SubscriptionRecord, TopicRecord, TopicStore } from "./topic-store.js";

const ARN = "arn:aws:sns:us-east-1:000000000000:";

/** A topic record. */
export function sampleTopic(name: string, over: Partial<TopicRecord> = {}): TopicRecord {
  return { arn: ARN + name, name, fifo: false, attributes: {}, tags: {}, createdAt: 1, ...over };
}

/** A subscription record of `topic`. */
export function sampleSubscription(topic: string, id: string, over: Partial<SubscriptionRecord> = {}) {
  const s: SubscriptionRecord = {
    arn: `${ARN}${topic}:${id}`,
    topicArn: ARN + topic,
    protocol: "sqs",
    endpoint: "arn:aws:sqs:us-east-1:000000000000:q",
    owner: "000000000000",
    attributes: {},
    confirmed: true,
    createdAt: 1,
    ...over,
  };
  return s;
}

/** Runs the TopicStore contract against the adapter `open` makes. */
export function runTopicStoreContract(name: string, open: () => Promise<TopicStore>): void {
  void describe(`TopicStore contract: ${name}`, () => {
    let store: TopicStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(() => store.close());

    void test("signing key: the first one adopted is kept, later candidates get it", async () => {
      const first = { privateKeyPem: "KEY-1", certificatePem: "CERT-1" };
      assert.deepEqual(await store.adoptSigningKey(first), first);
      assert.deepEqual(await store.adoptSigningKey({ privateKeyPem: "KEY-2", certificatePem: "CERT-2" }), first);
    });

    void test("topics: insert once, update, list by ARN, delete with their subscriptions", async () => {
      assert.equal(await store.insertTopic(sampleTopic("b")), true);
      assert.equal(await store.insertTopic(sampleTopic("b")), false);
      await store.insertTopic(sampleTopic("a"));
      await store.updateTopic(sampleTopic("b", { attributes: { DisplayName: "B" }, tags: { k: "v" } }));
      assert.deepEqual((await store.getTopic(ARN + "b"))?.attributes, { DisplayName: "B" });
      assert.deepEqual(
        (await store.listTopics()).map((t) => t.name),
        ["a", "b"],
      );
      await store.saveSubscription(sampleSubscription("b", "1"));
      await store.saveSubscription(sampleSubscription("a", "2"));
      assert.equal(await store.deleteTopic(ARN + "b"), true);
      assert.equal(await store.deleteTopic(ARN + "b"), false);
      assert.equal(await store.getTopic(ARN + "b"), undefined);
      assert.deepEqual(
        (await store.listSubscriptions()).map((s) => s.arn),
        [`${ARN}a:2`],
      );
    });

    void test("subscriptions: saved whole, replaced, listed by topic, deleted", async () => {
      await store.saveSubscription(sampleSubscription("t", "1", { confirmed: false, token: "tok" }));
      await store.saveSubscription(sampleSubscription("t", "2"));
      await store.saveSubscription(sampleSubscription("u", "3"));
      assert.equal((await store.getSubscription(`${ARN}t:1`))?.token, "tok");
      await store.saveSubscription(sampleSubscription("t", "1", { attributes: { RawMessageDelivery: "true" } }));
      const got = await store.getSubscription(`${ARN}t:1`);
      assert.equal(got?.confirmed, true);
      assert.deepEqual(got?.attributes, { RawMessageDelivery: "true" });
      assert.equal((await store.listSubscriptions(ARN + "t")).length, 2);
      assert.equal((await store.listSubscriptions()).length, 3);
      assert.equal(await store.deleteSubscription(`${ARN}t:1`), true);
      assert.equal(await store.deleteSubscription(`${ARN}t:1`), false);
      assert.equal(await store.getSubscription(`${ARN}t:1`), undefined);
    });

    void test("deliveries: claimed once while leased, due again when the lease lapses, retried, finished", async () => {
      await store.addDeliveries([
        { id: "d1", subscriptionArn: "s", body: "{}", dueAt: 100 },
        { id: "d2", subscriptionArn: "s", body: '{"a":1}', dueAt: 200 },
      ]);
      assert.equal(await store.nextDeliveryAt(), 100);
      const first = await store.claimDeliveries({ owner: "n1", now: 150, leaseMs: 1000, limit: 10 });
      assert.deepEqual(
        first.map((d) => [d.id, d.attempts]),
        [["d1", 0]],
      );
      assert.equal((await store.claimDeliveries({ owner: "n2", now: 150, leaseMs: 1000, limit: 10 })).length, 0);
      const lapsed = await store.claimDeliveries({ owner: "n2", now: 1200, leaseMs: 1000, limit: 10 });
      assert.deepEqual(lapsed.map((d) => d.id).sort(), ["d1", "d2"]);
      await store.retryDelivery("d1", 5000);
      await store.finishDelivery("d2");
      assert.equal((await store.claimDeliveries({ owner: "n1", now: 4999, leaseMs: 1, limit: 10 })).length, 0);
      const again = await store.claimDeliveries({ owner: "n1", now: 5000, leaseMs: 1, limit: 10 });
      assert.deepEqual(
        again.map((d) => [d.id, d.attempts, d.body]),
        [["d1", 1, "{}"]],
      );
      await store.finishDelivery("d1");
      assert.equal(await store.nextDeliveryAt(), undefined);
    });

    void test("deliveries with one ordering key: one at a time, in the order they were added", async () => {
      const key = (g: string) => ({ subscriptionArn: "s", body: "{}", dueAt: 100, orderingKey: `s\n${g}` });
      await store.addDeliveries([{ id: "z1", ...key("g") }]);
      await store.addDeliveries([
        { id: "a2", ...key("g") },
        { id: "h1", ...key("h") },
        { id: "p1", subscriptionArn: "s", body: "{}", dueAt: 100 },
      ]);
      await store.addDeliveries([{ id: "b3", ...key("g") }]);
      const claim = async (now: number) =>
        (await store.claimDeliveries({ owner: "n1", now, leaseMs: 1000, limit: 10 })).map((d) => d.id).sort();
      assert.deepEqual(await claim(100), ["h1", "p1", "z1"], "the head of each group, and the unordered one");
      assert.deepEqual(await claim(2000), ["h1", "p1", "z1"], "a lapsed head is claimed again, still alone");
      await store.retryDelivery("z1", 3000);
      assert.deepEqual(await claim(2500), [], "a head waiting for its retry holds its group back");
      await store.finishDelivery("h1");
      await store.finishDelivery("p1");
      assert.deepEqual(await claim(3000), ["z1"]);
      await store.finishDelivery("z1");
      assert.deepEqual(await claim(10_000), ["a2"]);
      await store.finishDelivery("a2");
      assert.deepEqual(await claim(20_000), ["b3"]);
      await store.finishDelivery("b3");
      assert.equal(await store.nextDeliveryAt(), undefined);
    });

    void test("FIFO deduplication: the first message id within the window, a new one after", async () => {
      const t = ARN + "f.fifo";
      assert.equal(await store.deduplicate({ topicArn: t, id: "x", messageId: "m1", now: 0, until: 300 }), undefined);
      assert.equal(await store.deduplicate({ topicArn: t, id: "x", messageId: "m2", now: 100, until: 400 }), "m1");
      assert.equal(
        await store.deduplicate({ topicArn: ARN + "g", id: "x", messageId: "m3", now: 100, until: 400 }),
        undefined,
      );
      assert.equal(await store.deduplicate({ topicArn: t, id: "x", messageId: "m4", now: 300, until: 600 }), undefined);
      assert.equal(await store.deduplicate({ topicArn: t, id: "x", messageId: "m5", now: 400, until: 700 }), "m4");
    });
  });
}
