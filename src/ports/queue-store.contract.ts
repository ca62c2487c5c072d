/**
 * The contract every QueueStore adapter passes (SQLite; PostgreSQL runs it too). `open` gives a
 * fresh, empty store per test.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import { moveTaskContract } from "./move-task-store.contract.js";
import type { NewQueueMessage, QueueRecord, QueueStore, ReceiveSpec } from "./queue-store.js";

/** A queue record; fields overridable. */
export function sampleQueue(name: string, over: Partial<QueueRecord> = {}): QueueRecord {
  return { name, fifo: name.endsWith(".fifo"), attributes: {}, tags: {}, createdAt: 1, lastModified: 1, ...over };
}

/** A message sent at `at` (default 1000), visible at once; `group` for FIFO. */
export function sampleMessage(id: string, o: { at?: number; group?: string; dedup?: string } = {}): NewQueueMessage {
  const at = o.at ?? 1000;
  return {
    id,
    visibleAt: at,
    content: { body: `body ${id}`, md5OfBody: "x", senderId: "AIDA", sentAt: at, groupId: o.group, dedupId: o.dedup },
  };
}

/** Runs the QueueStore contract against the adapter `open` makes. */
export function runQueueStoreContract(name: string, open: () => Promise<QueueStore>): void {
  void describe(`QueueStore contract: ${name}`, () => {
    let s: QueueStore;
    let handles = 0;
    const receive = (over: Partial<ReceiveSpec> = {}) =>
      s.receiveMessages({
        queue: "q",
        now: 1000,
        max: 10,
        visibleUntil: 31_000,
        fifo: false,
        handle: (id) => `h-${id}-${++handles}`,
        ...over,
      });
    beforeEach(async () => {
      s = await open();
      await s.createQueue(sampleQueue("q"));
    });
    afterEach(() => s.close());

    void test("queues: create keeps the first, update, list by name, delete with messages", async () => {
      const again = await s.createQueue(sampleQueue("q", { attributes: { DelaySeconds: "5" } }));
      assert.deepEqual(again.attributes, {}, "the stored one wins");
      await s.createQueue(sampleQueue("a.fifo"));
      assert.deepEqual(
        (await s.listQueues()).map((q) => q.name),
        ["a.fifo", "q"],
      );
      assert.equal(await s.updateQueue(sampleQueue("q", { tags: { team: "x" } })), true);
      assert.deepEqual((await s.getQueue("q"))?.tags, { team: "x" });
      await s.sendMessages("q", [sampleMessage("m1")]);
      assert.equal(await s.deleteQueue("q"), true);
      assert.equal(await s.getQueue("q"), undefined);
      assert.equal(await s.deleteQueue("q"), false);
      await s.createQueue(sampleQueue("q"));
      assert.deepEqual(await receive(), [], "the messages went with the queue");
    });

    void test("messages: received in send order, hidden until the lease ends, then due again", async () => {
      const sent = await s.sendMessages("q", [sampleMessage("m1"), sampleMessage("m2"), sampleMessage("m3")]);
      assert.ok(sent[0]!.sequence < sent[1]!.sequence && sent[1]!.sequence < sent[2]!.sequence);
      const first = await receive({ max: 2 });
      assert.deepEqual(
        first.map((m) => [m.id, m.receiveCount, m.firstReceiveAt]),
        [
          ["m1", 1, 1000],
          ["m2", 1, 1000],
        ],
      );
      assert.equal(first[0]!.content.body, "body m1");
      assert.deepEqual(
        (await receive()).map((m) => m.id),
        ["m3"],
      );
      assert.deepEqual(await s.countMessages("q", 1000), { visible: 0, inFlight: 3, delayed: 0 });
      assert.equal(await s.nextVisibleAt("q", 1000), 31_000);
      const again = await receive({ now: 31_000, visibleUntil: 61_000 });
      assert.deepEqual(
        again.map((m) => [m.id, m.receiveCount, m.firstReceiveAt]),
        [
          ["m1", 2, 1000],
          ["m2", 2, 1000],
          ["m3", 2, 1000],
        ],
      );
      assert.notEqual(again[0]!.receiptHandle, first[0]!.receiptHandle);
    });

    void test("delete and change visibility take the latest receipt handle only", async () => {
      await s.sendMessages("q", [sampleMessage("m1"), sampleMessage("m2")]);
      const [a, b] = await receive();
      assert.equal(await s.deleteMessage("q", a!.receiptHandle!), true);
      assert.equal(await s.deleteMessage("q", a!.receiptHandle!), false);
      assert.equal(await s.changeVisibility("q", b!.receiptHandle!, { now: 1000, visibleAt: 1000 }), true);
      assert.equal(
        await s.changeVisibility("q", b!.receiptHandle!, { now: 1000, visibleAt: 5000 }),
        false,
        "not in flight",
      );
      const [again] = await receive();
      assert.equal(again?.id, "m2");
      assert.equal(await s.deleteMessage("q", b!.receiptHandle!), false, "an older handle");
      assert.equal(await s.deleteMessage("q", again.receiptHandle!), true);
      assert.deepEqual(await s.countMessages("q", 1000), { visible: 0, inFlight: 0, delayed: 0 });
    });

    void test("a delayed message is counted delayed and received only once visible; purge empties", async () => {
      await s.sendMessages("q", [{ ...sampleMessage("late"), visibleAt: 5000 }]);
      assert.deepEqual(await s.countMessages("q", 1000), { visible: 0, inFlight: 0, delayed: 1 });
      assert.deepEqual(await receive(), []);
      assert.deepEqual(
        (await receive({ now: 5000 })).map((m) => m.id),
        ["late"],
      );
      await s.sendMessages("q", [sampleMessage("x")]);
      await s.purgeQueue("q");
      assert.deepEqual(await s.countMessages("q", 9_999_999), { visible: 0, inFlight: 0, delayed: 0 });
    });

    void test("FIFO: a group with a message in flight waits; other groups go on", async () => {
      await s.createQueue(sampleQueue("f.fifo"));
      const msgs = [
        sampleMessage("a1", { group: "a" }),
        sampleMessage("a2", { group: "a" }),
        sampleMessage("b1", { group: "b" }),
      ];
      await s.sendMessages("f.fifo", msgs);
      const first = await receive({ queue: "f.fifo", fifo: true, max: 1 });
      assert.deepEqual(
        first.map((m) => m.id),
        ["a1"],
      );
      assert.deepEqual(
        (await receive({ queue: "f.fifo", fifo: true })).map((m) => m.id),
        ["b1"],
        "group a is blocked",
      );
      await s.deleteMessage("f.fifo", first[0]!.receiptHandle!);
      assert.deepEqual(
        (await receive({ queue: "f.fifo", fifo: true })).map((m) => m.id),
        ["a2"],
      );
    });

    void test("FIFO deduplication: a dedup id sent again within the window names the first message", async () => {
      const window = { now: 1000, until: 301_000 };
      const [one] = await s.sendMessages("q", [sampleMessage("m1", { dedup: "d" })], window);
      const [dup] = await s.sendMessages("q", [sampleMessage("m2", { dedup: "d" })], { now: 2000, until: 302_000 });
      assert.deepEqual([dup?.id, dup?.sequence, dup?.duplicate], ["m1", one?.sequence, true]);
      const [later] = await s.sendMessages("q", [sampleMessage("m3", { dedup: "d" })], {
        now: 301_000,
        until: 601_000,
      });
      assert.deepEqual([later?.id, later?.duplicate], ["m3", false], "after 5 minutes it is new");
      assert.deepEqual(
        (await receive({ now: 301_000 })).map((m) => m.id),
        ["m1", "m3"],
      );
    });

    void test("redrive: a message received maxReceiveCount times moves to the target queue", async () => {
      await s.createQueue(sampleQueue("dlq"));
      await s.sendMessages("q", [sampleMessage("m1")]);
      const redrive = { target: "dlq", maxReceiveCount: 2 };
      assert.equal((await receive({ redrive })).length, 1);
      assert.equal((await receive({ redrive, now: 31_000, visibleUntil: 61_000 })).length, 1);
      assert.deepEqual(await receive({ redrive, now: 61_000 }), [], "moved, not received a third time");
      const moved = await receive({ queue: "dlq", now: 61_000 });
      assert.deepEqual(
        moved.map((m) => [m.id, m.receiveCount, m.content.body]),
        [["m1", 1, "body m1"]],
      );
    });

    void test("redrive into a FIFO dead-letter queue: the deduplication id becomes the message id", async () => {
      for (const name of ["q.fifo", "dlq.fifo"]) await s.createQueue(sampleQueue(name));
      const dedup = { now: 1000, until: 301_000 };
      await s.sendMessages("q.fifo", [sampleMessage("m1", { group: "g", dedup: "order-7" })], dedup);
      const redrive = { target: "dlq.fifo", maxReceiveCount: 1 };
      const fifo = { queue: "q.fifo", fifo: true, redrive };
      assert.equal((await receive(fifo)).length, 1);
      assert.deepEqual(await receive({ ...fifo, now: 31_000, visibleUntil: 61_000 }), [], "moved");
      const [moved] = await receive({ queue: "dlq.fifo", fifo: true, now: 31_000, visibleUntil: 61_000 });
      assert.deepEqual([moved?.id, moved?.content.dedupId, moved?.content.groupId], ["m1", "m1", "g"]);
      const later = { now: 32_000, until: 332_000 };
      const [sent] = await s.sendMessages("dlq.fifo", [sampleMessage("m2", { group: "g", dedup: "order-7" })], later);
      assert.equal(sent?.duplicate, false, "the old id is not taken in the dead-letter queue");
    });

    void test("concurrent receivers never take the same message", async () => {
      const msgs = Array.from({ length: 40 }, (_, i) => sampleMessage(`m${i}`));
      await s.sendMessages("q", msgs);
      const got = await Promise.all(Array.from({ length: 8 }, () => receive({ max: 10 })));
      const ids = got.flat().map((m) => m.id);
      assert.equal(ids.length, 40);
      assert.equal(new Set(ids).size, 40);
    });

    moveTaskContract(() => s, {
      send: async (queue, ids) =>
        void (await s.sendMessages(
          queue,
          ids.map((id) => sampleMessage(id)),
        )),
      receive: (over) => receive(over),
      createQueue: async (name) => void (await s.createQueue(sampleQueue(name))),
    });
  });
}
