/**
 * Dead-letter queues and destinations of asynchronous invocations on a real node (SDK v3 as the
 * client, --time-scale 600 so that retries take milliseconds): the DLQ gets the original event with
 * Lambda's attributes, OnFailure / OnSuccess get Lambda's destination record in a queue or as a
 * function's event; event buses and S3 are refused until haneul delivers to them (topics: test/topics).
 * Every send is checked against the function's execution role: a role that may not send gets
 * nothing delivered, and DeadLetterErrors / DestinationDeliveryFailures count it.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  CreateFunctionCommand,
  InvokeCommand,
  PutFunctionEventInvokeConfigCommand,
  UpdateFunctionConfigurationCommand,
} from "@aws-sdk/client-lambda";
import { CloudWatchClient, GetMetricStatisticsCommand } from "@aws-sdk/client-cloudwatch";
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { zipSync } from "fflate";
import {
  functionArn,
  NODE_ACCOUNT,
  NODE_REGION,
  NODE_ROLE,
  startLambdaNode,
  type LambdaNode,
} from "../helpers/lambda-node.js";
import { createFunctionRole } from "../helpers/iam.js";
import { HANDLERS } from "../helpers/paths.js";
import { waitFor } from "../helpers/wait.js";

/** Lambda's destination record, as far as these tests read it. */
interface DestinationRecord {
  readonly version: string;
  readonly timestamp: string;
  readonly requestContext: { requestId: string; condition: string };
  readonly requestPayload: unknown;
  readonly responseContext: unknown;
  readonly responsePayload: { errorMessage?: string } & Record<string, unknown>;
}

const queueArn = (name: string) => `arn:aws:sqs:${NODE_REGION}:${NODE_ACCOUNT}:${name}`;

