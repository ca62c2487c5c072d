/**
 * Safe deployments in real time on a node at --time-scale 60 (a five-minute canary lasts five
 * seconds): PreTraffic hooks written as AWS's tutorials write them (SDK v3 and aws-sdk v2, no
 * endpoint configuration) report through PutLifecycleEventHookExecutionStatus; a new version that
 * throws trips an alarm on its Errors during the canary and the alias is back on the old version
 * before the canary window ends; a hook that finds the new version broken fails the deployment.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { CloudWatchClient, PutMetricAlarmCommand } from "@aws-sdk/client-cloudwatch";
import {
  CodeDeployClient,
  CreateApplicationCommand,
  CreateDeploymentCommand,
  CreateDeploymentGroupCommand,
  GetDeploymentCommand,
  GetDeploymentTargetCommand,
  type DeploymentInfo,
} from "@aws-sdk/client-codedeploy";
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  GetAliasCommand,
  InvokeCommand,
  PublishVersionCommand,
  UpdateFunctionCodeCommand,
} from "@aws-sdk/client-lambda";
import { zipSync } from "fflate";
import { createFunctionRole } from "../helpers/iam.js";
import { NODE_REGION, NODE_ROLE, startLambdaNode, type LambdaNode } from "../helpers/lambda-node.js";

const ROLE = "arn:aws:iam::123456789012:role/codedeploy";
const zip = (source: string) => zipSync({ "index.js": new TextEncoder().encode(source) });

/** The PreTraffic hook of AWS's SAM safe-deployment tutorial, in SDK v3. */
const PRE_TRAFFIC_V3 = `'use strict';
const { CodeDeployClient, PutLifecycleEventHookExecutionStatusCommand } = require('@aws-sdk/client-codedeploy');
const codedeploy = new CodeDeployClient({ apiVersion: '2014-10-06' });

exports.handler = async (event) => {
  console.log('Entering PreTraffic Hook!');
  const deploymentId = event.DeploymentId;
  const lifecycleEventHookExecutionId = event.LifecycleEventHookExecutionId;
  // Validation tests of the new version go here.
  const params = { deploymentId, lifecycleEventHookExecutionId, status: 'Succeeded' };
  await codedeploy.send(new PutLifecycleEventHookExecutionStatusCommand(params));
  return 'Validation test succeeded';
};
`;

/** The tutorial's PreTraffic hook in aws-sdk v2: it invokes the new version and reports what it saw. */
const PRE_TRAFFIC_V2 = `'use strict';
const aws = require('aws-sdk');
const codedeploy = new aws.CodeDeploy({ apiVersion: '2014-10-06' });
const lambda = new aws.Lambda();

exports.handler = (event, context, callback) => {
  const deploymentId = event.DeploymentId;
  const lifecycleEventHookExecutionId = event.LifecycleEventHookExecutionId;
  const lambdaParams = { FunctionName: process.env.NewVersion, InvocationType: 'RequestResponse' };
  lambda.invoke(lambdaParams, function (err, data) {
    const status = err || data.FunctionError ? 'Failed' : 'Succeeded';
    const params = { deploymentId: deploymentId, lifecycleEventHookExecutionId: lifecycleEventHookExecutionId, status: status };
    codedeploy.putLifecycleEventHookExecutionStatus(params, function (err) {
      if (err) callback('CodeDeploy Status update failed');
      else callback(null, 'Validation test ' + status);
    });
  });
};
`;

let node: LambdaNode;
let cd: CodeDeployClient;
let cw: CloudWatchClient;

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const deployment = async (id: string): Promise<DeploymentInfo> =>
  (await cd.send(new GetDeploymentCommand({ deploymentId: id }))).deploymentInfo as DeploymentInfo;
const ended = (d: DeploymentInfo) => ["Succeeded", "Failed", "Stopped"].includes(d.status ?? "");

async function createFunction(name: string, source: string, o: { role?: string; env?: Record<string, string> } = {}) {
  await node.client.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: "nodejs20.x",
      Role: o.role ?? NODE_ROLE,
      Handler: "index.handler",
      Code: { ZipFile: zip(source) },
      ...(o.env && { Environment: { Variables: o.env } }),
    }),
  );
}

async function deploy(group: string, hook: string): Promise<string> {
  const content = `version: 0.0
Resources:
  - shop:
      Type: AWS::Lambda::Function
      Properties: { Name: shop, Alias: live, CurrentVersion: "1", TargetVersion: "2" }
Hooks:
  - BeforeAllowTraffic: ${hook}
`;
  const out = await cd.send(
    new CreateDeploymentCommand({
      applicationName: "shop",
      deploymentGroupName: group,
      revision: { revisionType: "AppSpecContent", appSpecContent: { content } },
    }),
  );
  return out.deploymentId ?? "";
}

