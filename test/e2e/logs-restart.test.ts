/**
 * Logs survive a restart: `haneul server` as a real child process writes an invocation's log,
 * is stopped with SIGTERM (the writer flushes what it holds) and started again on the same data
 * directory, and the Logs API still gives the events, the stream and the group's retention. Its
 * log appends and metric writes ran on their threads.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  FilterLogEventsCommand,
  PutRetentionPolicyCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { CreateFunctionCommand, InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { zipSync } from "fflate";
import { startServerProcess, type ServerProcess } from "../helpers/server-process.js";
import { tempDir, type TempDir } from "../helpers/temp-dir.js";
import { createFunctionRole } from "../helpers/iam.js";

const REGION = "us-east-1";
const ACCOUNT = "000000000000";
const AKID = "AKIAHANEULLOGSRESTART";
const SECRET = "logs/Restart+0123456789abcdefghijklmno";
const credentials = { accessKeyId: AKID, secretAccessKey: SECRET };

function start(dataDir: string): Promise<ServerProcess> {
  return startServerProcess({
    args: ["--data", dataDir, "--api-port", "0", "--gateway-port", "0", "--account-id", ACCOUNT, "--spares", "0"],
    env: { HANEUL_ACCESS_KEY_ID: AKID, HANEUL_SECRET_ACCESS_KEY: SECRET },
  });
}

describe("logs across a restart of haneul server", { concurrency: false }, () => {
  let dataDir: TempDir | undefined;
  const servers: ServerProcess[] = [];
  before(() => {
    dataDir = tempDir("logs-restart", { inRepo: true });
  });
  after(async () => {
    for (const s of servers) await s.stop();
    await dataDir?.remove();
  });

  it("keeps the events, streams and retention of a function's log group", async () => {
    const first = await start(dataDir!.path);
    servers.push(first);
    const role = await createFunctionRole({ endpoint: first.apiUrl, ...credentials }, "logs", { actions: ["logs:*"] });
    const lambda = new LambdaClient({ region: REGION, endpoint: first.apiUrl, credentials, maxAttempts: 1 });
    const source = `exports.handler = async (e) => { console.log("remember " + e.n); return "ok"; };`;
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: "keeper",
        Runtime: "nodejs20.x",
        Role: role,
        Handler: "index.handler",
        Code: { ZipFile: zipSync({ "index.js": new TextEncoder().encode(source) }) },
      }),
    );
    const invoked = await lambda.send(new InvokeCommand({ FunctionName: "keeper", Payload: Buffer.from('{"n":7}') }));
    lambda.destroy();
    // Stopped at once: the writer's batch (200 ms) is written on the way out.
    await first.stop();
    // The bundled server starts its SQLite write threads (their modules sit beside its chunks);
    // one that cannot start would leave the writes in process, saying so.
    assert.doesNotMatch(first.output(), /thread stopped|Cannot find module/);

    const second = await start(dataDir!.path);
    servers.push(second);
    const logs = new CloudWatchLogsClient({ region: REGION, endpoint: second.apiUrl, credentials, maxAttempts: 1 });
    try {
      await logs.send(new PutRetentionPolicyCommand({ logGroupName: "/aws/lambda/keeper", retentionInDays: 30 }));
      const found = await logs.send(new FilterLogEventsCommand({ logGroupName: "/aws/lambda/keeper" }));
      const messages = (found.events ?? []).map((e) => e.message ?? "");
      assert.ok(
        messages.some((m) => m.endsWith("\tINFO\tremember 7")),
        messages.join("\n"),
      );
      assert.ok(
        messages.some((m) => m.startsWith(`REPORT RequestId: ${invoked.$metadata.requestId}`)),
        messages.join("\n"),
      );
      const groups = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: "/aws/lambda/keeper" }));
      assert.equal(groups.logGroups?.[0]?.retentionInDays, 30);
    } finally {
      logs.destroy();
    }
  });
});
