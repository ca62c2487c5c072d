/**
 * Event buses and Kinesis streams as EventBridge rule targets on a real node, with the real SDK
 * v3: an event passed on from the default bus to a custom bus keeps its id and matches the custom
 * bus's rules; a stream target gets the (transformed) input as a record keyed by the
 * PartitionKeyPath's value or the event id, only as a role that may kinesis:PutRecord; and
 * PutTargets' checks of these targets; and the rules' AWS/Events metrics.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  CreateEventBusCommand,
  EventBridgeClient,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from "@aws-sdk/client-eventbridge";
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  type _Record,
} from "@aws-sdk/client-kinesis";
import { CloudWatchClient, GetMetricStatisticsCommand, type Dimension } from "@aws-sdk/client-cloudwatch";
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { createFunctionRole } from "../helpers/iam.js";
import { NODE_ACCOUNT, NODE_REGION, startLambdaNode, type LambdaNode } from "../helpers/lambda-node.js";
import { serviceSendPolicy } from "../helpers/queue-policies.js";
import { waitFor } from "../helpers/wait.js";

const ARN = `${NODE_REGION}:${NODE_ACCOUNT}`;
const busArn = (name: string) => `arn:aws:events:${ARN}:event-bus/${name}`;
const streamArn = (name: string) => `arn:aws:kinesis:${ARN}:stream/${name}`;
const queueArn = (name: string) => `arn:aws:sqs:${ARN}:${name}`;

type Targets = NonNullable<ConstructorParameters<typeof PutTargetsCommand>[0]["Targets"]>;

describe("event buses and Kinesis streams as EventBridge rule targets", () => {
  let node: LambdaNode;
  let events: EventBridgeClient;
  let kinesis: KinesisClient;
  let sqs: SQSClient;
  let cloudwatch: CloudWatchClient;
  let putterRole: string;
  let readerRole: string;
  before(async () => {
    node = await startLambdaNode();
    const config = {
      region: NODE_REGION,
      endpoint: node.url,
      credentials: { accessKeyId: node.accessKeyId, secretAccessKey: node.secretAccessKey },
      maxAttempts: 1,
    };
    events = new EventBridgeClient(config);
    kinesis = new KinesisClient(config);
    sqs = new SQSClient(config);
    cloudwatch = new CloudWatchClient(config);
    const iam = { endpoint: node.url, accessKeyId: node.accessKeyId, secretAccessKey: node.secretAccessKey };
    putterRole = await createFunctionRole(iam, "events-to-stream", {
      actions: ["kinesis:PutRecord"],
      resource: streamArn("clicks"),
    });
    readerRole = await createFunctionRole(iam, "events-read-only", { actions: ["kinesis:DescribeStream"] });
  });
  after(async () => {
    events.destroy();
    kinesis.destroy();
    sqs.destroy();
    cloudwatch.destroy();
    await node.close();
  });

  const putTargets = (Rule: string, Targets: Targets, EventBusName?: string) =>
    events.send(new PutTargetsCommand({ Rule, Targets, EventBusName }));

  const readAll = async (stream: string): Promise<_Record[]> => {
    const shards = (await kinesis.send(new ListShardsCommand({ StreamName: stream }))).Shards ?? [];
    const records: _Record[] = [];
    for (const shard of shards) {
      const it = await kinesis.send(
        new GetShardIteratorCommand({ StreamName: stream, ShardId: shard.ShardId, ShardIteratorType: "TRIM_HORIZON" }),
      );
      const got = await kinesis.send(new GetRecordsCommand({ ShardIterator: it.ShardIterator }));
      records.push(...(got.Records ?? []));
    }
    return records;
  };

  it("checks bus and stream targets as PutTargets does", async () => {
    await events.send(new CreateEventBusCommand({ Name: "checks-bus" }));
    await events.send(new PutRuleCommand({ Name: "checks", EventPattern: JSON.stringify({ source: ["x"] }) }));
    const refused = (message: string | RegExp) => ({ name: "ValidationException", message });
    await assert.rejects(
      putTargets("checks", [{ Id: "s", Arn: streamArn("clicks") }]),
      refused(`RoleArn is required for target ${streamArn("clicks")}.`),
    );
    const elsewhere = `arn:aws:events:eu-west-1:${NODE_ACCOUNT}:event-bus/default`;
    await assert.rejects(
      putTargets("checks", [{ Id: "b", Arn: elsewhere }]),
      refused(`RoleArn is required for target ${elsewhere}.`),
    );
    await assert.rejects(
      putTargets("checks", [{ Id: "q", Arn: queueArn("q"), KinesisParameters: { PartitionKeyPath: "$.id" } }]),
      refused("Parameter(s) KinesisParameters not valid for target: q."),
    );
    await assert.rejects(
      putTargets("checks", [
        { Id: "s", Arn: streamArn("clicks"), RoleArn: putterRole, KinesisParameters: { PartitionKeyPath: "id" } },
      ]),
      refused(/PartitionKeyPath is not a valid JSON path/),
    );
    await assert.rejects(putTargets("checks", [{ Id: "self", Arn: busArn("default") }]), refused(/event bus it is on/));
    await assert.rejects(
      putTargets("checks", [{ Id: "b", Arn: busArn("checks-bus"), Input: "{}" }]),
      refused(/^Parameter\(s\) Input not valid for target: b\./),
    );
  });

  it("passes a matching event on to another bus, whose rules match it with the same id", async () => {
    await events.send(new CreateEventBusCommand({ Name: "relay" }));
    await events.send(new PutRuleCommand({ Name: "forward", EventPattern: JSON.stringify({ source: ["shop"] }) }));
    await putTargets("forward", [{ Id: "relay", Arn: busArn("relay") }]);
    const relayRule = `arn:aws:events:${ARN}:rule/relay/collect`;
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({
        QueueName: "relayed",
        Attributes: { Policy: serviceSendPolicy(queueArn("relayed"), relayRule, "events.amazonaws.com") },
      }),
    );
    await events.send(
      new PutRuleCommand({
        Name: "collect",
        EventBusName: "relay",
        EventPattern: JSON.stringify({ "detail-type": ["order"] }),
      }),
    );
    await putTargets("collect", [{ Id: "q", Arn: queueArn("relayed") }], "relay");
    // A rule on the relay bus that passes events back would loop: the event is not passed back.
    await putTargets("collect", [{ Id: "back", Arn: busArn("default") }], "relay");
    const listed = await events.send(new ListTargetsByRuleCommand({ Rule: "forward" }));
    assert.deepEqual(listed.Targets, [{ Id: "relay", Arn: busArn("relay") }]);

    const put = await events.send(
      new PutEventsCommand({ Entries: [{ Source: "shop", DetailType: "order", Detail: JSON.stringify({ id: 1 }) }] }),
    );
    assert.equal(put.FailedEntryCount, 0);
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 10, MaxNumberOfMessages: 10 }));
    assert.equal(got.Messages?.length, 1);
    const event = JSON.parse(got.Messages[0]!.Body!) as Record<string, unknown>;
    assert.equal(event["id"], put.Entries?.[0]?.EventId);
    assert.equal(event["source"], "shop");
    assert.deepEqual(event["detail"], { id: 1 });
    // Exactly one copy: the event that went back to the default bus was not passed on again.
    const more = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1, MaxNumberOfMessages: 10 }));
    assert.equal(more.Messages, undefined);
  });

  it("puts a stream target's input on the stream, keyed by PartitionKeyPath or the event id, as its role may", async () => {
    await kinesis.send(new CreateStreamCommand({ StreamName: "clicks", ShardCount: 2 }));
    await waitFor(
      async () =>
        (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: "clicks" }))).StreamDescriptionSummary
          ?.StreamStatus === "ACTIVE",
      "the stream to be active",
      30_000,
    );
    await events.send(new PutRuleCommand({ Name: "to-stream", EventPattern: JSON.stringify({ source: ["web"] }) }));
    await putTargets("to-stream", [
      {
        Id: "keyed",
        Arn: streamArn("clicks"),
        RoleArn: putterRole,
        KinesisParameters: { PartitionKeyPath: "$.detail.user" },
        InputTransformer: { InputPathsMap: { page: "$.detail.page" }, InputTemplate: '{"page": <page>}' },
      },
      { Id: "whole", Arn: streamArn("clicks"), RoleArn: putterRole },
      // This role may not put records: nothing reaches the stream through this target.
      { Id: "denied", Arn: streamArn("clicks"), RoleArn: readerRole, Input: '{"denied":true}' },
    ]);
    const listed = await events.send(new ListTargetsByRuleCommand({ Rule: "to-stream" }));
    const keyed = listed.Targets?.find((t) => t.Id === "keyed");
    assert.deepEqual(keyed?.KinesisParameters, { PartitionKeyPath: "$.detail.user" });
    assert.equal(keyed?.RoleArn, putterRole);

    const put = await events.send(
      new PutEventsCommand({
        Entries: [{ Source: "web", DetailType: "click", Detail: JSON.stringify({ user: "u-7", page: "/home" }) }],
      }),
    );
    const eventId = put.Entries?.[0]?.EventId;
    let records: _Record[] = [];
    await waitFor(async () => (records = await readAll("clicks")).length >= 2, "two records", 30_000);
    const decoded = records.map((r) => ({ key: r.PartitionKey, data: Buffer.from(r.Data!).toString("utf8") }));
    const shaped = decoded.find((r) => r.key === "u-7");
    assert.deepEqual(JSON.parse(shaped!.data), { page: "/home" });
    const whole = decoded.find((r) => r.key === eventId);
    assert.equal((JSON.parse(whole!.data) as { id: string }).id, eventId);
    assert.equal(decoded.length, 2);
  });

  it("counts each rule's matched events, invocations and failed invocations in AWS/Events", async () => {
    const sum = async (MetricName: string, dims: Record<string, string>): Promise<number> => {
      const Dimensions: Dimension[] = Object.entries(dims).map(([Name, Value]) => ({ Name, Value }));
      const got = await cloudwatch.send(
        new GetMetricStatisticsCommand({
          Namespace: "AWS/Events",
          MetricName,
          Dimensions,
          StartTime: new Date(Date.now() - 3_600_000),
          EndTime: new Date(Date.now() + 60_000),
          Period: 60,
          Statistics: ["Sum"],
        }),
      );
      return (got.Datapoints ?? []).reduce((total, p) => total + (p.Sum ?? 0), 0);
    };
    // The stream rule: one event, three targets, the one whose role may not put records failed.
    assert.equal(await sum("MatchedEvents", { RuleName: "to-stream" }), 1);
    assert.equal(await sum("TriggeredRules", { RuleName: "to-stream" }), 1);
    assert.equal(await sum("Invocations", { RuleName: "to-stream" }), 3);
    assert.equal(await sum("FailedInvocations", { RuleName: "to-stream" }), 1);
    // A rule of a custom bus is counted by bus and rule: its pass back to the default bus failed.
    const relay = { EventBusName: "relay", RuleName: "collect" };
    assert.equal(await sum("Invocations", relay), 2);
    assert.equal(await sum("FailedInvocations", relay), 1);
    assert.equal(await sum("Invocations", { RuleName: "collect" }), 0);
  });
});
