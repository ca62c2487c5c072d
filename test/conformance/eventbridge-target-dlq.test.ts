/**
 * EventBridge targets' RetryPolicy and DeadLetterConfig on a real node, with the real SDK v3:
 * PutTargets' checks and ListTargetsByRule's view of them; a queue target that was deleted and a
 * function that may not be invoked are not retried, their events go to the DLQ at once with
 * EventBridge's message attributes; a DLQ whose policy does not let the rule send loses the event,
 * counted; AWS/Events' dead-letter metrics read back with GetMetricData.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import {
  EventBridgeClient,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from "@aws-sdk/client-eventbridge";
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  ReceiveMessageCommand,
  SQSClient,
  type Message,
} from "@aws-sdk/client-sqs";
import { NODE_ACCOUNT, NODE_REGION, startLambdaNode, type LambdaNode } from "../helpers/lambda-node.js";
import { serviceSendPolicy } from "../helpers/queue-policies.js";
import { waitFor } from "../helpers/wait.js";

const queueArn = (name: string) => `arn:aws:sqs:${NODE_REGION}:${NODE_ACCOUNT}:${name}`;
const ruleArn = (name: string) => `arn:aws:events:${NODE_REGION}:${NODE_ACCOUNT}:rule/${name}`;
type Targets = NonNullable<ConstructorParameters<typeof PutTargetsCommand>[0]["Targets"]>;

describe("EventBridge targets: RetryPolicy and DeadLetterConfig", () => {
  let node: LambdaNode;
  let sqs: SQSClient;
  let events: EventBridgeClient;
  let cloudwatch: CloudWatchClient;
  const urls: Record<string, string> = {};
  before(async () => {
    node = await startLambdaNode();
    const config = {
      region: NODE_REGION,
      endpoint: node.url,
      credentials: { accessKeyId: node.accessKeyId, secretAccessKey: node.secretAccessKey },
      maxAttempts: 1,
    };
    sqs = new SQSClient(config);
    events = new EventBridgeClient(config);
    cloudwatch = new CloudWatchClient(config);
    const allow = (name: string) => serviceSendPolicy(queueArn(name), ruleArn("*"), "events.amazonaws.com");
    const queues: [string, Record<string, string>][] = [
      ["dlq", { Policy: allow("dlq") }],
      ["gone", { Policy: allow("gone") }],
      // Its policy allows no rule: EventBridge may not send dead letters to it.
      ["shut-dlq", {}],
    ];
    for (const [name, Attributes] of queues)
      urls[name] = (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes }))).QueueUrl!;
  });
  after(async () => {
    sqs.destroy();
    events.destroy();
    cloudwatch.destroy();
    await node.close();
  });

  const receive = async (name: string): Promise<Message[]> =>
    (
      await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: urls[name],
          WaitTimeSeconds: 10,
          MaxNumberOfMessages: 10,
          MessageAttributeNames: ["All"],
        }),
      )
    ).Messages ?? [];
  const attributesOf = (m: Message) =>
    Object.fromEntries(Object.entries(m.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue]));

  it("PutTargets checks RetryPolicy's ranges and DeadLetterConfig's queue; ListTargetsByRule shows them", async () => {
    await events.send(new PutRuleCommand({ Name: "checks", EventPattern: JSON.stringify({ source: ["x"] }) }));
    const put = (Targets: Targets) => events.send(new PutTargetsCommand({ Rule: "checks", Targets }));
    const base = { Id: "t", Arn: queueArn("gone") };
    await assert.rejects(put([base, { ...base, Id: "u", RetryPolicy: { MaximumRetryAttempts: 186 } }]), {
      name: "ValidationException",
      message:
        "1 validation error detected: Value '186' at 'targets.2.member.retryPolicy.maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 185",
    });
    await assert.rejects(put([{ ...base, RetryPolicy: { MaximumEventAgeInSeconds: 59 } }]), {
      name: "ValidationException",
      message:
        "1 validation error detected: Value '59' at 'targets.1.member.retryPolicy.maximumEventAgeInSeconds' failed to satisfy constraint: Member must have value greater than or equal to 60",
    });
    await assert.rejects(put([{ ...base, DeadLetterConfig: { Arn: queueArn("dlq.fifo") } }]), {
      name: "ValidationException",
    });
    const topic = `arn:aws:sns:${NODE_REGION}:${NODE_ACCOUNT}:t`;
    await assert.rejects(put([{ ...base, DeadLetterConfig: { Arn: topic } }]), { name: "ValidationException" });
    await put([
      { ...base, RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 } },
      {
        Id: "v",
        Arn: queueArn("gone"),
        RetryPolicy: { MaximumRetryAttempts: 4 },
        DeadLetterConfig: { Arn: queueArn("dlq") },
      },
    ]);
    const listed = (await events.send(new ListTargetsByRuleCommand({ Rule: "checks" }))).Targets ?? [];
    const byId = Object.fromEntries(listed.map((t) => [t.Id, t]));
    assert.deepEqual(byId["t"]?.RetryPolicy, { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 });
    assert.equal(byId["t"]?.DeadLetterConfig, undefined);
    assert.deepEqual(byId["v"]?.RetryPolicy, { MaximumRetryAttempts: 4 });
    assert.deepEqual(byId["v"]?.DeadLetterConfig, { Arn: queueArn("dlq") });
  });

  it("a deleted queue target and a function that may not be invoked: to the DLQ at once, with EventBridge's attributes", async () => {
    await events.send(new PutRuleCommand({ Name: "orders", EventPattern: JSON.stringify({ source: ["shop"] }) }));
    const fn = `arn:aws:lambda:${NODE_REGION}:${NODE_ACCOUNT}:function:nobody`;
    await events.send(
      new PutTargetsCommand({
        Rule: "orders",
        Targets: [
          { Id: "queue", Arn: queueArn("gone"), DeadLetterConfig: { Arn: queueArn("dlq") } },
          { Id: "fn", Arn: fn, DeadLetterConfig: { Arn: queueArn("dlq") }, Input: '{"not":"the event"}' },
          { Id: "lost", Arn: queueArn("gone"), DeadLetterConfig: { Arn: queueArn("shut-dlq") } },
        ],
      }),
    );
    await sqs.send(new DeleteQueueCommand({ QueueUrl: urls["gone"] }));
    const put = await events.send(
      new PutEventsCommand({ Entries: [{ Source: "shop", DetailType: "order", Detail: '{"id":7}' }] }),
    );
    assert.equal(put.FailedEntryCount, 0, "a failed delivery is never an error of PutEvents");
    const eventId = put.Entries?.[0]?.EventId;
    const dead: Message[] = [];
    await waitFor(async () => (dead.push(...(await receive("dlq"))), dead.length >= 2), "two dead letters", 30_000);
    assert.equal(dead.length, 2);
    const byTarget = Object.fromEntries(dead.map((m) => [attributesOf(m)["TARGET_ARN"], m]));
    assert.deepEqual(attributesOf(byTarget[queueArn("gone")]), {
      RULE_ARN: ruleArn("orders"),
      TARGET_ARN: queueArn("gone"),
      ERROR_CODE: "NO_RESOURCE",
      ERROR_MESSAGE: "The specified queue does not exist.",
      RETRY_ATTEMPTS: "0",
    });
    const fnAttributes = attributesOf(byTarget[fn]);
    assert.deepEqual([fnAttributes["ERROR_CODE"], fnAttributes["RETRY_ATTEMPTS"]], ["NO_PERMISSIONS", "0"]);
    // The body is the event as the bus had it, not the target's input.
    for (const m of dead) {
      const event = JSON.parse(m.Body!) as { id: string; detail: unknown };
      assert.deepEqual([event.id, event.detail], [eventId, { id: 7 }]);
    }
    assert.deepEqual(await receive("shut-dlq"), [], "the rule may not send to this DLQ");
  });

  it("counts dead letters in AWS/Events, read with GetMetricData", async () => {
    const sum = async (MetricName: string): Promise<number> => {
      const out = await cloudwatch.send(
        new GetMetricDataCommand({
          StartTime: new Date(Date.now() - 3_600_000),
          EndTime: new Date(Date.now() + 60_000),
          MetricDataQueries: [
            {
              Id: "m",
              MetricStat: {
                Metric: { Namespace: "AWS/Events", MetricName, Dimensions: [{ Name: "RuleName", Value: "orders" }] },
                Period: 60,
                Stat: "Sum",
              },
            },
          ],
        }),
      );
      return (out.MetricDataResults?.[0]?.Values ?? []).reduce((a, b) => a + b, 0);
    };
    assert.equal(await sum("InvocationAttempts"), 3);
    assert.equal(await sum("Invocations"), 3);
    assert.equal(await sum("InvocationsSentToDlq"), 2);
    assert.equal(await sum("InvocationsFailedToBeSentToDlq"), 1);
    assert.equal(await sum("FailedInvocations"), 1);
    assert.equal(await sum("RetryInvocationAttempts"), 0);
  });
});
