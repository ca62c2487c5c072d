/**
 * SAM's SNS event with `SqsSubscription: true`, deployed through the CloudFormation API (SDK v3):
 * the deploy creates the queue, the AWS::SQS::QueuePolicy that lets the topic send into it, the
 * subscription and the mapping; a message published to the topic reaches the function through
 * the queue, and deleting the stack takes it all away.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStackResourcesCommand,
  waitUntilStackCreateComplete,
  waitUntilStackDeleteComplete,
} from "@aws-sdk/client-cloudformation";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { startLambdaNode, type LambdaNode } from "../helpers/lambda-node.js";
import { waitUntil } from "../helpers/wait.js";
import { batchesIn } from "../mappings/handler.js";

const TEMPLATE = `Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::SNS::Topic
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
        FromTopic:
          Type: SNS
          Properties:
            Topic: !Ref Orders
            SqsSubscription: true
`;

describe("SAM SNS events with SqsSubscription", () => {
  let node: LambdaNode;
  let sqs: SQSClient;
  let sns: SNSClient;
  let cfn: CloudFormationClient;
  before(async () => {
    node = await startLambdaNode();
    const config = {
      region: "us-east-1",
      endpoint: node.url,
      credentials: { accessKeyId: node.accessKeyId, secretAccessKey: node.secretAccessKey },
      maxAttempts: 1,
    };
    sqs = new SQSClient(config);
    sns = new SNSClient(config);
    cfn = new CloudFormationClient(config);
  });
  after(async () => {
    sqs.destroy();
    sns.destroy();
    cfn.destroy();
    await node.close();
  });

  it("deploys the queue with its policy, delivers through it, and removes it with the stack", async () => {
    await cfn.send(
      new CreateStackCommand({ StackName: "fanned", TemplateBody: TEMPLATE, Capabilities: ["CAPABILITY_IAM"] }),
    );
    await waitUntilStackCreateComplete(
      { client: cfn, maxWaitTime: 60, minDelay: 1, maxDelay: 1 },
      { StackName: "fanned" },
    );
    const resources = (await cfn.send(new DescribeStackResourcesCommand({ StackName: "fanned" }))).StackResources ?? [];
    const byId = (id: string) => resources.find((r) => r.LogicalResourceId === id);
    assert.equal(byId("WorkerFromTopicQueuePolicy")?.ResourceType, "AWS::SQS::QueuePolicy");
    assert.equal(byId("WorkerFromTopicQueuePolicy")?.ResourceStatus, "CREATE_COMPLETE");
    assert.equal(byId("WorkerFromTopicEventSourceMapping")?.ResourceStatus, "CREATE_COMPLETE");
    const queueUrl = byId("WorkerFromTopicQueue")!.PhysicalResourceId!;
    const topicArn = byId("Orders")!.PhysicalResourceId!;
    const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["Policy"] }));
    const policy = JSON.parse(attrs.Attributes!["Policy"]!) as { Statement: { Condition: unknown }[] };
    assert.deepEqual(policy.Statement[0]!.Condition, { ArnEquals: { "aws:SourceArn": topicArn } });

    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: "order-7" }));
    const delivered = () =>
      node.records
        .flatMap((r) => batchesIn(r.lines))
        .flat()
        .map((r) => (JSON.parse(r.body) as { Message: string }).Message);
    await waitUntil(() => delivered().length > 0, "the message delivered through the queue", 20_000);
    assert.deepEqual(delivered(), ["order-7"]);

    await cfn.send(new DeleteStackCommand({ StackName: "fanned" }));
    await waitUntilStackDeleteComplete(
      { client: cfn, maxWaitTime: 60, minDelay: 1, maxDelay: 1 },
      { StackName: "fanned" },
    );
  });
});
