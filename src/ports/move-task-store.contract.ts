/**
 * The MoveTaskStore part of the QueueStore contract: tasks, one active per source, steps that
 * move a dead-letter queue's messages back to their origins or a destination and count them.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { MoveTaskRecord } from "./move-task-store.js";
import type { NewQueueMessage, QueueMessageRecord, QueueStore, ReceiveSpec } from "./queue-store.js";

/** A RUNNING task from `dlq`; fields overridable. */
function sampleTask(taskId: string, over: Partial<MoveTaskRecord> = {}): MoveTaskRecord {
  return { taskId, sourceQueue: "dlq", status: "RUNNING", startedAt: 1000, moved: 0, toMove: 3, ...over };
}

/** Registers the move task tests; `store` is the fresh store of the current test (queue `q` exists). */
export function moveTaskContract(
  store: () => QueueStore,
  helpers: {
    readonly send: (queue: string, ids: readonly string[]) => Promise<void>;
    readonly receive: (over: Partial<ReceiveSpec>) => Promise<QueueMessageRecord[]>;
    readonly createQueue: (name: string) => Promise<void>;
  },
): void {
  /** Sends `ids` to `from` and redrives them to `dlq` (maxReceiveCount 1). */
  const deadLetter = async (from: string, ids: readonly string[]) => {
    await helpers.send(from, ids);
    const redrive = { target: "dlq", maxReceiveCount: 1 };
    await helpers.receive({ queue: from, redrive, max: 10 });
    await helpers.receive({ queue: from, redrive, now: 31_000, visibleUntil: 61_000 });
  };

  void test("move tasks: one active per source; listed newest first; status changes only from the given ones", async () => {
    const s = store();
    await helpers.createQueue("dlq");
    assert.equal(await s.startMoveTask(sampleTask("t1")), true);
    assert.equal(await s.startMoveTask(sampleTask("t2", { startedAt: 2000 })), false, "t1 is still running");
    assert.equal(await s.setMoveTaskStatus("t1", { from: ["COMPLETED"], to: "CANCELLED" }), undefined);
    assert.equal((await s.setMoveTaskStatus("t1", { from: ["RUNNING"], to: "CANCELLING" }))?.status, "CANCELLING");
    assert.equal(await s.startMoveTask(sampleTask("t2", { startedAt: 2000 })), false, "cancelling is active too");
    assert.deepEqual(
      (await s.activeMoveTasks()).map((t) => t.taskId),
      ["t1"],
    );
    await s.setMoveTaskStatus("t1", { from: ["CANCELLING"], to: "CANCELLED" });
    assert.equal(
      await s.startMoveTask(sampleTask("t2", { startedAt: 2000, destinationQueue: "q", maxPerSecond: 5 })),
      true,
    );
    const listed = await s.listMoveTasks("dlq", 10);
    assert.deepEqual(
      listed.map((t) => [t.taskId, t.status]),
      [
        ["t2", "RUNNING"],
        ["t1", "CANCELLED"],
      ],
    );
    assert.deepEqual(await s.getMoveTask("t2"), {
      ...sampleTask("t2", { startedAt: 2000 }),
      destinationQueue: "q",
      maxPerSecond: 5,
      failureReason: undefined,
    });
    assert.equal((await s.listMoveTasks("dlq", 1)).length, 1);
    assert.equal(await s.getMoveTask("nope"), undefined);
  });

  void test("move steps: back to each message's origin queue, at most max a step, then completed", async () => {
    const s = store();
    await helpers.createQueue("dlq");
    await helpers.createQueue("other");
    await deadLetter("q", ["a1", "a2"]);
    await deadLetter("other", ["b1"]);
    await s.startMoveTask(sampleTask("t1", { toMove: 3 }));
    const first = await s.moveMessages({ taskId: "t1", now: 70_000, max: 2 });
    assert.deepEqual([first.moved, first.task?.moved, first.task?.status], [2, 2, "RUNNING"]);
    const second = await s.moveMessages({ taskId: "t1", now: 71_000, max: 2 });
    assert.equal(second.moved, 1);
    const last = await s.moveMessages({ taskId: "t1", now: 72_000, max: 2 });
    assert.deepEqual([last.moved, last.task?.status], [0, "COMPLETED"]);
    assert.equal((await s.getMoveTask("t1"))?.status, "COMPLETED");
    const back = await helpers.receive({ queue: "q", now: 72_000 });
    assert.deepEqual(back.map((m) => m.id).sort(), ["a1", "a2"]);
    assert.deepEqual(
      (await helpers.receive({ queue: "other", now: 72_000 })).map((m) => m.id),
      ["b1"],
    );
    assert.deepEqual(await helpers.receive({ queue: "dlq", now: 72_000 }), []);
  });

  void test("move steps: to a destination; a gone destination fails the task; a cancelled task moves nothing", async () => {
    const s = store();
    await helpers.createQueue("dlq");
    await deadLetter("q", ["a1", "a2"]);
    await s.startMoveTask(sampleTask("t1", { destinationQueue: "gone", toMove: 2 }));
    const failed = await s.moveMessages({ taskId: "t1", now: 70_000, max: 10 });
    assert.deepEqual(
      [failed.moved, failed.task?.status, failed.task?.failureReason],
      [0, "FAILED", "AWS.SimpleQueueService.NonExistentQueue"],
    );
    assert.equal((await s.getMoveTask("t1"))?.failureReason, "AWS.SimpleQueueService.NonExistentQueue");

    await helpers.createQueue("dest");
    await s.startMoveTask(sampleTask("t2", { destinationQueue: "dest", toMove: 2, startedAt: 2000 }));
    await s.setMoveTaskStatus("t2", { from: ["RUNNING"], to: "CANCELLING" });
    assert.equal((await s.moveMessages({ taskId: "t2", now: 70_000, max: 10 })).moved, 0);
    await s.setMoveTaskStatus("t2", { from: ["CANCELLING"], to: "CANCELLED" });

    await s.startMoveTask(sampleTask("t3", { destinationQueue: "dest", toMove: 1, startedAt: 3000 }));
    assert.equal((await s.moveMessages({ taskId: "t3", now: 70_000, max: 10 })).moved, 1, "no more than toMove");
    assert.equal((await s.moveMessages({ taskId: "t3", now: 70_000, max: 10 })).task?.status, "COMPLETED");
    assert.equal((await helpers.receive({ queue: "dest", now: 70_000 })).length, 1);
  });

  void test("move steps, FIFO: group ids and the dead-letter queue's deduplication ids kept, placed after what the FIFO queue holds", async () => {
    const s = store();
    for (const name of ["src.fifo", "dlq.fifo"]) await helpers.createQueue(name);
    const fifo = (id: string, group: string): NewQueueMessage => ({
      id,
      visibleAt: 1000,
      content: { body: id, md5OfBody: "x", senderId: "AIDA", sentAt: 1000, groupId: group, dedupId: `d-${id}` },
    });
    await s.sendMessages("src.fifo", [fifo("a1", "g"), fifo("a2", "g"), fifo("b1", "h")]);
    const redrive = { target: "dlq.fifo", maxReceiveCount: 1 };
    await helpers.receive({ queue: "src.fifo", fifo: true, redrive, now: 1000, visibleUntil: 2000 });
    await helpers.receive({ queue: "src.fifo", fifo: true, redrive, now: 2000, visibleUntil: 3000 });
    await s.sendMessages("src.fifo", [fifo("a3", "g")]);
    await s.startMoveTask(sampleTask("t1", { sourceQueue: "dlq.fifo", toMove: 3 }));
    assert.equal((await s.moveMessages({ taskId: "t1", now: 5000, max: 10 })).moved, 3);
    const back = await helpers.receive({ queue: "src.fifo", fifo: true, now: 5000, max: 10 });
    // a3, sent while the others were away, comes first; the moved ones follow in their order, with
    // the deduplication id the dead-letter queue gave them (their message id, as SQS).
    assert.deepEqual(
      back.map((m) => [m.id, m.content.groupId, m.content.dedupId, m.receiveCount]),
      [
        ["a3", "g", "d-a3", 1],
        ["a1", "g", "a1", 1],
        ["a2", "g", "a2", 1],
        ["b1", "h", "b1", 1],
      ],
    );
    const sequences = back.map((m) => m.sequence);
    assert.deepEqual(sequences, [...sequences].sort(), "sequence numbers increase in that order");
    assert.deepEqual(await helpers.receive({ queue: "dlq.fifo", now: 5000 }), []);
    const [sent] = await s.sendMessages("src.fifo", [fifo("a4", "g")]);
    assert.ok(sent!.sequence > sequences.at(-1)!, "a later send numbered after the moved messages");
  });
}
