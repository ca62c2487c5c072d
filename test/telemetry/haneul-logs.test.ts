/**
 * `haneul logs` against a real node with a real function: requests grouped START…REPORT, errors
 * marked, `--json`, `--filter`, `--qualifier` (a version, an alias), `--since`, and `--follow`
 * printing every request made while it runs exactly once, then stopping on SIGINT.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  CloudWatchLogsClient,
  FilterLogEventsCommand,
  ResourceNotFoundException,
} from "@aws-sdk/client-cloudwatch-logs";
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  InvokeCommand,
  PublishVersionCommand,
} from "@aws-sdk/client-lambda";
import { zipSync } from "fflate";
import { runHaneul, startHaneul } from "../helpers/haneul-cli.js";
import { NODE_REGION, NODE_ROLE, startLambdaNode, type LambdaNode } from "../helpers/lambda-node.js";
import { waitFor, waitUntil } from "../helpers/wait.js";

const SOURCE = `
exports.handler = async (event) => {
  console.log("hello " + event.n);
  if (event.bad) console.error("card declined " + event.n);
  if (event.fail) throw new Error("payment failed");
  return event.n;
};`;

let node: LambdaNode;
let logs: CloudWatchLogsClient;
let env: Record<string, string>;

async function invoke(n: number, extra: object = {}, qualifier?: string): Promise<string> {
  const payload = new TextEncoder().encode(JSON.stringify({ n, ...extra }));
  const r = await node.client.send(new InvokeCommand({ FunctionName: "talk", Payload: payload, Qualifier: qualifier }));
  return r.$metadata.requestId ?? "";
}

/** Waits until the node has stored `count` REPORT lines (the writer batches them off the request's path). */
async function reportsStored(count: number): Promise<void> {
  await waitFor(async () => {
    const page = await logs
      .send(new FilterLogEventsCommand({ logGroupName: "/aws/lambda/talk", filterPattern: '"REPORT RequestId"' }))
      // The group is made by the writer's first batch: until then it does not exist.
      .catch((e: unknown) => {
        if (e instanceof ResourceNotFoundException) return undefined;
        throw e;
      });
    return (page?.events?.length ?? 0) >= count;
  }, `${count} REPORT lines`);
}

const haneul = (...args: string[]) => runHaneul(["logs", ...args, "--endpoint", node.url], env);
const requestIds = (text: string) => [...text.matchAll(/START (\S+)/g)].map((m) => m[1]);

describe("haneul logs", () => {
  let first: string;
  let failed: string;
  let onVersion: string;
  before(async () => {
    node = await startLambdaNode();
    env = {
      HANEUL_ACCESS_KEY_ID: node.accessKeyId,
      HANEUL_SECRET_ACCESS_KEY: node.secretAccessKey,
      AWS_REGION: NODE_REGION,
    };
    const credentials = { accessKeyId: node.accessKeyId, secretAccessKey: node.secretAccessKey };
    logs = new CloudWatchLogsClient({ region: NODE_REGION, endpoint: node.url, credentials, maxAttempts: 1 });
    await node.client.send(
      new CreateFunctionCommand({
        FunctionName: "talk",
        Runtime: "nodejs20.x",
        Role: NODE_ROLE,
        Handler: "index.handler",
        Code: { ZipFile: zipSync({ "index.js": new TextEncoder().encode(SOURCE) }) },
      }),
    );
    await node.client.send(new PublishVersionCommand({ FunctionName: "talk" }));
    await node.client.send(new CreateAliasCommand({ FunctionName: "talk", Name: "live", FunctionVersion: "1" }));
    first = await invoke(1);
    failed = await invoke(2, { bad: true, fail: true });
    onVersion = await invoke(3, {}, "live");
    await reportsStored(3);
  });
  after(async () => {
    logs?.destroy();
    await node?.close();
  });

  test("each request is one block from START to REPORT, its errors shown, without colour off a terminal", async () => {
    const r = await haneul("talk");
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(requestIds(r.stdout), [first, failed, onVersion]);
    const blocks = r.stdout.split(/\n(?=\S+ START )/);
    assert.equal(blocks.length, 3, r.stdout);
    assert.match(blocks[0] ?? "", /START \S+ {2}version \$LATEST {2}\d{4}\/\d\d\/\d\d\/\[\$LATEST\]\w+/);
    assert.match(blocks[0] ?? "", /\n\d\d:\d\d:\d\d\.\d{3} {3}INFO {2}hello 1\n/);
    assert.match(blocks[0] ?? "", /\n\S+ {3}REPORT \S+ {2}\d+\.\d\d ms {2}billed \d+ ms {2}memory \d+ MB of 128 MB/);
    assert.doesNotMatch(r.stdout, /END RequestId|RequestId: /, "END is left out, REPORT is summed up");
    assert.match(blocks[1] ?? "", /ERROR card declined 2/);
    assert.match(blocks[1] ?? "", /payment failed/);
    assert.match(blocks[2] ?? "", /version 1 /);
    assert.doesNotMatch(r.stdout, /\x1b\[/, "no colour codes when stdout is not a terminal");
  });

  test("--json, --filter, --qualifier and --since", async () => {
    const json = await haneul("talk", "--json");
    const events = json.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { message: string; eventId: string });
    assert.ok(events.some((e) => e.message.startsWith(`END RequestId: ${failed}`)));
    assert.equal(new Set(events.map((e) => e.eventId)).size, events.length);
    const filtered = await haneul("talk", "--filter", "declined");
    assert.match(filtered.stdout, /^\S+ ERROR card declined 2\n$/);
    const v1 = await haneul("talk", "--qualifier", "1");
    assert.deepEqual(requestIds(v1.stdout), [onVersion]);
    const live = await haneul("talk", "--qualifier", "live");
    assert.deepEqual(requestIds(live.stdout), [onVersion]);
    const latest = await haneul("talk", "--qualifier", "$LATEST");
    assert.deepEqual(requestIds(latest.stdout), [first, failed]);
    const future = await haneul("talk", "--since", new Date(Date.now() + 3_600_000).toISOString());
    assert.equal(future.stdout, "");
    const bad = await haneul("talk", "--since", "yesterday");
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--since must be a duration/);
    const missing = await haneul("nobody");
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /ResourceNotFoundException/);
  });

  test("--follow prints each request made while it runs once, and stops on SIGINT", async () => {
    const follow = startHaneul(["logs", "talk", "--follow", "--endpoint", node.url], env);
    await waitUntil(() => requestIds(follow.stdout()).length === 3, "the requests made before", 15_000);
    const later: string[] = [];
    for (let n = 10; n < 16; n++) later.push(await invoke(n));
    await waitUntil(() => requestIds(follow.stdout()).length === 9, "the requests made while following", 15_000);
    // Two more polls: nothing already printed comes again.
    await new Promise((r) => setTimeout(r, 2_500));
    follow.child.kill("SIGINT");
    const done = await follow.done;
    assert.equal(done.code, 0, done.stderr);
    assert.deepEqual(requestIds(done.stdout), [first, failed, onVersion, ...later]);
    for (let n = 10; n < 16; n++) assert.equal(done.stdout.split(`hello ${n}\n`).length, 2);
  });
});
