/**
 * The CodeDeploy API for Lambda with the real clients against a real node (--time-scale 600, so a
 * five-minute canary takes half a second): SDK v3 runs a canary to the end and reads its target,
 * aws-sdk v2 makes a custom config and stops a deployment (rolled back), the AWS CLI v2 lists and
 * deploys; errors arrive as each client's named exception.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  CodeDeployClient,
  CreateApplicationCommand,
  CreateDeploymentCommand,
  CreateDeploymentGroupCommand,
  GetApplicationCommand,
  GetDeploymentCommand,
  GetDeploymentGroupCommand,
  GetDeploymentTargetCommand,
  ListDeploymentTargetsCommand,
  type DeploymentInfo,
} from "@aws-sdk/client-codedeploy";
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  GetAliasCommand,
  PublishVersionCommand,
  UpdateAliasCommand,
  UpdateFunctionConfigurationCommand,
} from "@aws-sdk/client-lambda";
import AWS from "aws-sdk";
import { zipSync } from "fflate";
import { lambdaCliTarget, NODE_REGION, NODE_ROLE, startLambdaNode, type LambdaNode } from "../helpers/lambda-node.js";
import { runAwsCli, type AwsCliResult } from "../helpers/aws-cli.js";

const ROLE = "arn:aws:iam::123456789012:role/codedeploy";

let node: LambdaNode;
let cd: CodeDeployClient;
let v2: AWS.CodeDeploy;

function appSpec(fn: string, yaml = true): string {
  if (!yaml) {
    return JSON.stringify({
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
  }
  return `version: 0.0
Resources:
  - myLambdaFunction:
      Type: AWS::Lambda::Function
      Properties:
        Name: "${fn}"
        Alias: "live"
        CurrentVersion: "1"
        TargetVersion: "2"
`;
}

/** A function with versions 1 and 2 and an alias `live` on 1. */
async function twoVersions(name: string): Promise<void> {
  const code = zipSync({ "index.js": new TextEncoder().encode("exports.handler = async () => ({ ok: true });") });
  await node.client.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: "nodejs20.x",
      Role: NODE_ROLE,
      Handler: "index.handler",
      Code: { ZipFile: code },
    }),
  );
  await node.client.send(new PublishVersionCommand({ FunctionName: name }));
  await node.client.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Description: "v2" }));
  await waitFor(
    async () => (await node.client.send(new PublishVersionCommand({ FunctionName: name }))).Version === "2",
    "version 2",
  );
  await node.client.send(new CreateAliasCommand({ FunctionName: name, Name: "live", FunctionVersion: "1" }));
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch (e) {
      if (Date.now() > end) throw e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function finished(id: string): Promise<DeploymentInfo> {
  let info: DeploymentInfo | undefined;
  await waitFor(async () => {
    info = (await cd.send(new GetDeploymentCommand({ deploymentId: id }))).deploymentInfo;
    return ["Succeeded", "Failed", "Stopped"].includes(info?.status ?? "");
  }, `deployment ${id} to end`);
  return info as DeploymentInfo;
}

function cli(args: string[]): Promise<AwsCliResult> {
  return runAwsCli(lambdaCliTarget(node), args);
}

describe("CodeDeploy for Lambda with real clients", () => {
  before(async () => {
    node = await startLambdaNode({ env: { HANEUL_TIME_SCALE: "600" } });
    const credentials = { accessKeyId: node.accessKeyId, secretAccessKey: node.secretAccessKey };
    cd = new CodeDeployClient({ region: NODE_REGION, endpoint: node.url, credentials, maxAttempts: 1 });
    v2 = new AWS.CodeDeploy({
      region: NODE_REGION,
      endpoint: node.url,
      credentials: new AWS.Credentials(credentials.accessKeyId, credentials.secretAccessKey),
      maxRetries: 0,
    });
  });
  after(async () => {
    cd?.destroy();
    await node?.close();
  });

  test("SDK v3: a canary runs to the end; the group, the deployment and its target read as CodeDeploy's", async () => {
    await twoVersions("canary");
    const { applicationId } = await cd.send(
      new CreateApplicationCommand({ applicationName: "app3", computePlatform: "Lambda" }),
    );
    assert.match(applicationId ?? "", /^[0-9a-f-]{36}$/);
    await cd.send(
      new CreateDeploymentGroupCommand({
        applicationName: "app3",
        deploymentGroupName: "canary",
        serviceRoleArn: ROLE,
        deploymentConfigName: "CodeDeployDefault.LambdaCanary10Percent5Minutes",
        deploymentStyle: { deploymentType: "BLUE_GREEN", deploymentOption: "WITH_TRAFFIC_CONTROL" },
        autoRollbackConfiguration: { enabled: true, events: ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"] },
      }),
    );
    const { deploymentId } = await cd.send(
      new CreateDeploymentCommand({
        applicationName: "app3",
        deploymentGroupName: "canary",
        revision: { revisionType: "AppSpecContent", appSpecContent: { content: appSpec("canary") } },
      }),
    );
    assert.match(deploymentId ?? "", /^d-[A-Z0-9]{9}$/);
    await assert.rejects(
      cd.send(
        new CreateDeploymentCommand({
          applicationName: "app3",
          deploymentGroupName: "canary",
          revision: { revisionType: "AppSpecContent", appSpecContent: { content: appSpec("canary") } },
        }),
      ),
      (e: Error) => e.name === "DeploymentLimitExceededException" && e.message.includes(deploymentId ?? "?"),
    );
    const { deploymentTarget } = await cd.send(
      new GetDeploymentTargetCommand({ deploymentId, targetId: "canary:live" }),
    );
    assert.equal(deploymentTarget?.deploymentTargetType, "LambdaTarget");
    const weight = deploymentTarget?.lambdaTarget?.lambdaFunctionInfo?.targetVersionWeight;
    assert.ok(weight === 0 || weight === 0.1 || weight === 1, `weight ${weight}`);
    const info = await finished(deploymentId ?? "");
    assert.equal(info.status, "Succeeded");
    assert.equal(info.deploymentConfigName, "CodeDeployDefault.LambdaCanary10Percent5Minutes");
    assert.equal(info.computePlatform, "Lambda");
    assert.ok(info.completeTime instanceof Date && info.startTime instanceof Date);
    assert.ok(
      info.completeTime.getTime() - info.startTime.getTime() >= 5 * 60_000,
      "the canary waited its five minutes (platform time)",
    );
    const alias = await node.client.send(new GetAliasCommand({ FunctionName: "canary", Name: "live" }));
    assert.equal(alias.FunctionVersion, "2");
    assert.equal(alias.RoutingConfig, undefined);
    const targets = await cd.send(new ListDeploymentTargetsCommand({ deploymentId }));
    assert.deepEqual(targets.targetIds, ["canary:live"]);
    const target = (await cd.send(new GetDeploymentTargetCommand({ deploymentId, targetId: "canary:live" })))
      .deploymentTarget;
    assert.deepEqual(
      target?.lambdaTarget?.lifecycleEvents?.map((e) => [e.lifecycleEventName, e.status]),
      [
        ["BeforeAllowTraffic", "Succeeded"],
        ["AllowTraffic", "Succeeded"],
        ["AfterAllowTraffic", "Succeeded"],
      ],
    );
    const group = (
      await cd.send(new GetDeploymentGroupCommand({ applicationName: "app3", deploymentGroupName: "canary" }))
    ).deploymentGroupInfo;
    assert.equal(group?.lastSuccessfulDeployment?.deploymentId, deploymentId);
    assert.equal(group?.computePlatform, "Lambda");
    await assert.rejects(
      cd.send(new GetApplicationCommand({ applicationName: "nope" })),
      (e: Error) => e.name === "ApplicationDoesNotExistException",
    );
    await assert.rejects(
      cd.send(new CreateApplicationCommand({ applicationName: "app3", computePlatform: "Lambda" })),
      (e: Error) => e.name === "ApplicationAlreadyExistsException",
    );
  });

  test("aws-sdk v2: a custom linear config, a deployment stopped with rollback, a hook id it did not give", async () => {
    await twoVersions("linear");
    await v2.createApplication({ applicationName: "app2", computePlatform: "Lambda" }).promise();
    await v2
      .createDeploymentConfig({
        deploymentConfigName: "Linear20Every30",
        computePlatform: "Lambda",
        trafficRoutingConfig: {
          type: "TimeBasedLinear",
          timeBasedLinear: { linearPercentage: 20, linearInterval: 30 },
        },
      })
      .promise();
    const config = await v2.getDeploymentConfig({ deploymentConfigName: "Linear20Every30" }).promise();
    assert.deepEqual(config.deploymentConfigInfo?.trafficRoutingConfig, {
      type: "TimeBasedLinear",
      timeBasedLinear: { linearPercentage: 20, linearInterval: 30 },
    });
    const configs = await v2.listDeploymentConfigs({}).promise();
    assert.ok(configs.deploymentConfigsList?.includes("CodeDeployDefault.LambdaLinear10PercentEvery10Minutes"));
    assert.ok(configs.deploymentConfigsList?.includes("Linear20Every30"));
    await v2
      .createDeploymentGroup({
        applicationName: "app2",
        deploymentGroupName: "g",
        serviceRoleArn: ROLE,
        deploymentConfigName: "Linear20Every30",
      })
      .promise();
    const { deploymentId = "" } = await v2
      .createDeployment({
        applicationName: "app2",
        deploymentGroupName: "g",
        revision: { revisionType: "AppSpecContent", appSpecContent: { content: appSpec("linear", false) } },
      })
      .promise();
    await waitFor(async () => {
      const a = await node.client.send(new GetAliasCommand({ FunctionName: "linear", Name: "live" }));
      return a.RoutingConfig?.AdditionalVersionWeights?.["2"] === 0.2;
    }, "the first 20 % step");
    const stopped = await v2.stopDeployment({ deploymentId, autoRollbackEnabled: true }).promise();
    assert.equal(stopped.status, "Pending");
    const info = await finished(deploymentId);
    assert.equal(info.status, "Stopped");
    assert.equal(info.errorInformation?.code, "MANUAL_STOP");
    assert.ok(info.rollbackInfo?.rollbackMessage);
    const rollbackId = info.rollbackInfo?.rollbackDeploymentId ?? "";
    const rollback = (await v2.getDeployment({ deploymentId: rollbackId }).promise()).deploymentInfo;
    assert.equal(rollback?.creator, "codeDeployRollback");
    assert.equal(rollback?.status, "Succeeded");
    assert.equal(rollback?.rollbackInfo?.rollbackTriggeringDeploymentId, deploymentId);
    const alias = await node.client.send(new GetAliasCommand({ FunctionName: "linear", Name: "live" }));
    assert.equal(alias.FunctionVersion, "1");
    assert.equal(alias.RoutingConfig, undefined);
    await assert.rejects(
      v2.stopDeployment({ deploymentId }).promise(),
      (e: AWS.AWSError) => e.code === "DeploymentAlreadyCompletedException",
    );
    await assert.rejects(
      v2
        .putLifecycleEventHookExecutionStatus({ deploymentId, lifecycleEventHookExecutionId: "x", status: "Succeeded" })
        .promise(),
      (e: AWS.AWSError) => e.code === "InvalidLifecycleEventHookExecutionIdException",
    );
    await assert.rejects(
      v2.getDeployment({ deploymentId: "d-bad" }).promise(),
      (e: AWS.AWSError) => e.code === "InvalidDeploymentIdException",
    );
    const batch = await v2.batchGetDeployments({ deploymentIds: [deploymentId, "d-AAAAAAAAA"] }).promise();
    assert.deepEqual(
      batch.deploymentsInfo?.map((d) => d.deploymentId),
      [deploymentId],
    );
  });

  test("AWS CLI v2: create, deploy all at once, list, and errors", async () => {
    await twoVersions("allatonce");
    const ok = async (args: string[]) => {
      const r = await cli(args);
      assert.equal(r.code, 0, r.stderr);
      return r.stdout ? (JSON.parse(r.stdout) as Record<string, unknown>) : {};
    };
    await ok(["deploy", "create-application", "--application-name", "cli", "--compute-platform", "Lambda"]);
    await ok([
      "deploy",
      "create-deployment-group",
      "--application-name",
      "cli",
      "--deployment-group-name",
      "g",
      "--service-role-arn",
      ROLE,
    ]);
    const apps = await ok(["deploy", "list-applications"]);
    assert.ok((apps["applications"] as string[]).includes("cli"));
    const revision = JSON.stringify({
      revisionType: "AppSpecContent",
      appSpecContent: { content: appSpec("allatonce") },
    });
    const created = await ok([
      "deploy",
      "create-deployment",
      "--application-name",
      "cli",
      "--deployment-group-name",
      "g",
      "--revision",
      revision,
    ]);
    const info = await finished(created["deploymentId"] as string);
    assert.equal(info.status, "Succeeded");
    assert.equal(info.deploymentConfigName, "CodeDeployDefault.LambdaAllAtOnce");
    const listed = await ok([
      "deploy",
      "list-deployments",
      "--application-name",
      "cli",
      "--deployment-group-name",
      "g",
    ]);
    assert.deepEqual(listed["deployments"], [created["deploymentId"]]);
    const missing = await cli([
      "deploy",
      "get-deployment-group",
      "--application-name",
      "cli",
      "--deployment-group-name",
      "none",
    ]);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /DeploymentGroupDoesNotExistException/);
    const server = await cli(["deploy", "create-application", "--application-name", "ec2"]);
    assert.match(server.stderr, /InvalidComputePlatformException/);
    const badSpec = await cli([
      ...["deploy", "create-deployment", "--application-name", "cli", "--deployment-group-name", "g"],
      ...[
        "--revision",
        JSON.stringify({ revisionType: "AppSpecContent", appSpecContent: { content: "Resources: []" } }),
      ],
    ]);
    assert.match(badSpec.stderr, /InvalidRevisionException/);
    await node.client.send(new UpdateAliasCommand({ FunctionName: "allatonce", Name: "live", FunctionVersion: "1" }));
  });
});
