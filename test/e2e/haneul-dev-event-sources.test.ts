/**
 * Event sources in the `haneul dev` loop: a template's queue (an SQS event), schedule (a Schedule
 * event) and topic (an SNS event) run locally as soon as it is deployed; a schedule fires by hand
 * with `haneul dev trigger <LogicalId>`; a wrong logical id is refused naming the ones there are.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { after, before, test } from "node:test";
import { ListTopicsCommand, PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { GetQueueUrlCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { credentialsFile, readCredentialsFile } from "../../src/api/credentials.js";
import { startDev, type RunningDev } from "../helpers/haneul-dev.js";
import { CLI } from "../helpers/paths.js";
import { tempDir, type TempDir } from "../helpers/temp-dir.js";
import { waitUntil } from "../helpers/wait.js";

const run = promisify(execFile);

const TEMPLATE = `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: nodejs20.x
    Handler: index.handler
    CodeUri: fn/
Resources:
  Orders:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: dev-orders
  Alerts:
    Type: AWS::SNS::Topic
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Events:
        FromQueue:
          Type: SQS
          Properties:
            Queue: !GetAtt Orders.Arn
        FromTopic:
          Type: SNS
          Properties:
            Topic: !Ref Alerts
        Nightly:
          Type: Schedule
          Properties:
            Schedule: rate(1 day)
  Api:
    Type: AWS::Serverless::Function
    Properties:
      Events:
        Ping:
          Type: HttpApi
          Properties:
            Path: /ping
            Method: get
Outputs:
  AlertsArn:
    Value: !Ref Alerts
`;

const HANDLER = `exports.handler = async (event) => {
  const kind = event.Records?.[0]?.eventSource ?? event.Records?.[0]?.EventSource ?? event["detail-type"] ?? "http";
  const body = event.Records?.[0]?.body ?? event.Records?.[0]?.Sns?.Message ?? "";
  console.log("event", kind, body);
  return { statusCode: 200, body: "pong" };
};
`;

let app: TempDir;
let dev: RunningDev;
let clients: { sqs: SQSClient; sns: SNSClient };

before(async () => {
  app = tempDir("dev-sources", { inRepo: true });
  writeFileSync(join(app.path, "template.yaml"), TEMPLATE);
  const fn = join(app.path, "fn");
  mkdirSync(fn);
  writeFileSync(join(fn, "index.js"), HANDLER);
  dev = await startDev(app.path, ["--no-watch"]);
  const state = JSON.parse(readFileSync(join(app.path, ".haneul", "dev.json"), "utf8")) as { apiUrl: string };
  const credentials = await readCredentialsFile(credentialsFile(join(app.path, ".haneul")));
  assert.ok(credentials);
  const common = { region: "us-east-1", endpoint: state.apiUrl, credentials };
  clients = { sqs: new SQSClient(common), sns: new SNSClient(common) };
});

after(async () => {
  clients?.sqs.destroy();
  clients?.sns.destroy();
  await dev?.stop();
  await app.remove();
});

const seen = (text: string) =>
  dev.invocations("Worker").some((l) => (l.lines ?? []).some((line) => line.includes(text)));

test("a message sent to the template's queue reaches its function through the SQS event", async () => {
  const { QueueUrl } = await clients.sqs.send(new GetQueueUrlCommand({ QueueName: "dev-orders" }));
  await clients.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "order-17" }));
  await waitUntil(() => seen("event aws:sqs order-17"), `the queue's invocation (${dev.stderr()})`, 30_000);
});

test("a message published to the template's topic reaches its function through the SNS event", async () => {
  const arn = await topicArn();
  await clients.sns.send(new PublishCommand({ TopicArn: arn, Message: "disk full" }));
  await waitUntil(() => seen("event aws:sns disk full"), "the topic's invocation", 30_000);
});

test("haneul dev trigger fires the schedule now; an unknown logical id is refused with the ones there are", async () => {
  const fired = await run(process.execPath, [CLI, "dev", "trigger", "WorkerNightly"], { cwd: app.path });
  assert.equal(fired.stdout.trim(), "WorkerNightly fired");
  await waitUntil(() => seen("event Scheduled Event"), "the scheduled invocation", 30_000);
  const wrong = await run(process.execPath, [CLI, "dev", "trigger", "Nope"], { cwd: app.path }).catch(
    (e: { code: number; stderr: string }) => e,
  );
  assert.equal((wrong as { code: number }).code, 1);
  assert.match(
    (wrong as { stderr: string }).stderr,
    /Nope is not a rule or schedule of the stack \(there are: WorkerNightly\)/,
  );
});

async function topicArn(): Promise<string> {
  const { Topics } = await clients.sns.send(new ListTopicsCommand({}));
  const arn = Topics?.find((t) => t.TopicArn?.includes("Alerts"))?.TopicArn;
  assert.ok(arn, JSON.stringify(Topics));
  return arn;
}
