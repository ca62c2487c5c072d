/**
 * kill -9 of a node while a schedule's failed delivery waits for its retry, then a restart on the
 * same state: the retry stored before the crash delivers the schedule's input once (not twice, and
 * the one-time schedule does not fire again). On SQLite and on PostgreSQL.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import Database from "better-sqlite3";
import pg from "pg";
import { CreateScheduleCommand, SchedulerClient } from "@aws-sdk/client-scheduler";
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { killOnExit } from "../helpers/children.js";
import { createFunctionRole } from "../helpers/iam.js";
import { createTestDatabase } from "../helpers/postgres.js";
import { startServerProcess, type ServerProcess } from "../helpers/server-process.js";
import { SERVER_ACCOUNT, SERVER_KEY, SERVER_REGION } from "../helpers/server-node.js";
import { tempDir } from "../helpers/temp-dir.js";
import { waitFor } from "../helpers/wait.js";

const QUEUE = `arn:aws:sqs:${SERVER_REGION}:${SERVER_ACCOUNT}:late`;

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

const config = (url: string) => ({ region: SERVER_REGION, endpoint: url, credentials: SERVER_KEY, maxAttempts: 1 });

/** `at(...)` of an instant, in UTC to the second. */
const at = (ms: number) => `at(${new Date(ms).toISOString().slice(0, 19)})`;

/**
 * The retry bodies the node has stored (read from its store beside it: the node logs a repeated
 * failure at most every 30 s, so its log cannot tell how many retries failed).
 */
async function storedRetries(dataDir: string, pgUrl: string | undefined): Promise<{ retryAttempts: number }[]> {
  const query = "SELECT body FROM event_target_retries";
  let rows: { body: string }[];
  if (pgUrl === undefined) {
    const db = new Database(join(dataDir, "haneul.db"), { readonly: true, fileMustExist: true, timeout: 5000 });
    try {
      rows = db.prepare(query).all() as { body: string }[];
    } finally {
      db.close();
    }
  } else {
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    try {
      rows = (await client.query<{ body: string }>(query)).rows;
    } finally {
      await client.end();
    }
  }
  return rows.map((r) => JSON.parse(r.body) as { retryAttempts: number });
}

async function crashAndRestart(storeArgs: string[], pgUrl?: string): Promise<void> {
  const dir = tempDir("schedule-crash", { inRepo: true });
  const args = ["--data", dir.path, ...storeArgs];
  let server = await start(args);
  try {
    const role = await createFunctionRole({ endpoint: server.apiUrl, ...SERVER_KEY }, "scheduler", {
      actions: ["sqs:SendMessage"],
    });
    const scheduler = new SchedulerClient(config(server.apiUrl));
    // Its queue does not exist yet: every try fails and is stored for the next.
    await scheduler.send(
      new CreateScheduleCommand({
        Name: "once",
        ScheduleExpression: at(Date.now() + 2000),
        FlexibleTimeWindow: { Mode: "OFF" },
        Target: { Arn: QUEUE, RoleArn: role, Input: "the only one" },
      }),
    );
    scheduler.destroy();
    // The first try failed (logged), and then a retry failed too: it is stored again for the next.
    const failed = /schedule \S+ did not deliver to arn:aws:sqs:\S+:late/;
    await waitFor(
      async () =>
        failed.test(server.output()) && (await storedRetries(dir.path, pgUrl)).some((r) => r.retryAttempts >= 1),
      "a retry that failed, stored for its next try",
      60_000,
    );
    server.child.kill("SIGKILL");
    await server.exited;

    server = await start(args);
    const sqs = new SQSClient(config(server.apiUrl));
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: "late" }))).QueueUrl!;
    const bodies: string[] = [];
    // The retry is due within seconds of the restart (a claim of the dead node's expires first).
    const deadline = Date.now() + 120_000;
    while (bodies.length === 0 && Date.now() < deadline) {
      const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 2 }));
      for (const m of out.Messages ?? []) {
        bodies.push(m.Body!);
        await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
      }
    }
    assert.deepEqual(bodies, ["the only one"], `the retry delivered after the restart:\n${server.output()}`);
    // No second copy: neither a retry left behind nor the one-time schedule firing again.
    const again = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 5 }));
    assert.equal(again.Messages, undefined);
    sqs.destroy();
  } finally {
    server.child.kill("SIGKILL");
    await server.exited;
    await dir.remove();
  }
}

describe("kill -9 with a schedule's retry pending, then a restart", () => {
  it("SQLite: the retry delivers once", () => crashAndRestart([]));
  it("PostgreSQL: the retry delivers once", async () => {
    const url = await createTestDatabase();
    await crashAndRestart(["--store", url, "--lease-ms", "3000"], url);
  });
});
