/**
 * A stage canary in real time on a node at --time-scale 60 (a thirty-minute canary lasts thirty
 * seconds): `haneul deployments start-stage-canary` puts 10 % of a REST stage's traffic on a
 * deployment whose method answers 500; an alarm on the stage's 5XXError (AWS/ApiGateway, ApiName
 * and Stage) trips, and the canary is removed before its window ends; the HTTP traffic saw errors
 * only on its canary share, and the stage serves the old deployment alone again. A group with
 * haneul:canaryJudge, driven through the CodeDeploy API (SDK v3): the judge compares the canary's
 * requests with the stage's over the step (Haneul/ApiGateway by DeploymentId, read back with
 * GetMetricStatistics too), finds its 5XX rate worse and removes it. An idle stage whose group has
 * a test event: the guard sends it to the canary's deployment through the gateway (real HTTP), the
 * canary is promoted, the requests show in the stage's AWS/ApiGateway Count and not in the split.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  APIGatewayClient,
  CreateDeploymentCommand,
  CreateRestApiCommand,
  GetResourcesCommand,
  GetStageCommand,
  PutIntegrationCommand,
  PutIntegrationResponseCommand,
  PutMethodResponseCommand,
  PutMethodCommand,
} from "@aws-sdk/client-api-gateway";
import { CloudWatchClient, GetMetricStatisticsCommand, PutMetricAlarmCommand } from "@aws-sdk/client-cloudwatch";
import {
  CodeDeployClient,
  CreateApplicationCommand,
  CreateDeploymentCommand as CreateCodeDeployDeploymentCommand,
  CreateDeploymentGroupCommand,
  GetDeploymentCommand,
  type DeploymentInfo,
} from "@aws-sdk/client-codedeploy";
import { gatewayCall } from "../helpers/apigw-stack.js";
import { runHaneul } from "../helpers/haneul-cli.js";
import { NODE_REGION, startLambdaNode, type LambdaNode } from "../helpers/lambda-node.js";
import { waitFor } from "../helpers/wait.js";

describe("stage canary in real time (time scale 60)", () => {
  let node: LambdaNode;
  let apigw: APIGatewayClient;
  let cw: CloudWatchClient;
  let cd: CodeDeployClient;

  before(async () => {
    node = await startLambdaNode({ randomSeed: 7, env: { HANEUL_TIME_SCALE: "60" } });
    const credentials = { accessKeyId: node.accessKeyId, secretAccessKey: node.secretAccessKey };
    const common = { region: NODE_REGION, endpoint: node.url, credentials, maxAttempts: 1 };
    apigw = new APIGatewayClient(common);
    cw = new CloudWatchClient(common);
    cd = new CodeDeployClient(common);
  });
  after(async () => {
    apigw?.destroy();
    cw?.destroy();
    cd?.destroy();
    await node?.close();
  });

  /** Points GET / at a MOCK integration answering `status`, and deploys it (to `stageName`). */
  async function deployAnswering(restApiId: string, status: number, stageName: string): Promise<string> {
    const resourceId = (await apigw.send(new GetResourcesCommand({ restApiId }))).items?.[0]?.id ?? "";
    const k = { restApiId, resourceId, httpMethod: "GET" };
    await apigw.send(
      new PutIntegrationCommand({
        ...k,
        type: "MOCK",
        requestTemplates: { "application/json": `{"statusCode": ${status}}` },
      }),
    );
    await apigw.send(new PutMethodResponseCommand({ ...k, statusCode: String(status) }));
    await apigw.send(
      new PutIntegrationResponseCommand({
        ...k,
        statusCode: String(status),
        selectionPattern: status === 200 ? "" : String(status),
        responseTemplates: { "application/json": String(status) },
      }),
    );
    return (await apigw.send(new CreateDeploymentCommand({ restApiId, stageName }))).id ?? "";
  }

  test("a canary whose deployment answers 500 is removed before its window ends", async () => {
    const restApiId = (await apigw.send(new CreateRestApiCommand({ name: "shop" }))).id ?? "";
    const rootId = (await apigw.send(new GetResourcesCommand({ restApiId }))).items?.[0]?.id ?? "";
    await apigw.send(
      new PutMethodCommand({ restApiId, resourceId: rootId, httpMethod: "GET", authorizationType: "NONE" }),
    );
    const good = await deployAnswering(restApiId, 200, "prod");
    const bad = await deployAnswering(restApiId, 500, "staging");
    await cw.send(
      new PutMetricAlarmCommand({
        AlarmName: "shop-prod-5xx",
        Namespace: "AWS/ApiGateway",
        MetricName: "5XXError",
        Dimensions: [
          { Name: "ApiName", Value: "shop" },
          { Name: "Stage", Value: "prod" },
        ],
        Statistic: "Sum",
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: "GreaterThanThreshold",
        TreatMissingData: "notBreaching",
      }),
    );

    const port = Number(new URL(node.gatewayUrl).port);
    const seen = { ok: 0, errors: 0, other: 0 };
    let calling = true;
    const traffic = (async () => {
      while (calling) {
        const r = await gatewayCall(port, restApiId, { path: "/prod/" });
        if (r.status === 200) seen.ok++;
        else if (r.status === 500) seen.errors++;
        else seen.other++;
      }
    })();
    try {
      const env = { HANEUL_ACCESS_KEY_ID: node.accessKeyId, HANEUL_SECRET_ACCESS_KEY: node.secretAccessKey };
      const started = await runHaneul(
        [
          ...["deployments", "start-stage-canary", "--rest-api-id", restApiId, "--stage", "prod"],
          ...["--deployment-id", bad, "--config", "CodeDeployDefault.LambdaCanary10Percent30Minutes"],
          ...["--alarms", "shop-prod-5xx", "--endpoint", node.url, "--region", NODE_REGION, "--output", "json"],
        ],
        env,
      );
      assert.equal(started.code, 0, started.stderr);
      const { deploymentId } = JSON.parse(started.stdout) as { deploymentId: string };

      let info: DeploymentInfo | undefined;
      await waitFor(
        async () => {
          info = (await cd.send(new GetDeploymentCommand({ deploymentId }))).deploymentInfo;
          return info?.status === "Stopped" || info?.status === "Failed" || info?.status === "Succeeded";
        },
        "the stage canary deployment to end",
        60_000,
      );
      assert.equal(info?.status, "Stopped");
      assert.equal(info?.errorInformation?.code, "ALARM_ACTIVE");
      const ran = (info?.completeTime?.getTime() ?? 0) - (info?.startTime?.getTime() ?? 0);
      assert.ok(ran < 30 * 60_000, `removed after ${ran} ms of node time, before the 30-minute canary window ended`);

      const stage = await apigw.send(new GetStageCommand({ restApiId, stageName: "prod" }));
      assert.equal(stage.deploymentId, good);
      assert.equal(stage.canarySettings, undefined, "the canary is gone");
    } finally {
      calling = false;
      await traffic;
    }
    assert.equal(seen.other, 0);
    assert.ok(seen.errors > 0, "the canary was called");
    // 10 % on the canary (seeded split): allow a wide margin, far below what a full shift would give.
    assert.ok(seen.errors / (seen.ok + seen.errors) < 0.3, `errors ${seen.errors} of ${seen.ok + seen.errors}`);
    const after = await gatewayCall(port, restApiId, { path: "/prod/" });
    assert.equal(after.status, 200);
  });

  test("the canary judge compares the canary's requests with the stage's and removes a canary answering 500", async () => {
    const restApiId = (await apigw.send(new CreateRestApiCommand({ name: "judged" }))).id ?? "";
    const rootId = (await apigw.send(new GetResourcesCommand({ restApiId }))).items?.[0]?.id ?? "";
    await apigw.send(
      new PutMethodCommand({ restApiId, resourceId: rootId, httpMethod: "GET", authorizationType: "NONE" }),
    );
    const good = await deployAnswering(restApiId, 200, "prod");
    const bad = await deployAnswering(restApiId, 500, "staging");
    await cd.send(new CreateApplicationCommand({ applicationName: "judged", computePlatform: "Lambda" }));
    await cd.send(
      new CreateDeploymentGroupCommand({
        applicationName: "judged",
        deploymentGroupName: "prod",
        serviceRoleArn: "arn:aws:iam::000000000000:role/codedeploy",
        deploymentConfigName: "CodeDeployDefault.LambdaCanary10Percent5Minutes",
        deploymentStyle: { deploymentType: "BLUE_GREEN", deploymentOption: "WITH_TRAFFIC_CONTROL" },
        autoRollbackConfiguration: { enabled: true, events: ["DEPLOYMENT_FAILURE"] },
        tags: [{ Key: "haneul:canaryJudge", Value: "10" }],
      }),
    );
    const port = Number(new URL(node.gatewayUrl).port);
    let calling = true;
    const traffic = (async () => {
      while (calling) await gatewayCall(port, restApiId, { path: "/prod/" });
    })();
    let info: DeploymentInfo | undefined;
    try {
      const properties = {
        RestApiId: restApiId,
        StageName: "prod",
        CurrentDeploymentId: good,
        TargetDeploymentId: bad,
      };
      const content = JSON.stringify({
        Resources: [{ S: { Type: "AWS::ApiGateway::Stage", Properties: properties } }],
      });
      const { deploymentId } = await cd.send(
        new CreateCodeDeployDeploymentCommand({
          applicationName: "judged",
          deploymentGroupName: "prod",
          revision: { revisionType: "AppSpecContent", appSpecContent: { content } },
        }),
      );
      await waitFor(
        async () => {
          info = (await cd.send(new GetDeploymentCommand({ deploymentId }))).deploymentInfo;
          return info?.status === "Stopped" || info?.status === "Failed" || info?.status === "Succeeded";
        },
        "the judged stage canary deployment to end",
        60_000,
      );
    } finally {
      calling = false;
      await traffic;
    }
    assert.equal(info?.status, "Failed", info?.errorInformation?.message ?? "");
    assert.equal(info?.errorInformation?.code, "CUSTOMER_APPLICATION_UNHEALTHY");
    assert.match(
      info?.errorInformation?.message ?? "",
      new RegExp(`Fail: 5XX rate 100.0% .* on deployment ${bad} vs 0.0%`),
    );
    const stage = await apigw.send(new GetStageCommand({ restApiId, stageName: "prod" }));
    assert.equal(stage.deploymentId, good);
    assert.equal(stage.canarySettings, undefined, "the canary is gone");

    // The split the judge read, as any client reads it.
    const sums = async (deployment: string): Promise<{ count: number; e5: number }> => {
      const read = async (MetricName: string): Promise<number> => {
        const r = await cw.send(
          new GetMetricStatisticsCommand({
            Namespace: "Haneul/ApiGateway",
            MetricName,
            Dimensions: [
              { Name: "ApiName", Value: "judged" },
              { Name: "Stage", Value: "prod" },
              { Name: "DeploymentId", Value: deployment },
            ],
            StartTime: new Date(Date.now() - 3_600_000 * 24),
            EndTime: new Date(Date.now() + 3_600_000 * 24),
            Period: 86_400,
            Statistics: ["Sum"],
          }),
        );
        return (r.Datapoints ?? []).reduce((n, p) => n + (p.Sum ?? 0), 0);
      };
      return { count: await read("Count"), e5: await read("5XXError") };
    };
    const canary = await sums(bad);
    const base = await sums(good);
    assert.ok(canary.count >= 10, `canary requests ${canary.count}`);
    assert.equal(canary.e5, canary.count, "every canary request answered 500");
    assert.ok(base.count >= 10 && base.e5 === 0, `stage requests ${base.count}, 5XX ${base.e5}`);
  });

  test("an idle stage canary gets its test event through the gateway and is promoted", async () => {
    const restApiId = (await apigw.send(new CreateRestApiCommand({ name: "idle" }))).id ?? "";
    const rootId = (await apigw.send(new GetResourcesCommand({ restApiId }))).items?.[0]?.id ?? "";
    await apigw.send(
      new PutMethodCommand({ restApiId, resourceId: rootId, httpMethod: "GET", authorizationType: "NONE" }),
    );
    const old = await deployAnswering(restApiId, 200, "prod");
    const next = await deployAnswering(restApiId, 200, "staging");
    await cd.send(new CreateApplicationCommand({ applicationName: "idle", computePlatform: "Lambda" }));
    await cd.send(
      new CreateDeploymentGroupCommand({
        applicationName: "idle",
        deploymentGroupName: "prod",
        serviceRoleArn: "arn:aws:iam::000000000000:role/codedeploy",
        deploymentConfigName: "CodeDeployDefault.LambdaCanary10Percent5Minutes",
        deploymentStyle: { deploymentType: "BLUE_GREEN", deploymentOption: "WITH_TRAFFIC_CONTROL" },
        autoRollbackConfiguration: { enabled: true, events: ["DEPLOYMENT_FAILURE"] },
        tags: [
          { Key: "haneul:minInvocationsPerStep", Value: "8" },
          { Key: "haneul:testEvent", Value: '{"path": "/", "headers": {"x-probe": "1"}}' },
        ],
      }),
    );
    const properties = { RestApiId: restApiId, StageName: "prod", CurrentDeploymentId: old, TargetDeploymentId: next };
    const content = JSON.stringify({ Resources: [{ S: { Type: "AWS::ApiGateway::Stage", Properties: properties } }] });
    const { deploymentId } = await cd.send(
      new CreateCodeDeployDeploymentCommand({
        applicationName: "idle",
        deploymentGroupName: "prod",
        revision: { revisionType: "AppSpecContent", appSpecContent: { content } },
      }),
    );
    let info: DeploymentInfo | undefined;
    await waitFor(
      async () => {
        info = (await cd.send(new GetDeploymentCommand({ deploymentId }))).deploymentInfo;
        return info?.status === "Stopped" || info?.status === "Failed" || info?.status === "Succeeded";
      },
      "the idle stage canary deployment to end",
      60_000,
    );
    assert.equal(info?.status, "Succeeded", info?.errorInformation?.message ?? "");
    assert.ok(
      (info?.deploymentStatusMessages ?? []).some((m) =>
        new RegExp(`synthetic requests in the 100% step: 8 to deployment ${next}, 0 answered 5XX, 0 4XX`).test(m),
      ),
      JSON.stringify(info?.deploymentStatusMessages),
    );
    const stage = await apigw.send(new GetStageCommand({ restApiId, stageName: "prod" }));
    assert.equal(stage.deploymentId, next);
    const sum = async (Namespace: string, Dimensions: { Name: string; Value: string }[]): Promise<number> => {
      const r = await cw.send(
        new GetMetricStatisticsCommand({
          ...{ Namespace, MetricName: "Count", Dimensions, Period: 86_400, Statistics: ["Sum"] },
          StartTime: new Date(Date.now() - 3_600_000 * 24),
          EndTime: new Date(Date.now() + 3_600_000 * 24),
        }),
      );
      return (r.Datapoints ?? []).reduce((n, p) => n + (p.Sum ?? 0), 0);
    };
    const stageDims = [
      { Name: "ApiName", Value: "idle" },
      { Name: "Stage", Value: "prod" },
    ];
    await waitFor(
      async () => (await sum("AWS/ApiGateway", stageDims)) >= 8,
      "the test event's requests in the stage's Count",
      30_000,
    );
    assert.equal(
      await sum("AWS/ApiGateway", stageDims),
      8,
      "the stage served the eight test requests and nothing else",
    );
    assert.equal(await sum("Haneul/ApiGateway", [...stageDims, { Name: "DeploymentId", Value: next }]), 0);
  });
});
