/**
 * SAM's Schedule, ScheduleV2, EventBridgeRule and CloudWatchEvent events deployed with the AWS CLI
 * v2's `aws cloudformation deploy` against a real `haneul server` running at --time-scale 60: the
 * rules, the schedule, the permissions, the bus, the queue and the log group are created, the
 * schedules fire in real time, PutEvents reaches the function through the rules (the function's
 * log lines read back through CloudWatch Logs), what is not honoured is refused, delete-stack
 * removes it all.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { SERVER_KEY, startServerNode, type ServerNode } from "../helpers/server-node.js";
import { tempDir } from "../helpers/temp-dir.js";

let node: ServerNode;
let dir: ReturnType<typeof tempDir>;

function aws(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      "/usr/bin/aws",
      [...args, "--endpoint-url", node.apiUrl, "--region", "us-east-1", "--output", "json"],
      {
        cwd: dir.path,
        env: {
          PATH: "/usr/bin:/bin",
          HOME: dir.path,
          AWS_ACCESS_KEY_ID: SERVER_KEY.accessKeyId,
          AWS_SECRET_ACCESS_KEY: SERVER_KEY.secretAccessKey,
          AWS_PAGER: "",
        },
        timeout: 180_000,
      },
      (error, stdout, stderr) =>
        resolve({ code: typeof error?.code === "number" ? error.code : error ? 1 : 0, stdout, stderr }),
    );
  });
}

const TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Bus:
    Type: AWS::Events::EventBus
    Properties:
      Name: cli-bus
  Jobs:
    Type: AWS::SQS::Queue
  WorkerLogs:
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName: /aws/lambda/cli-worker
      RetentionInDays: 1
  Worker:
    Type: AWS::Serverless::Function
    DependsOn: WorkerLogs
    Properties:
      FunctionName: cli-worker
      Runtime: nodejs20.x
      Handler: index.handler
      InlineCode: "exports.handler = async (e) => { console.log('EVENT ' + JSON.stringify(e)); };"
      Environment:
        Variables:
          JOBS: !Ref Jobs
      Events:
        Tick:
          Type: Schedule
          Properties:
            Schedule: rate(1 minute)
            Name: cli-tick
            Description: every minute
            Input: '{"from":"tick"}'
        Later:
          Type: ScheduleV2
          Properties:
            ScheduleExpression: rate(2 minutes)
            Input: '{"from":"scheduler"}'
        Orders:
          Type: EventBridgeRule
          Properties:
            EventBusName: !Ref Bus
            Pattern:
              source: [shop]
              detail:
                kind: [order]
            InputTransformer:
              InputPathsMap:
                id: $.detail.id
              InputTemplate: '{"from":"orders","id":<id>}'
            Target:
              Id: orders-target
            RetryPolicy:
              MaximumRetryAttempts: 3
              MaximumEventAgeInSeconds: 120
            DeadLetterConfig:
              Type: SQS
        Legacy:
          Type: CloudWatchEvent
          Properties:
            Pattern:
              source: [legacy]
            InputPath: $.detail
`;

const REFUSED = `Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      InlineCode: "exports.handler = async () => 1;"
      Events:
        Tick:
          Type: Schedule
          Properties:
            Schedule: rate(1 hour)
            RetryPolicy:
              MaximumRetryAttempts: 500
`;

const parse = <T>(out: { stdout: string }): T => JSON.parse(out.stdout) as T;

/** The events cli-worker logged, read through CloudWatch Logs until `want` of them are there. */
async function logged(want: (events: unknown[]) => boolean): Promise<unknown[]> {
  const until = Date.now() + 60_000;
  for (;;) {
    const out = await aws("logs", "filter-log-events", "--log-group-name", "/aws/lambda/cli-worker");
    const lines = out.code === 0 ? parse<{ events: { message: string }[] }>(out).events.map((e) => e.message) : [];
    const events = lines
      .filter((l) => l.includes("EVENT "))
      .map((l): unknown => JSON.parse(l.slice(l.indexOf("EVENT ") + 6)));
    if (want(events) || Date.now() > until) return events;
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe("AWS CLI v2: SAM schedule and EventBridge events deployed with cloudformation deploy", () => {
  before(async () => {
    node = await startServerNode({ timeoutMs: 60_000, args: ["--time-scale", "60"] });
    dir = tempDir("cfn-events", { inRepo: true });
    writeFileSync(join(dir.path, "template.yaml"), TEMPLATE);
    writeFileSync(join(dir.path, "refused.yaml"), REFUSED);
  });
  after(async () => {
    await node?.close();
    await dir?.remove();
  });

  test("deploy: rules, schedule, bus, queue and log group created; schedules fire in real time; PutEvents routed", async () => {
    const deploy = ["cloudformation", "deploy", "--template-file", "template.yaml", "--stack-name", "ev"];
    const deployed = await aws(...deploy, "--capabilities", "CAPABILITY_IAM");
    assert.equal(deployed.code, 0, deployed.stderr);
    assert.match(deployed.stdout, /Successfully created\/updated stack - ev/);
    const resources = parse<{
      StackResources: { LogicalResourceId: string; ResourceType: string; ResourceStatus: string }[];
    }>(await aws("cloudformation", "describe-stack-resources", "--stack-name", "ev")).StackResources;
    const byId = Object.fromEntries(resources.map((r) => [r.LogicalResourceId, r]));
    const expected: [string, string][] = [
      ["WorkerTick", "AWS::Events::Rule"],
      ["WorkerTickPermission", "AWS::Lambda::Permission"],
      ["WorkerLater", "AWS::Scheduler::Schedule"],
      ["WorkerOrders", "AWS::Events::Rule"],
      ["WorkerOrdersPermission", "AWS::Lambda::Permission"],
      ["WorkerOrdersQueue", "AWS::SQS::Queue"],
      ["WorkerOrdersQueuePolicy", "AWS::SQS::QueuePolicy"],
      ["WorkerLegacy", "AWS::Events::Rule"],
      ["WorkerLegacyPermission", "AWS::Lambda::Permission"],
      ["Bus", "AWS::Events::EventBus"],
      ["Jobs", "AWS::SQS::Queue"],
      ["WorkerLogs", "AWS::Logs::LogGroup"],
    ];
    for (const [id, type] of expected) {
      assert.equal(byId[id]?.ResourceType, type, id);
      assert.equal(byId[id]?.ResourceStatus, "CREATE_COMPLETE", id);
    }
    const tick = parse<{ Name: string; Description: string; State: string; ScheduleExpression: string }>(
      await aws("events", "describe-rule", "--name", "cli-tick"),
    );
    assert.deepEqual(
      [tick.Description, tick.State, tick.ScheduleExpression],
      ["every minute", "ENABLED", "rate(1 minute)"],
    );
    // A rule on another bus than default: its physical id (Ref) is `bus|name`.
    const [busName, ruleName] = (await physicalId("WorkerOrders")).split("|");
    assert.equal(busName, "cli-bus");
    const targets = parse<{ Targets: { Id: string; RetryPolicy?: unknown; DeadLetterConfig?: { Arn: string } }[] }>(
      await aws("events", "list-targets-by-rule", "--event-bus-name", "cli-bus", "--rule", ruleName ?? ""),
    );
    assert.deepEqual(
      targets.Targets.map((t) => t.Id),
      ["orders-target"],
    );
    // SAM's DeadLetterConfig Type: SQS: the queue it made, with a policy that lets the rule send.
    assert.deepEqual(targets.Targets[0]?.RetryPolicy, { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 120 });
    const dlqUrl = await physicalId("WorkerOrdersQueue");
    const dlq = parse<{ Attributes: { QueueArn: string } }>(
      await aws("sqs", "get-queue-attributes", "--queue-url", dlqUrl, "--attribute-names", "QueueArn"),
    );
    assert.equal(targets.Targets[0]?.DeadLetterConfig?.Arn, dlq.Attributes.QueueArn);
    const groups = parse<{ logGroups: { retentionInDays?: number }[] }>(
      await aws("logs", "describe-log-groups", "--log-group-name-prefix", "/aws/lambda/cli-worker"),
    );
    assert.equal(groups.logGroups[0]?.retentionInDays, 1);

    const entries = [
      { EventBusName: "cli-bus", Source: "shop", DetailType: "t", Detail: '{"kind":"order","id":42}' },
      { EventBusName: "cli-bus", Source: "shop", DetailType: "t", Detail: '{"kind":"refund","id":43}' },
      { Source: "legacy", DetailType: "t", Detail: '{"n":5}' },
    ];
    const put = await aws("events", "put-events", "--entries", JSON.stringify(entries));
    assert.equal(parse<{ FailedEntryCount: number }>(put).FailedEntryCount, 0);
    const has = (events: unknown[], e: object) => events.some((x) => JSON.stringify(x) === JSON.stringify(e));
    const events = await logged(
      (ev) =>
        has(ev, { from: "tick" }) &&
        has(ev, { from: "scheduler" }) &&
        has(ev, { from: "orders", id: 42 }) &&
        has(ev, { n: 5 }),
    );
    for (const e of [{ from: "tick" }, { from: "scheduler" }, { from: "orders", id: 42 }, { n: 5 }])
      assert.ok(has(events, e), JSON.stringify(e));
    assert.ok(!has(events, { from: "orders", id: 43 }), "the pattern leaves refunds out");
  });

  test("what haneul does not honour is refused and rolled back; delete-stack removes the rules", async () => {
    const refused = await aws(
      "cloudformation",
      "deploy",
      "--template-file",
      "refused.yaml",
      "--stack-name",
      "refused",
      "--capabilities",
      "CAPABILITY_IAM",
    );
    assert.notEqual(refused.code, 0);
    const events = parse<{
      StackEvents: { LogicalResourceId: string; ResourceStatus: string; ResourceStatusReason?: string }[];
    }>(await aws("cloudformation", "describe-stack-events", "--stack-name", "refused")).StackEvents;
    const failed = events.find((e) => e.ResourceStatus === "CREATE_FAILED");
    assert.equal(failed?.LogicalResourceId, "FnTick");
    assert.match(
      failed?.ResourceStatusReason ?? "",
      /Value '500' at 'targets.1.member.retryPolicy.maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 185/,
    );

    assert.equal((await aws("cloudformation", "delete-stack", "--stack-name", "ev")).code, 0);
    const waited = await aws("cloudformation", "wait", "stack-delete-complete", "--stack-name", "ev");
    assert.equal(waited.code, 0, waited.stderr);
    const gone = await aws("events", "describe-rule", "--name", "cli-tick");
    assert.match(gone.stderr, /ResourceNotFoundException/);
    const bus = await aws("events", "describe-event-bus", "--name", "cli-bus");
    assert.match(bus.stderr, /ResourceNotFoundException/);
  });
});

async function physicalId(logicalId: string): Promise<string> {
  const out = parse<{ StackResourceDetail: { PhysicalResourceId: string } }>(
    await aws("cloudformation", "describe-stack-resource", "--stack-name", "ev", "--logical-resource-id", logicalId),
  );
  return out.StackResourceDetail.PhysicalResourceId;
}
