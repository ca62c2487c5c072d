/**
 * SQS queues as EventBridge rule targets on a real node, with the real SDK v3: the whole event to
 * a standard queue whose policy allows events.amazonaws.com for the rule, an InputTransformer's
 * output to a FIFO queue in the target's MessageGroupId, nothing to a queue whose policy does not
 * allow the rule, and PutTargets' checks of SqsParameters.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  EventBridgeClient,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from "@aws-sdk/client-eventbridge";
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient, type Message } from "@aws-sdk/client-sqs";
import { NODE_ACCOUNT, NODE_REGION, startLambdaNode, type LambdaNode } from "../helpers/lambda-node.js";
import { serviceSendPolicy } from "../helpers/queue-policies.js";

const queueArn = (name: string) => `arn:aws:sqs:${NODE_REGION}:${NODE_ACCOUNT}:${name}`;
const ruleArn = (name: string) => `arn:aws:events:${NODE_REGION}:${NODE_ACCOUNT}:rule/${name}`;

describe("SQS queues as EventBridge rule targets", () => {
  let node: LambdaNode;
  let sqs: SQSClient;
  let events: EventBridgeClient;
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
    const queues: [string, Record<string, string>][] = [
      ["orders", { Policy: serviceSendPolicy(queueArn("orders"), ruleArn("to-queues"), "events.amazonaws.com") }],
      [
        "orders.fifo",
        {
          FifoQueue: "true",
          Policy: serviceSendPolicy(queueArn("orders.fifo"), ruleArn("to-queues"), "events.amazonaws.com"),
        },
      ],
      // Its policy allows another rule only: EventBridge may not send to it for this one.
      ["closed", { Policy: serviceSendPolicy(queueArn("closed"), ruleArn("other"), "events.amazonaws.com") }],
    ];
    for (const [name, Attributes] of queues) {
      urls[name] = (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes }))).QueueUrl!;
    }
  });
  after(async () => {
    sqs.destroy();
    events.destroy();
    await node.close();
  });

  const receive = async (name: string, waitSeconds = 10): Promise<Message[]> =>
    (
      await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: urls[name],
          WaitTimeSeconds: waitSeconds,
          MaxNumberOfMessages: 10,
          MessageSystemAttributeNames: ["All"],
        }),
      )
    ).Messages ?? [];

  it("checks SqsParameters: required by a FIFO queue, refused on a standard one", async () => {
    await events.send(new PutRuleCommand({ Name: "checks", EventPattern: JSON.stringify({ source: ["x"] }) }));
    const put = (Targets: NonNullable<ConstructorParameters<typeof PutTargetsCommand>[0]["Targets"]>) =>
      events.send(new PutTargetsCommand({ Rule: "checks", Targets }));
    await assert.rejects(put([{ Id: "f", Arn: queueArn("orders.fifo") }]), {
      name: "ValidationException",
      message: "Parameter(s) SqsParameters must be specified for target: f.",
    });
    await assert.rejects(put([{ Id: "s", Arn: queueArn("orders"), SqsParameters: { MessageGroupId: "g" } }]), {
      name: "ValidationException",
      message: "Parameter(s) SqsParameters not valid for target: s.",
    });
  });

  it("sends matching events to the queues the rule may send to, shaped per target", async () => {
    await events.send(new PutRuleCommand({ Name: "to-queues", EventPattern: JSON.stringify({ source: ["shop"] }) }));
    await events.send(
      new PutTargetsCommand({
        Rule: "to-queues",
        Targets: [
          { Id: "whole", Arn: queueArn("orders") },
          {
            Id: "shaped",
            Arn: queueArn("orders.fifo"),
            SqsParameters: { MessageGroupId: "shop-orders" },
            InputTransformer: { InputPathsMap: { id: "$.detail.id" }, InputTemplate: '{"order": <id>}' },
          },
          { Id: "closed", Arn: queueArn("closed") },
        ],
      }),
    );
    const listed = await events.send(new ListTargetsByRuleCommand({ Rule: "to-queues" }));
    assert.deepEqual(listed.Targets?.find((t) => t.Id === "shaped")?.SqsParameters, { MessageGroupId: "shop-orders" });
    const put = await events.send(
      new PutEventsCommand({
        Entries: [{ Source: "shop", DetailType: "order", Detail: JSON.stringify({ id: 7 }) }],
      }),
    );
    assert.equal(put.FailedEntryCount, 0);
    const eventId = put.Entries?.[0]?.EventId;

    const [whole] = await receive("orders");
    const event = JSON.parse(whole!.Body!) as Record<string, unknown>;
    assert.equal(event["id"], eventId);
    assert.equal(event["source"], "shop");
    assert.equal(event["detail-type"], "order");
    assert.deepEqual(event["detail"], { id: 7 });

    const [shaped] = await receive("orders.fifo");
    assert.deepEqual(JSON.parse(shaped!.Body!), { order: 7 });
    assert.equal(shaped!.Attributes?.["MessageGroupId"], "shop-orders");

    assert.deepEqual(await receive("closed", 1), [], "the queue's policy does not allow this rule");
  });
});
