/**
 * EventBridge through the real clients users run — the AWS SDK v3, aws-sdk v2 and the AWS CLI v2 —
 * against a real `haneul server` (--time-scale 60): buses, rules with patterns delivering PutEvents
 * to a function (which records what it received into another function's environment, read back
 * through the Lambda API), input transformers, a rate schedule firing in real time, AWS's errors.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  CreateEventBusCommand,
  DeleteEventBusCommand,
  DeleteRuleCommand,
  DescribeEventBusCommand,
  DescribeRuleCommand,
  DisableRuleCommand,
  EventBridgeClient,
  ListEventBusesCommand,
  ListRulesCommand,
  ListTagsForResourceCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  TagResourceCommand,
  TestEventPatternCommand,
} from "@aws-sdk/client-eventbridge";
import { AddPermissionCommand, CreateFunctionCommand, GetFunctionConfigurationCommand } from "@aws-sdk/client-lambda";
import AWS from "aws-sdk";
import { zipSync } from "fflate";
import { createFunctionRole } from "../helpers/iam.js";
import { createTestDatabase } from "../helpers/postgres.js";
import {
  serverCliTarget,
  SERVER_ACCOUNT,
  SERVER_KEY,
  SERVER_REGION,
  startServerNode,
  type ServerNode,
} from "../helpers/server-node.js";
import { runAwsCli, type AwsCliResult } from "../helpers/aws-cli.js";

const fnArn = (name: string) => `arn:aws:lambda:${SERVER_REGION}:${SERVER_ACCOUNT}:function:${name}`;

/** Appends each event it gets to the environment of the function named in SINK (RevisionId-guarded). */
const RECORDER = `
const { LambdaClient, GetFunctionConfigurationCommand, UpdateFunctionConfigurationCommand } = require("@aws-sdk/client-lambda");
exports.handler = async (event) => {
  const client = new LambdaClient({});
  for (let attempt = 1; ; attempt++) {
    const cur = await client.send(new GetFunctionConfigurationCommand({ FunctionName: process.env.SINK }));
    const vars = { ...(cur.Environment?.Variables ?? {}) };
    vars["E" + Object.keys(vars).length] = JSON.stringify(event);
    try {
      await client.send(new UpdateFunctionConfigurationCommand({ FunctionName: process.env.SINK, Environment: { Variables: vars }, RevisionId: cur.RevisionId }));
      return;
    } catch (e) {
      if (e.name !== "PreconditionFailedException" || attempt > 20) throw e;
    }
  }
};`;
const ZIP = zipSync({ "index.js": new TextEncoder().encode(RECORDER) });

let node: ServerNode;
let events: EventBridgeClient;
before(async () => {
  // The same suite runs on a PostgreSQL store from ./postgres/.
  const store = process.env["HANEUL_TEST_NODE_STORE"] === "postgres" ? ["--store", await createTestDatabase()] : [];
  node = await startServerNode({ args: ["--time-scale", "60", ...store] });
  events = new EventBridgeClient({
    region: SERVER_REGION,
    endpoint: node.apiUrl,
    credentials: SERVER_KEY,
    maxAttempts: 1,
  });
  const role = await createFunctionRole({ endpoint: node.apiUrl, ...SERVER_KEY }, "recorder", {
    actions: ["lambda:GetFunctionConfiguration", "lambda:UpdateFunctionConfiguration"],
  });
  const create = (name: string, env: Record<string, string> = {}) =>
    node.client.send(
      new CreateFunctionCommand({
        FunctionName: name,
        Runtime: "nodejs20.x",
        Role: role,
        Handler: "index.handler",
        Code: { ZipFile: ZIP },
        Timeout: 30,
        Environment: { Variables: env },
      }),
    );
  for (const sink of ["sink-orders", "sink-transform", "sink-tick", "sink-cli", "sink-sched", "sink-noperm"])
    await create(sink);
  // No AddPermission for events.amazonaws.com: EventBridge must not invoke it.
  await create("rec-noperm", { SINK: "sink-noperm" });
  for (const [name, sink] of [
    ["rec-orders", "sink-orders"],
    ["rec-transform", "sink-transform"],
    ["rec-tick", "sink-tick"],
    ["rec-cli", "sink-cli"],
    ["rec-sched", "sink-sched"],
  ] as const) {
    await create(name, { SINK: sink });
    await node.client.send(
      new AddPermissionCommand({
        FunctionName: name,
        StatementId: "events",
        Action: "lambda:InvokeFunction",
        Principal: "events.amazonaws.com",
      }),
    );
  }
});
after(async () => {
  events?.destroy();
  await node?.close();
});

