/**
 * The event source mapping operations through aws-sdk v2 and the AWS CLI v2 (/usr/bin/aws): the
 * same shapes and errors as with SDK v3, and a mapping made by the CLI consumed by aws-sdk v2's
 * SQS client sending to it.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { after, before, describe, it } from "node:test";
import type AwsSdkV2 from "aws-sdk";
import { CreateFunctionCommand } from "@aws-sdk/client-lambda";
import { NODE_ACCOUNT, NODE_REGION, NODE_ROLE, startLambdaNode, type LambdaNode } from "../helpers/lambda-node.js";
import { waitFor } from "../helpers/wait.js";
import { HANDLER_ZIP } from "./handler.js";

const require = createRequire(import.meta.url);
(require("aws-sdk/lib/maintenance_mode_message.js") as { suppress: boolean }).suppress = true;
const AWS = require("aws-sdk") as typeof AwsSdkV2;
const AWS_CLI = "/usr/bin/aws";
const queueArn = (name: string) => `arn:aws:sqs:${NODE_REGION}:${NODE_ACCOUNT}:${name}`;

describe("event source mappings with aws-sdk v2 and the AWS CLI v2", () => {
  let node: LambdaNode;
  let lambda: AwsSdkV2.Lambda;
  let sqs: AwsSdkV2.SQS;
  let env: Record<string, string>;
  before(async () => {
    node = await startLambdaNode();
    const { accessKeyId, secretAccessKey } = await node.client.config.credentials();
    const options = {
      endpoint: node.url,
      region: NODE_REGION,
      credentials: { accessKeyId, secretAccessKey },
      maxRetries: 0,
    };
    lambda = new AWS.Lambda(options);
    sqs = new AWS.SQS(options);
    env = {
      PATH: "/usr/bin:/bin",
      HOME: "/nonexistent",
      AWS_ACCESS_KEY_ID: accessKeyId,
      AWS_SECRET_ACCESS_KEY: secretAccessKey,
      AWS_DEFAULT_REGION: NODE_REGION,
      AWS_CONFIG_FILE: "/dev/null",
      AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
      AWS_MAX_ATTEMPTS: "1",
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_PAGER: "",
    };
    await node.client.send(
      new CreateFunctionCommand({
        FunctionName: "work",
        Runtime: "nodejs20.x",
        Role: NODE_ROLE,
        Handler: "index.handler",
        Timeout: 1,
        Code: { ZipFile: HANDLER_ZIP },
      }),
    );
  });
  after(async () => {
    await node.close();
  });

  const cli = (...args: string[]) =>
    new Promise<{ code: number; out: string; err: string }>((resolve, reject) => {
      const child = spawn(AWS_CLI, ["--endpoint-url", node.url, "lambda", ...args, "--output", "json"], { env });
      let out = "";
      let err = "";
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      child.stderr.on("data", (d: Buffer) => (err += d.toString()));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code: code ?? -1, out, err }));
    });

  it("aws-sdk v2: create, get, update, list, delete, and AWS's errors", async () => {
    await sqs.createQueue({ QueueName: "v2q", Attributes: { VisibilityTimeout: "5" } }).promise();
    const created = await lambda
      .createEventSourceMapping({ FunctionName: "work", EventSourceArn: queueArn("v2q"), BatchSize: 3 })
      .promise();
    assert.equal(created.$response.httpResponse.statusCode, 202);
    assert.equal(created.State, "Creating");
    assert.equal(created.BatchSize, 3);
    assert.ok(created.LastModified instanceof Date);
    const got = await lambda.getEventSourceMapping({ UUID: created.UUID! }).promise();
    assert.equal(got.EventSourceArn, queueArn("v2q"));
    const updated = await lambda.updateEventSourceMapping({ UUID: created.UUID!, Enabled: false }).promise();
    assert.equal(updated.State, "Disabling");
    const listed = await lambda.listEventSourceMappings({ EventSourceArn: queueArn("v2q") }).promise();
    assert.deepEqual(
      listed.EventSourceMappings?.map((m) => m.UUID),
      [created.UUID],
    );
    await assert.rejects(
      lambda.createEventSourceMapping({ FunctionName: "work", EventSourceArn: queueArn("v2q") }).promise(),
      (e: AwsSdkV2.AWSError) => e.code === "ResourceConflictException" && e.statusCode === 409,
    );
    await lambda.deleteEventSourceMapping({ UUID: created.UUID! }).promise();
    await assert.rejects(
      lambda.getEventSourceMapping({ UUID: created.UUID! }).promise(),
      (e: AwsSdkV2.AWSError) =>
        e.code === "ResourceNotFoundException" && e.message === "The resource you requested does not exist.",
    );
  });

  it("AWS CLI v2: a mapping made and listed by the CLI consumes what aws-sdk v2 sends", async () => {
    const url = (await sqs.createQueue({ QueueName: "cliq", Attributes: { VisibilityTimeout: "5" } }).promise())
      .QueueUrl!;
    const made = await cli(
      "create-event-source-mapping",
      "--function-name",
      "work",
      "--event-source-arn",
      queueArn("cliq"),
      "--batch-size",
      "20",
      "--maximum-batching-window-in-seconds",
      "1",
      "--function-response-types",
      "ReportBatchItemFailures",
    );
    assert.equal(made.code, 0, made.err);
    const mapping = JSON.parse(made.out) as { UUID: string; BatchSize: number; State: string };
    assert.equal(mapping.BatchSize, 20);
    assert.equal(mapping.State, "Creating");
    const listed = await cli("list-event-source-mappings", "--function-name", "work");
    assert.equal(listed.code, 0, listed.err);
    assert.ok(
      (JSON.parse(listed.out) as { EventSourceMappings: { UUID: string }[] }).EventSourceMappings.some(
        (m) => m.UUID === mapping.UUID,
      ),
    );
    const bad = await cli("get-event-source-mapping", "--uuid", "00000000-0000-0000-0000-000000000000");
    assert.equal(bad.code, 254);
    assert.match(bad.err, /ResourceNotFoundException.*The resource you requested does not exist\./);
    const tooBig = await cli(
      "create-event-source-mapping",
      "--function-name",
      "work",
      "--event-source-arn",
      queueArn("cliq"),
      "--batch-size",
      "11",
    );
    assert.equal(tooBig.code, 254);
    assert.match(tooBig.err, /InvalidParameterValueException.*Maximum batch window in seconds must be greater than 0/);
    await sqs
      .sendMessageBatch({ QueueUrl: url, Entries: [0, 1, 2].map((i) => ({ Id: String(i), MessageBody: `b${i}` })) })
      .promise();
    await waitFor(async () => {
      const a = (await sqs.getQueueAttributes({ QueueUrl: url, AttributeNames: ["All"] }).promise()).Attributes!;
      return a["ApproximateNumberOfMessages"] === "0" && a["ApproximateNumberOfMessagesNotVisible"] === "0";
    }, "consumed");
    const deleted = await cli("delete-event-source-mapping", "--uuid", mapping.UUID);
    assert.equal(deleted.code, 0, deleted.err);
    assert.equal((JSON.parse(deleted.out) as { State: string }).State, "Deleting");
  });

  it("a Kinesis stream mapping: created by the CLI, read and refused by aws-sdk v2 as by SDK v3", async () => {
    const kinesis = new AWS.Kinesis({
      endpoint: node.url,
      region: NODE_REGION,
      credentials: await node.client.config.credentials(),
      maxRetries: 0,
    });
    await kinesis.createStream({ StreamName: "v2s", ShardCount: 1 }).promise();
    const arn = `arn:aws:kinesis:${NODE_REGION}:${NODE_ACCOUNT}:stream/v2s`;
    const made = await cli(
      "create-event-source-mapping",
      ...["--function-name", "work", "--event-source-arn", arn, "--starting-position", "AT_TIMESTAMP"],
      ...["--starting-position-timestamp", "2026-01-02T03:04:05Z", "--maximum-record-age-in-seconds", "3600"],
    );
    assert.equal(made.code, 0, made.err);
    const uuid = (JSON.parse(made.out) as { UUID: string }).UUID;
    const got = await lambda.getEventSourceMapping({ UUID: uuid }).promise();
    assert.equal(got.StartingPosition, "AT_TIMESTAMP");
    assert.equal(got.StartingPositionTimestamp?.toISOString(), "2026-01-02T03:04:05.000Z");
    assert.equal(got.MaximumRecordAgeInSeconds, 3600);
    assert.equal(got.BatchSize, 100);
    await assert.rejects(
      lambda
        .createEventSourceMapping({
          FunctionName: "work",
          EventSourceArn: arn,
          StartingPosition: "LATEST",
          TumblingWindowInSeconds: 901,
        })
        .promise(),
      (e: Error & { code?: string }) => e.code === "ValidationException" && /tumblingWindowInSeconds/.test(e.message),
    );
    const refused = await cli("create-event-source-mapping", "--function-name", "work", "--event-source-arn", arn);
    assert.notEqual(refused.code, 0);
    assert.match(refused.err, /InvalidParameterValueException.*StartingPosition/);
    const deleted = await cli("delete-event-source-mapping", "--uuid", uuid);
    assert.equal(deleted.code, 0, deleted.err);
  });
});
