/**
 * Topics as the platform's targets on a real node (SDK v3, --time-scale 600): a function's
 * dead-letter topic (the event with Lambda's attributes), an OnSuccess destination topic (Lambda's
 * destination record), an EventBridge rule's target topic and a CloudWatch alarm's action topic
 * (refused, and recorded in the alarm's history, while the topic's policy does not allow
 * cloudwatch.amazonaws.com); each topic delivers to a queue, where the test reads what arrived.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  CloudWatchClient,
  DescribeAlarmHistoryCommand,
  PutMetricAlarmCommand,
  SetAlarmStateCommand,
} from "@aws-sdk/client-cloudwatch";
import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from "@aws-sdk/client-eventbridge";
import { CreateFunctionCommand, InvokeCommand, PutFunctionEventInvokeConfigCommand } from "@aws-sdk/client-lambda";
import { CreateTopicCommand, SetTopicAttributesCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient, type Message } from "@aws-sdk/client-sqs";
import { zipSync } from "fflate";
import { NODE_ACCOUNT, NODE_REGION, NODE_ROLE, startLambdaNode, type LambdaNode } from "../helpers/lambda-node.js";
import { createFunctionRole } from "../helpers/iam.js";
import { serviceSendPolicy } from "../helpers/queue-policies.js";
import { HANDLERS } from "../helpers/paths.js";
import { waitFor } from "../helpers/wait.js";

const queueArn = (name: string) => `arn:aws:sqs:${NODE_REGION}:${NODE_ACCOUNT}:${name}`;

describe("topics as targets of Lambda, EventBridge and CloudWatch", () => {
  let node: LambdaNode;
  let sns: SNSClient;
  let sqs: SQSClient;
  const topics: Record<string, string> = {};
  const urls: Record<string, string> = {};
  before(async () => {
    node = await startLambdaNode({ env: { HANEUL_TIME_SCALE: "600" } });
    const config = {
      region: NODE_REGION,
      endpoint: node.url,
      credentials: { accessKeyId: node.accessKeyId, secretAccessKey: node.secretAccessKey },
      maxAttempts: 1,
    };
    sns = new SNSClient(config);
    sqs = new SQSClient(config);
    for (const name of ["dead", "success", "rule", "alarm", "guarded"]) {
      // As on AWS, the topic delivers into the queue only with the queue policy allowing it.
      const Policy = serviceSendPolicy(queueArn(`${name}-q`), `arn:aws:sns:${NODE_REGION}:${NODE_ACCOUNT}:${name}-t`);
      urls[name] = (
        await sqs.send(new CreateQueueCommand({ QueueName: `${name}-q`, Attributes: { Policy } }))
      ).QueueUrl!;
      topics[name] = (await sns.send(new CreateTopicCommand({ Name: `${name}-t` }))).TopicArn!;
      await sns.send(
        new SubscribeCommand({
          TopicArn: topics[name],
          Protocol: "sqs",
          Endpoint: queueArn(`${name}-q`),
          Attributes: { RawMessageDelivery: name === "dead" ? "true" : "false" },
        }),
      );
    }
    // The functions' execution role may send to their DLQ and destinations (Lambda checks it).
    const key = { endpoint: node.url, accessKeyId: node.accessKeyId, secretAccessKey: node.secretAccessKey };
    await createFunctionRole(key, "conformance", {
      actions: ["sqs:SendMessage", "sns:Publish", "lambda:InvokeFunction"],
    });
    const zip = zipSync({ "index.js": readFileSync(join(HANDLERS, "cjs", "index.js")) });
    const create = (name: string, handler: string, dlq?: string) =>
      node.client.send(
        new CreateFunctionCommand({
          FunctionName: name,
          Runtime: "nodejs20.x",
          Role: NODE_ROLE,
          Handler: handler,
          Code: { ZipFile: zip },
          ...(dlq && { DeadLetterConfig: { TargetArn: dlq } }),
        }),
      );
    await create("fails", "index.throwError", topics["dead"]);
    await create("works", "index.handler");
    await node.client.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: "fails", MaximumRetryAttempts: 0 }));
    await node.client.send(
      new PutFunctionEventInvokeConfigCommand({
        FunctionName: "works",
        DestinationConfig: { OnSuccess: { Destination: topics["success"] } },
      }),
    );
  });
  after(async () => {
    sns.destroy();
    sqs.destroy();
    await node.close();
  });

  const receiveOne = async (name: string): Promise<Message> => {
    const until = Date.now() + 20_000;
    while (Date.now() < until) {
      const r = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: urls[name], WaitTimeSeconds: 1, MessageAttributeNames: ["All"] }),
      );
      if (r.Messages?.[0]) return r.Messages[0];
    }
    throw new Error(`nothing arrived in ${name}-q`);
  };
  const invokeEvent = (name: string, payload: unknown) =>
    node.client.send(
      new InvokeCommand({ FunctionName: name, InvocationType: "Event", Payload: Buffer.from(JSON.stringify(payload)) }),
    );

  it("a dead-letter topic gets the failed event with RequestID, ErrorCode and ErrorMessage", async () => {
    await invokeEvent("fails", { n: 1 });
    const m = await receiveOne("dead");
    assert.deepEqual(JSON.parse(m.Body!), { n: 1 });
    assert.equal(typeof m.MessageAttributes?.["RequestID"]?.StringValue, "string");
    assert.equal(m.MessageAttributes?.["ErrorCode"]?.StringValue, "200");
    assert.ok(m.MessageAttributes?.["ErrorMessage"]?.StringValue);
  });

  it("an OnSuccess topic gets Lambda's destination record in SNS's envelope", async () => {
    await invokeEvent("works", { n: 2 });
    const envelope = JSON.parse((await receiveOne("success")).Body!) as { TopicArn: string; Message: string };
    assert.equal(envelope.TopicArn, topics["success"]);
    const record = JSON.parse(envelope.Message) as { requestContext: { condition: string }; requestPayload: unknown };
    assert.equal(record.requestContext.condition, "Success");
    assert.deepEqual(record.requestPayload, { n: 2 });
  });

  it("an EventBridge rule publishes matching events to its target topic", async () => {
    const events = new EventBridgeClient({
      region: NODE_REGION,
      endpoint: node.url,
      credentials: { accessKeyId: node.accessKeyId, secretAccessKey: node.secretAccessKey },
    });
    await events.send(new PutRuleCommand({ Name: "to-topic", EventPattern: JSON.stringify({ source: ["shop"] }) }));
    await events.send(new PutTargetsCommand({ Rule: "to-topic", Targets: [{ Id: "t", Arn: topics["rule"] }] }));
    await events.send(new PutEventsCommand({ Entries: [{ Source: "shop", DetailType: "order", Detail: '{"id":7}' }] }));
    events.destroy();
    const envelope = JSON.parse((await receiveOne("rule")).Body!) as { Message: string };
    const event = JSON.parse(envelope.Message) as { source: string; detail: unknown };
    assert.equal(event.source, "shop");
    assert.deepEqual(event.detail, { id: 7 });
  });

  it("an alarm's action topic gets CloudWatch's alarm message", async () => {
    const cw = new CloudWatchClient({
      region: NODE_REGION,
      endpoint: node.url,
      credentials: { accessKeyId: node.accessKeyId, secretAccessKey: node.secretAccessKey },
    });
    await cw.send(
      new PutMetricAlarmCommand({
        AlarmName: "busy",
        Namespace: "App",
        MetricName: "Load",
        Statistic: "Average",
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: "GreaterThanThreshold",
        AlarmActions: [topics["alarm"]!],
      }),
    );
    await cw.send(new SetAlarmStateCommand({ AlarmName: "busy", StateValue: "ALARM", StateReason: "testing" }));
    cw.destroy();
    const envelope = JSON.parse((await receiveOne("alarm")).Body!) as { Subject: string; Message: string };
    assert.equal(envelope.Subject, `ALARM: "busy" in ${NODE_REGION}`);
    const message = JSON.parse(envelope.Message) as { AlarmName: string; NewStateValue: string };
    assert.equal(message.AlarmName, "busy");
    assert.equal(message.NewStateValue, "ALARM");
  });

  it("a topic whose policy does not allow CloudWatch gets nothing; the alarm's history says why", async () => {
    const cw = new CloudWatchClient({
      region: NODE_REGION,
      endpoint: node.url,
      credentials: { accessKeyId: node.accessKeyId, secretAccessKey: node.secretAccessKey },
    });
    const topic = topics["guarded"]!;
    const alarmArn = `arn:aws:cloudwatch:${NODE_REGION}:${NODE_ACCOUNT}:alarm:guarded`;
    const policy = (statements: object[]) =>
      sns.send(
        new SetTopicAttributesCommand({
          TopicArn: topic,
          AttributeName: "Policy",
          AttributeValue: JSON.stringify({ Version: "2012-10-17", Statement: statements }),
        }),
      );
    const owner = {
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${NODE_ACCOUNT}:root` },
      Action: "SNS:Publish",
      Resource: topic,
    };
    await policy([owner]);
    await cw.send(
      new PutMetricAlarmCommand({
        ...{ AlarmName: "guarded", Namespace: "App", MetricName: "Load", Statistic: "Average", Period: 60 },
        ...{ EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: "GreaterThanThreshold", AlarmActions: [topic] },
      }),
    );
    const actions = async () =>
      (await cw.send(new DescribeAlarmHistoryCommand({ AlarmName: "guarded", HistoryItemType: "Action" })))
        .AlarmHistoryItems ?? [];
    await cw.send(new SetAlarmStateCommand({ AlarmName: "guarded", StateValue: "ALARM", StateReason: "refused" }));
    await waitFor(async () => (await actions()).length === 1, "the action's history entry", 30_000);
    const [refused] = await actions();
    const error = `Resource: ${alarmArn} is not authorized to perform: SNS:Publish on resource: ${topic}`;
    assert.equal(refused!.HistorySummary, `Failed to execute action ${topic}. Received error: "${error}"`);
    assert.deepEqual(JSON.parse(refused!.HistoryData!), { actionState: "Failed", notificationResource: topic, error });
    const nothing = await sqs.send(new ReceiveMessageCommand({ QueueUrl: urls["guarded"], WaitTimeSeconds: 2 }));
    assert.equal(nothing.Messages, undefined, "the refused notification was not delivered");

    // Allowed for this alarm, the next transition to ALARM is delivered.
    const cloudwatch = {
      Effect: "Allow",
      Principal: { Service: "cloudwatch.amazonaws.com" },
      Action: "sns:Publish",
      Resource: topic,
      Condition: { ArnLike: { "aws:SourceArn": alarmArn } },
    };
    await policy([owner, cloudwatch]);
    await cw.send(new SetAlarmStateCommand({ AlarmName: "guarded", StateValue: "OK", StateReason: "calm" }));
    await cw.send(new SetAlarmStateCommand({ AlarmName: "guarded", StateValue: "ALARM", StateReason: "allowed" }));
    cw.destroy();
    const message = JSON.parse((JSON.parse((await receiveOne("guarded")).Body!) as { Message: string }).Message) as {
      NewStateReason: string;
    };
    assert.equal(message.NewStateReason, "allowed");
    await waitFor(async () => (await actions()).length === 2, "the second action's history entry", 30_000);
    assert.equal((await actions())[0]!.HistorySummary, `Successfully executed action ${topic}`);
  });
});
