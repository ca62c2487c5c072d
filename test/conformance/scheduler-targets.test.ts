/**
 * EventBridge Scheduler on a real `haneul server` (--time-scale 60: a minute passes in a second)
 * through the real SDK v3 and the AWS CLI v2: each templated target kind (SQS with a FIFO group,
 * SNS, an event bus with Source/DetailType, Kinesis with a partition key) delivered as the
 * schedule's role allows and not otherwise, a FLEXIBLE window in real time, schedule groups with
 * tags, and AWS's errors. Also on PostgreSQL (./postgres/).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  EventBridgeClient,
  CreateEventBusCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from "@aws-sdk/client-eventbridge";
import {
  CreateStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
} from "@aws-sdk/client-kinesis";
import {
  CreateScheduleCommand,
  CreateScheduleGroupCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  ListScheduleGroupsCommand,
  ListTagsForResourceCommand,
  SchedulerClient,
  TagResourceCommand,
  UntagResourceCommand,
  type Target,
} from "@aws-sdk/client-scheduler";
import { CreateTopicCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient, type Message } from "@aws-sdk/client-sqs";
import { awsCli } from "../helpers/apigw-stack.js";
import { createFunctionRole } from "../helpers/iam.js";
import { createTestDatabase } from "../helpers/postgres.js";
import { serviceSendPolicy } from "../helpers/queue-policies.js";
import { SERVER_ACCOUNT, SERVER_KEY, SERVER_REGION, startServerNode, type ServerNode } from "../helpers/server-node.js";
import { waitFor } from "../helpers/wait.js";

const arn = (service: string, resource: string) => `arn:aws:${service}:${SERVER_REGION}:${SERVER_ACCOUNT}:${resource}`;

let node: ServerNode;
let scheduler: SchedulerClient;
let sqs: SQSClient;
let role: string;
let weakRole: string;
const urls: Record<string, string> = {};

before(async () => {
  // The same suite runs on a PostgreSQL store from ./postgres/.
  const store = process.env["HANEUL_TEST_NODE_STORE"] === "postgres" ? ["--store", await createTestDatabase()] : [];
  node = await startServerNode({ args: ["--time-scale", "60", ...store] });
  const config = { region: SERVER_REGION, endpoint: node.apiUrl, credentials: SERVER_KEY, maxAttempts: 1 };
  scheduler = new SchedulerClient(config);
  sqs = new SQSClient(config);
  const iam = { endpoint: node.apiUrl, ...SERVER_KEY };
  role = await createFunctionRole(iam, "scheduler-targets", {
    actions: ["sqs:SendMessage", "sns:Publish", "events:PutEvents", "kinesis:PutRecord"],
  });
  weakRole = await createFunctionRole(iam, "scheduler-weak", { actions: ["logs:PutLogEvents"] });
  const fromTopics = { Policy: serviceSendPolicy(arn("sqs", "from-topic"), arn("sns", "*")) };
  const fromRule = {
    Policy: serviceSendPolicy(arn("sqs", "from-bus"), arn("events", "rule/app/*"), "events.amazonaws.com"),
  };
  const queues: [string, Record<string, string>][] = [
    ["plain", {}],
    ["jobs.fifo", { FifoQueue: "true", ContentBasedDeduplication: "true" }],
    ["from-topic", fromTopics],
    ["from-bus", fromRule],
    ["weak", {}],
    ["flex", {}],
  ];
  for (const [name, Attributes] of queues)
    urls[name] = (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes }))).QueueUrl!;
  const sns = new SNSClient(config);
  const topic = (await sns.send(new CreateTopicCommand({ Name: "news" }))).TopicArn!;
  await sns.send(new SubscribeCommand({ TopicArn: topic, Protocol: "sqs", Endpoint: arn("sqs", "from-topic") }));
  sns.destroy();
  const events = new EventBridgeClient(config);
  await events.send(new CreateEventBusCommand({ Name: "app" }));
  await events.send(new PutRuleCommand({ Name: "ticks", EventBusName: "app", EventPattern: '{"source":["shop"]}' }));
  await events.send(
    new PutTargetsCommand({ Rule: "ticks", EventBusName: "app", Targets: [{ Id: "q", Arn: arn("sqs", "from-bus") }] }),
  );
  events.destroy();
});

after(async () => {
  scheduler?.destroy();
  sqs?.destroy();
  await node?.close();
});

async function receiveOne(queue: string): Promise<Message> {
  let got: Message | undefined;
  await waitFor(
    async () => {
      const r = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: urls[queue], WaitTimeSeconds: 1, MessageSystemAttributeNames: ["All"] }),
      );
      got = r.Messages?.[0];
      return got !== undefined;
    },
    `a message on ${queue}`,
    30_000,
  );
  return got!;
}

const create = (Name: string, Target: Target, extra: Record<string, unknown> = {}) =>
  scheduler.send(
    new CreateScheduleCommand({
      Name,
      ScheduleExpression: "rate(1 minute)",
      FlexibleTimeWindow: { Mode: "OFF" },
      Target,
      ...extra,
    }),
  );

describe("Scheduler's templated targets with the SDK v3", () => {
  test("SQS (FIFO group), SNS, EventBridge and Kinesis get the Input as Scheduler gives it; a weak role delivers nothing", async () => {
    await create("weak", { Arn: arn("sqs", "weak"), RoleArn: weakRole, Input: "never" });
    await create("to-fifo", {
      Arn: arn("sqs", "jobs.fifo"),
      RoleArn: role,
      Input: "job body",
      SqsParameters: { MessageGroupId: "g1" },
    });
    await create("to-plain", { Arn: arn("sqs", "plain"), RoleArn: role, Input: "plain body" });
    await create("to-topic", { Arn: arn("sns", "news"), RoleArn: role, Input: "headline" });
    const busSchedule = await create("to-bus", {
      Arn: arn("events", "event-bus/app"),
      RoleArn: role,
      Input: '{"order":7}',
      EventBridgeParameters: { Source: "shop", DetailType: "Order Due" },
    });
    const kinesis = new KinesisClient({
      region: SERVER_REGION,
      endpoint: node.apiUrl,
      credentials: SERVER_KEY,
      maxAttempts: 1,
    });
    await kinesis.send(new CreateStreamCommand({ StreamName: "clicks", ShardCount: 1 }));
    await create("to-stream", {
      Arn: arn("kinesis", "stream/clicks"),
      RoleArn: role,
      Input: "click",
      KinesisParameters: { PartitionKey: "user-7" },
    });

    const fifo = await receiveOne("jobs.fifo");
    assert.equal(fifo.Body, "job body");
    assert.equal(fifo.Attributes?.["MessageGroupId"], "g1");
    assert.equal((await receiveOne("plain")).Body, "plain body");
    const notification = JSON.parse((await receiveOne("from-topic")).Body!) as { Message: string };
    assert.equal(notification.Message, "headline");
    const event = JSON.parse((await receiveOne("from-bus")).Body!) as Record<string, unknown>;
    assert.equal(event["source"], "shop");
    assert.equal(event["detail-type"], "Order Due");
    assert.deepEqual(event["detail"], { order: 7 });
    assert.deepEqual(event["resources"], [busSchedule.ScheduleArn]);

    const shard = (await kinesis.send(new ListShardsCommand({ StreamName: "clicks" }))).Shards![0]!.ShardId!;
    const iterator = (
      await kinesis.send(
        new GetShardIteratorCommand({ StreamName: "clicks", ShardId: shard, ShardIteratorType: "TRIM_HORIZON" }),
      )
    ).ShardIterator!;
    let records: { Data?: Uint8Array; PartitionKey?: string }[] = [];
    await waitFor(
      async () => {
        records = (await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator }))).Records ?? [];
        return records.length > 0;
      },
      "a record on clicks",
      30_000,
    );
    assert.equal(Buffer.from(records[0]!.Data!).toString(), "click");
    assert.equal(records[0]!.PartitionKey, "user-7");
    kinesis.destroy();

    // Every other schedule has fired several times by now (a minute is a second): the weak one never delivered.
    const weak = await sqs.send(new ReceiveMessageCommand({ QueueUrl: urls["weak"], WaitTimeSeconds: 1 }));
    assert.equal(weak.Messages, undefined);
    for (const name of ["weak", "to-fifo", "to-plain", "to-topic", "to-bus", "to-stream"])
      await scheduler.send(new DeleteScheduleCommand({ Name: name }));
  });

  test("AWS's validation: Kinesis without a partition key, EventBridge with an aws. source, a bad window", async () => {
    const refused = async (name: string, target: Target, extra: Record<string, unknown>, message: RegExp) => {
      const e = await create(name, target, extra).then(
        () => undefined,
        (err: Error) => err,
      );
      assert.equal(e?.name, "ValidationException");
      assert.match(e?.message ?? "", message);
    };
    await refused("k", { Arn: arn("kinesis", "stream/clicks"), RoleArn: role }, {}, /PartitionKey is required/);
    await refused(
      "e",
      {
        Arn: arn("events", "event-bus/app"),
        RoleArn: role,
        EventBridgeParameters: { Source: "aws.ec2", DetailType: "x" },
      },
      {},
      /eventBridgeParameters.source' failed to satisfy constraint/,
    );
    await refused(
      "f",
      { Arn: arn("sqs", "plain"), RoleArn: role },
      { FlexibleTimeWindow: { Mode: "FLEXIBLE", MaximumWindowInMinutes: 1441 } },
      /Member must have value between 1 and 1440/,
    );
  });

  test("a FLEXIBLE window delivers in real time; GetSchedule returns the window and the dates", async () => {
    // The node's clock runs 60 times faster than the test's: dates a year away stay ahead of it.
    const start = new Date(Math.ceil(Date.now() / 1000) * 1000 + 365 * 86_400_000);
    const end = new Date(start.getTime() + 365 * 86_400_000);
    await create(
      "flex",
      { Arn: arn("sqs", "flex"), RoleArn: role, Input: "flexible" },
      { FlexibleTimeWindow: { Mode: "FLEXIBLE", MaximumWindowInMinutes: 2 }, EndDate: end },
    );
    await create(
      "later",
      { Arn: arn("sqs", "flex"), RoleArn: role, Input: "later" },
      { StartDate: start, EndDate: end },
    );
    const flex = await scheduler.send(new GetScheduleCommand({ Name: "flex" }));
    assert.deepEqual(flex.FlexibleTimeWindow, { Mode: "FLEXIBLE", MaximumWindowInMinutes: 2 });
    assert.equal(flex.EndDate?.getTime(), end.getTime());
    const later = await scheduler.send(new GetScheduleCommand({ Name: "later" }));
    assert.equal(later.StartDate?.getTime(), start.getTime());
    assert.deepEqual(later.FlexibleTimeWindow, { Mode: "OFF" });
    assert.equal((await receiveOne("flex")).Body, "flexible", "only the flexible schedule has started");
    for (const name of ["flex", "later"]) await scheduler.send(new DeleteScheduleCommand({ Name: name }));
  });
});

describe("schedule groups with the SDK v3 and the AWS CLI v2", () => {
  test("create with tags, tag, untag, list; a schedule in the group; deleting the group deletes its schedules", async () => {
    const created = await scheduler.send(
      new CreateScheduleGroupCommand({ Name: "nightly", Tags: [{ Key: "team", Value: "ops" }] }),
    );
    const groupArn = arn("scheduler", "schedule-group/nightly");
    assert.equal(created.ScheduleGroupArn, groupArn);
    await scheduler.send(new TagResourceCommand({ ResourceArn: groupArn, Tags: [{ Key: "env", Value: "prod" }] }));
    await scheduler.send(new UntagResourceCommand({ ResourceArn: groupArn, TagKeys: ["team"] }));
    const tags = await scheduler.send(new ListTagsForResourceCommand({ ResourceArn: groupArn }));
    assert.deepEqual(tags.Tags, [{ Key: "env", Value: "prod" }]);
    const groups = await scheduler.send(new ListScheduleGroupsCommand({}));
    assert.deepEqual(
      groups.ScheduleGroups?.map((g) => [g.Name, g.State, g.Arn]),
      [
        ["default", "ACTIVE", arn("scheduler", "schedule-group/default")],
        ["nightly", "ACTIVE", groupArn],
      ],
    );

    const cli = { apiUrl: node.apiUrl, credentials: SERVER_KEY, home: node.dataDir };
    const made = await awsCli(cli, [
      ...["scheduler", "create-schedule", "--name", "backup", "--group-name", "nightly"],
      ...["--schedule-expression", "cron(0 3 * * ? *)", "--flexible-time-window", "Mode=OFF"],
      ...["--target", JSON.stringify({ Arn: arn("sqs", "plain"), RoleArn: role, Input: "backup" })],
    ]);
    assert.equal(made.code, 0, made.stderr);
    assert.equal(
      (JSON.parse(made.stdout) as { ScheduleArn: string }).ScheduleArn,
      arn("scheduler", "schedule/nightly/backup"),
    );
    const got = await awsCli(cli, ["scheduler", "get-schedule", "--name", "backup", "--group-name", "nightly"]);
    assert.equal(got.code, 0, got.stderr);
    assert.equal((JSON.parse(got.stdout) as { GroupName: string }).GroupName, "nightly");
    const missing = await awsCli(cli, ["scheduler", "get-schedule-group", "--name", "nope"]);
    assert.match(missing.stderr, /ResourceNotFoundException.*Schedule group nope does not exist\./);

    const deleted = await awsCli(cli, ["scheduler", "delete-schedule-group", "--name", "nightly"]);
    assert.equal(deleted.code, 0, deleted.stderr);
    const gone = await awsCli(cli, ["scheduler", "get-schedule", "--name", "backup", "--group-name", "nightly"]);
    assert.match(gone.stderr, /ResourceNotFoundException/);
    const defaultGroup = await awsCli(cli, ["scheduler", "delete-schedule-group", "--name", "default"]);
    assert.match(defaultGroup.stderr, /ValidationException/);
  });
});
