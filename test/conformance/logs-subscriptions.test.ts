/**
 * CloudWatch Logs subscription filters against a real node, with SDK v3 and the AWS CLI v2: a
 * function's matching log events reach a second function (an Event invocation with the gzipped
 * `awslogs` DATA_MESSAGE) and a Kinesis stream (one record of the gzipped message); AWS's refusals
 * (no permission for logs.amazonaws.com, a third filter, an unknown destination) and the
 * self-subscription haneul refuses.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { gunzipSync } from "node:zlib";
import { after, before, describe, test } from "node:test";
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteSubscriptionFilterCommand,
  DescribeSubscriptionFiltersCommand,
  FilterLogEventsCommand,
  PutLogEventsCommand,
  PutSubscriptionFilterCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import {
  CreateStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  type _Record,
} from "@aws-sdk/client-kinesis";
import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  waitUntilStackCreateComplete,
  waitUntilStackDeleteComplete,
} from "@aws-sdk/client-cloudformation";
import { AddPermissionCommand, CreateFunctionCommand, InvokeCommand } from "@aws-sdk/client-lambda";
import { CloudWatchClient, GetMetricStatisticsCommand } from "@aws-sdk/client-cloudwatch";
import { DeleteRolePolicyCommand, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { zipSync } from "fflate";
import { iamClient } from "../helpers/iam.js";
import {
  functionArn,
  type LambdaNode,
  NODE_ACCOUNT,
  NODE_REGION,
  NODE_ROLE,
  startLambdaNode,
} from "../helpers/lambda-node.js";
import { tempDir, type TempDir } from "../helpers/temp-dir.js";
import { waitFor } from "../helpers/wait.js";

const GROUP = "/aws/lambda/logger";
const GROUP_ARN = `arn:aws:logs:${NODE_REGION}:${NODE_ACCOUNT}:log-group:${GROUP}:*`;
const NO_PERMISSION =
  "Could not execute the lambda function. Make sure you have given CloudWatch Logs permission to execute your function.";

const LOGGER = `
exports.handler = async (event) => {
  console.log(JSON.stringify({ level: event.level, n: event.n }));
  return "ok";
};`;
/** Decodes what it receives and logs it on one line, for the test to read back. */
const SINK = `
const zlib = require("node:zlib");
exports.handler = async (event) => {
  const message = JSON.parse(zlib.gunzipSync(Buffer.from(event.awslogs.data, "base64")).toString());
  console.log("RECEIVED " + JSON.stringify(message));
};`;

interface DataMessage {
  messageType: string;
  owner: string;
  logGroup: string;
  logStream: string;
  subscriptionFilters: string[];
  logEvents: { id: string; timestamp: number; message: string }[];
}

let node: LambdaNode;
let logs: CloudWatchLogsClient;
let kinesis: KinesisClient;
let homeDir: TempDir;
let env: Record<string, string>;

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("/usr/bin/aws", ["logs", ...args, "--endpoint-url", node.url], {
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

async function createFunction(name: string, source: string): Promise<void> {
  await node.client.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: "nodejs20.x",
      Role: NODE_ROLE,
      Handler: "index.handler",
      Code: { ZipFile: zipSync({ "index.js": new TextEncoder().encode(source) }) },
    }),
  );
}

/** The SAM application: a function that logs, and one that receives its ALERT lines (a CloudWatchLogs event). */
const STACK_TEMPLATE = JSON.stringify({
  Transform: "AWS::Serverless-2016-10-31",
  Globals: { Function: { Runtime: "nodejs20.x", Handler: "index.handler" } },
  Resources: {
    Noisy: {
      Type: "AWS::Serverless::Function",
      Properties: {
        FunctionName: "stack-noisy",
        InlineCode: "exports.handler = async (e) => { console.log('ALERT ' + e.n); console.log('calm'); return 1; };",
      },
    },
    NoisyLogs: { Type: "AWS::Logs::LogGroup", Properties: { LogGroupName: "/aws/lambda/stack-noisy" } },
    Watcher: {
      Type: "AWS::Serverless::Function",
      Properties: {
        FunctionName: "stack-watcher",
        InlineCode: SINK,
        Events: {
          Alerts: {
            Type: "CloudWatchLogs",
            Properties: { LogGroupName: { Ref: "NoisyLogs" }, FilterPattern: "ALERT" },
          },
        },
      },
    },
  },
});

