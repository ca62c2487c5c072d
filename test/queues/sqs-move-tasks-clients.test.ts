/**
 * Message move tasks in real time against a real `haneul server`, with the SDK v3 (JSON protocol)
 * and aws-sdk v2 (the query protocol; Debian's AWS CLI v2 predates these operations, so it has no
 * `start-message-move-task` to test with): messages redriven to a dead-letter
 * queue go back to their source (or to a destination) at the rate asked, FIFO messages with their
 * group and deduplication ids, tasks are listed and cancelled, and SQS's errors arrive as each
 * client expects them.
 */
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { after, before, describe, it } from "node:test";
import {
  CancelMessageMoveTaskCommand,
  CreateQueueCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from "@aws-sdk/client-sqs";
import type AwsSdkV2 from "aws-sdk";
import { SERVER_ACCOUNT, SERVER_KEY, SERVER_REGION, startServerNode, type ServerNode } from "../helpers/server-node.js";
import { waitFor } from "../helpers/wait.js";

const require = createRequire(import.meta.url);
(require("aws-sdk/lib/maintenance_mode_message.js") as { suppress: boolean }).suppress = true;
const AWS = require("aws-sdk") as typeof AwsSdkV2;

const arn = (name: string) => `arn:aws:sqs:${SERVER_REGION}:${SERVER_ACCOUNT}:${name}`;

describe("SQS message move tasks with SDK v3 and aws-sdk v2", () => {
  let node: ServerNode;
  let sqs: SQSClient;
  let v2: AwsSdkV2.SQS;
  const urlOf = (name: string) => `${node.apiUrl}/${SERVER_ACCOUNT}/${name}`;
  const bodies = async (name: string) => {
    const got = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: urlOf(name), MaxNumberOfMessages: 10, VisibilityTimeout: 0 }),
    );
    return (got.Messages ?? []).map((m) => m.Body!).sort();
  };
  /** A queue `name` whose messages go to `dlq` on their second receive, with `n` of them there already. */
  const deadLettered = async (name: string, dlq: string, n: number) => {
    const redrive = JSON.stringify({ deadLetterTargetArn: arn(dlq), maxReceiveCount: 1 });
    await sqs.send(new CreateQueueCommand({ QueueName: dlq }));
    await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { RedrivePolicy: redrive } }));
    for (let i = 0; i < n; i++)
      await sqs.send(new SendMessageCommand({ QueueUrl: urlOf(name), MessageBody: `${name}-${i}` }));
    await waitFor(async () => (await bodies(name)).length === 0, `the messages of ${name} redriven`, 30_000);
  };
  const latest = async (dlq: string) =>
    (await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: arn(dlq) }))).Results![0]!;

  before(async () => {
    node = await startServerNode();
    sqs = new SQSClient({ region: SERVER_REGION, endpoint: node.apiUrl, credentials: SERVER_KEY, maxAttempts: 1 });
    v2 = new AWS.SQS({ region: SERVER_REGION, endpoint: node.apiUrl, credentials: SERVER_KEY, maxRetries: 0 });
  });
  after(async () => {
    sqs.destroy();
    await node.close();
  });

  it("SDK v3: moves back to the source at MaxNumberOfMessagesPerSecond, in real time; SQS's errors", async () => {
    await deadLettered("v3-src", "v3-dlq", 5);
    const startedAt = Date.now();
    const { TaskHandle } = await sqs.send(
      new StartMessageMoveTaskCommand({ SourceArn: arn("v3-dlq"), MaxNumberOfMessagesPerSecond: 1 }),
    );
    assert.ok(TaskHandle);
    const running = await latest("v3-dlq");
    assert.equal(running.Status, "RUNNING");
    assert.equal(running.TaskHandle, TaskHandle);
    assert.ok(running.ApproximateNumberOfMessagesMoved! < 5, "one a second: not all at once");
    assert.equal(running.ApproximateNumberOfMessagesToMove, 5);
    await assert.rejects(
      sqs.send(new StartMessageMoveTaskCommand({ SourceArn: arn("v3-dlq") })),
      (e: Error) => e.name === "InvalidParameterValue" && /Only one active task/.test(e.message),
    );
    await waitFor(async () => (await latest("v3-dlq")).Status === "COMPLETED", "the task completed", 30_000);
    // Five messages at one a second take four seconds at least after the first; allow for slack.
    assert.ok(Date.now() - startedAt >= 3000, `moved too fast: ${Date.now() - startedAt} ms`);
    assert.equal((await latest("v3-dlq")).ApproximateNumberOfMessagesMoved, 5);
    assert.deepEqual(await bodies("v3-src"), ["v3-src-0", "v3-src-1", "v3-src-2", "v3-src-3", "v3-src-4"]);

    await assert.rejects(
      sqs.send(new StartMessageMoveTaskCommand({ SourceArn: arn("v3-src") })),
      (e: Error) =>
        e.name === "InvalidParameterValue" && e.message === "Source queue must be configured as a Dead Letter Queue.",
    );
    await assert.rejects(
      sqs.send(new StartMessageMoveTaskCommand({ SourceArn: arn("absent") })),
      (e: Error & { $metadata: { httpStatusCode?: number } }) => {
        assert.equal(e.name, "ResourceNotFoundException");
        assert.equal(e.message, "The resource that you specified for the SourceArn parameter doesn't exist.");
        assert.equal(e.$metadata.httpStatusCode, 404);
        return true;
      },
    );
    await assert.rejects(
      sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle })),
      (e: Error) => e.name === "ResourceNotFoundException" && e.message === "Task does not exist.",
    );
  });

  it("SDK v3: a FIFO dead-letter queue's messages go back with their group ids and the DLQ's deduplication ids, after the queue's own", async () => {
    const fifo = { FifoQueue: "true" };
    const redrive = JSON.stringify({ deadLetterTargetArn: arn("f-dlq.fifo"), maxReceiveCount: 1 });
    await sqs.send(new CreateQueueCommand({ QueueName: "f-dlq.fifo", Attributes: fifo }));
    await sqs.send(
      new CreateQueueCommand({ QueueName: "f-src.fifo", Attributes: { ...fifo, RedrivePolicy: redrive } }),
    );
    const send = (body: string, group: string) =>
      sqs.send(
        new SendMessageCommand({
          ...{ QueueUrl: urlOf("f-src.fifo"), MessageBody: body },
          ...{ MessageGroupId: group, MessageDeduplicationId: `dedup-${body}` },
        }),
      );
    const ids = new Map<string, string | undefined>();
    for (const [body, group] of [
      ["f-0", "g"],
      ["f-1", "g"],
      ["f-2", "h"],
    ] as const)
      ids.set(body, (await send(body, group)).MessageId);
    await waitFor(async () => (await bodies("f-src.fifo")).length === 0, "the FIFO messages redriven", 30_000);
    await send("late", "g");
    await assert.rejects(
      sqs.send(new StartMessageMoveTaskCommand({ SourceArn: arn("f-dlq.fifo"), DestinationArn: arn("v3-src") })),
      (e: Error) => e.name === "InvalidParameterValue" && /same queue type/.test(e.message),
    );
    await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: arn("f-dlq.fifo") }));
    await waitFor(async () => (await latest("f-dlq.fifo")).Status === "COMPLETED", "the FIFO task completed", 30_000);
    assert.equal((await latest("f-dlq.fifo")).ApproximateNumberOfMessagesMoved, 3);
    const got = await sqs.send(
      new ReceiveMessageCommand({
        ...{ QueueUrl: urlOf("f-src.fifo"), MaxNumberOfMessages: 10 },
        MessageSystemAttributeNames: ["MessageGroupId", "MessageDeduplicationId", "SequenceNumber"],
      }),
    );
    const messages = got.Messages ?? [];
    // In the dead-letter queue each took its message id as deduplication id (as SQS), kept on the way back.
    assert.deepEqual(
      messages.map((m) => [m.Body, m.Attributes?.MessageGroupId, m.Attributes?.MessageDeduplicationId]),
      [
        ["late", "g", "dedup-late"],
        ["f-0", "g", ids.get("f-0")],
        ["f-1", "g", ids.get("f-1")],
        ["f-2", "h", ids.get("f-2")],
      ],
    );
    const sequences = messages.map((m) => BigInt(m.Attributes!.SequenceNumber!));
    assert.ok(
      sequences.every((n, i) => i === 0 || n > sequences[i - 1]!),
      "sequence numbers increase",
    );
  });

  it("aws-sdk v2: moves to a destination, cancels, lists", async () => {
    await deadLettered("v2-src", "v2-dlq", 6);
    await v2.createQueue({ QueueName: "v2-dest" }).promise();
    const started = await v2
      .startMessageMoveTask({
        SourceArn: arn("v2-dlq"),
        DestinationArn: arn("v2-dest"),
        MaxNumberOfMessagesPerSecond: 1,
      })
      .promise();
    const listed = await v2.listMessageMoveTasks({ SourceArn: arn("v2-dlq"), MaxResults: 10 }).promise();
    assert.equal(listed.Results?.length, 1);
    assert.deepEqual(
      [listed.Results[0]!.Status, listed.Results[0]!.DestinationArn, listed.Results[0]!.TaskHandle],
      ["RUNNING", arn("v2-dest"), started.TaskHandle],
    );
    const cancelled = await v2.cancelMessageMoveTask({ TaskHandle: started.TaskHandle! }).promise();
    assert.equal(typeof cancelled.ApproximateNumberOfMessagesMoved, "number");
    await waitFor(async () => (await latest("v2-dlq")).Status === "CANCELLED", "the task cancelled", 30_000);
    const moved = (await latest("v2-dlq")).ApproximateNumberOfMessagesMoved!;
    assert.equal((await bodies("v2-dest")).length, moved);
    await assert.rejects(v2.cancelMessageMoveTask({ TaskHandle: "eA==" }).promise(), (e: AwsSdkV2.AWSError) => {
      assert.equal(e.code, "InvalidParameterValue");
      assert.equal(e.message, "Value for parameter TaskHandle is invalid.");
      return true;
    });

    const again = await v2.startMessageMoveTask({ SourceArn: arn("v2-dlq") }).promise();
    await waitFor(async () => (await latest("v2-dlq")).Status === "COMPLETED", "the second task completed", 30_000);
    assert.ok(again.TaskHandle);
    const both = await v2.listMessageMoveTasks({ SourceArn: arn("v2-dlq"), MaxResults: 10 }).promise();
    assert.deepEqual(
      both.Results!.map((r) => r.Status),
      ["COMPLETED", "CANCELLED"],
    );
    assert.equal((await bodies("v2-src")).length, 6 - moved, "the rest went back to their source");
  });
});
