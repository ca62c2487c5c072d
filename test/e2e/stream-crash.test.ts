/**
 * kill -9 of a node while a Kinesis event source mapping has batches in flight (two shards, two
 * lanes per shard), then a restart on the same state: the mapping resumes from its stored
 * checkpoints, which never go back (read from the store itself at the crash and all along after
 * the restart), and every record put is processed at least once, none skipped (the function
 * copies each record's data into a queue through SDK v3). On SQLite and on PostgreSQL.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CreateStreamCommand, KinesisClient, PutRecordsCommand } from "@aws-sdk/client-kinesis";
import { CreateEventSourceMappingCommand, CreateFunctionCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { CreateQueueCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { zipSync } from "fflate";
import { PgDatabase } from "../../src/adapters/postgres/database.js";
import { PgStreamCheckpointStore } from "../../src/adapters/postgres/pg-stream-checkpoint-store.js";
import { SqliteStreamCheckpointStore } from "../../src/adapters/sqlite/stream-checkpoint-store.js";
import type { StreamCheckpointStore } from "../../src/ports/stream-checkpoint-store.js";
import { killOnExit } from "../helpers/children.js";
import { createTestDatabase } from "../helpers/postgres.js";
import { startServerProcess, type ServerProcess } from "../helpers/server-process.js";
import { createFunctionRole } from "../helpers/iam.js";
import { SERVER_ACCOUNT, SERVER_KEY, SERVER_REGION } from "../helpers/server-node.js";
import { tempDir } from "../helpers/temp-dir.js";

const RECORDS = 120;
const COPY = `const { SQSClient, SendMessageBatchCommand } = require("@aws-sdk/client-sqs");
const sqs = new SQSClient({});
exports.handler = async (event) => {
  await new Promise((r) => setTimeout(r, 200));
  const all = event.Records.map((r, i) => ({ Id: String(i), MessageBody: Buffer.from(r.kinesis.data, "base64").toString() }));
  for (let i = 0; i < all.length; i += 10)
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: process.env.AWS_ENDPOINT_URL + process.env.SEEN_PATH, Entries: all.slice(i, i + 10) }));
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

const clients = (url: string) => {
  const o = { region: SERVER_REGION, endpoint: url, credentials: SERVER_KEY, maxAttempts: 1 };
  return { lambda: new LambdaClient(o), sqs: new SQSClient(o), kinesis: new KinesisClient(o) };
};
type Clients = ReturnType<typeof clients>;
const destroy = (c: Clients) => Object.values(c).forEach((x) => x.destroy());

/** Each shard's checkpoint; asserts none is below the one seen before. */
async function checkpointsNotBack(
  store: StreamCheckpointStore,
  uuid: string,
  before: Map<number, number>,
): Promise<Map<number, number>> {
  const now = new Map((await store.list(uuid)).map((c) => [c.shardIndex, c.seq]));
  for (const [shard, seq] of before) {
    assert.ok((now.get(shard) ?? 0) >= seq, `shard ${shard}: checkpoint ${now.get(shard)} went back below ${seq}`);
  }
  return now;
}

/** Takes what the function copied into the queue so far. */
async function drain(sqs: SQSClient, queueUrl: string, into: Set<string>): Promise<void> {
  for (;;) {
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
    const messages = got.Messages ?? [];
    if (messages.length === 0) return;
    for (const m of messages) into.add(m.Body!);
    const entries = messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! }));
    await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
  }
}

