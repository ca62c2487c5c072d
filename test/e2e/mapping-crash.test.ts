/**
 * kill -9 of a node while an SQS event source mapping has batches in flight, then a restart on the
 * same state: the mapping resumes and every message sent is processed at least once (a message
 * is deleted only after an invocation with it succeeded, so the queue ends empty with nothing
 * dead-lettered only when each was processed). On SQLite and on PostgreSQL.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CreateEventSourceMappingCommand, CreateFunctionCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { zipSync } from "fflate";
import { killOnExit } from "../helpers/children.js";
import { createTestDatabase } from "../helpers/postgres.js";
import { startServerProcess, type ServerProcess } from "../helpers/server-process.js";
import { SERVER_ACCOUNT, SERVER_KEY, SERVER_REGION, SERVER_ROLE } from "../helpers/server-node.js";
import { tempDir } from "../helpers/temp-dir.js";

const MESSAGES = 40;
const SLOW = `exports.handler = async (event) => {
  await new Promise((r) => setTimeout(r, 250));
  return { n: event.Records.length };
};`;

async function start(args: string[]): Promise<ServerProcess> {
  const server = await startServerProcess({
    args: ["--api-port", "0", "--gateway-port", "0", "--spares", "0", "--account-id", SERVER_ACCOUNT, ...args],
    env: {
      PATH: process.env["PATH"] ?? "/usr/bin:/bin",
      HANEUL_ACCESS_KEY_ID: SERVER_KEY.accessKeyId,
      HANEUL_SECRET_ACCESS_KEY: SERVER_KEY.secretAccessKey,
    },
    timeoutMs: 90_000,
  });
  killOnExit(server.child);
  return server;
}

const clients = (url: string) => ({
  lambda: new LambdaClient({ region: SERVER_REGION, endpoint: url, credentials: SERVER_KEY, maxAttempts: 1 }),
  sqs: new SQSClient({ region: SERVER_REGION, endpoint: url, credentials: SERVER_KEY, maxAttempts: 1 }),
});

/** The queue's message counts (visible, in flight). */
async function counts(sqs: SQSClient, url: string): Promise<{ visible: number; inFlight: number }> {
  const a = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["All"] }))).Attributes!;
  return {
    visible: Number(a["ApproximateNumberOfMessages"]),
    inFlight: Number(a["ApproximateNumberOfMessagesNotVisible"]),
  };
}

async function crashAndRestart(storeArgs: string[]): Promise<void> {
  const dir = tempDir("mapping-crash", { inRepo: true });
  const args = ["--data", dir.path, ...storeArgs];
  let server = await start(args);
  try {
    let c = clients(server.apiUrl);
    const work = (
      await c.sqs.send(new CreateQueueCommand({ QueueName: "work", Attributes: { VisibilityTimeout: "3" } }))
    ).QueueUrl!;
    await c.lambda.send(
      new CreateFunctionCommand({
        FunctionName: "copy",
        Runtime: "nodejs20.x",
        Role: SERVER_ROLE,
        Handler: "index.handler",
        Timeout: 3,
        Code: { ZipFile: zipSync({ "index.js": new TextEncoder().encode(SLOW) }) },
      }),
    );
    await c.lambda.send(
      new CreateEventSourceMappingCommand({
        FunctionName: "copy",
        EventSourceArn: `arn:aws:sqs:${SERVER_REGION}:${SERVER_ACCOUNT}:work`,
        BatchSize: 5,
      }),
    );
    for (let i = 0; i < MESSAGES; i += 10) {
      const entries = Array.from({ length: 10 }, (_, j) => ({ Id: `m${i + j}`, MessageBody: `message ${i + j}` }));
      await c.sqs.send(new SendMessageBatchCommand({ QueueUrl: work, Entries: entries }));
    }
    await new Promise((r) => setTimeout(r, 700));
    const atCrash = await counts(c.sqs, work);
    assert.ok(atCrash.inFlight > 0, "batches in flight at the crash");
    server.child.kill("SIGKILL");
    await server.exited;
    c.lambda.destroy();
    c.sqs.destroy();

    server = await start(args);
    c = clients(server.apiUrl);
    const url = `${server.apiUrl}/${SERVER_ACCOUNT}/work`;
    const deadline = Date.now() + 60_000;
    let left = await counts(c.sqs, url);
    while (left.visible + left.inFlight > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      left = await counts(c.sqs, url);
    }
    assert.deepEqual(left, { visible: 0, inFlight: 0 }, "every message processed (and deleted) after the restart");
    c.lambda.destroy();
    c.sqs.destroy();
  } finally {
    server.child.kill("SIGKILL");
    await server.exited;
    await dir.remove();
  }
}

describe("kill -9 with event source mapping batches in flight, then a restart", () => {
  it("SQLite: the mapping resumes and every message is processed", () => crashAndRestart([]));
  it("PostgreSQL: the mapping resumes and every message is processed", async () => {
    const url = await createTestDatabase();
    await crashAndRestart(["--store", url, "--lease-ms", "3000"]);
  });
});