describe("async DLQ and destinations (real node)", () => {
  let node: LambdaNode;
  let sqs: SQSClient;
  let cw: CloudWatchClient;
  let mutedRole: string;
  const urls: Record<string, string> = {};
  before(async () => {
    node = await startLambdaNode({ env: { HANEUL_TIME_SCALE: "600" } });
    sqs = new SQSClient({
      region: NODE_REGION,
      endpoint: node.url,
      credentials: { accessKeyId: node.accessKeyId, secretAccessKey: node.secretAccessKey },
    });
    cw = new CloudWatchClient({
      region: NODE_REGION,
      endpoint: node.url,
      credentials: { accessKeyId: node.accessKeyId, secretAccessKey: node.secretAccessKey },
    });
    // NODE_ROLE may send to every DLQ and destination; "muted" may only write logs.
    const key = { endpoint: node.url, accessKeyId: node.accessKeyId, secretAccessKey: node.secretAccessKey };
    await createFunctionRole(key, "conformance", { actions: ["sqs:SendMessage", "lambda:InvokeFunction"] });
    mutedRole = await createFunctionRole(key, "muted", { actions: ["logs:*"] });
    for (const q of ["dlq", "failures", "successes", "muted-dlq", "muted-failures"]) {
      urls[q] = (await sqs.send(new CreateQueueCommand({ QueueName: q }))).QueueUrl!;
    }
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
    await create("sink", "index.handler");
    await create("bad", "index.throwError", queueArn("dlq"));
    await create("good", "index.handler");
    await node.client.send(
      new PutFunctionEventInvokeConfigCommand({
        FunctionName: "bad",
        MaximumRetryAttempts: 1,
        DestinationConfig: { OnFailure: { Destination: queueArn("failures") } },
      }),
    );
    await node.client.send(
      new PutFunctionEventInvokeConfigCommand({
        FunctionName: "good",
        DestinationConfig: {
          OnSuccess: { Destination: queueArn("successes") },
          OnFailure: { Destination: functionArn("sink") },
        },
      }),
    );
  });
  after(async () => {
    sqs.destroy();
    cw.destroy();
    await node.close();
  });

  const receive = async (queue: string) => {
    const out = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: urls[queue], WaitTimeSeconds: 10, MessageAttributeNames: ["All"] }),
    );
    assert.ok(out.Messages?.[0], `a message in ${queue}`);
    return out.Messages[0];
  };
  const invokeEvent = async (name: string, payload: unknown) =>
    (
      await node.client.send(
        new InvokeCommand({ FunctionName: name, InvocationType: "Event", Payload: JSON.stringify(payload) }),
      )
    ).$metadata.requestId!;

  it("a failing event goes to its DLQ with RequestID, ErrorCode, ErrorMessage and to OnFailure with the record", async () => {
    const requestId = await invokeEvent("bad", { order: 7 });
    const dead = await receive("dlq");
    assert.equal(dead.Body, '{"order":7}');
    assert.deepEqual(dead.MessageAttributes, {
      RequestID: { DataType: "String", StringValue: requestId },
      ErrorCode: { DataType: "Number", StringValue: "200" },
      ErrorMessage: { DataType: "String", StringValue: "boom" },
    });
    const record = JSON.parse((await receive("failures")).Body!) as DestinationRecord;
    assert.equal(record["version"], "1.0");
    assert.match(record["timestamp"], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.deepEqual(record["requestContext"], {
      requestId,
      functionArn: functionArn("bad", "$LATEST"),
      condition: "RetriesExhausted",
      approximateInvokeCount: 2,
    });
    assert.deepEqual(record["requestPayload"], { order: 7 });
    assert.deepEqual(record["responseContext"], {
      statusCode: 200,
      executedVersion: "$LATEST",
      functionError: "Unhandled",
    });
    assert.equal(record.responsePayload.errorMessage, "boom");
    assert.equal(node.records.filter((r) => r.requestId === requestId).length, 2, "one retry");
  });

  it("a successful event's record goes to OnSuccess", async () => {
    const requestId = await invokeEvent("good", { hi: 1 });
    const record = JSON.parse((await receive("successes")).Body!) as DestinationRecord;
    assert.equal(record.requestContext.requestId, requestId);
    assert.equal(record.requestContext.condition, "Success");
    assert.deepEqual(record["responseContext"], { statusCode: 200, executedVersion: "$LATEST" });
    assert.deepEqual(record["responsePayload"], { echo: { hi: 1 } });
  });

  it("OnFailure to a function runs it asynchronously with the record", async () => {
    await node.client.send(
      new UpdateFunctionConfigurationCommand({ FunctionName: "good", Handler: "index.throwError" }),
    );
    await new Promise((r) => setTimeout(r, 200));
    await node.client.send(
      new PutFunctionEventInvokeConfigCommand({
        FunctionName: "good",
        MaximumRetryAttempts: 0,
        DestinationConfig: { OnFailure: { Destination: functionArn("sink") } },
      }),
    );
    await invokeEvent("good", { n: 2 });
    const sink = await node.recordWhere((r) => r.functionName === "sink", "the sink's invocation", 15_000);
    assert.equal(sink.outcome, "ok");
  });

  it("a role that may not send gets nothing delivered: DeadLetterErrors and DestinationDeliveryFailures count it", async () => {
    await node.client.send(
      new CreateFunctionCommand({
        FunctionName: "muted",
        Runtime: "nodejs20.x",
        Role: mutedRole,
        Handler: "index.throwError",
        Code: { ZipFile: zipSync({ "index.js": readFileSync(join(HANDLERS, "cjs", "index.js")) }) },
        DeadLetterConfig: { TargetArn: queueArn("muted-dlq") },
      }),
    );
    await node.client.send(
      new PutFunctionEventInvokeConfigCommand({
        FunctionName: "muted",
        MaximumRetryAttempts: 0,
        DestinationConfig: { OnFailure: { Destination: queueArn("muted-failures") } },
      }),
    );
    const requestId = await invokeEvent("muted", { n: 3 });
    await node.recordOf(requestId, 15_000);
    const sum = async (metric: string): Promise<number> => {
      const out = await cw.send(
        new GetMetricStatisticsCommand({
          Namespace: "AWS/Lambda",
          MetricName: metric,
          Dimensions: [{ Name: "FunctionName", Value: "muted" }],
          // The node's clock runs 600 times faster: its data points lie days ahead of the wall clock.
          StartTime: new Date(Date.now() - 86_400_000),
          EndTime: new Date(Date.now() + 30 * 86_400_000),
          Period: 86_400,
          Statistics: ["Sum"],
        }),
      );
      return out.Datapoints?.reduce((s, d) => s + (d.Sum ?? 0), 0) ?? 0;
    };
    await waitFor(async () => (await sum("DeadLetterErrors")) === 1, "DeadLetterErrors counted", 15_000);
    assert.equal(await sum("DestinationDeliveryFailures"), 1);
    assert.equal(await sum("AsyncEventsDropped"), 1, "the event is dropped");
    for (const q of ["muted-dlq", "muted-failures"]) {
      const attrs = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: urls[q], AttributeNames: ["ApproximateNumberOfMessages"] }),
      );
      assert.equal(attrs.Attributes?.["ApproximateNumberOfMessages"], "0", `nothing in ${q}`);
    }
  });

  it("refuses event bus and S3 destinations with AWS's error", async () => {
    for (const arn of [`arn:aws:events:${NODE_REGION}:${NODE_ACCOUNT}:event-bus/default`, `arn:aws:s3:::bucket`]) {
      await assert.rejects(
        node.client.send(
          new PutFunctionEventInvokeConfigCommand({
            FunctionName: "sink",
            DestinationConfig: { OnFailure: { Destination: arn } },
          }),
        ),
        (e: Error) => e.name === "InvalidParameterValueException" && /destination config/.test(e.message),
      );
    }
  });
});
