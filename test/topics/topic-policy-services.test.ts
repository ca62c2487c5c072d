/**
 * A topic's Policy decides whether EventBridge may publish to it for a rule, as on AWS: a policy
 * that does not allow `events.amazonaws.com` drops the rule's event (PutEvents still succeeds),
 * one that allows it for the rule's ARN lets it through. SDK v3 against a real node.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from "@aws-sdk/client-eventbridge";
import { CreateTopicCommand, SetTopicAttributesCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { NODE_ACCOUNT, NODE_REGION, startLambdaNode, type LambdaNode } from "../helpers/lambda-node.js";
import { waitFor } from "../helpers/wait.js";

const statement = (principal: string, condition?: object) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: principal },
        Action: "sns:Publish",
        Resource: "*",
        Condition: condition,
      },
    ],
  });

describe("topic policies for EventBridge rule targets", () => {
  let node: LambdaNode;
  let sqs: SQSClient;
  let sns: SNSClient;
  let events: EventBridgeClient;
  before(async () => {
    node = await startLambdaNode();
    const config = {
      region: NODE_REGION,
      endpoint: node.url,
      credentials: { accessKeyId: node.accessKeyId, secretAccessKey: node.secretAccessKey },
      maxAttempts: 1,
    };
    sqs = new SQSClient(config);
    sns = new SNSClient(config);
    events = new EventBridgeClient(config);
  });
  after(async () => {
    sqs.destroy();
    sns.destroy();
    events.destroy();
    await node.close();
  });

  it("drops the rule's events the topic policy does not allow, delivers those it allows", async () => {
    const queueArn = `arn:aws:sqs:${NODE_REGION}:${NODE_ACCOUNT}:guarded-sink`;
    const queuePolicy = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Principal: { Service: "sns.amazonaws.com" }, Action: "sqs:SendMessage", Resource: queueArn },
      ],
    });
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({ QueueName: "guarded-sink", Attributes: { Policy: queuePolicy } }),
    );
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "guarded" }));
    await sns.send(
      new SubscribeCommand({
        TopicArn,
        Protocol: "sqs",
        Endpoint: queueArn,
        Attributes: { RawMessageDelivery: "true" },
      }),
    );
    const { RuleArn } = await events.send(
      new PutRuleCommand({ Name: "to-guarded", EventPattern: JSON.stringify({ source: ["shop"] }) }),
    );
    const put = (n: string) =>
      events
        .send(
          new PutTargetsCommand({
            Rule: "to-guarded",
            Targets: [{ Id: "t", Arn: TopicArn, Input: JSON.stringify(n) }],
          }),
        )
        .then(() =>
          events.send(new PutEventsCommand({ Entries: [{ Source: "shop", DetailType: "order", Detail: "{}" }] })),
        );

    const setPolicy = (Policy: string) =>
      sns.send(new SetTopicAttributesCommand({ TopicArn, AttributeName: "Policy", AttributeValue: Policy }));
    await setPolicy(statement("s3.amazonaws.com"));
    assert.equal((await put("refused-service")).FailedEntryCount, 0, "PutEvents succeeds all the same");
    await setPolicy(statement("events.amazonaws.com", { ArnEquals: { "aws:SourceArn": `${RuleArn}-other` } }));
    await put("refused-source");
    await setPolicy(statement("events.amazonaws.com", { ArnEquals: { "aws:SourceArn": RuleArn } }));
    await put("allowed");

    const got: string[] = [];
    await waitFor(
      async () => {
        const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
        got.push(...(r.Messages ?? []).map((m) => m.Body!));
        return got.length > 0;
      },
      "the allowed event delivered",
      30_000,
    );
    assert.deepEqual(got, ['"allowed"'], "the events the policy refused were dropped");
  });
});
