/**
 * Recursive loop detection on a real node with real functions that feed themselves: through a
 * queue and its event source mapping (SDK v3 inside the function) and through a topic (aws-sdk v2
 * inside the function). With RecursiveLoop Terminate (the default) the chain stops after 16
 * invocations: the queue's message goes to the queue's DLQ, the topic's event to the function's
 * DLQ; RecursiveInvocationsDropped is counted and the function's log says so. With Allow the loop
 * runs on. Put/GetFunctionRecursionConfig with AWS's shapes and errors (SDK v3 and aws-sdk v2).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { CloudWatchClient, GetMetricStatisticsCommand } from "@aws-sdk/client-cloudwatch";
import { CloudWatchLogsClient, FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import {
  AddPermissionCommand,
  CreateEventSourceMappingCommand,
  CreateFunctionCommand,
  GetFunctionRecursionConfigCommand,
  PutFunctionRecursionConfigCommand,
} from "@aws-sdk/client-lambda";
import { CreateTopicCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  type Message,
} from "@aws-sdk/client-sqs";
import AWS from "aws-sdk";
import { zipSync } from "fflate";
import { createFunctionRole } from "../helpers/iam.js";
import { NODE_ACCOUNT, NODE_REGION, functionArn, startLambdaNode, type LambdaNode } from "../helpers/lambda-node.js";
import { HANDLERS } from "../helpers/paths.js";
import { sdkError } from "../helpers/sdk-error.js";
import { waitFor } from "../helpers/wait.js";

const queueArn = (name: string) => `arn:aws:sqs:${NODE_REGION}:${NODE_ACCOUNT}:${name}`;
const ZIP = zipSync({ "index.js": readFileSync(join(HANDLERS, "loop", "index.js")) });

describe("recursive loop detection", () => {
  let node: LambdaNode;
  let sqs: SQSClient;
  let sns: SNSClient;
  let cw: CloudWatchClient;
  let logs: CloudWatchLogsClient;
  let role: string;
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
    sns = new SNSClient(config);
    cw = new CloudWatchClient(config);
    logs = new CloudWatchLogsClient(config);
    const key = { endpoint: node.url, accessKeyId: node.accessKeyId, secretAccessKey: node.secretAccessKey };
    role = await createFunctionRole(key, "loop", { actions: ["sqs:*", "sns:*"] });
    for (const name of ["dlq", "tally-q", "tally-t", "tally-a", "fn-dlq", "allow"]) {
      urls[name] = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
    }
    const redrive = JSON.stringify({ deadLetterTargetArn: queueArn("dlq"), maxReceiveCount: 1 });
    urls["loop"] = (
      await sqs.send(
        new CreateQueueCommand({ QueueName: "loop", Attributes: { VisibilityTimeout: "10", RedrivePolicy: redrive } }),
      )
    ).QueueUrl!;
  });
  after(async () => {
    for (const c of [sqs, sns, cw, logs]) c.destroy();
    await node.close();
  });

  const create = (name: string, handler: string, env: Record<string, string>, dlq?: string) =>
    node.client.send(
      new CreateFunctionCommand({
        FunctionName: name,
        Runtime: "nodejs20.x",
        Role: role,
        Handler: handler,
        Code: { ZipFile: ZIP },
        Timeout: 10,
        Environment: { Variables: env },
        ...(dlq && { DeadLetterConfig: { TargetArn: dlq } }),
      }),
    );
  const countIn = async (queue: string): Promise<number> => {
    const a = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: urls[queue], AttributeNames: ["ApproximateNumberOfMessages"] }),
    );
    return Number(a.Attributes?.["ApproximateNumberOfMessages"]);
  };
  const receiveOne = async (queue: string): Promise<Message> => {
    let got: Message | undefined;
    await waitFor(
      async () => {
        const out = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: urls[queue], WaitTimeSeconds: 1, MessageAttributeNames: ["All"] }),
        );
        got = out.Messages?.[0];
        return got !== undefined;
      },
      `a message in ${queue}`,
      60_000,
    );
    return got!;
  };
  const metricSum = async (fn: string): Promise<number> => {
    const out = await cw.send(
      new GetMetricStatisticsCommand({
        Namespace: "AWS/Lambda",
        MetricName: "RecursiveInvocationsDropped",
        Dimensions: [{ Name: "FunctionName", Value: fn }],
        StartTime: new Date(Date.now() - 3_600_000),
        EndTime: new Date(Date.now() + 60_000),
        Period: 3600,
        Statistics: ["Sum"],
      }),
    );
    return out.Datapoints?.reduce((s, d) => s + (d.Sum ?? 0), 0) ?? 0;
  };
  const logSays = async (fn: string): Promise<boolean> => {
    const out = await logs.send(
      new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${fn}`, filterPattern: "RecursiveInvocationException" }),
    );
    return (out.events ?? []).length > 0;
  };

  it("Put/GetFunctionRecursionConfig answer as Lambda does (SDK v3 and aws-sdk v2)", async () => {
    await create("settings", "index.viaQueue", {});
    const get = () => node.client.send(new GetFunctionRecursionConfigCommand({ FunctionName: "settings" }));
    assert.equal((await get()).RecursiveLoop, "Terminate");
    const put = await node.client.send(
      new PutFunctionRecursionConfigCommand({ FunctionName: "settings", RecursiveLoop: "Allow" }),
    );
    assert.equal(put.RecursiveLoop, "Allow");
    assert.equal((await get()).RecursiveLoop, "Allow");
    const v2 = new AWS.Lambda({
      region: NODE_REGION,
      endpoint: node.url,
      credentials: new AWS.Credentials(node.accessKeyId, node.secretAccessKey),
      maxRetries: 0,
    });
    await v2
      .putFunctionRecursionConfig({ FunctionName: functionArn("settings"), RecursiveLoop: "Terminate" })
      .promise();
    assert.equal(
      (await v2.getFunctionRecursionConfig({ FunctionName: "settings" }).promise()).RecursiveLoop,
      "Terminate",
    );
    await assert.rejects(
      node.client.send(
        new PutFunctionRecursionConfigCommand({ FunctionName: "settings", RecursiveLoop: "Sometimes" as "Allow" }),
      ),
      sdkError("ValidationException", 400, /recursiveLoop/),
    );
    await assert.rejects(
      node.client.send(new PutFunctionRecursionConfigCommand({ FunctionName: "settings:1", RecursiveLoop: "Allow" })),
      sdkError("InvalidParameterValueException", 400),
    );
    await assert.rejects(
      node.client.send(new GetFunctionRecursionConfigCommand({ FunctionName: "nope" })),
      sdkError("ResourceNotFoundException", 404),
    );
  });

  it("stops a function → queue → function loop after 16 invocations; the message goes to the queue's DLQ", async () => {
    await create("queue-loop", "index.viaQueue", { QUEUE_URL: urls["loop"]!, TALLY_URL: urls["tally-q"]! });
    await node.client.send(
      new CreateEventSourceMappingCommand({
        FunctionName: "queue-loop",
        EventSourceArn: queueArn("loop"),
        BatchSize: 1,
      }),
    );
    await sqs.send(new SendMessageCommand({ QueueUrl: urls["loop"], MessageBody: JSON.stringify({ n: 0 }) }));
    const dead = await receiveOne("dlq");
    assert.deepEqual(JSON.parse(dead.Body!), { n: 16 });
    assert.equal(await countIn("tally-q"), 16);
    await waitFor(async () => (await metricSum("queue-loop")) === 1, "RecursiveInvocationsDropped of queue-loop");
    await waitFor(() => logSays("queue-loop"), "the function's log line");
  });

  it("stops a function → topic → function loop after 16 invocations; the event goes to the function's DLQ", async () => {
    const topic = (await sns.send(new CreateTopicCommand({ Name: "loop-t" }))).TopicArn!;
    await create("topic-loop", "index.viaTopic", { TOPIC_ARN: topic, TALLY_URL: urls["tally-t"]! }, queueArn("fn-dlq"));
    await node.client.send(
      new AddPermissionCommand({
        ...{ FunctionName: "topic-loop", StatementId: "sns", Action: "lambda:InvokeFunction" },
        ...{ Principal: "sns.amazonaws.com", SourceArn: topic },
      }),
    );
    await sns.send(new SubscribeCommand({ TopicArn: topic, Protocol: "lambda", Endpoint: functionArn("topic-loop") }));
    const v2 = new AWS.SNS({
      region: NODE_REGION,
      endpoint: node.url,
      credentials: new AWS.Credentials(node.accessKeyId, node.secretAccessKey),
      maxRetries: 0,
    });
    await v2.publish({ TopicArn: topic, Message: JSON.stringify({ n: 0 }) }).promise();
    const dead = await receiveOne("fn-dlq");
    const event = JSON.parse(dead.Body!) as { Records: { Sns: { Message: string } }[] };
    assert.deepEqual(JSON.parse(event.Records[0]!.Sns.Message), { n: 16 });
    assert.match(dead.MessageAttributes?.["ErrorMessage"]?.StringValue ?? "", /recursive loop/);
    assert.equal(await countIn("tally-t"), 16);
    await waitFor(async () => (await metricSum("topic-loop")) === 1, "RecursiveInvocationsDropped of topic-loop");
  });

  it("lets the loop run on when the function's RecursiveLoop is Allow", async () => {
    await create("queue-allow", "index.viaQueue", {
      QUEUE_URL: urls["allow"]!,
      TALLY_URL: urls["tally-a"]!,
      LIMIT: "20",
    });
    await node.client.send(
      new PutFunctionRecursionConfigCommand({ FunctionName: "queue-allow", RecursiveLoop: "Allow" }),
    );
    await node.client.send(
      new CreateEventSourceMappingCommand({
        FunctionName: "queue-allow",
        EventSourceArn: queueArn("allow"),
        BatchSize: 1,
      }),
    );
    await sqs.send(new SendMessageCommand({ QueueUrl: urls["allow"], MessageBody: JSON.stringify({ n: 0 }) }));
    await waitFor(async () => (await countIn("tally-a")) === 20, "20 invocations", 60_000);
    assert.equal(await metricSum("queue-allow"), 0);
  });
});
