/**
 * Message move tasks in simulated time: the SQS service and the task runner on a real SQLite
 * store and a ManualClock. A task moves MaxNumberOfMessagesPerSecond a second back to each
 * message's original queue (or to DestinationArn), is listed and cancelled as SQS does, refuses
 * what SQS refuses, and goes on after a restart from where the store left it.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { SqliteQueueStore } from "../../src/adapters/sqlite/queue-store.js";
import { MoveTaskRunner, QueueService, type QueueJson } from "../../src/queues/index.js";
import { ManualClock } from "../../src/shared/clock.js";
import { isPlatformError } from "../../src/shared/errors.js";
import { randomIds } from "../../src/shared/ids.js";
import { tempDir, type TempDir } from "../helpers/temp-dir.js";

const ACCOUNT = "123456789012";
const arn = (name: string) => `arn:aws:sqs:us-east-1:${ACCOUNT}:${name}`;
const url = (name: string) => `/${ACCOUNT}/${name}`;
const ctx = { baseUrl: "http://localhost", senderId: "AIDATEST" };

interface Node {
  readonly store: SqliteQueueStore;
  readonly sqs: QueueService;
  readonly runner: MoveTaskRunner;
}

describe("SQS message move tasks (simulated time)", () => {
  let dir: TempDir;
  let clock: ManualClock;
  let node: Node;
  const open = (): Node => {
    const store = SqliteQueueStore.open({ path: join(dir.path, "haneul.db") });
    const sqs = new QueueService({ store, clock, ids: randomIds, region: "us-east-1", accountId: ACCOUNT });
    const runner = new MoveTaskRunner({ store, clock, onError: (m) => assert.fail(m) });
    runner.start();
    return { store, sqs, runner };
  };
  const close = async (n: Node) => {
    await n.runner.stop();
    await n.store.close();
  };
  const call = (action: string, input: QueueJson) => node.sqs.operations[action]!(input, ctx);
  /** One second passes: the runner's step runs and finishes. */
  const tick = async () => {
    clock.advance(1000);
    await node.runner.stepNow();
  };
  const task = async (source: string) =>
    ((await call("ListMessageMoveTasks", { SourceArn: arn(source) })).Results as QueueJson[])[0]!;
  const bodies = async (name: string) => {
    const got = await call("ReceiveMessage", { QueueUrl: url(name), MaxNumberOfMessages: 10, VisibilityTimeout: 0 });
    return ((got.Messages ?? []) as { Body: string }[]).map((m) => m.Body).sort();
  };
  /** `n` messages sent to `queue` and redriven to `dlq` (maxReceiveCount 1). */
  const deadLetter = async (queue: string, n: number) => {
    for (let i = 0; i < n; i++) await call("SendMessage", { QueueUrl: url(queue), MessageBody: `${queue}-${i}` });
    for (let i = 0; i < n; i += 10) {
      await call("ReceiveMessage", { QueueUrl: url(queue), MaxNumberOfMessages: 10, VisibilityTimeout: 1 });
    }
    clock.advance(1000);
    assert.deepEqual(await bodies(queue), [], "all redriven");
  };
  const refused = (code: string, message: string) => (e: unknown) => {
    assert.ok(isPlatformError(e));
    assert.deepEqual([e.code, e.message], [code, message]);
    return true;
  };

  beforeEach(async () => {
    dir = tempDir("move-tasks");
    clock = new ManualClock(1_700_000_000_000);
    node = open();
    await call("CreateQueue", { QueueName: "dlq" });
    const redrive = JSON.stringify({ deadLetterTargetArn: arn("dlq"), maxReceiveCount: 1 });
    for (const name of ["orders", "payments"]) {
      await call("CreateQueue", { QueueName: name, Attributes: { RedrivePolicy: redrive } });
    }
    await call("CreateQueue", { QueueName: "elsewhere" });
  });
  afterEach(async () => {
    await close(node);
    await dir.remove();
  });

  it("moves MaxNumberOfMessagesPerSecond a second back to each message's original queue", async () => {
    await deadLetter("orders", 5);
    await deadLetter("payments", 2);
    const { TaskHandle } = await call("StartMessageMoveTask", {
      SourceArn: arn("dlq"),
      MaxNumberOfMessagesPerSecond: 3,
    });
    const running = await task("dlq");
    assert.deepEqual(running, {
      TaskHandle,
      Status: "RUNNING",
      SourceArn: arn("dlq"),
      MaxNumberOfMessagesPerSecond: 3,
      ApproximateNumberOfMessagesMoved: 0,
      ApproximateNumberOfMessagesToMove: 7,
      StartedTimestamp: clock.now(),
    });
    await tick();
    assert.equal((await task("dlq")).ApproximateNumberOfMessagesMoved, 3);
    await tick();
    assert.equal((await task("dlq")).ApproximateNumberOfMessagesMoved, 6);
    await tick();
    const done = await task("dlq");
    assert.deepEqual([done.ApproximateNumberOfMessagesMoved, done.Status], [7, "RUNNING"]);
    await tick();
    assert.equal((await task("dlq")).Status, "COMPLETED");
    assert.equal((await task("dlq")).TaskHandle, undefined, "only a running task shows its handle");
    assert.deepEqual(await bodies("orders"), ["orders-0", "orders-1", "orders-2", "orders-3", "orders-4"]);
    assert.deepEqual(await bodies("payments"), ["payments-0", "payments-1"]);
    assert.deepEqual(await bodies("dlq"), []);
  });

  it("moves to DestinationArn; cancels; refuses what SQS refuses", async () => {
    await deadLetter("orders", 4);
    const start = { SourceArn: arn("dlq"), DestinationArn: arn("elsewhere"), MaxNumberOfMessagesPerSecond: 1 };
    const { TaskHandle } = await call("StartMessageMoveTask", start);
    await assert.rejects(
      call("StartMessageMoveTask", start),
      refused(
        "ERR_SQS_INVALID_PARAMETER_VALUE",
        "There is already a task running. Only one active task is allowed for a source queue arn at a given time.",
      ),
    );
    await tick();
    assert.deepEqual(await call("CancelMessageMoveTask", { TaskHandle }), { ApproximateNumberOfMessagesMoved: 1 });
    assert.equal((await task("dlq")).Status, "CANCELLING");
    await tick();
    const cancelled = await task("dlq");
    assert.deepEqual([cancelled.Status, cancelled.ApproximateNumberOfMessagesMoved], ["CANCELLED", 1]);
    assert.equal(cancelled.DestinationArn, arn("elsewhere"));
    assert.deepEqual(await bodies("elsewhere"), ["orders-0"]);
    await assert.rejects(
      call("CancelMessageMoveTask", { TaskHandle }),
      refused("ERR_SQS_RESOURCE_NOT_FOUND", "Task does not exist."),
    );
    await assert.rejects(
      call("CancelMessageMoveTask", { TaskHandle: "bm90IGEgaGFuZGxl" }),
      refused("ERR_SQS_INVALID_PARAMETER_VALUE", "Value for parameter TaskHandle is invalid."),
    );
    await assert.rejects(
      call("StartMessageMoveTask", { SourceArn: arn("orders") }),
      refused("ERR_SQS_INVALID_PARAMETER_VALUE", "Source queue must be configured as a Dead Letter Queue."),
    );
    await assert.rejects(
      call("StartMessageMoveTask", { SourceArn: arn("nope") }),
      refused(
        "ERR_SQS_RESOURCE_NOT_FOUND",
        "The resource that you specified for the SourceArn parameter doesn't exist.",
      ),
    );
    await assert.rejects(
      call("StartMessageMoveTask", { SourceArn: arn("dlq"), DestinationArn: arn("nope") }),
      refused(
        "ERR_SQS_RESOURCE_NOT_FOUND",
        "The resource that you specified for the DestinationArn parameter doesn't exist.",
      ),
    );
    await assert.rejects(
      call("StartMessageMoveTask", { SourceArn: arn("dlq"), MaxNumberOfMessagesPerSecond: 501 }),
      refused(
        "ERR_SQS_INVALID_PARAMETER_VALUE",
        "Value 501 for parameter MaxNumberOfMessagesPerSecond is invalid. Reason: You must enter a number that's between 1 and 500.",
      ),
    );
  });

  it("fails with NonExistentQueue when the destination goes, and goes on after a restart", async () => {
    await deadLetter("orders", 4);
    await call("StartMessageMoveTask", { SourceArn: arn("dlq"), MaxNumberOfMessagesPerSecond: 1 });
    await tick();
    await close(node);
    node = open();
    await tick();
    await tick();
    assert.equal((await task("dlq")).ApproximateNumberOfMessagesMoved, 3, "the restarted node went on");
    await call("DeleteQueue", { QueueUrl: url("orders") });
    await tick();
    const failed = await task("dlq");
    assert.deepEqual(
      [failed.Status, failed.FailureReason, failed.ApproximateNumberOfMessagesMoved],
      ["FAILED", "AWS.SimpleQueueService.NonExistentQueue", 3],
    );
  });
});
