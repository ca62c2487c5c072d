/**
 * Stacks that create queues, buses, rules, schedules, alarms and log groups, deployed through the
 * CloudFormation API with the real SDK v3 against a whole node in simulated time: the resources
 * exist and work (a queue receives, a rule routes PutEvents to the function, a scheduled rule and a
 * Scheduler schedule fire as the clock advances, an alarm evaluates, a log group keeps its
 * retention), an update changes some in place and replaces another, a delete removes them, and a
 * failed create rolls back what it had made.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  UpdateStackCommand,
  waitUntilStackCreateComplete,
  waitUntilStackDeleteComplete,
  waitUntilStackUpdateComplete,
  type Output,
} from "@aws-sdk/client-cloudformation";
import { CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from "@aws-sdk/client-cloudwatch-logs";
import {
  DescribeEventBusCommand,
  DescribeRuleCommand,
  EventBridgeClient,
  ListTargetsByRuleCommand,
  PutEventsCommand,
} from "@aws-sdk/client-eventbridge";
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueueTagsCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { InvokeCommand } from "@aws-sdk/client-lambda";
import { ManualClock } from "../../src/shared/clock.js";
import { createFunctionRole } from "../helpers/iam.js";
import { NODE_ACCOUNT, NODE_REGION, startLambdaNode, type LambdaNode } from "../helpers/lambda-node.js";

const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);
const ROLE = `arn:aws:iam::${NODE_ACCOUNT}:role/stack-resources`;
const CODE =
  "exports.handler = async (e) => { if (e.fail) throw new Error('boom'); console.log('EVENT ' + JSON.stringify(e)); return 1; };";

interface Knobs {
  visibility: number;
  retention: number;
  threshold: number;
  source: string;
  dlqName?: string;
  scheduleState: string;
}

function template(k: Knobs): string {
  const resources: Record<string, unknown> = {
    Dlq: {
      Type: "AWS::SQS::Queue",
      Properties: { MessageRetentionPeriod: 1209600, ...(k.dlqName && { QueueName: k.dlqName }) },
    },
    Queue: {
      Type: "AWS::SQS::Queue",
      Properties: {
        VisibilityTimeout: k.visibility,
        RedrivePolicy: { deadLetterTargetArn: { "Fn::GetAtt": ["Dlq", "Arn"] }, maxReceiveCount: 3 },
        Tags: [{ Key: "team", Value: "orders" }],
      },
    },
    Fn: {
      Type: "AWS::Lambda::Function",
      Properties: {
        FunctionName: "res-fn",
        Runtime: "nodejs20.x",
        Handler: "index.handler",
        Role: ROLE,
        Code: { ZipFile: CODE },
      },
    },
    Bus: { Type: "AWS::Events::EventBus", Properties: { Name: "orders-bus", Description: "orders" } },
    OrdersRule: {
      Type: "AWS::Events::Rule",
      Properties: {
        EventBusName: { Ref: "Bus" },
        EventPattern: { source: [k.source] },
        Targets: [
          {
            Id: "fn",
            Arn: { "Fn::GetAtt": ["Fn", "Arn"] },
            InputTransformer: { InputPathsMap: { id: "$.detail.id" }, InputTemplate: '{"order": <id>}' },
          },
        ],
      },
    },
    OrdersPermission: permission("OrdersRule"),
    TickRule: {
      Type: "AWS::Events::Rule",
      Properties: {
        ScheduleExpression: "rate(5 minutes)",
        Targets: [{ Id: "fn", Arn: { "Fn::GetAtt": ["Fn", "Arn"] }, Input: '{"tick":true}' }],
      },
    },
    TickPermission: permission("TickRule"),
    Schedule: {
      Type: "AWS::Scheduler::Schedule",
      Properties: {
        ScheduleExpression: "rate(7 minutes)",
        FlexibleTimeWindow: { Mode: "OFF" },
        State: k.scheduleState,
        Target: { Arn: { "Fn::GetAtt": ["Fn", "Arn"] }, RoleArn: ROLE, Input: '{"scheduled":1}' },
      },
    },
    Errors: {
      Type: "AWS::CloudWatch::Alarm",
      Properties: {
        AlarmName: "res-errors",
        Namespace: "AWS/Lambda",
        MetricName: "Errors",
        Dimensions: [{ Name: "FunctionName", Value: { Ref: "Fn" } }],
        Statistic: "Sum",
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: k.threshold,
        ComparisonOperator: "GreaterThanOrEqualToThreshold",
        TreatMissingData: "notBreaching",
      },
    },
    ErrorRate: {
      Type: "AWS::CloudWatch::Alarm",
      Properties: {
        EvaluationPeriods: 1,
        Threshold: 10,
        ComparisonOperator: "GreaterThanThreshold",
        Metrics: [
          { Id: "rate", Expression: "100 * errors / MAX([errors, invocations])", ReturnData: true },
          ...["Errors", "Invocations"].map((name) => ({
            Id: name.toLowerCase(),
            ReturnData: false,
            MetricStat: {
              Metric: {
                Namespace: "AWS/Lambda",
                MetricName: name,
                Dimensions: [{ Name: "FunctionName", Value: "res-fn" }],
              },
              Period: 60,
              Stat: "Sum",
            },
          })),
        ],
      },
    },
    Logs: {
      Type: "AWS::Logs::LogGroup",
      Properties: { LogGroupName: { "Fn::Sub": "/aws/lambda/${Fn}" }, RetentionInDays: k.retention },
    },
  };
  const outputs = Object.fromEntries(
    [
      ["QueueUrl", { Ref: "Queue" }],
      ["QueueArn", { "Fn::GetAtt": ["Queue", "Arn"] }],
      ["QueueName", { "Fn::GetAtt": ["Queue", "QueueName"] }],
      ["DlqUrl", { "Fn::GetAtt": ["Dlq", "QueueUrl"] }],
      ["OrdersRule", { Ref: "OrdersRule" }],
      ["TickRule", { Ref: "TickRule" }],
      ["TickRuleArn", { "Fn::GetAtt": ["TickRule", "Arn"] }],
      ["BusArn", { "Fn::GetAtt": ["Bus", "Arn"] }],
      ["Schedule", { Ref: "Schedule" }],
      ["ScheduleArn", { "Fn::GetAtt": ["Schedule", "Arn"] }],
      ["ErrorRate", { Ref: "ErrorRate" }],
      ["AlarmArn", { "Fn::GetAtt": ["Errors", "Arn"] }],
      ["LogsArn", { "Fn::GetAtt": ["Logs", "Arn"] }],
    ].map(([key, value]) => [key, { Value: value }]),
  );
  return JSON.stringify({ AWSTemplateFormatVersion: "2010-09-09", Resources: resources, Outputs: outputs });
}

function permission(rule: string) {
  return {
    Type: "AWS::Lambda::Permission",
    Properties: {
      FunctionName: { Ref: "Fn" },
      Action: "lambda:InvokeFunction",
      Principal: "events.amazonaws.com",
      SourceArn: { "Fn::GetAtt": [rule, "Arn"] },
    },
  };
}

const KNOBS: Knobs = { visibility: 45, retention: 7, threshold: 1, source: "shop", scheduleState: "ENABLED" };

let node: LambdaNode;
let clock: ManualClock;
let cfn: CloudFormationClient;
let sqs: SQSClient;
let events: EventBridgeClient;
let cw: CloudWatchClient;
let logs: CloudWatchLogsClient;

const outputsOf = async (stack: string): Promise<Record<string, string>> => {
  const out = await cfn.send(new DescribeStacksCommand({ StackName: stack }));
  const pairs = (out.Stacks?.[0]?.Outputs ?? []).map((o: Output): [string, string] => [
    o.OutputKey ?? "",
    o.OutputValue ?? "",
  ]);
  return Object.fromEntries(pairs);
};
const waiter = { maxWaitTime: 120, minDelay: 1, maxDelay: 1 };
/** The events res-fn logged (`EVENT <json>` lines), in order. */
const eventsLogged = (): unknown[] =>
  node.records
    .filter((r) => r.functionName === "res-fn")
    .flatMap((r) => r.lines)
    .filter((l) => l.includes("EVENT "))
    .map((l) => JSON.parse(l.slice(l.indexOf("EVENT ") + 6)) as unknown);