/** The error a call rejects with (it must reject). */
async function rejection(call: Promise<unknown>): Promise<Error & { $metadata: { httpStatusCode?: number } }> {
  try {
    await call;
  } catch (e) {
    return e as Error & { $metadata: { httpStatusCode?: number } };
  }
  throw new Error("the call succeeded");
}

/** What the recorder wrote into `sink`, in order. */
async function recorded(sink: string): Promise<Record<string, unknown>[]> {
  const c = await node.client.send(new GetFunctionConfigurationCommand({ FunctionName: sink }));
  const vars = c.Environment?.Variables ?? {};
  return Object.keys(vars)
    .sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)))
    .map((k) => JSON.parse(vars[k]!) as Record<string, unknown>);
}

async function waitForRecords(sink: string, count: number, timeoutMs = 60_000): Promise<Record<string, unknown>[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await recorded(sink);
    if (got.length >= count) return got;
    if (Date.now() > deadline) throw new Error(`${sink}: ${got.length} of ${count} events after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe("EventBridge with the AWS SDK v3", { concurrency: false }, () => {
  test("buses: the default bus exists; create, describe, list, tag; AWS's errors", async () => {
    const created = await events.send(
      new CreateEventBusCommand({ Name: "orders", Description: "shop", Tags: [{ Key: "team", Value: "a" }] }),
    );
    assert.equal(created.EventBusArn, `arn:aws:events:${SERVER_REGION}:${SERVER_ACCOUNT}:event-bus/orders`);
    const list = await events.send(new ListEventBusesCommand({}));
    assert.deepEqual(
      list.EventBuses?.map((b) => b.Name),
      ["default", "orders"],
    );
    const d = await events.send(new DescribeEventBusCommand({ Name: "orders" }));
    assert.equal(d.Description, "shop");
    assert.ok(d.CreationTime instanceof Date);
    assert.deepEqual((await events.send(new ListTagsForResourceCommand({ ResourceARN: created.EventBusArn }))).Tags, [
      { Key: "team", Value: "a" },
    ]);
    const dup = await rejection(events.send(new CreateEventBusCommand({ Name: "orders" })));
    assert.equal(dup.name, "ResourceAlreadyExistsException");
    assert.equal(dup.message, "Event bus orders already exists.");
    const nope = await rejection(events.send(new DescribeEventBusCommand({ Name: "nope" })));
    assert.equal(nope.name, "ResourceNotFoundException");
    assert.equal(nope.$metadata.httpStatusCode, 400);
    const def = await rejection(events.send(new DeleteEventBusCommand({ Name: "default" })));
    assert.equal(def.name, "ValidationException");
  });

  test("a rule's pattern picks events; the function receives the exact EventBridge event", async () => {
    const pattern = {
      source: ["shop"],
      detail: { amount: [{ numeric: [">", 100] }], kind: [{ "anything-but": "test" }] },
    };
    const rule = await events.send(
      new PutRuleCommand({
        Name: "big-orders",
        EventBusName: "orders",
        EventPattern: JSON.stringify(pattern),
        Tags: [{ Key: "k", Value: "v" }],
      }),
    );
    assert.equal(rule.RuleArn, `arn:aws:events:${SERVER_REGION}:${SERVER_ACCOUNT}:rule/orders/big-orders`);
    const put = await events.send(
      new PutTargetsCommand({
        Rule: "big-orders",
        EventBusName: "orders",
        Targets: [{ Id: "rec", Arn: fnArn("rec-orders") }],
      }),
    );
    assert.equal(put.FailedEntryCount, 0);
    const described = await events.send(new DescribeRuleCommand({ Name: "big-orders", EventBusName: "orders" }));
    assert.equal(described.State, "ENABLED");
    assert.equal(described.EventBusName, "orders");
    assert.deepEqual(JSON.parse(described.EventPattern!), pattern);

    const time = new Date("2024-05-01T12:34:56Z");
    const out = await events.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: "orders",
            Source: "shop",
            DetailType: "Order Placed",
            Detail: JSON.stringify({ amount: 150, kind: "real" }),
            Resources: ["arn:x"],
            Time: time,
          },
          {
            EventBusName: "orders",
            Source: "shop",
            DetailType: "Order Placed",
            Detail: JSON.stringify({ amount: 50, kind: "real" }),
          },
          {
            EventBusName: "orders",
            Source: "shop",
            DetailType: "Order Placed",
            Detail: JSON.stringify({ amount: 500, kind: "test" }),
          },
          { EventBusName: "orders", Source: "shop", DetailType: "Order Placed" },
          { EventBusName: "nope", Source: "shop", DetailType: "x", Detail: "{}" },
        ],
      }),
    );
    assert.equal(out.FailedEntryCount, 2);
    assert.match(out.Entries?.[0]?.EventId ?? "", /^[0-9a-f-]{36}$/);
    assert.deepEqual(out.Entries?.[3], {
      ErrorCode: "InvalidArgument",
      ErrorMessage: "Parameter Detail is not valid. Reason: Detail is a required argument.",
    });
    assert.equal(out.Entries?.[4]?.ErrorCode, "ResourceNotFoundException");
    const [got, ...more] = await waitForRecords("sink-orders", 1);
    assert.deepEqual(got, {
      version: "0",
      id: out.Entries?.[0]?.EventId,
      "detail-type": "Order Placed",
      source: "shop",
      account: SERVER_ACCOUNT,
      time: "2024-05-01T12:34:56Z",
      region: SERVER_REGION,
      resources: ["arn:x"],
      detail: { amount: 150, kind: "real" },
    });
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(more.length + (await recorded("sink-orders")).length - 1, 0, "the other events matched no rule");
  });

  test("input transformer, InputPath and Input, as AWS applies them", async () => {
    await events.send(
      new PutRuleCommand({ Name: "shaped", EventPattern: JSON.stringify({ source: [{ prefix: "app." }] }) }),
    );
    await events.send(
      new PutTargetsCommand({
        Rule: "shaped",
        Targets: [
          {
            Id: "t",
            Arn: fnArn("rec-transform"),
            InputTransformer: {
              InputPathsMap: { user: "$.detail.user", n: "$.detail.items[1]" },
              InputTemplate: '{"who": <user>, "second": <n>, "text": "user <user> in <aws.events.rule-name>"}',
            },
          },
        ],
      }),
    );
    await events.send(
      new PutEventsCommand({
        Entries: [{ Source: "app.web", DetailType: "Login", Detail: JSON.stringify({ user: "kim", items: [1, 2] }) }],
      }),
    );
    const [got] = await waitForRecords("sink-transform", 1);
    assert.deepEqual(got, { who: "kim", second: 2, text: "user kim in shaped" });
    const targets = await events.send(new ListTargetsByRuleCommand({ Rule: "shaped" }));
    assert.equal(targets.Targets?.[0]?.InputTransformer?.InputPathsMap?.["user"], "$.detail.user");
  });

  test("a rate schedule fires in real time under --time-scale 60, with the Scheduled Event payload", async () => {
    const rule = await events.send(new PutRuleCommand({ Name: "tick", ScheduleExpression: "rate(1 minute)" }));
    await events.send(new PutTargetsCommand({ Rule: "tick", Targets: [{ Id: "t", Arn: fnArn("rec-tick") }] }));
    const started = Date.now();
    const [first, second] = await waitForRecords("sink-tick", 2, 30_000);
    await events.send(new DisableRuleCommand({ Name: "tick" }));
    assert.ok(Date.now() - started < 30_000);
    for (const e of [first!, second!]) {
      assert.equal(e["detail-type"], "Scheduled Event");
      assert.equal(e["source"], "aws.events");
      assert.deepEqual(e["resources"], [rule.RuleArn]);
      assert.deepEqual(e["detail"], {});
    }
    // Ticks lie on the rule's one-minute grid (a scheduler woken late on a loaded machine fires only
    // the latest due tick, so two recorded ticks may be more than one minute apart, never off-grid).
    const [a, b] = [first!, second!].map((e) => Date.parse(e["time"] as string)).sort((x, y) => x - y) as [
      number,
      number,
    ];
    assert.ok(b > a && (b - a) % 60_000 === 0, `ticks ${a} and ${b}`);
  });

  test("a function whose policy does not allow events.amazonaws.com is not invoked", async () => {
    await events.send(new PutRuleCommand({ Name: "no-permission", EventPattern: '{"source":["noperm"]}' }));
    await events.send(
      new PutTargetsCommand({
        Rule: "no-permission",
        Targets: [
          { Id: "t", Arn: fnArn("rec-noperm") },
          { Id: "ok", Arn: fnArn("rec-orders") },
        ],
      }),
    );
    const before = (await recorded("sink-orders")).length;
    await events.send(new PutEventsCommand({ Entries: [{ Source: "noperm", DetailType: "d", Detail: "{}" }] }));
    await waitForRecords("sink-orders", before + 1);
    await new Promise((r) => setTimeout(r, 1000));
    assert.deepEqual(await recorded("sink-noperm"), []);
    await events.send(new RemoveTargetsCommand({ Rule: "no-permission", Ids: ["t", "ok"] }));
    await events.send(new DeleteRuleCommand({ Name: "no-permission" }));
  });

  test("AWS's errors: patterns, schedules, targets, rules", async () => {
    const bad = await rejection(
      events.send(new PutRuleCommand({ Name: "bad", EventPattern: '{"a":[{"wildcard":"x**"}]}' })),
    );
    assert.equal(bad.name, "InvalidEventPatternException");
    assert.equal(bad.message, "Event pattern is not valid. Reason: Consecutive wildcard characters at pos 2");
    const sched = await rejection(
      events.send(new PutRuleCommand({ Name: "bad", ScheduleExpression: "cron(0 10 * * * *)" })),
    );
    assert.equal(sched.name, "ValidationException");
    assert.equal(sched.message, "Parameter ScheduleExpression is not valid.");
    const busSched = await rejection(
      events.send(new PutRuleCommand({ Name: "bad", EventBusName: "orders", ScheduleExpression: "rate(5 minutes)" })),
    );
    assert.equal(busSched.message, "ScheduleExpression is supported only on the default event bus.");
    const queue = await rejection(
      events.send(
        new PutTargetsCommand({
          Rule: "shaped",
          Targets: [{ Id: "q", Arn: `arn:aws:sqs:${SERVER_REGION}:${SERVER_ACCOUNT}:q.fifo` }],
        }),
      ),
    );
    assert.equal(queue.name, "ValidationException");
    assert.equal(queue.message, "Parameter(s) SqsParameters must be specified for target: q.");
    const missing = await rejection(events.send(new DescribeRuleCommand({ Name: "nope" })));
    assert.equal(missing.name, "ResourceNotFoundException");
    assert.equal(missing.message, "Rule nope does not exist on EventBus default.");
    const withTargets = await rejection(events.send(new DeleteRuleCommand({ Name: "shaped" })));
    assert.equal(withTargets.message, "Rule can't be deleted since it has targets.");
    await events.send(new RemoveTargetsCommand({ Rule: "shaped", Ids: ["t"] }));
    await events.send(new DeleteRuleCommand({ Name: "shaped" }));
    assert.deepEqual(
      (await events.send(new ListRulesCommand({}))).Rules?.map((r) => r.Name),
      ["tick"],
    );
  });

  test("TestEventPattern and TagResource on a rule", async () => {
    const event = JSON.stringify({
      id: "1",
      account: SERVER_ACCOUNT,
      source: "s",
      time: "2024-01-01T00:00:00Z",
      region: SERVER_REGION,
      "detail-type": "d",
      resources: [],
      detail: { ip: "10.0.0.7" },
    });
    const hit = await events.send(
      new TestEventPatternCommand({ EventPattern: '{"detail":{"ip":[{"cidr":"10.0.0.0/24"}]}}', Event: event }),
    );
    assert.equal(hit.Result, true);
    const miss = await events.send(
      new TestEventPatternCommand({ EventPattern: '{"detail":{"ip":[{"cidr":"10.0.1.0/24"}]}}', Event: event }),
    );
    assert.equal(miss.Result, false);
    const arn = `arn:aws:events:${SERVER_REGION}:${SERVER_ACCOUNT}:rule/tick`;
    await events.send(new TagResourceCommand({ ResourceARN: arn, Tags: [{ Key: "a", Value: "1" }] }));
    assert.deepEqual((await events.send(new ListTagsForResourceCommand({ ResourceARN: arn }))).Tags, [
      { Key: "a", Value: "1" },
    ]);
  });
});

describe("EventBridge with aws-sdk v2", () => {
  test("create a bus, a rule, put an event, describe", async () => {
    const eb = new AWS.EventBridge({
      region: SERVER_REGION,
      endpoint: node.apiUrl,
      credentials: SERVER_KEY,
      maxRetries: 0,
    });
    await eb.createEventBus({ Name: "v2-bus" }).promise();
    await eb
      .putRule({ Name: "v2-rule", EventBusName: "v2-bus", EventPattern: '{"source":["v2"]}', State: "DISABLED" })
      .promise();
    const rule = await eb.describeRule({ Name: "v2-rule", EventBusName: "v2-bus" }).promise();
    assert.equal(rule.State, "DISABLED");
    const out = await eb
      .putEvents({ Entries: [{ EventBusName: "v2-bus", Source: "v2", DetailType: "t", Detail: "{}" }] })
      .promise();
    assert.equal(out.FailedEntryCount, 0);
    const err = await eb
      .describeRule({ Name: "nope", EventBusName: "v2-bus" })
      .promise()
      .then(
        () => undefined,
        (e: AWS.AWSError) => e,
      );
    assert.equal(err?.code, "ResourceNotFoundException");
  });
});

function cli(...args: string[]): Promise<AwsCliResult> {
  return runAwsCli(serverCliTarget(node), ["events", ...args]);
}

async function cliOk(...args: string[]): Promise<Record<string, unknown>> {
  const r = await cli(...args);
  assert.equal(r.code, 0, `aws events ${args.join(" ")}\n${r.stderr}`);
  return r.stdout.trim() === "" ? {} : (JSON.parse(r.stdout) as Record<string, unknown>);
}

describe("EventBridge with the AWS CLI v2", () => {
  test("put-rule, put-targets with an input path, put-events, test-event-pattern, an error", async () => {
    await cliOk("put-rule", "--name", "cli-rule", "--event-pattern", '{"detail-type":[{"suffix":"Created"}]}');
    await cliOk(
      "put-targets",
      "--rule",
      "cli-rule",
      "--targets",
      JSON.stringify([{ Id: "1", Arn: fnArn("rec-cli"), InputPath: "$.detail" }]),
    );
    const listed = await cliOk("list-targets-by-rule", "--rule", "cli-rule");
    assert.deepEqual(listed["Targets"], [{ Id: "1", Arn: fnArn("rec-cli"), InputPath: "$.detail" }]);
    const put = await cliOk(
      "put-events",
      "--entries",
      JSON.stringify([{ Source: "cli", DetailType: "User Created", Detail: '{"name":"lee"}' }]),
    );
    assert.equal(put["FailedEntryCount"], 0);
    const [got] = await waitForRecords("sink-cli", 1);
    assert.deepEqual(got, { name: "lee" });
    const tested = await cliOk(
      "test-event-pattern",
      "--event-pattern",
      '{"source":[{"equals-ignore-case":"CLI"}]}',
      "--event",
      JSON.stringify({
        id: "1",
        account: SERVER_ACCOUNT,
        source: "cli",
        time: "2024-01-01T00:00:00Z",
        region: SERVER_REGION,
        "detail-type": "x",
        resources: [],
      }),
    );
    assert.equal(tested["Result"], true);
    const r = await cli("describe-rule", "--name", "nope");
    assert.equal(r.code, 254);
    assert.match(
      r.stderr,
      /An error occurred \(ResourceNotFoundException\) when calling the DescribeRule operation.*: Rule nope does not exist on EventBus default\./,
    );
  });
});

describe("EventBridge Scheduler with aws-sdk v2 and the AWS CLI v2", () => {
  test("a recurring schedule in a time zone fires in real time with its Input; get, list, update, delete; AWS's errors", async () => {
    const sched = new AWS.Scheduler({
      region: SERVER_REGION,
      endpoint: node.apiUrl,
      credentials: SERVER_KEY,
      maxRetries: 0,
    });
    // Scheduler invokes the function as the schedule's role, which must allow it.
    const role = await createFunctionRole({ endpoint: node.apiUrl, ...SERVER_KEY }, "scheduler", {
      actions: ["lambda:InvokeFunction"],
    });
    assert.equal(role, `arn:aws:iam::${SERVER_ACCOUNT}:role/scheduler`);
    const created = await sched
      .createSchedule({
        Name: "every-minute",
        ScheduleExpression: "cron(* * * * ? *)",
        ScheduleExpressionTimezone: "Asia/Seoul",
        FlexibleTimeWindow: { Mode: "OFF" },
        Target: { Arn: fnArn("rec-sched"), RoleArn: role, Input: '{"from":"scheduler"}' },
      })
      .promise();
    assert.equal(
      created.ScheduleArn,
      `arn:aws:scheduler:${SERVER_REGION}:${SERVER_ACCOUNT}:schedule/default/every-minute`,
    );
    const [got] = await waitForRecords("sink-sched", 1, 30_000);
    assert.deepEqual(got, { from: "scheduler" });
    const read = await sched.getSchedule({ Name: "every-minute" }).promise();
    assert.equal(read.ScheduleExpressionTimezone, "Asia/Seoul");
    assert.equal(read.State, "ENABLED");
    assert.equal(read.Target?.Input, '{"from":"scheduler"}');
    await sched
      .updateSchedule({
        Name: "every-minute",
        ScheduleExpression: "rate(1 hour)",
        FlexibleTimeWindow: { Mode: "OFF" },
        State: "DISABLED",
        Target: { Arn: fnArn("rec-sched"), RoleArn: role },
      })
      .promise();
    const listed = await sched.listSchedules({}).promise();
    assert.deepEqual(
      listed.Schedules.map((s) => [s.Name, s.State]),
      [["every-minute", "DISABLED"]],
    );
    const dup = await sched
      .createSchedule({
        Name: "every-minute",
        ScheduleExpression: "rate(1 hour)",
        FlexibleTimeWindow: { Mode: "OFF" },
        Target: { Arn: fnArn("rec-sched"), RoleArn: role },
      })
      .promise()
      .then(
        () => undefined,
        (e: AWS.AWSError) => e,
      );
    assert.equal(dup?.code, "ConflictException");
    const flexible = await sched
      .createSchedule({
        Name: "flex",
        ScheduleExpression: "rate(1 hour)",
        FlexibleTimeWindow: { Mode: "FLEXIBLE" },
        Target: { Arn: fnArn("rec-sched"), RoleArn: role },
      })
      .promise()
      .then(
        () => undefined,
        (e: AWS.AWSError) => e,
      );
    assert.equal(flexible?.code, "ValidationException");
    const r = await runAwsCli(serverCliTarget(node), ["scheduler", "delete-schedule", "--name", "every-minute"]);
    assert.equal(r.code, 0, r.stderr);
    const gone = await sched
      .getSchedule({ Name: "every-minute" })
      .promise()
      .then(
        () => undefined,
        (e: AWS.AWSError) => e,
      );
    assert.equal(gone?.code, "ResourceNotFoundException");
    assert.equal(gone?.message, "Schedule every-minute does not exist.");
  });
});