/** The messages a sink has received so far (read back from its own log group). */
async function received(sink = "sink"): Promise<DataMessage[]> {
  const out = await logs
    .send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${sink}`, filterPattern: "RECEIVED" }))
    .catch(() => ({ events: [] }));
  return (out.events ?? []).map(
    (e) => JSON.parse((e.message ?? "").slice((e.message ?? "").indexOf("RECEIVED ") + 9)) as DataMessage,
  );
}

before(async () => {
  node = await startLambdaNode();
  const { accessKeyId, secretAccessKey } = await node.client.config.credentials();
  const client = { region: NODE_REGION, endpoint: node.url, credentials: { accessKeyId, secretAccessKey } };
  logs = new CloudWatchLogsClient({ ...client, maxAttempts: 1 });
  kinesis = new KinesisClient({ ...client, maxAttempts: 1 });
  homeDir = tempDir("cli");
  env = {
    ...{ PATH: "/usr/bin:/bin", HOME: homeDir.path, AWS_DEFAULT_REGION: NODE_REGION, AWS_PAGER: "" },
    ...{ AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_MAX_ATTEMPTS: "1" },
    ...{ AWS_CONFIG_FILE: "/dev/null", AWS_SHARED_CREDENTIALS_FILE: "/dev/null" },
  };
  await createFunction("logger", LOGGER);
  await createFunction("sink", SINK);
  await logs.send(new CreateLogGroupCommand({ logGroupName: GROUP }));
});
after(async () => {
  logs?.destroy();
  kinesis?.destroy();
  await node?.close();
  await homeDir?.remove();
});

/** A role CloudWatch Logs may assume, allowed `actions` on `resource`. */
async function logsRole(roleName: string, actions: string[], resource: string): Promise<string> {
  const { accessKeyId, secretAccessKey } = await node.client.config.credentials();
  const iam = iamClient({ endpoint: node.url, accessKeyId, secretAccessKey });
  try {
    const trust = { Effect: "Allow", Principal: { Service: "logs.amazonaws.com" }, Action: "sts:AssumeRole" };
    const { CreateRoleCommand } = await import("@aws-sdk/client-iam");
    await iam.send(
      new CreateRoleCommand({
        RoleName: roleName,
        AssumeRolePolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [trust] }),
      }),
    );
    await grant(roleName, actions, resource);
    return `arn:aws:iam::${NODE_ACCOUNT}:role/${roleName}`;
  } finally {
    iam.destroy();
  }
}

/** Replaces the role's one inline policy (no actions: removes it). */
async function grant(roleName: string, actions: string[], resource: string): Promise<void> {
  const { accessKeyId, secretAccessKey } = await node.client.config.credentials();
  const iam = iamClient({ endpoint: node.url, accessKeyId, secretAccessKey });
  try {
    if (actions.length === 0) {
      await iam.send(new DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: "deliver" }));
      return;
    }
    const document = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: actions, Resource: resource }] };
    await iam.send(
      new PutRolePolicyCommand({ RoleName: roleName, PolicyName: "deliver", PolicyDocument: JSON.stringify(document) }),
    );
  } finally {
    iam.destroy();
  }
}

/** Every record of a one-shard stream from the start. */
async function recordsOf(stream: string): Promise<_Record[]> {
  const shardId = (await kinesis.send(new ListShardsCommand({ StreamName: stream }))).Shards?.[0]?.ShardId;
  const iterator = await kinesis.send(
    new GetShardIteratorCommand({ StreamName: stream, ShardId: shardId, ShardIteratorType: "TRIM_HORIZON" }),
  );
  return (await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator.ShardIterator }))).Records ?? [];
}

const put = (filterName: string, destinationArn: string, filterPattern = "", logGroupName = GROUP) =>
  logs.send(new PutSubscriptionFilterCommand({ logGroupName, filterName, filterPattern, destinationArn }));

describe("CloudWatch Logs subscription filters", { concurrency: false }, () => {
  test("a function without CloudWatch Logs' permission is refused with AWS's message", async () => {
    await assert.rejects(put("to-sink", functionArn("sink")), {
      name: "InvalidParameterException",
      message: NO_PERMISSION,
    });
    await assert.rejects(put("to-missing", functionArn("missing")), {
      name: "InvalidParameterException",
      message: NO_PERMISSION,
    });
    await assert.rejects(put("to-queue", `arn:aws:sqs:${NODE_REGION}:${NODE_ACCOUNT}:q`), {
      name: "InvalidParameterException",
    });
    await assert.rejects(put("bad", functionArn("sink"), '{ $.level = "ERROR"'), { name: "InvalidParameterException" });
  });

  test("with the permission, matching events reach the function as a gzipped DATA_MESSAGE per stream", async () => {
    await node.client.send(
      new AddPermissionCommand({
        ...{ FunctionName: "sink", StatementId: "logs", Action: "lambda:InvokeFunction" },
        ...{ Principal: "logs.amazonaws.com", SourceArn: GROUP_ARN },
      }),
    );
    await put("to-sink", functionArn("sink"), '{ $.level = "ERROR" }');
    for (const [n, level] of [
      [1, "ERROR"],
      [2, "INFO"],
      [3, "ERROR"],
    ] as const)
      await node.client.send(new InvokeCommand({ FunctionName: "logger", Payload: JSON.stringify({ n, level }) }));
    let messages: DataMessage[] = [];
    await waitFor(
      async () => (messages = await received()).flatMap((m) => m.logEvents).length >= 2,
      "the sink's deliveries",
      30_000,
    );
    const first = messages[0] as DataMessage;
    assert.equal(first.messageType, "DATA_MESSAGE");
    assert.equal(first.owner, NODE_ACCOUNT);
    assert.equal(first.logGroup, GROUP);
    assert.match(first.logStream, /^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    assert.deepEqual(first.subscriptionFilters, ["to-sink"]);
    const lines = messages.flatMap((m) => m.logEvents.map((e) => e.message));
    assert.equal(lines.length, 2, "only the ERROR lines, once each");
    assert.ok(
      lines.every((l) => l.includes('"level":"ERROR"')),
      lines.join("\n"),
    );
    assert.match(messages[0]?.logEvents[0]?.id ?? "", /^\d{56}$/);
  });

  test("two filters per group; a third is LimitExceededException; described and deleted (SDK and CLI)", async () => {
    await put("all", functionArn("sink"));
    await assert.rejects(put("third", functionArn("sink")), { name: "LimitExceededException" });
    await put("all", functionArn("sink"), "ERROR"); // replacing by name is not a third
    const described = await cli(["describe-subscription-filters", "--log-group-name", GROUP]);
    assert.equal(described.code, 0, described.stderr);
    const view = JSON.parse(described.stdout) as { subscriptionFilters: Record<string, unknown>[] };
    assert.deepEqual(
      view.subscriptionFilters.map((f) => [
        f["filterName"],
        f["filterPattern"],
        f["destinationArn"],
        f["distribution"],
      ]),
      [
        ["all", "ERROR", functionArn("sink"), "ByLogStream"],
        ["to-sink", '{ $.level = "ERROR" }', functionArn("sink"), "ByLogStream"],
      ],
    );
    assert.equal(typeof view.subscriptionFilters[0]?.["creationTime"], "number");
    const deleted = await cli(["delete-subscription-filter", "--log-group-name", GROUP, "--filter-name", "all"]);
    assert.equal(deleted.code, 0, deleted.stderr);
    await assert.rejects(logs.send(new DeleteSubscriptionFilterCommand({ logGroupName: GROUP, filterName: "all" })), {
      name: "ResourceNotFoundException",
      message: "The specified subscription filter does not exist.",
    });
    const left = await logs.send(new DescribeSubscriptionFiltersCommand({ logGroupName: GROUP }));
    assert.deepEqual(
      left.subscriptionFilters?.map((f) => f.filterName),
      ["to-sink"],
    );
  });

  test("a function subscribed to its own log group is refused (it would invoke itself forever)", async () => {
    await node.client.send(
      new AddPermissionCommand({
        ...{ FunctionName: "logger", StatementId: "logs", Action: "lambda:InvokeFunction" },
        ...{ Principal: "logs.amazonaws.com", SourceArn: GROUP_ARN },
      }),
    );
    await assert.rejects(put("self", functionArn("logger")), {
      name: "InvalidParameterException",
      message: /invoke it endlessly/,
    });
  });

  test("a Kinesis stream receives one record of the gzipped message per batch", async () => {
    await kinesis.send(new CreateStreamCommand({ StreamName: "log-sink", ShardCount: 1 }));
    const streamArn = `arn:aws:kinesis:${NODE_REGION}:${NODE_ACCOUNT}:stream/log-sink`;
    await assert.rejects(put("k", `${streamArn}-missing`, "", "/app"), { name: "ResourceNotFoundException" });
    await logs.send(new CreateLogGroupCommand({ logGroupName: "/app" }));
    await assert.rejects(put("k", `${streamArn}-missing`, "", "/app"), { name: "InvalidParameterException" });
    const filter = { logGroupName: "/app", filterName: "k", filterPattern: "-DEBUG", destinationArn: streamArn };
    const noStream = { name: "InvalidParameterException", message: /Could not deliver test message/ };
    // No role, or a role that may not put records: CloudWatch Logs could not deliver, so Put is refused.
    await assert.rejects(logs.send(new PutSubscriptionFilterCommand(filter)), noStream);
    const describeOnly = await logsRole("cwl-describe-only", ["kinesis:DescribeStream"], streamArn);
    await assert.rejects(logs.send(new PutSubscriptionFilterCommand({ ...filter, roleArn: describeOnly })), noStream);
    const roleArn = await logsRole("cwl-to-kinesis", ["kinesis:PutRecord"], streamArn);
    await logs.send(new PutSubscriptionFilterCommand({ ...filter, roleArn }));
    await logs.send(new CreateLogStreamCommand({ logGroupName: "/app", logStreamName: "web" }));
    const now = Date.now();
    await logs.send(
      new PutLogEventsCommand({
        ...{ logGroupName: "/app", logStreamName: "web" },
        logEvents: [
          { timestamp: now, message: "GET / 200" },
          { timestamp: now + 1, message: "DEBUG noise" },
          { timestamp: now + 2, message: "GET /x 404" },
        ],
      }),
    );
    const shardId = (await kinesis.send(new ListShardsCommand({ StreamName: "log-sink" }))).Shards?.[0]?.ShardId;
    const iterator = await kinesis.send(
      new GetShardIteratorCommand({ StreamName: "log-sink", ShardId: shardId, ShardIteratorType: "TRIM_HORIZON" }),
    );
    let records: _Record[] | undefined;
    await waitFor(
      async () => {
        records = (await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator.ShardIterator }))).Records;
        return (records ?? []).length > 0;
      },
      "a record in the stream",
      30_000,
    );
    assert.equal(records?.length, 1);
    const message = JSON.parse(gunzipSync(records?.[0]?.Data ?? new Uint8Array()).toString()) as DataMessage;
    assert.equal(records?.[0]?.PartitionKey, "web");
    assert.deepEqual([message.logGroup, message.logStream, message.subscriptionFilters], ["/app", "web", ["k"]]);
    assert.deepEqual(
      message.logEvents.map((e) => [e.timestamp, e.message]),
      [
        [now, "GET / 200"],
        [now + 2, "GET /x 404"],
      ],
    );
  });

  test("Random distribution spreads partition keys; a role that lost its permission drops batches instead of retrying them", async () => {
    await kinesis.send(new CreateStreamCommand({ StreamName: "log-random", ShardCount: 1 }));
    const streamArn = `arn:aws:kinesis:${NODE_REGION}:${NODE_ACCOUNT}:stream/log-random`;
    await logs.send(new CreateLogGroupCommand({ logGroupName: "/random" }));
    const roleArn = await logsRole("cwl-random", ["kinesis:PutRecord"], streamArn);
    await logs.send(
      new PutSubscriptionFilterCommand({
        ...{ logGroupName: "/random", filterName: "r", filterPattern: "", destinationArn: streamArn },
        ...{ roleArn, distribution: "Random" },
      }),
    );
    await logs.send(new CreateLogStreamCommand({ logGroupName: "/random", logStreamName: "web" }));
    const send = (message: string) =>
      logs.send(
        new PutLogEventsCommand({
          ...{ logGroupName: "/random", logStreamName: "web" },
          logEvents: [{ timestamp: Date.now(), message }],
        }),
      );
    const messagesOf = (records: _Record[]) =>
      records.map(
        (r) => (JSON.parse(gunzipSync(r.Data ?? new Uint8Array()).toString()) as DataMessage).logEvents[0]?.message,
      );
    await send("first");
    await waitFor(async () => (await recordsOf("log-random")).length === 1, "the first record", 30_000);
    await send("second");
    await waitFor(async () => (await recordsOf("log-random")).length === 2, "the second record", 30_000);
    const keys = (await recordsOf("log-random")).map((r) => r.PartitionKey);
    assert.ok(
      keys.every((k) => k !== "web"),
      `random keys, not the stream name: ${keys.join(", ")}`,
    );
    assert.notEqual(keys[0], keys[1]);

    // The role loses kinesis:PutRecord: the batch is dropped (AccessDenied is not retried) …
    await grant("cwl-random", [], streamArn);
    await send("while denied");
    const { accessKeyId, secretAccessKey } = await node.client.config.credentials();
    const cloudwatch = new CloudWatchClient({
      ...{ region: NODE_REGION, endpoint: node.url, credentials: { accessKeyId, secretAccessKey } },
    });
    const metric = async (name: string) => {
      const { Datapoints } = await cloudwatch.send(
        new GetMetricStatisticsCommand({
          ...{ Namespace: "AWS/Logs", MetricName: name, Period: 60, Statistics: ["Sum"] },
          ...{ StartTime: new Date(Date.now() - 600_000), EndTime: new Date(Date.now() + 60_000) },
          Dimensions: [
            { Name: "LogGroupName", Value: "/random" },
            { Name: "DestinationType", Value: "Kinesis" },
            { Name: "FilterName", Value: "r" },
          ],
        }),
      );
      return (Datapoints ?? []).reduce((sum, p) => sum + (p.Sum ?? 0), 0);
    };
    try {
      await waitFor(async () => (await metric("DeliveryErrors")) === 1, "one DeliveryErrors event", 30_000);
      assert.equal(await metric("ForwardedLogEvents"), 2);
    } finally {
      cloudwatch.destroy();
    }
    // … and once the permission is back, later events are delivered and the dropped one never comes.
    await grant("cwl-random", ["kinesis:PutRecord"], streamArn);
    await send("after");
    await waitFor(async () => (await recordsOf("log-random")).length === 3, "the record after the grant", 30_000);
    assert.deepEqual(messagesOf(await recordsOf("log-random")), ["first", "second", "after"]);
  });

  test("a SAM CloudWatchLogs event: the stack makes the filter and the permission; deleting the stack removes them", async () => {
    const { accessKeyId, secretAccessKey } = await node.client.config.credentials();
    const cfn = new CloudFormationClient({
      ...{ region: NODE_REGION, endpoint: node.url, credentials: { accessKeyId, secretAccessKey } },
      maxAttempts: 1,
    });
    try {
      await cfn.send(
        new CreateStackCommand({
          ...{ StackName: "log-watch", TemplateBody: STACK_TEMPLATE },
          Capabilities: ["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"],
        }),
      );
      await waitUntilStackCreateComplete({ client: cfn, maxWaitTime: 120, minDelay: 1 }, { StackName: "log-watch" });
      const filters = await logs.send(
        new DescribeSubscriptionFiltersCommand({ logGroupName: "/aws/lambda/stack-noisy" }),
      );
      assert.deepEqual(
        filters.subscriptionFilters?.map((f) => [f.filterPattern, f.destinationArn]),
        [["ALERT", functionArn("stack-watcher")]],
      );
      await node.client.send(new InvokeCommand({ FunctionName: "stack-noisy", Payload: JSON.stringify({ n: 7 }) }));
      let messages: DataMessage[] = [];
      await waitFor(
        async () => (messages = await received("stack-watcher")).length > 0,
        "the watcher's delivery",
        30_000,
      );
      assert.deepEqual(
        messages.flatMap((m) => m.logEvents.map((e) => e.message.split("\t").pop())),
        ["ALERT 7"],
      );
      await cfn.send(new DeleteStackCommand({ StackName: "log-watch" }));
      await waitUntilStackDeleteComplete({ client: cfn, maxWaitTime: 120, minDelay: 1 }, { StackName: "log-watch" });
      await assert.rejects(
        logs.send(new DescribeSubscriptionFiltersCommand({ logGroupName: "/aws/lambda/stack-noisy" })),
        { name: "ResourceNotFoundException" },
        "the group (and its filter) went with the stack",
      );
    } finally {
      cfn.destroy();
    }
  });
});