const waitForEvent = async (match: (e: unknown) => boolean, what: string): Promise<void> => {
  await node.recordWhere(
    (r) =>
      r.functionName === "res-fn" &&
      r.lines.some((l) => l.includes("EVENT ") && match(JSON.parse(l.slice(l.indexOf("EVENT ") + 6)))),
    what,
    20_000,
  );
};

describe("stack resources beyond Lambda and API Gateway, through the CloudFormation API", () => {
  before(async () => {
    clock = new ManualClock(T0);
    node = await startLambdaNode({ clock });
    const config = {
      region: NODE_REGION,
      endpoint: node.url,
      credentials: { accessKeyId: node.accessKeyId, secretAccessKey: node.secretAccessKey },
      maxAttempts: 1,
    };
    // The schedule invokes the function as this role, which must allow it.
    const role = await createFunctionRole({ endpoint: node.url, ...config.credentials }, "stack-resources", {
      actions: ["lambda:InvokeFunction"],
    });
    assert.equal(role, ROLE);
    cfn = new CloudFormationClient(config);
    sqs = new SQSClient(config);
    events = new EventBridgeClient(config);
    cw = new CloudWatchClient(config);
    logs = new CloudWatchLogsClient(config);
  });
  after(async () => {
    for (const c of [cfn, sqs, events, cw, logs]) c?.destroy();
    await node?.close();
  });

  test("create: each resource exists and works", async () => {
    await cfn.send(new CreateStackCommand({ StackName: "res", TemplateBody: template(KNOBS) }));
    await waitUntilStackCreateComplete({ client: cfn, ...waiter }, { StackName: "res" });
    const out = await outputsOf("res");

    assert.match(out.QueueUrl ?? "", /^http:\/\/127\.0\.0\.1:\d+\/123456789012\/res-Queue-[A-Z0-9]{12}$/);
    assert.equal(out.QueueArn, `arn:aws:sqs:${NODE_REGION}:${NODE_ACCOUNT}:${out.QueueName}`);
    const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: out.QueueUrl, AttributeNames: ["All"] }));
    assert.equal(attrs.Attributes?.VisibilityTimeout, "45");
    const dlqArn = (
      await sqs.send(new GetQueueAttributesCommand({ QueueUrl: out.DlqUrl, AttributeNames: ["QueueArn"] }))
    ).Attributes?.QueueArn;
    assert.deepEqual(JSON.parse(attrs.Attributes?.RedrivePolicy ?? "{}"), {
      deadLetterTargetArn: dlqArn,
      maxReceiveCount: 3,
    });
    assert.deepEqual((await sqs.send(new ListQueueTagsCommand({ QueueUrl: out.QueueUrl }))).Tags, { team: "orders" });
    await sqs.send(new SendMessageCommand({ QueueUrl: out.QueueUrl, MessageBody: "hello" }));
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: out.QueueUrl }));
    assert.equal(got.Messages?.[0]?.Body, "hello");

    assert.equal(out.OrdersRule, "orders-bus|" + (out.OrdersRule ?? "").split("|")[1]);
    const ruleName = (out.OrdersRule ?? "").split("|")[1];
    const bus = await events.send(new DescribeEventBusCommand({ Name: "orders-bus" }));
    assert.equal(bus.Arn, out.BusArn);
    const targets = await events.send(new ListTargetsByRuleCommand({ EventBusName: "orders-bus", Rule: ruleName }));
    assert.equal(targets.Targets?.[0]?.InputTransformer?.InputTemplate, '{"order": <id>}');
    await events.send(
      new PutEventsCommand({
        Entries: [{ EventBusName: "orders-bus", Source: "shop", DetailType: "placed", Detail: '{"id": 7}' }],
      }),
    );
    await waitForEvent((e) => (e as { order?: number }).order === 7, "the rule's event");

    const tick = await events.send(new DescribeRuleCommand({ Name: out.TickRule }));
    assert.equal(tick.Arn, out.TickRuleArn);
    assert.equal(tick.ScheduleExpression, "rate(5 minutes)");
    assert.equal(out.ScheduleArn, `arn:aws:scheduler:${NODE_REGION}:${NODE_ACCOUNT}:schedule/default/${out.Schedule}`);
    await clock.advanceAsync(5 * 60_000);
    await waitForEvent((e) => (e as { tick?: boolean }).tick === true, "the scheduled rule's tick");
    await clock.advanceAsync(2 * 60_000);
    await waitForEvent((e) => (e as { scheduled?: number }).scheduled === 1, "the schedule's firing");

    const alarms = await cw.send(new DescribeAlarmsCommand({ AlarmNames: ["res-errors", out.ErrorRate ?? ""] }));
    const errors = alarms.MetricAlarms?.find((a) => a.AlarmName === "res-errors");
    assert.equal(errors?.AlarmArn, out.AlarmArn);
    assert.deepEqual(errors?.Dimensions, [{ Name: "FunctionName", Value: "res-fn" }]);
    assert.equal(errors?.StateValue, "OK", "evaluated: no errors, missing data not breaching");
    // A failing invocation: the alarm evaluates the minute it fell in and goes to ALARM.
    const failed = await node.client.send(new InvokeCommand({ FunctionName: "res-fn", Payload: '{"fail":true}' }));
    assert.equal(failed.FunctionError, "Unhandled");
    await clock.advanceAsync(60_000);
    const after = await cw.send(new DescribeAlarmsCommand({ AlarmNames: ["res-errors"] }));
    assert.equal(after.MetricAlarms?.[0]?.StateValue, "ALARM");
    const rate = alarms.MetricAlarms?.find((a) => a.AlarmName === out.ErrorRate);
    assert.match(out.ErrorRate ?? "", /^res-ErrorRate-[A-Z0-9]{12}$/);
    assert.equal(rate?.Metrics?.length, 3);

    const groups = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: "/aws/lambda/res-fn" }));
    assert.equal(groups.logGroups?.[0]?.logGroupName, "/aws/lambda/res-fn");
    assert.equal(groups.logGroups?.[0]?.retentionInDays, 7);
    assert.equal(out.LogsArn, `arn:aws:logs:${NODE_REGION}:${NODE_ACCOUNT}:log-group:/aws/lambda/res-fn:*`);
  });

  test("update: properties change in place, a new QueueName replaces the queue, what refers to it follows", async () => {
    const before = await outputsOf("res");
    const next = {
      visibility: 60,
      retention: 14,
      threshold: 5,
      source: "store",
      scheduleState: "DISABLED",
      dlqName: "res-dlq",
    };
    await cfn.send(new UpdateStackCommand({ StackName: "res", TemplateBody: template(next) }));
    await waitUntilStackUpdateComplete({ client: cfn, ...waiter }, { StackName: "res" });
    const out = await outputsOf("res");
    assert.equal(out.QueueUrl, before.QueueUrl, "updated in place");
    const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: out.QueueUrl, AttributeNames: ["All"] }));
    assert.equal(attrs.Attributes?.VisibilityTimeout, "60");
    assert.match(out.DlqUrl ?? "", /\/res-dlq$/);
    assert.equal(
      JSON.parse(attrs.Attributes?.RedrivePolicy ?? "{}").deadLetterTargetArn,
      `arn:aws:sqs:${NODE_REGION}:${NODE_ACCOUNT}:res-dlq`,
    );
    await assert.rejects(
      sqs.send(new GetQueueAttributesCommand({ QueueUrl: before.DlqUrl, AttributeNames: ["All"] })),
      {
        name: "QueueDoesNotExist",
      },
    );
    const alarm = await cw.send(new DescribeAlarmsCommand({ AlarmNames: ["res-errors"] }));
    assert.equal(alarm.MetricAlarms?.[0]?.Threshold, 5);
    const groups = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: "/aws/lambda/res-fn" }));
    assert.equal(groups.logGroups?.[0]?.retentionInDays, 14);
    const ruleName = (out.OrdersRule ?? "").split("|")[1];
    assert.equal(out.OrdersRule, before.OrdersRule);
    const rule = await events.send(new DescribeRuleCommand({ EventBusName: "orders-bus", Name: ruleName }));
    assert.deepEqual(JSON.parse(rule.EventPattern ?? "{}"), { source: ["store"] });
    // The schedule is disabled: seven more minutes bring no firing.
    const firings = () => eventsLogged().filter((e) => (e as { scheduled?: number }).scheduled === 1).length;
    const had = firings();
    await clock.advanceAsync(7 * 60_000);
    await waitForEvent((e) => (e as { tick?: boolean }).tick === true, "ticks go on");
    assert.equal(firings(), had);
  });

  test("delete: every resource is gone", async () => {
    const out = await outputsOf("res");
    await cfn.send(new DeleteStackCommand({ StackName: "res" }));
    await waitUntilStackDeleteComplete({ client: cfn, ...waiter }, { StackName: "res" });
    await assert.rejects(sqs.send(new GetQueueUrlCommand({ QueueName: out.QueueName })), { name: "QueueDoesNotExist" });
    await assert.rejects(sqs.send(new GetQueueUrlCommand({ QueueName: "res-dlq" })), { name: "QueueDoesNotExist" });
    await assert.rejects(events.send(new DescribeEventBusCommand({ Name: "orders-bus" })), {
      name: "ResourceNotFoundException",
    });
    await assert.rejects(events.send(new DescribeRuleCommand({ Name: out.TickRule })), {
      name: "ResourceNotFoundException",
    });
    assert.deepEqual(
      (await cw.send(new DescribeAlarmsCommand({ AlarmNames: ["res-errors", out.ErrorRate ?? ""] }))).MetricAlarms,
      [],
    );
    const groups = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: "/aws/lambda/res-fn" }));
    assert.deepEqual(groups.logGroups, []);
    // Nothing fires any more. An event a target was handed before the delete may still be running:
    // count once the log has stood still for a second.
    let count = -1;
    for (let still = 0; still < 10;) {
      const now = eventsLogged().length;
      still = now === count ? still + 1 : 0;
      count = now;
      await new Promise((r) => setTimeout(r, 100));
    }
    await clock.advanceAsync(15 * 60_000);
    assert.equal(eventsLogged().length, count);
  });

  test("a failed create rolls back what it had made, naming the resource and the reason", async () => {
    const body = {
      Resources: {
        Jobs: { Type: "AWS::SQS::Queue", Properties: { QueueName: "rb-jobs" } },
        Group: { Type: "AWS::Logs::LogGroup", Properties: { LogGroupName: "/rb/group", RetentionInDays: 3 } },
        Bad: {
          Type: "AWS::Events::Rule",
          DependsOn: ["Jobs", "Group"],
          Properties: {
            Name: "rb-rule",
            EventPattern: { source: ["x"] },
            Targets: [{ Id: "q", Arn: { "Fn::GetAtt": ["Jobs", "Arn"] }, SqsParameters: { MessageGroupId: "g" } }],
          },
        },
      },
    };
    await cfn.send(new CreateStackCommand({ StackName: "rb", TemplateBody: JSON.stringify(body) }));
    await assert.rejects(waitUntilStackCreateComplete({ client: cfn, ...waiter }, { StackName: "rb" }));
    const stack = (await cfn.send(new DescribeStacksCommand({ StackName: "rb" }))).Stacks?.[0];
    assert.equal(stack?.StackStatus, "ROLLBACK_COMPLETE");
    const failed = (await cfn.send(new DescribeStackEventsCommand({ StackName: "rb" }))).StackEvents?.find(
      (e) => e.ResourceStatus === "CREATE_FAILED",
    );
    assert.equal(failed?.LogicalResourceId, "Bad");
    assert.match(failed?.ResourceStatusReason ?? "", /Parameter\(s\) SqsParameters not valid for target: q\./);
    await assert.rejects(sqs.send(new GetQueueUrlCommand({ QueueName: "rb-jobs" })), { name: "QueueDoesNotExist" });
    const groups = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: "/rb/" }));
    assert.deepEqual(groups.logGroups, []);
    await assert.rejects(events.send(new DescribeRuleCommand({ Name: "rb-rule" })), {
      name: "ResourceNotFoundException",
    });
  });
});
