/**
 * The CloudWatch Logs API against a real node with the real clients: SDK v3
 * (@aws-sdk/client-cloudwatch-logs), aws-sdk v2 and the AWS CLI v2 (`aws logs tail`, `--follow`
 * included, which polls FilterLogEvents). A function's invocations reach its group and its
 * instance's stream; each filter syntax is read back through FilterLogEvents.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after, before, describe, test } from "node:test";
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteLogGroupCommand,
  DeleteRetentionPolicyCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  ListTagsForResourceCommand,
  PutLogEventsCommand,
  PutRetentionPolicyCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { CreateFunctionCommand, InvokeCommand } from "@aws-sdk/client-lambda";
import AWS from "aws-sdk";
import { zipSync } from "fflate";
import { type LambdaNode, NODE_ACCOUNT, NODE_REGION, NODE_ROLE, startLambdaNode } from "../helpers/lambda-node.js";
import { tempDir, type TempDir } from "../helpers/temp-dir.js";

const AWS_CLI = "/usr/bin/aws";
const GROUP = "/aws/lambda/logger";

const SOURCE = `
exports.handler = async (event, context) => {
  console.log("hello " + event.n);
  console.log(JSON.stringify({ level: event.n % 2 ? "ERROR" : "INFO", n: event.n }));
  if (event.fail) throw new Error("payment failed");
  return { stream: context.logStreamName, group: context.logGroupName };
};`;

let node: LambdaNode;
let logs: CloudWatchLogsClient;
let homeDir: TempDir;
let env: Record<string, string>;

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(AWS_CLI, ["logs", ...args, "--endpoint-url", node.url], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

async function eventually<T>(read: () => Promise<T>, done: (v: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    // Not there yet (the writer flushes every 200 ms): the group may not exist so far.
    const v = await read().catch((e: Error) => e);
    if (!(v instanceof Error) && done(v)) return v;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}: ${v instanceof Error ? v.message : JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const filter = async (filterPattern: string): Promise<string[]> =>
  ((await logs.send(new FilterLogEventsCommand({ logGroupName: GROUP, filterPattern }))).events ?? []).map(
    (e) => e.message ?? "",
  );

before(async () => {
  node = await startLambdaNode();
  const { accessKeyId, secretAccessKey } = await node.client.config.credentials();
  logs = new CloudWatchLogsClient({
    region: NODE_REGION,
    endpoint: node.url,
    credentials: { accessKeyId, secretAccessKey },
    maxAttempts: 1,
  });
  homeDir = tempDir("cli");
  env = {
    PATH: "/usr/bin:/bin",
    HOME: homeDir.path,
    AWS_ACCESS_KEY_ID: accessKeyId,
    AWS_SECRET_ACCESS_KEY: secretAccessKey,
    AWS_DEFAULT_REGION: NODE_REGION,
    AWS_CONFIG_FILE: "/dev/null",
    AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
    AWS_MAX_ATTEMPTS: "1",
    AWS_PAGER: "",
  };
  await node.client.send(
    new CreateFunctionCommand({
      FunctionName: "logger",
      Runtime: "nodejs20.x",
      Role: NODE_ROLE,
      Handler: "index.handler",
      Code: { ZipFile: zipSync({ "index.js": new TextEncoder().encode(SOURCE) }) },
    }),
  );
});
after(async () => {
  logs?.destroy();
  await node?.close();
  await homeDir?.remove();
});

describe("CloudWatch Logs API", { concurrency: false }, () => {
  let stream = "";
  const requestIds: string[] = [];

  test("invocations reach /aws/lambda/<fn> in the instance's stream: START, the function's lines, END, REPORT", async () => {
    for (let n = 1; n <= 3; n++) {
      const r = await node.client.send(
        new InvokeCommand({ FunctionName: "logger", Payload: Buffer.from(JSON.stringify({ n, fail: n === 3 })) }),
      );
      requestIds.push(r.$metadata.requestId ?? "");
      if (n === 1) stream = (JSON.parse(Buffer.from(r.Payload ?? []).toString()) as { stream: string }).stream;
    }
    assert.match(stream, /^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    const events = await eventually(
      async () =>
        (await logs.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: stream, startFromHead: true })))
          .events ?? [],
      (e) => e.filter((x) => x.message?.startsWith("REPORT")).length === 3,
      "three REPORT lines",
    );
    const messages = events.map((e) => e.message ?? "");
    assert.match(messages[0] ?? "", /^START RequestId: \S+ Version: \$LATEST$/);
    assert.ok(
      messages.some((m) => m.endsWith("\tINFO\thello 1")),
      messages.join("\n"),
    );
    assert.match(messages.find((m) => m.startsWith("REPORT")) ?? "", /\tInit Duration: [\d.]+ ms\t/);
    assert.equal(messages.filter((m) => m.includes("Init Duration")).length, 1, "one cold start");
    assert.ok(messages.some((m) => m.includes("payment failed")));
    assert.ok(events.every((e) => typeof e.ingestionTime === "number" && (e.timestamp ?? 0) > 0));
    const streams = await logs.send(new DescribeLogStreamsCommand({ logGroupName: GROUP }));
    assert.deepEqual(
      streams.logStreams?.map((s) => s.logStreamName),
      [stream],
    );
    assert.equal(
      streams.logStreams?.[0]?.arn,
      `arn:aws:logs:${NODE_REGION}:${NODE_ACCOUNT}:log-group:${GROUP}:log-stream:${stream}`,
    );
  });

  test("FilterLogEvents: terms, phrases, ? alternatives, - exclusions, JSON and space-delimited patterns", async () => {
    assert.equal((await filter("hello")).length, 3);
    assert.deepEqual(
      (await filter('"hello 2"')).map((m) => m.split("\t").at(-1)),
      ["hello 2"],
    );
    assert.equal((await filter("?START ?END")).length, 6);
    assert.equal((await filter('hello -"hello 1"')).length, 2);
    const errors = await filter('{ $.level = "ERROR" }');
    assert.equal(errors.length, 2, errors.join("\n"));
    assert.equal((await filter("{ $.n >= 2 }")).length, 2);
    assert.equal((await filter("[type = START, ...]")).length, 3);
    assert.equal(
      (await filter(`[start, label, id = ${requestIds[1]}, ...]`)).length,
      3,
      "START, END and REPORT of one call",
    );
    await assert.rejects(filter("{ $.n > }"), (e: Error) => e.name === "InvalidParameterException");
  });

  test("groups, streams, PutLogEvents, GetLogEvents paging, retention, tags and AWS's errors", async () => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: "/app/orders", tags: { team: "a" } }));
    await assert.rejects(
      logs.send(new CreateLogGroupCommand({ logGroupName: "/app/orders" })),
      (e: Error) =>
        e.name === "ResourceAlreadyExistsException" && e.message === "The specified log group already exists",
    );
    await assert.rejects(
      logs.send(new CreateLogStreamCommand({ logGroupName: "/nope", logStreamName: "s" })),
      (e: Error) => e.name === "ResourceNotFoundException" && e.message === "The specified log group does not exist.",
    );
    await logs.send(new CreateLogStreamCommand({ logGroupName: "/app/orders", logStreamName: "web-1" }));
    const now = Date.now();
    const put = await logs.send(
      new PutLogEventsCommand({
        logGroupName: "/app/orders",
        logStreamName: "web-1",
        logEvents: [
          ...Array.from({ length: 5 }, (_, i) => ({ timestamp: now - 5 + i, message: `order ${i}` })),
          { timestamp: now + 3 * 3_600_000, message: "from the future" },
        ],
      }),
    );
    assert.equal(put.rejectedLogEventsInfo?.tooNewLogEventStartIndex, 5);
    await assert.rejects(
      logs.send(
        new PutLogEventsCommand({
          logGroupName: "/app/orders",
          logStreamName: "web-1",
          logEvents: [
            { timestamp: now, message: "b" },
            { timestamp: now - 1, message: "a" },
          ],
        }),
      ),
      (e: Error) => e.name === "InvalidParameterException",
    );
    const first = await logs.send(
      new GetLogEventsCommand({ logGroupName: "/app/orders", logStreamName: "web-1", startFromHead: true, limit: 2 }),
    );
    assert.deepEqual(
      first.events?.map((e) => e.message),
      ["order 0", "order 1"],
    );
    const next = await logs.send(
      new GetLogEventsCommand({
        logGroupName: "/app/orders",
        logStreamName: "web-1",
        nextToken: first.nextForwardToken,
        limit: 10,
      }),
    );
    assert.deepEqual(
      next.events?.map((e) => e.message),
      ["order 2", "order 3", "order 4"],
    );
    const newest = await logs.send(
      new GetLogEventsCommand({ logGroupName: "/app/orders", logStreamName: "web-1", limit: 2 }),
    );
    assert.deepEqual(
      newest.events?.map((e) => e.message),
      ["order 3", "order 4"],
      "without startFromHead: the newest, in order",
    );
    await assert.rejects(
      logs.send(new PutRetentionPolicyCommand({ logGroupName: "/app/orders", retentionInDays: 4 })),
      (e: Error) => e.name === "InvalidParameterException",
    );
    await logs.send(new PutRetentionPolicyCommand({ logGroupName: "/app/orders", retentionInDays: 7 }));
    const described = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: "/app/" }));
    assert.equal(described.logGroups?.[0]?.retentionInDays, 7);
    assert.equal(described.logGroups?.[0]?.arn, `arn:aws:logs:${NODE_REGION}:${NODE_ACCOUNT}:log-group:/app/orders:*`);
    await logs.send(new DeleteRetentionPolicyCommand({ logGroupName: "/app/orders" }));
    const arn = `arn:aws:logs:${NODE_REGION}:${NODE_ACCOUNT}:log-group:/app/orders`;
    await logs.send(new TagResourceCommand({ resourceArn: arn, tags: { env: "prod" } }));
    await logs.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ["team"] }));
    assert.deepEqual((await logs.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags, { env: "prod" });
    await logs.send(new DeleteLogGroupCommand({ logGroupName: "/app/orders" }));
    await assert.rejects(
      logs.send(new DeleteLogGroupCommand({ logGroupName: "/app/orders" })),
      (e: Error) => e.name === "ResourceNotFoundException",
    );
  });

  test("LoggingConfig: JSON records (platform.start, platform.report), application and system levels, a custom log group", async () => {
    const source = `exports.handler = async () => { console.info("quiet"); console.warn("loud"); return "ok"; };`;
    await node.client.send(
      new CreateFunctionCommand({
        FunctionName: "json-logger",
        Runtime: "nodejs20.x",
        Role: NODE_ROLE,
        Handler: "index.handler",
        Code: { ZipFile: zipSync({ "index.js": new TextEncoder().encode(source) }) },
        LoggingConfig: {
          LogFormat: "JSON",
          LogGroup: "/custom/json",
          ApplicationLogLevel: "WARN",
          SystemLogLevel: "INFO",
        },
      }),
    );
    const r = await node.client.send(new InvokeCommand({ FunctionName: "json-logger" }));
    const id = r.$metadata.requestId;
    const events = await eventually(
      async () => (await logs.send(new FilterLogEventsCommand({ logGroupName: "/custom/json" }))).events ?? [],
      (e) => e.some((x) => x.message?.includes("platform.report")),
      "the JSON report",
    );
    const records = events.map((e) => JSON.parse(e.message ?? "") as Record<string, unknown>);
    assert.deepEqual(
      records.map((x) => x["type"] ?? x["level"]),
      ["platform.start", "WARN", "platform.report"],
      "INFO lines below ApplicationLogLevel WARN are left out",
    );
    assert.deepEqual(records[0]?.["record"], { requestId: id, version: "$LATEST" });
    const report = records[2]?.["record"] as { status: string; metrics: Record<string, number> };
    assert.equal(report.status, "success");
    assert.equal(report.metrics["memorySizeMB"], 128);
    assert.ok((report.metrics["initDurationMs"] ?? 0) > 0);
    const reports = await logs.send(
      new FilterLogEventsCommand({ logGroupName: "/custom/json", filterPattern: '{ $.type = "platform.report" }' }),
    );
    assert.equal(reports.events?.length, 1);
    await assert.rejects(
      logs.send(new FilterLogEventsCommand({ logGroupName: "/aws/lambda/json-logger" })),
      (e: Error) => e.name === "ResourceNotFoundException",
      "nothing in the default group",
    );
  });

  test("aws-sdk v2 reads the same groups and events", async () => {
    const { accessKeyId, secretAccessKey } = await node.client.config.credentials();
    const v2 = new AWS.CloudWatchLogs({
      region: NODE_REGION,
      endpoint: node.url,
      accessKeyId,
      secretAccessKey,
      maxRetries: 0,
    });
    const groups = await v2.describeLogGroups({ logGroupNamePrefix: "/aws/lambda/" }).promise();
    assert.deepEqual(
      groups.logGroups?.map((g) => g.logGroupName),
      [GROUP],
    );
    const found = await v2.filterLogEvents({ logGroupName: GROUP, filterPattern: "REPORT" }).promise();
    assert.equal(found.events?.length, 3);
    assert.equal(found.events?.[0]?.logStreamName, stream);
  });

  test("aws logs tail (AWS CLI v2) prints the function's log; --follow prints new lines as they come", async () => {
    const tail = await cli(["tail", GROUP, "--since", "1h", "--format", "short"]);
    assert.equal(tail.code, 0, tail.stderr);
    assert.match(tail.stdout, /START RequestId: /);
    assert.match(tail.stdout, /hello 2/);
    const follow = spawn(AWS_CLI, ["logs", "tail", GROUP, "--follow", "--since", "1h", "--endpoint-url", node.url], {
      // Python buffers a pipe's output: unbuffered, lines arrive as the CLI prints them.
      env: { ...env, PYTHONUNBUFFERED: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    follow.stdout.on("data", (d: Buffer) => (out += d.toString()));
    try {
      await eventually(
        () => Promise.resolve(out),
        (o) => o.includes("hello 3"),
        "the existing lines",
      );
      await node.client.send(new InvokeCommand({ FunctionName: "logger", Payload: Buffer.from('{"n":42}') }));
      // The CLI polls every 5 s.
      await eventually(
        () => Promise.resolve(out),
        (o) => o.includes("hello 42"),
        "the new line",
      );
    } finally {
      follow.kill("SIGINT");
    }
    const filtered = await cli([
      "filter-log-events",
      "--log-group-name",
      GROUP,
      "--filter-pattern",
      '{ $.level = "ERROR" }',
    ]);
    assert.equal(filtered.code, 0, filtered.stderr);
    assert.equal((JSON.parse(filtered.stdout) as { events: unknown[] }).events.length, 2);
  });
});
