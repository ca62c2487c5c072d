/**
 * kill -9 of a node while Event invocations run and queue messages are in flight, then a restart
 * on the same state: every accepted event runs at least once (each one's OnSuccess record reaches
 * a queue) and every accepted message is delivered again. On SQLite and on PostgreSQL.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import {
  CreateFunctionCommand,
  InvokeCommand,
  LambdaClient,
  PutFunctionEventInvokeConfigCommand,
} from "@aws-sdk/client-lambda";
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { zipSync } from "fflate";
import { killOnExit } from "../helpers/children.js";
import { createFunctionRole } from "../helpers/iam.js";
import { HANDLERS } from "../helpers/paths.js";
import { createTestDatabase } from "../helpers/postgres.js";
import { startServerProcess, type ServerProcess } from "../helpers/server-process.js";
import { SERVER_ACCOUNT, SERVER_KEY, SERVER_REGION, SERVER_ROLE } from "../helpers/server-node.js";
import { tempDir } from "../helpers/temp-dir.js";

const EVENTS = 12;
const MESSAGES = 20;

async function start(args: string[]): Promise<ServerProcess> {
  const server = await startServerProcess({
    args: ["--api-port", "0", "--gateway-port", "0", "--spares", "0", "--account-id", SERVER_ACCOUNT, ...args],
    env: {
      PATH: process.env["PATH"] ?? "/usr/bin:/bin",
      HANEUL_ACCESS_KEY_ID: SERVER_KEY.accessKeyId,
      HANEUL_SECRET_ACCESS_KEY: SERVER_KEY.secretAccessKey,
    },
    // A restart on PostgreSQL under a loaded machine can take longer than the default 30 s.
    timeoutMs: 90_000,
  });
  killOnExit(server.child);
  return server;
}

const clients = (url: string) => ({
  lambda: new LambdaClient({ region: SERVER_REGION, endpoint: url, credentials: SERVER_KEY, maxAttempts: 1 }),
  sqs: new SQSClient({ region: SERVER_REGION, endpoint: url, credentials: SERVER_KEY, maxAttempts: 1 }),
});

/** Receives and deletes from `queue` until `want` distinct keys are seen (or the deadline). */
async function drain(sqs: SQSClient, url: string, keyOf: (body: string) => string, want: number): Promise<Set<string>> {
  const seen = new Set<string>();
  const deadline = Date.now() + 60_000;
  while (seen.size < want && Date.now() < deadline) {
    const out = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    for (const m of out.Messages ?? []) {
      seen.add(keyOf(m.Body!));
      await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
    }
  }
  return seen;
}

async function crashAndRestart(storeArgs: string[]): Promise<void> {
  const dir = tempDir("crash", { inRepo: true });
  const args = ["--data", dir.path, ...storeArgs];
  let server = await start(args);
  try {
    let c = clients(server.apiUrl);
    const queueUrl = async (name: string) =>
      (await c.sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: "2" } }))).QueueUrl!;
    const work = await queueUrl("work");
    await queueUrl("done");
    // The execution role may send the OnSuccess records (Lambda checks it).
    await createFunctionRole({ endpoint: server.apiUrl, ...SERVER_KEY }, "test", { actions: ["sqs:SendMessage"] });
    await c.lambda.send(
      new CreateFunctionCommand({
        FunctionName: "slow",
        Runtime: "nodejs20.x",
        Role: SERVER_ROLE,
        Handler: "index.sleep",
        Code: { ZipFile: zipSync({ "index.js": readFileSync(join(HANDLERS, "cjs", "index.js")) }) },
      }),
    );
    await c.lambda.send(
      new PutFunctionEventInvokeConfigCommand({
        FunctionName: "slow",
        DestinationConfig: { OnSuccess: { Destination: `arn:aws:sqs:${SERVER_REGION}:${SERVER_ACCOUNT}:done` } },
      }),
    );
    for (let i = 0; i < EVENTS; i++) {
      const out = await c.lambda.send(
        new InvokeCommand({
          FunctionName: "slow",
          InvocationType: "Event",
          Payload: JSON.stringify({ ms: 400, n: i }),
        }),
      );
      assert.equal(out.StatusCode, 202);
    }
    for (let i = 0; i < MESSAGES; i += 10) {
      const entries = Array.from({ length: 10 }, (_, j) => ({ Id: `m${i + j}`, MessageBody: `message ${i + j}` }));
      const out = await c.sqs.send(new SendMessageBatchCommand({ QueueUrl: work, Entries: entries }));
      assert.equal(out.Successful?.length, 10);
    }
    const inFlight = await c.sqs.send(new ReceiveMessageCommand({ QueueUrl: work, MaxNumberOfMessages: 10 }));
    assert.equal(inFlight.Messages?.length, 10, "ten messages in flight at the crash");
    server.child.kill("SIGKILL");
    await server.exited;
    c.lambda.destroy();
    c.sqs.destroy();

    server = await start(args);
    c = clients(server.apiUrl);
    const done = `${server.apiUrl}/${SERVER_ACCOUNT}/done`;
    const ran = await drain(
      c.sqs,
      done,
      (b) => String((JSON.parse(b) as { requestPayload: { n: number } }).requestPayload.n),
      EVENTS,
    );
    assert.equal(ran.size, EVENTS, "every accepted event ran");
    const delivered = await drain(c.sqs, `${server.apiUrl}/${SERVER_ACCOUNT}/work`, (b) => b, MESSAGES);
    assert.equal(delivered.size, MESSAGES, "every accepted message is delivered");
    c.lambda.destroy();
    c.sqs.destroy();
  } finally {
    server.child.kill("SIGKILL");
    await server.exited;
    await dir.remove();
  }
}

describe("kill -9 with events and messages in flight, then a restart", () => {
  it("SQLite: nothing accepted is lost", () => crashAndRestart([]));
  it("PostgreSQL: nothing accepted is lost", async () => {
    const url = await createTestDatabase();
    await crashAndRestart(["--store", url, "--lease-ms", "3000"]);
  });
});
