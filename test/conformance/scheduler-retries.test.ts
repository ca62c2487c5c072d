/**
 * Scheduler's RetryPolicy and DeadLetterConfig on a real `haneul server` (--time-scale 60: a
 * minute passes in a second) through the real SDK v3 and the AWS CLI v2: the ranges refused with
 * Scheduler's ValidationException, GetSchedule's policy with AWS's defaults filled in, and an
 * attack: a schedule whose role may not lambda:InvokeFunction never runs the function; its
 * retries run out and the input reaches the DLQ (sent as the role) with Scheduler's message
 * attributes, while the same schedule with a role that may invoke runs it. Also on PostgreSQL
 * (./postgres/).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { CreateFunctionCommand, PutFunctionEventInvokeConfigCommand } from "@aws-sdk/client-lambda";
import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  SchedulerClient,
  type Target,
} from "@aws-sdk/client-scheduler";
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient, type Message } from "@aws-sdk/client-sqs";
import { zipSync } from "fflate";
import { awsCli } from "../helpers/apigw-stack.js";
import { createFunctionRole } from "../helpers/iam.js";
import { HANDLERS } from "../helpers/paths.js";
import { createTestDatabase } from "../helpers/postgres.js";
import { SERVER_ACCOUNT, SERVER_KEY, SERVER_REGION, startServerNode, type ServerNode } from "../helpers/server-node.js";
import { waitFor } from "../helpers/wait.js";

const arn = (service: string, resource: string) => `arn:aws:${service}:${SERVER_REGION}:${SERVER_ACCOUNT}:${resource}`;
const FN = arn("lambda", "function:ticked");

let node: ServerNode;
let scheduler: SchedulerClient;
let sqs: SQSClient;
/** May invoke functions and send to queues. */
let role: string;
/** May send to queues (the DLQ) but not invoke functions. */
let noInvoke: string;
const urls: Record<string, string> = {};

before(async () => {
  const store = process.env["HANEUL_TEST_NODE_STORE"] === "postgres" ? ["--store", await createTestDatabase()] : [];
  node = await startServerNode({ args: ["--time-scale", "60", ...store] });
  const config = { region: SERVER_REGION, endpoint: node.apiUrl, credentials: SERVER_KEY, maxAttempts: 1 };
  scheduler = new SchedulerClient(config);
  sqs = new SQSClient(config);
  const iam = { endpoint: node.apiUrl, ...SERVER_KEY };
  role = await createFunctionRole(iam, "scheduler-all", { actions: ["lambda:InvokeFunction", "sqs:SendMessage"] });
  noInvoke = await createFunctionRole(iam, "scheduler-no-invoke", { actions: ["sqs:SendMessage"] });
  // The function's own role, which sends its OnSuccess records to `ran`.
  const fnRole = await createFunctionRole(iam, "ticked-fn", { actions: ["sqs:SendMessage"] });
  for (const name of ["dlq", "ran"])
    urls[name] = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
  await node.client.send(
    new CreateFunctionCommand({
      FunctionName: "ticked",
      Runtime: "nodejs20.x",
      Role: fnRole,
      Handler: "index.handler",
      Code: { ZipFile: zipSync({ "index.js": readFileSync(join(HANDLERS, "cjs", "index.js")) }) },
    }),
  );
  await node.client.send(
    new PutFunctionEventInvokeConfigCommand({
      FunctionName: "ticked",
      DestinationConfig: { OnSuccess: { Destination: arn("sqs", "ran") } },
    }),
  );
});

after(async () => {
  scheduler?.destroy();
  sqs?.destroy();
  await node?.close();
});

const create = (Name: string, Target: Target) =>
  scheduler.send(
    new CreateScheduleCommand({
      Name,
      ScheduleExpression: "rate(1 minute)",
      FlexibleTimeWindow: { Mode: "OFF" },
      Target,
    }),
  );

async function receiveOne(queue: string): Promise<Message> {
  let got: Message | undefined;
  await waitFor(
    async () => {
      const r = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: urls[queue],
          WaitTimeSeconds: 1,
          MessageAttributeNames: ["All"],
        }),
      );
      got = r.Messages?.[0];
      return got !== undefined;
    },
    `a message on ${queue}`,
    30_000,
  );
  return got!;
}