describe("safe deployments in real time (time scale 60)", () => {
  before(async () => {
    node = await startLambdaNode({ randomSeed: 7, env: { HANEUL_TIME_SCALE: "60" } });
    const target = { endpoint: node.url, accessKeyId: node.accessKeyId, secretAccessKey: node.secretAccessKey };
    const credentials = { accessKeyId: node.accessKeyId, secretAccessKey: node.secretAccessKey };
    cd = new CodeDeployClient({ region: NODE_REGION, endpoint: node.url, credentials, maxAttempts: 1 });
    cw = new CloudWatchClient({ region: NODE_REGION, endpoint: node.url, credentials, maxAttempts: 1 });
    const hookRole = await createFunctionRole(target, "hooks", {
      actions: ["codedeploy:PutLifecycleEventHookExecutionStatus", "lambda:InvokeFunction"],
    });
    await createFunction("shop", "exports.handler = async () => ({ ok: true });");
    await node.client.send(new PublishVersionCommand({ FunctionName: "shop" }));
    await node.client.send(
      new UpdateFunctionCodeCommand({
        FunctionName: "shop",
        ZipFile: zip("exports.handler = async () => { throw new Error('broken release'); };"),
      }),
    );
    await waitFor(
      async () => (await node.client.send(new PublishVersionCommand({ FunctionName: "shop" }))).Version === "2",
      "version 2",
    );
    await node.client.send(new CreateAliasCommand({ FunctionName: "shop", Name: "live", FunctionVersion: "1" }));
    await createFunction("preTrafficV3", PRE_TRAFFIC_V3, { role: hookRole });
    await createFunction("preTrafficV2", PRE_TRAFFIC_V2, { role: hookRole, env: { NewVersion: "shop:2" } });
    await cd.send(new CreateApplicationCommand({ applicationName: "shop", computePlatform: "Lambda" }));
    // SAM's canonical rollback alarm: Errors of the new version behind the alias.
    await cw.send(
      new PutMetricAlarmCommand({
        AlarmName: "shop-new-version-errors",
        Namespace: "AWS/Lambda",
        MetricName: "Errors",
        Dimensions: [
          { Name: "FunctionName", Value: "shop" },
          { Name: "Resource", Value: "shop:live" },
          { Name: "ExecutedVersion", Value: "2" },
        ],
        Statistic: "Sum",
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: "GreaterThanThreshold",
        TreatMissingData: "notBreaching",
      }),
    );
    const events = ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM", "DEPLOYMENT_STOP_ON_REQUEST"] as const;
    for (const [name, alarms] of [
      ["watched", ["shop-new-version-errors"]],
      ["unwatched", []],
    ] as const) {
      await cd.send(
        new CreateDeploymentGroupCommand({
          applicationName: "shop",
          deploymentGroupName: name,
          serviceRoleArn: ROLE,
          deploymentConfigName: "CodeDeployDefault.LambdaCanary10Percent5Minutes",
          alarmConfiguration: { enabled: alarms.length > 0, alarms: alarms.map((a) => ({ name: a })) },
          autoRollbackConfiguration: { enabled: true, events: [...events] },
        }),
      );
    }
  });
  after(async () => {
    cd?.destroy();
    cw?.destroy();
    await node?.close();
  });

  test("SDK v3 hook passes; the throwing version trips the alarm in the canary and the alias goes back", async () => {
    const id = await deploy("watched", "preTrafficV3");
    await waitFor(async () => {
      const a = await node.client.send(new GetAliasCommand({ FunctionName: "shop", Name: "live" }));
      return a.RoutingConfig?.AdditionalVersionWeights?.["2"] === 0.1 || ended(await deployment(id));
    }, "the canary step (the hook reported Succeeded)");
    let calls = 0;
    let errors = 0;
    let d = await deployment(id);
    while (!ended(d) && calls < 2000) {
      const out = await node.client.send(new InvokeCommand({ FunctionName: "shop", Qualifier: "live" }));
      calls++;
      if (out.FunctionError) errors++;
      if (calls % 10 === 0) d = await deployment(id);
    }
    await waitFor(async () => ended((d = await deployment(id))), "the deployment to end");
    assert.equal(d.status, "Stopped", JSON.stringify(d.errorInformation));
    assert.equal(d.errorInformation?.code, "ALARM_ACTIVE");
    assert.match(d.errorInformation?.message ?? "", /shop-new-version-errors/);
    const window = (d.completeTime?.getTime() ?? 0) - (d.startTime?.getTime() ?? 0);
    assert.ok(
      window < 5 * 60_000,
      `rolled back ${window} ms (platform time) after the start, within the canary's five minutes`,
    );
    const alias = await node.client.send(new GetAliasCommand({ FunctionName: "shop", Name: "live" }));
    assert.equal(alias.FunctionVersion, "1");
    assert.equal(alias.RoutingConfig, undefined);
    assert.ok(errors > 0, "the new version served some of the traffic");
    assert.ok(errors / calls < 0.3, `${errors} errors of ${calls} calls: no more than the canary's share`);
    const target = await cd.send(new GetDeploymentTargetCommand({ deploymentId: id, targetId: "shop:live" }));
    assert.deepEqual(
      target.deploymentTarget?.lambdaTarget?.lifecycleEvents?.map((e) => [e.lifecycleEventName, e.status]),
      [
        ["BeforeAllowTraffic", "Succeeded"],
        ["AllowTraffic", "Failed"],
        ["AfterAllowTraffic", "Skipped"],
      ],
    );
  });

  test("aws-sdk v2 hook finds the new version broken: the deployment fails before any traffic moves", async () => {
    const id = await deploy("unwatched", "preTrafficV2");
    let d = await deployment(id);
    await waitFor(async () => ended((d = await deployment(id))), "the deployment to end");
    assert.equal(d.status, "Failed");
    assert.equal(d.errorInformation?.code, "HOOK_EXECUTION_FAILURE");
    const alias = await node.client.send(new GetAliasCommand({ FunctionName: "shop", Name: "live" }));
    assert.equal(alias.FunctionVersion, "1");
    assert.equal(alias.RoutingConfig, undefined);
    const target = await cd.send(new GetDeploymentTargetCommand({ deploymentId: id, targetId: "shop:live" }));
    const events = target.deploymentTarget?.lambdaTarget?.lifecycleEvents ?? [];
    assert.deepEqual(
      events.map((e) => [e.lifecycleEventName, e.status]),
      [
        ["BeforeAllowTraffic", "Failed"],
        ["AllowTraffic", "Skipped"],
        ["AfterAllowTraffic", "Skipped"],
      ],
    );
    assert.equal(events[0]?.diagnostics?.errorCode, "ScriptFailed");
  });
});
