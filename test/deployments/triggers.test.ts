/**
 * CodeDeploy triggers against a real node in simulated time (--time-scale 600): a deployment group
 * made with SDK v3 and with the AWS CLI v2 names an SNS topic, a queue subscribed to the topic gets
 * CodeDeploy's notifications (its JSON and subject) for a canary that succeeds and for one stopped
 * and rolled back; CodeDeploy's checks refuse bad triggers with its exceptions; SAM's
 * DeploymentPreference TriggerConfigurations reach the group a stack makes.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { after, before, describe, test } from "node:test";
import { CloudFormationClient, CreateStackCommand, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import {
  CodeDeployClient,
  CreateApplicationCommand,
  CreateDeploymentCommand,
  CreateDeploymentConfigCommand,
  CreateDeploymentGroupCommand,
  GetDeploymentCommand,
  GetDeploymentGroupCommand,
  GetDeploymentTargetCommand,
  ListDeploymentGroupsCommand,
  StopDeploymentCommand,
  UpdateDeploymentGroupCommand,
  type TriggerEventType,
} from "@aws-sdk/client-codedeploy";
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  PublishVersionCommand,
  UpdateFunctionConfigurationCommand,
} from "@aws-sdk/client-lambda";
import { CreateTopicCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { zipSync } from "fflate";
import { NODE_REGION, NODE_ROLE, startLambdaNode, type LambdaNode } from "../helpers/lambda-node.js";
import { serviceSendPolicy } from "../helpers/queue-policies.js";
import { waitFor } from "../helpers/wait.js";

const ROLE = "arn:aws:iam::123456789012:role/codedeploy";
const TIMEOUT = 30_000;

let node: LambdaNode;
let cd: CodeDeployClient;
let sns: SNSClient;
let sqs: SQSClient;

interface Notification {
  readonly subject: string;
  readonly message: Record<string, unknown>;
}

/** A topic and a queue subscribed to it; `take` reads what has arrived so far. */
async function topicWithQueue(name: string): Promise<{ topicArn: string; take(): Promise<Notification[]> }> {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: name }));
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-q` }));
  const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }));
  const queueArn = attrs.Attributes?.QueueArn ?? "";
  await sqs.send(
    new SetQueueAttributesCommand({
      QueueUrl,
      Attributes: { Policy: serviceSendPolicy(queueArn, TopicArn ?? "") },
    }),
  );
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: queueArn }));
  return {
    topicArn: TopicArn ?? "",
    async take() {
      const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
      const out: Notification[] = [];
      for (const m of got.Messages ?? []) {
        const envelope = JSON.parse(m.Body ?? "{}") as { Subject: string; Message: string };
        out.push({ subject: envelope.Subject, message: JSON.parse(envelope.Message) as Record<string, unknown> });
        await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
      }
      return out;
    },
  };
}

/** Collects notifications until `done` holds for what arrived. */
async function collect(
  q: { take(): Promise<Notification[]> },
  done: (all: Notification[]) => boolean,
): Promise<Notification[]> {
  const all: Notification[] = [];
  await waitFor(
    async () => {
      all.push(...(await q.take()));
      return done(all);
    },
    "the trigger notifications",
    TIMEOUT,
  );
  return all;
}

/** A function with versions 1 and 2 and an alias `live` on 1. */
async function twoVersions(name: string): Promise<void> {
  const code = zipSync({ "index.js": new TextEncoder().encode("exports.handler = async () => ({ ok: true });") });
  const role = NODE_ROLE;
  await node.client.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: "nodejs20.x",
      Role: role,
      Handler: "index.handler",
      Code: { ZipFile: code },
    }),
  );
  await node.client.send(new PublishVersionCommand({ FunctionName: name }));
  await node.client.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Description: "v2" }));
  await waitFor(
    async () => (await node.client.send(new PublishVersionCommand({ FunctionName: name }))).Version === "2",
    "version 2",
    TIMEOUT,
  );
  await node.client.send(new CreateAliasCommand({ FunctionName: name, Name: "live", FunctionVersion: "1" }));
}

const appSpec = (fn: string) =>
  JSON.stringify({
    version: 0.0,
    Resources: [
      {
        f: {
          Type: "AWS::Lambda::Function",
          Properties: { Name: fn, Alias: "live", CurrentVersion: "1", TargetVersion: "2" },
        },
      },
    ],
  });

async function deploy(app: string, group: string, fn: string): Promise<string> {
  const { deploymentId } = await cd.send(
    new CreateDeploymentCommand({
      applicationName: app,
      deploymentGroupName: group,
      revision: { revisionType: "AppSpecContent", appSpecContent: { content: appSpec(fn) } },
    }),
  );
  return deploymentId ?? "";
}

async function statusOf(id: string): Promise<string> {
  return (await cd.send(new GetDeploymentCommand({ deploymentId: id }))).deploymentInfo?.status ?? "";
}

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      "/usr/bin/aws",
      [...args, "--endpoint-url", node.url, "--output", "json"],
      {
        env: {
          PATH: "/usr/bin:/bin",
          HOME: "/nonexistent",
          AWS_ACCESS_KEY_ID: node.accessKeyId,
          AWS_SECRET_ACCESS_KEY: node.secretAccessKey,
          AWS_DEFAULT_REGION: NODE_REGION,
          AWS_MAX_ATTEMPTS: "1",
          AWS_PAGER: "",
        },
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("CodeDeploy triggers with real clients", () => {
  before(async () => {
    node = await startLambdaNode({ env: { HANEUL_TIME_SCALE: "600" } });
    const config = {
      region: NODE_REGION,
      endpoint: node.url,
      credentials: { accessKeyId: node.accessKeyId, secretAccessKey: node.secretAccessKey },
      maxAttempts: 1,
    };
    cd = new CodeDeployClient(config);
    sns = new SNSClient(config);
    sqs = new SQSClient(config);
  });
  after(async () => {
    cd?.destroy();
    sns?.destroy();
    sqs?.destroy();
    await node?.close();
  });

  test("SDK v3: a canary that succeeds is announced as it starts and as it ends, in CodeDeploy's shape", async () => {
    await twoVersions("ok-fn");
    const q = await topicWithQueue("deploys-ok");
    await cd.send(new CreateApplicationCommand({ applicationName: "trig", computePlatform: "Lambda" }));
    await cd.send(
      new CreateDeploymentGroupCommand({
        applicationName: "trig",
        deploymentGroupName: "ok",
        serviceRoleArn: ROLE,
        deploymentConfigName: "CodeDeployDefault.LambdaCanary10Percent5Minutes",
        deploymentStyle: { deploymentType: "BLUE_GREEN", deploymentOption: "WITH_TRAFFIC_CONTROL" },
        triggerConfigurations: [
          {
            triggerName: "all",
            triggerTargetArn: q.topicArn,
            triggerEvents: ["DeploymentStart", "DeploymentSuccess", "DeploymentFailure", "InstanceSuccess"],
          },
        ],
      }),
    );
    const group = (await cd.send(new GetDeploymentGroupCommand({ applicationName: "trig", deploymentGroupName: "ok" })))
      .deploymentGroupInfo;
    assert.deepEqual(group?.triggerConfigurations, [
      {
        triggerName: "all",
        triggerTargetArn: q.topicArn,
        triggerEvents: ["DeploymentStart", "DeploymentSuccess", "DeploymentFailure", "InstanceSuccess"],
      },
    ]);
    const id = await deploy("trig", "ok", "ok-fn");
    const all = await collect(q, (n) => n.length >= 3);
    const subjects = all.map((n) => n.subject).sort();
    assert.deepEqual(subjects, [
      `CREATED: AWS CodeDeploy ${id} in ${NODE_REGION} to ok`,
      `SUCCEEDED: AWS CodeDeploy ${id} in ${NODE_REGION} to ok`,
      `SUCCEEDED: AWS CodeDeploy ${id} in ${NODE_REGION} to ok-fn:live`,
    ]);
    const success = all.find((n) => n.subject.startsWith("SUCCEEDED") && n.subject.endsWith(" ok"))?.message ?? {};
    assert.deepEqual(Object.keys(success).sort(), [
      "accountId",
      "applicationName",
      "completeTime",
      "createTime",
      "deploymentGroupName",
      "deploymentId",
      "deploymentOverview",
      "eventTriggerName",
      "region",
      "status",
    ]);
    assert.equal(success["status"], "SUCCEEDED");
    assert.equal(success["eventTriggerName"], "all");
    assert.equal(success["deploymentId"], id);
    assert.equal(success["accountId"], "123456789012");
    assert.match(String(success["completeTime"]), /^\d{10}\.\d{3}$/);
    assert.deepEqual(success["deploymentOverview"], {
      Failed: "0",
      InProgress: "0",
      Pending: "0",
      Skipped: "0",
      Succeeded: "1",
    });
    const start = all.find((n) => n.subject.startsWith("CREATED"))?.message ?? {};
    assert.equal(start["status"], "CREATED");
    assert.equal(start["completeTime"], undefined);
    const instance = all.find((n) => n.subject.endsWith("ok-fn:live"))?.message ?? {};
    assert.equal(instance["instanceId"], "ok-fn:live");
    assert.equal(instance["instanceStatus"], "Succeeded");
    assert.deepEqual(
      (instance["lifecycleEvents"] as { LifecycleEvent: string; LifecycleEventStatus: string }[]).map((e) => [
        e.LifecycleEvent,
        e.LifecycleEventStatus,
      ]),
      [
        ["BeforeAllowTraffic", "Succeeded"],
        ["AllowTraffic", "Succeeded"],
        ["AfterAllowTraffic", "Succeeded"],
      ],
    );
  });

  test("SDK v3: a canary stopped with rollback is announced as stopped and rolled back, with its error", async () => {
    await twoVersions("stop-fn");
    const q = await topicWithQueue("deploys-stop");
    // A canary interval of a day: at scale 600 the canary holds for 144 s, long enough to stop it at 10 %.
    await cd.send(
      new CreateDeploymentConfigCommand({
        deploymentConfigName: "DayCanary",
        computePlatform: "Lambda",
        trafficRoutingConfig: {
          type: "TimeBasedCanary",
          timeBasedCanary: { canaryPercentage: 10, canaryInterval: 1440 },
        },
      }),
    );
    await cd.send(new CreateApplicationCommand({ applicationName: "trig2", computePlatform: "Lambda" }));
    await cd.send(
      new CreateDeploymentGroupCommand({
        applicationName: "trig2",
        deploymentGroupName: "stop",
        serviceRoleArn: ROLE,
        deploymentConfigName: "DayCanary",
        triggerConfigurations: [
          {
            triggerName: "bad-news",
            triggerTargetArn: q.topicArn,
            triggerEvents: ["DeploymentStop", "DeploymentRollback"],
          },
        ],
      }),
    );
    const id = await deploy("trig2", "stop", "stop-fn");
    let seen = "";
    await waitFor(
      async () => {
        const t = await cd.send(new GetDeploymentTargetCommand({ deploymentId: id, targetId: "stop-fn:live" }));
        seen = JSON.stringify(t.deploymentTarget?.lambdaTarget);
        return t.deploymentTarget?.lambdaTarget?.lambdaFunctionInfo?.targetVersionWeight === 0.1;
      },
      "the canary at 10 %",
      TIMEOUT,
    ).catch((e: Error) => assert.fail(`${e.message}: ${seen}`));
    await cd.send(new StopDeploymentCommand({ deploymentId: id, autoRollbackEnabled: true }));
    await waitFor(async () => (await statusOf(id)) === "Stopped", "the deployment to stop", TIMEOUT);
    const all = await collect(q, (n) => n.length >= 2);
    assert.equal(all.length, 2, "only the events the trigger names");
    for (const n of all) {
      assert.equal(n.subject, `STOPPED: AWS CodeDeploy ${id} in ${NODE_REGION} to stop`);
      assert.equal(n.message["status"], "STOPPED");
      assert.deepEqual(n.message["errorInformation"], {
        ErrorCode: "MANUAL_STOP",
        ErrorMessage: "The deployment was stopped by the user.",
      });
    }
  });

  test("CodeDeploy's checks: too many triggers, an unknown event, a topic that does not exist; an update clears them", async () => {
    const q = await topicWithQueue("deploys-checks");
    await cd.send(new CreateApplicationCommand({ applicationName: "trig3", computePlatform: "Lambda" }));
    const create = (triggers: { triggerName: string; triggerTargetArn: string; triggerEvents: TriggerEventType[] }[]) =>
      cd.send(
        new CreateDeploymentGroupCommand({
          applicationName: "trig3",
          deploymentGroupName: "g",
          serviceRoleArn: ROLE,
          triggerConfigurations: triggers,
        }),
      );
    const one = (i: number) => ({
      triggerName: `t${i}`,
      triggerTargetArn: q.topicArn,
      triggerEvents: ["DeploymentStart" as TriggerEventType],
    });
    await assert.rejects(
      create(Array.from({ length: 11 }, (_, i) => one(i))),
      (e: Error) => e.name === "TriggerTargetsLimitExceededException",
    );
    await assert.rejects(
      create([{ ...one(1), triggerEvents: ["DeploymentExploded" as TriggerEventType] }]),
      (e: Error) => e.name === "InvalidTriggerConfigException" && e.message.includes("DeploymentExploded"),
    );
    await assert.rejects(
      create([{ ...one(1), triggerTargetArn: `${q.topicArn}-gone` }]),
      (e: Error) => e.name === "InvalidTriggerConfigException" && e.message.includes("does not exist"),
    );
    const groups = await cd.send(new ListDeploymentGroupsCommand({ applicationName: "trig3" }));
    assert.deepEqual(groups.deploymentGroups, [], "nothing was created");
    await create(Array.from({ length: 10 }, (_, i) => one(i)));
    await cd.send(
      new UpdateDeploymentGroupCommand({
        applicationName: "trig3",
        currentDeploymentGroupName: "g",
        deploymentConfigName: "CodeDeployDefault.LambdaAllAtOnce",
      }),
    );
    const kept = await cd.send(new GetDeploymentGroupCommand({ applicationName: "trig3", deploymentGroupName: "g" }));
    assert.equal(kept.deploymentGroupInfo?.triggerConfigurations?.length, 10, "an update without triggers keeps them");
    await cd.send(
      new UpdateDeploymentGroupCommand({
        applicationName: "trig3",
        currentDeploymentGroupName: "g",
        triggerConfigurations: [],
      }),
    );
    const cleared = await cd.send(
      new GetDeploymentGroupCommand({ applicationName: "trig3", deploymentGroupName: "g" }),
    );
    assert.deepEqual(cleared.deploymentGroupInfo?.triggerConfigurations, []);
  });

  test("AWS CLI v2: create-deployment-group --trigger-configurations, then an all-at-once deployment is announced", async () => {
    await twoVersions("cli-fn");
    const q = await topicWithQueue("deploys-cli");
    assert.equal(
      (await cli(["deploy", "create-application", "--application-name", "trig4", "--compute-platform", "Lambda"])).code,
      0,
    );
    const triggers = JSON.stringify([
      { triggerName: "done", triggerTargetArn: q.topicArn, triggerEvents: ["DeploymentSuccess"] },
    ]);
    const made = await cli([
      ...["deploy", "create-deployment-group", "--application-name", "trig4", "--deployment-group-name", "g"],
      ...["--service-role-arn", ROLE, "--deployment-config-name", "CodeDeployDefault.LambdaAllAtOnce"],
      ...["--trigger-configurations", triggers],
    ]);
    assert.equal(made.code, 0, made.stderr);
    const bad = await cli([
      ...["deploy", "create-deployment-group", "--application-name", "trig4", "--deployment-group-name", "g2"],
      ...[
        "--service-role-arn",
        ROLE,
        "--trigger-configurations",
        JSON.stringify([{ triggerName: "x", triggerTargetArn: q.topicArn, triggerEvents: ["Nope"] }]),
      ],
    ]);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /InvalidTriggerConfigException/);
    const id = await deploy("trig4", "g", "cli-fn");
    const all = await collect(q, (n) => n.length >= 1);
    assert.equal(all[0]?.subject, `SUCCEEDED: AWS CodeDeploy ${id} in ${NODE_REGION} to g`);
  });

  test("SAM: DeploymentPreference TriggerConfigurations reach the group the stack makes", async () => {
    const cfn = new CloudFormationClient({
      region: NODE_REGION,
      endpoint: node.url,
      credentials: { accessKeyId: node.accessKeyId, secretAccessKey: node.secretAccessKey },
      maxAttempts: 1,
    });
    try {
      const template = `Transform: AWS::Serverless-2016-10-31