describe("Scheduler RetryPolicy and DeadLetterConfig with the SDK v3 and the AWS CLI v2", () => {
  test("out-of-range values are ValidationExceptions; GetSchedule fills in AWS's defaults", async () => {
    const refused = async (name: string, over: Partial<Target>, message: RegExp) => {
      const e = await create(name, { Arn: arn("sqs", "ran"), RoleArn: role, ...over }).then(
        () => undefined,
        (err: Error) => err,
      );
      assert.equal(e?.name, "ValidationException", name);
      assert.match(e?.message ?? "", message);
    };
    await refused(
      "a",
      { RetryPolicy: { MaximumRetryAttempts: 186 } },
      /Value '186' at 'target.retryPolicy.maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 185/,
    );
    await refused(
      "b",
      { RetryPolicy: { MaximumEventAgeInSeconds: 59 } },
      /Value '59' at 'target.retryPolicy.maximumEventAgeInSeconds' failed to satisfy constraint: Member must have value greater than or equal to 60/,
    );
    await refused(
      "c",
      { DeadLetterConfig: { Arn: arn("sqs", "dlq.fifo") } },
      /at 'target.deadLetterConfig.arn' failed to satisfy constraint/,
    );

    await create("plain", { Arn: arn("sqs", "ran"), RoleArn: role, Input: "x" });
    const plain = await scheduler.send(new GetScheduleCommand({ Name: "plain" }));
    assert.deepEqual(plain.Target?.RetryPolicy, { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 });
    assert.equal(plain.Target?.DeadLetterConfig, undefined);
    await scheduler.send(new DeleteScheduleCommand({ Name: "plain" }));

    const cli = { apiUrl: node.apiUrl, credentials: SERVER_KEY, home: node.dataDir };
    const target = {
      Arn: arn("sqs", "ran"),
      RoleArn: role,
      Input: "x",
      RetryPolicy: { MaximumRetryAttempts: 3 },
      DeadLetterConfig: { Arn: arn("sqs", "dlq") },
    };
    const made = await awsCli(cli, [
      ...["scheduler", "create-schedule", "--name", "cli", "--schedule-expression", "cron(0 3 * * ? *)"],
      ...["--flexible-time-window", "Mode=OFF", "--target", JSON.stringify(target)],
    ]);
    assert.equal(made.code, 0, made.stderr);
    const got = await awsCli(cli, ["scheduler", "get-schedule", "--name", "cli"]);
    assert.equal(got.code, 0, got.stderr);
    const view = JSON.parse(got.stdout) as { Target: Record<string, unknown> };
    assert.deepEqual(view.Target["RetryPolicy"], { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 3 });
    assert.deepEqual(view.Target["DeadLetterConfig"], { Arn: arn("sqs", "dlq") });
    const bad = await awsCli(cli, [
      ...["scheduler", "create-schedule", "--name", "cli-bad", "--schedule-expression", "rate(1 hour)"],
      ...["--flexible-time-window", "Mode=OFF", "--target"],
      JSON.stringify({ ...target, RetryPolicy: { MaximumRetryAttempts: 186 } }),
    ]);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /ValidationException/);
    await scheduler.send(new DeleteScheduleCommand({ Name: "cli" }));
  });

  test("a role without lambda:InvokeFunction never runs the function: retried, then dead-lettered with Scheduler's attributes", async () => {
    const created = await create("no-invoke", {
      Arn: FN,
      RoleArn: noInvoke,
      Input: '{"from":"no-invoke"}',
      RetryPolicy: { MaximumRetryAttempts: 2 },
      DeadLetterConfig: { Arn: arn("sqs", "dlq") },
    });
    const letter = await receiveOne("dlq");
    await scheduler.send(new DeleteScheduleCommand({ Name: "no-invoke" }));
    assert.equal(letter.Body, '{"from":"no-invoke"}');
    const attribute = (name: string) => letter.MessageAttributes?.[name]?.StringValue;
    assert.equal(attribute("SCHEDULE_ARN"), created.ScheduleArn);
    assert.equal(attribute("TARGET_ARN"), FN);
    assert.equal(attribute("ERROR_CODE"), "AccessDeniedException");
    assert.match(attribute("ERROR_MESSAGE") ?? "", /may not lambda:InvokeFunction/);
    assert.equal(attribute("EXHAUSTED_RETRY_CONDITION"), "MaximumRetryAttempts");
    assert.equal(attribute("RETRY_ATTEMPTS"), "2");

    // The same target with a role that may invoke it runs; nothing from the first schedule ran before it.
    await create("may-invoke", { Arn: FN, RoleArn: role, Input: '{"from":"may-invoke"}' });
    const ran = await receiveOne("ran");
    await scheduler.send(new DeleteScheduleCommand({ Name: "may-invoke" }));
    const record = JSON.parse(ran.Body!) as { requestPayload: unknown };
    assert.deepEqual(record.requestPayload, { from: "may-invoke" });
  });
});