async function crashAndRestart(o: {
  args: string[];
  checkpoints: (dataDir: string) => Promise<StreamCheckpointStore>;
}) {
  const dir = tempDir("stream-crash", { inRepo: true });
  const args = ["--data", dir.path, ...o.args];
  let server = await start(args);
  let store: StreamCheckpointStore | undefined;
  try {
    let c = clients(server.apiUrl);
    const seenUrl = (await c.sqs.send(new CreateQueueCommand({ QueueName: "seen" }))).QueueUrl!;
    await c.kinesis.send(new CreateStreamCommand({ StreamName: "work", ShardCount: 2 }));
    const key = { endpoint: server.apiUrl, ...SERVER_KEY };
    const role = await createFunctionRole(key, "copy", { actions: ["sqs:*"] });
    await c.lambda.send(
      new CreateFunctionCommand({
        FunctionName: "copy",
        Runtime: "nodejs20.x",
        Role: role,
        Handler: "index.handler",
        Timeout: 10,
        // The node's port changes with the restart: the queue is named by its path on the node.
        Environment: { Variables: { SEEN_PATH: new URL(seenUrl).pathname } },
        Code: { ZipFile: zipSync({ "index.js": new TextEncoder().encode(COPY) }) },
      }),
    );
    const sent = Array.from({ length: RECORDS }, (_, i) => `record-${i}`);
    for (let i = 0; i < RECORDS; i += 40) {
      const entries = sent
        .slice(i, i + 40)
        .map((d, j) => ({ PartitionKey: `key-${(i + j) % 12}`, Data: Buffer.from(d) }));
      await c.kinesis.send(new PutRecordsCommand({ StreamName: "work", Records: entries }));
    }
    const mapping = await c.lambda.send(
      new CreateEventSourceMappingCommand({
        FunctionName: "copy",
        EventSourceArn: `arn:aws:kinesis:${SERVER_REGION}:${SERVER_ACCOUNT}:stream/work`,
        StartingPosition: "TRIM_HORIZON",
        BatchSize: 5,
        ParallelizationFactor: 2,
      }),
    );
    const uuid = mapping.UUID!;
    store = await o.checkpoints(dir.path);
    const seen = new Set<string>();
    // Crash once some batches are done and others still running.
    const deadline = Date.now() + 60_000;
    while (seen.size < 10 && Date.now() < deadline) {
      await drain(c.sqs, seenUrl, seen);
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(
      seen.size >= 10 && seen.size < RECORDS,
      `the crash comes mid-stream (${seen.size} records copied)\n${server.output().slice(-3000)}`,
    );
    server.child.kill("SIGKILL");
    await server.exited;
    destroy(c);
    let last = await checkpointsNotBack(store, uuid, new Map());
    assert.ok(
      [...last.values()].some((seq) => seq > 0),
      "checkpoints were stored before the crash",
    );

    server = await start(args);
    c = clients(server.apiUrl);
    const seenAfter = `${server.apiUrl}${new URL(seenUrl).pathname}`;
    const restartDeadline = Date.now() + 90_000;
    while (seen.size < RECORDS && Date.now() < restartDeadline) {
      await drain(c.sqs, seenAfter, seen);
      last = await checkpointsNotBack(store, uuid, last);
      await new Promise((r) => setTimeout(r, 200));
    }
    const missing = sent.filter((d) => !seen.has(d));
    assert.deepEqual(
      missing,
      [],
      `every record processed at least once, none skipped\n${server.output().slice(-2000)}`,
    );
    destroy(c);
  } finally {
    server.child.kill("SIGKILL");
    await server.exited;
    await store?.close();
    await dir.remove();
  }
}

describe("kill -9 with Kinesis mapping batches in flight, then a restart", () => {
  it("SQLite: checkpoints never go back and every record is processed", () =>
    crashAndRestart({
      args: [],
      checkpoints: (dataDir) => Promise.resolve(SqliteStreamCheckpointStore.open({ path: `${dataDir}/haneul.db` })),
    }));
  it("PostgreSQL: checkpoints never go back and every record is processed", async () => {
    const url = await createTestDatabase();
    await crashAndRestart({
      args: ["--store", url, "--lease-ms", "3000"],
      checkpoints: async () => new PgStreamCheckpointStore(await PgDatabase.open({ url, poolSize: 2 })),
    });
  });
});