Resources:
  Deploys:
    Type: AWS::SNS::Topic
  Hello:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      AutoPublishAlias: live
      InlineCode: "exports.handler = async () => 'v1';"
      DeploymentPreference:
        Type: Canary10Percent5Minutes
        TriggerConfigurations:
          - TriggerName: to-topic
            TriggerTargetArn: !Ref Deploys
            TriggerEvents: [DeploymentStart, DeploymentFailure]
`;
      await cfn.send(
        new CreateStackCommand({ StackName: "sam-triggers", TemplateBody: template, Capabilities: ["CAPABILITY_IAM"] }),
      );
      let status = "";
      await waitFor(
        async () => {
          const s = (await cfn.send(new DescribeStacksCommand({ StackName: "sam-triggers" }))).Stacks?.[0];
          status = s?.StackStatus ?? "";
          return !status.endsWith("IN_PROGRESS");
        },
        "the stack",
        TIMEOUT,
      );
      assert.equal(status, "CREATE_COMPLETE");
      const apps = await cli(["deploy", "list-applications"]);
      const app = (JSON.parse(apps.stdout) as { applications: string[] }).applications.find((a) =>
        a.startsWith("sam-triggers"),
      );
      assert.ok(app, apps.stdout);
      const groups = await cd.send(new ListDeploymentGroupsCommand({ applicationName: app }));
      const group = await cd.send(
        new GetDeploymentGroupCommand({ applicationName: app, deploymentGroupName: groups.deploymentGroups?.[0] }),
      );
      const [trigger] = group.deploymentGroupInfo?.triggerConfigurations ?? [];
      assert.equal(trigger?.triggerName, "to-topic");
      assert.match(trigger?.triggerTargetArn ?? "", /^arn:aws:sns:us-east-1:123456789012:sam-triggers-Deploys-/);
      assert.deepEqual(trigger?.triggerEvents, ["DeploymentStart", "DeploymentFailure"]);
    } finally {
      cfn.destroy();
    }
  });
});
