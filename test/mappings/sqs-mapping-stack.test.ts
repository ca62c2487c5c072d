/**
 * SAM functions with an `SQS` event and a `Kinesis` event deployed through the CloudFormation API
 * (SDK v3) on a real node: the deploy creates the AWS::Lambda::EventSourceMapping, the queue's
 * messages (the stream's records) reach the function, an update changes the stream mapping, and
 * deleting the stack deletes the mapping.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStackResourcesCommand,
  UpdateStackCommand,
  waitUntilStackUpdateComplete,
  waitUntilStackCreateComplete,
  waitUntilStackDeleteComplete,
} from "@aws-sdk/client-cloudformation";
import { KinesisClient, PutRecordCommand } from "@aws-sdk/client-kinesis";
import { ListEventSourceMappingsCommand } from "@aws-sdk/client-lambda";
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { NODE_ACCOUNT, NODE_REGION, startLambdaNode, type LambdaNode } from "../helpers/lambda-node.js";
import { waitFor, waitUntil } from "../helpers/wait.js";
import { batchesIn } from "./handler.js";

const QUEUE_ARN = `arn:aws:sqs:${NODE_REGION}:${NODE_ACCOUNT}:stacked`;
const TEMPLATE = `Transform: AWS::Serverless-2016-10-31
Resources:
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      Timeout: 1
      InlineCode: |
        exports.handler = async (event) => {
          console.log("BATCH " + JSON.stringify(event.Records.map((r) => ({ body: r.body, arn: r.eventSourceARN }))));
          return {};
        };
      Events:
        Queue:
          Type: SQS
          Properties:
            Queue: ${QUEUE_ARN}
            BatchSize: 5
            FunctionResponseTypes: [ReportBatchItemFailures]
`;

const STREAM_ARN = `arn:aws:kinesis:${NODE_REGION}:${NODE_ACCOUNT}:stream/stacked-clicks`;
const streamTemplate = (batchSize: number, window = 0) => `Transform: AWS::Serverless-2016-10-31
Resources:
  Clicks:
    Type: AWS::Kinesis::Stream
    Properties:
      Name: stacked-clicks
      ShardCount: 1
  Reader:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      InlineCode: |
        exports.handler = async (event) => {
          console.log("KBATCH " + JSON.stringify(event.Records.map((r) => Buffer.from(r.kinesis.data, "base64").toString())));
        };
      Events:
        Stream:
          Type: Kinesis
          Properties:
            Stream: !GetAtt Clicks.Arn
            StartingPosition: TRIM_HORIZON
            BatchSize: ${batchSize}
            MaximumRetryAttempts: 2
            TumblingWindowInSeconds: ${window}
`;

describe("SAM SQS and Kinesis events deployed as event source mappings", () => {
  let node: LambdaNode;
  let sqs: SQSClient;
  let cfn: CloudFormationClient;
  before(async () => {
    node = await startLambdaNode();
    const config = {
      region: NODE_REGION,
      endpoint: node.url,
      credentials: { accessKeyId: node.accessKeyId, secretAccessKey: node.secretAccessKey },
      maxAttempts: 1,
    };
    sqs = new SQSClient(config);
    cfn = new CloudFormationClient(config);
  });
  after(async () => {
    sqs.destroy();
    cfn.destroy();
    await node.close();
  });

  it("creates the mapping, delivers the queue's messages, and removes the mapping with the stack", async () => {
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: "stacked" }))).QueueUrl!;
    await cfn.send(
      new CreateStackCommand({ StackName: "queued", TemplateBody: TEMPLATE, Capabilities: ["CAPABILITY_IAM"] }),
    );
    await waitUntilStackCreateComplete(
      { client: cfn, maxWaitTime: 60, minDelay: 1, maxDelay: 1 },
      { StackName: "queued" },
    );
    const resources = (await cfn.send(new DescribeStackResourcesCommand({ StackName: "queued" }))).StackResources ?? [];
    const mapping = resources.find((r) => r.ResourceType === "AWS::Lambda::EventSourceMapping");
    assert.equal(mapping?.ResourceStatus, "CREATE_COMPLETE");
    const listed = await node.client.send(new ListEventSourceMappingsCommand({ EventSourceArn: QUEUE_ARN }));
    assert.equal(listed.EventSourceMappings?.length, 1);
    const m = listed.EventSourceMappings[0]!;
    assert.equal(m.UUID, mapping?.PhysicalResourceId);
    assert.equal(m.BatchSize, 5);
    assert.deepEqual(m.FunctionResponseTypes, ["ReportBatchItemFailures"]);
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "from the stack" }));
    await waitFor(async () => {
      const a = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["All"] }));
      return (
        a.Attributes?.["ApproximateNumberOfMessages"] === "0" &&
        a.Attributes["ApproximateNumberOfMessagesNotVisible"] === "0"
      );
    }, "the message consumed");
    const bodies = node.records
      .flatMap((r) => batchesIn(r.lines))
      .flat()
      .map((r) => r.body);
    assert.deepEqual(bodies, ["from the stack"]);
    await cfn.send(new DeleteStackCommand({ StackName: "queued" }));
    await waitUntilStackDeleteComplete(
      { client: cfn, maxWaitTime: 60, minDelay: 1, maxDelay: 1 },
      { StackName: "queued" },
    );
    const after = await node.client.send(new ListEventSourceMappingsCommand({ EventSourceArn: QUEUE_ARN }));
    assert.deepEqual(after.EventSourceMappings, []);
  });

  it("a Kinesis event: the stream's records reach the function; an update changes the mapping", async () => {
    const kinesis = new KinesisClient({
      region: NODE_REGION,
      endpoint: node.url,
      credentials: { accessKeyId: node.accessKeyId, secretAccessKey: node.secretAccessKey },
    });
    const wait = { client: cfn, maxWaitTime: 60, minDelay: 1, maxDelay: 1 };
    try {
      await cfn.send(
        new CreateStackCommand({
          StackName: "streamed",
          TemplateBody: streamTemplate(3),
          Capabilities: ["CAPABILITY_IAM"],
        }),
      );
      await waitUntilStackCreateComplete(wait, { StackName: "streamed" });
      const mappings = async () =>
        (await node.client.send(new ListEventSourceMappingsCommand({ EventSourceArn: STREAM_ARN })))
          .EventSourceMappings ?? [];
      const [m] = await mappings();
      assert.equal(m?.BatchSize, 3);
      assert.equal(m?.StartingPosition, "TRIM_HORIZON");
      assert.equal(m?.MaximumRetryAttempts, 2);
      assert.equal(m?.TumblingWindowInSeconds, 0);
      for (const d of ["one", "two"]) {
        await kinesis.send(
          new PutRecordCommand({ StreamName: "stacked-clicks", PartitionKey: "k", Data: Buffer.from(d) }),
        );
      }
      const delivered = () =>
        node.records.flatMap((r) =>
          r.lines.filter((l) => l.includes("KBATCH ")).map((l) => l.slice(l.indexOf("KBATCH ") + 7)),
        );
      await waitUntil(() => delivered().join().includes("two"), "the stream's records delivered");
      assert.deepEqual(
        delivered().flatMap((l) => JSON.parse(l) as string[]),
        ["one", "two"],
      );

      await cfn.send(
        new UpdateStackCommand({
          StackName: "streamed",
          TemplateBody: streamTemplate(7, 30),
          Capabilities: ["CAPABILITY_IAM"],
        }),
      );
      await waitUntilStackUpdateComplete(wait, { StackName: "streamed" });
      const [updated] = await mappings();
      assert.equal(updated?.UUID, m?.UUID, "updated in place");
      assert.equal(updated?.BatchSize, 7);
      assert.equal(updated?.TumblingWindowInSeconds, 30);
      await cfn.send(new DeleteStackCommand({ StackName: "streamed" }));
      await waitUntilStackDeleteComplete(wait, { StackName: "streamed" });
      assert.deepEqual(await mappings(), []);
    } finally {
      kinesis.destroy();
    }
  });
});
