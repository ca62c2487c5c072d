/**
 * A SAM application with DeploymentPreference `Canary10Percent5Minutes` deployed with `haneul deploy`
 * on a real node at --time-scale 60 (the five-minute canary lasts five seconds): an update goes out
 * as a canary that `haneul deploy` follows step by step; a new version that throws trips the alarm
 * on the function's Errors during the canary, the alias is back on the old version before the
 * canary window ends (on the node's clock), the stack update rolls back, and HTTP traffic never saw more than the canary
 * share of errors.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { BatchGetDeploymentsCommand, CodeDeployClient, ListDeploymentsCommand } from "@aws-sdk/client-codedeploy";
import { GetAliasCommand } from "@aws-sdk/client-lambda";
import { CLI } from "../helpers/paths.js";
import { SERVER_KEY, startServerNode, type ServerNode } from "../helpers/server-node.js";
import { tempDir } from "../helpers/temp-dir.js";

let node: ServerNode;
let app: ReturnType<typeof tempDir>;

function template(code: string): string {
  return `Transform: AWS::Serverless-2016-10-31
Resources:
  Hello:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      AutoPublishAlias: live
      InlineCode: "${code}"
      DeploymentPreference:
        Type: Canary10Percent5Minutes
        Alarms: [!Ref HelloErrors]
      Events:
        Get: { Type: HttpApi, Properties: { Path: /hello, Method: get } }
  HelloErrors:
    Type: AWS::CloudWatch::Alarm
    Properties:
      Namespace: AWS/Lambda
      MetricName: Errors
      Dimensions:
        - { Name: FunctionName, Value: !Ref Hello }
        - { Name: Resource, Value: !Sub "\${Hello}:live" }
      Statistic: Sum
      Period: 60
      EvaluationPeriods: 1
      Threshold: 0
      ComparisonOperator: GreaterThanThreshold
      TreatMissingData: notBreaching
Outputs:
  FunctionName:
    Value: !Ref Hello
`;
}

const answers = (body: string) => `exports.handler = async () => ({ statusCode: 200, body: '${body}' });`;

function haneul(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args, "--endpoint", node.apiUrl, "--gateway", node.gatewayUrl], {
      cwd: app.path,
      env: {
        PATH: "/usr/bin:/bin",
        HANEUL_ACCESS_KEY_ID: SERVER_KEY.accessKeyId,
        HANEUL_SECRET_ACCESS_KEY: SERVER_KEY.secretAccessKey,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

async function aliasOf(fn: string): Promise<{ version: string; weights: Record<string, number> }> {
  const a = await node.client.send(new GetAliasCommand({ FunctionName: fn, Name: "live" }));
  return { version: a.FunctionVersion ?? "", weights: a.RoutingConfig?.AdditionalVersionWeights ?? {} };
}

describe("haneul deploy with a DeploymentPreference, in real time (--time-scale 60)", () => {
  before(async () => {
    node = await startServerNode({ args: ["--time-scale", "60"], timeoutMs: 60_000 });
    app = tempDir("canary-app", { inRepo: true });
  });
  after(async () => {
    await node?.close();
    await app?.remove();
  });

  test("a canary followed step by step, then a throwing version rolled back by its alarm", async () => {
    writeFileSync(join(app.path, "template.yaml"), template(answers("v1")));
    const first = await haneul("deploy", "--stack-name", "canary");
    assert.equal(first.code, 0, first.stderr);
    assert.doesNotMatch(first.stdout, /CodeDeploy deployment/, "the first deploy moves the alias at once");
    const fn = /FunctionName +(\S+)/.exec(first.stdout)?.[1] ?? "";
    assert.deepEqual(await aliasOf(fn), { version: "1", weights: {} });
    const url = /ServerlessHttpApi +(http:\S+)/.exec(first.stdout)?.[1] ?? "";
    const apiId = /^http:\/\/([a-z0-9]+)\./.exec(url)?.[1] ?? "";
    const call = async () => (await fetch(`${node.gatewayUrl}/_api/${apiId}/$default/hello`)).status;
    assert.equal(await call(), 200);

    writeFileSync(join(app.path, "template.yaml"), template(answers("v2")));
    const second = await haneul("deploy", "--stack-name", "canary");
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /HelloAliaslive +CodeDeploy deployment d-\w+ .*: 10% of traffic on version 2/);
    assert.match(second.stdout, /CodeDeploy deployment d-\w+ .*: Succeeded, all traffic on version 2/);
    assert.deepEqual(await aliasOf(fn), { version: "2", weights: {} });

    writeFileSync(
      join(app.path, "template.yaml"),
      template("exports.handler = async () => { throw new Error('broken'); };"),
    );
    const deploying = haneul("deploy", "--stack-name", "canary");
    let total = 0;
    let errors = 0;
    let done = false;
    void deploying.then(() => (done = true));
    while (!done) {
      const status = await call();
      total++;
      if (status >= 500) errors++;
      await new Promise((r) => setTimeout(r, 10));
    }
    const third = await deploying;
    assert.equal(third.code, 1, third.stdout);
    assert.match(third.stdout, /CodeDeploy deployment d-\w+ .*: 10% of traffic on version 3/);
    assert.match(third.stdout + third.stderr, /Stopped: \[ALARM_ACTIVE\]/);
    assert.match(third.stderr, /UPDATE_ROLLBACK_COMPLETE/);
    // On the node's clock the alarm stopped the canary before its five minutes were over.
    const cd = new CodeDeployClient({ region: "us-east-1", endpoint: node.apiUrl, credentials: SERVER_KEY });
    const ids = (await cd.send(new ListDeploymentsCommand({}))).deployments ?? [];
    const infos = (await cd.send(new BatchGetDeploymentsCommand({ deploymentIds: ids }))).deploymentsInfo ?? [];
    cd.destroy();
    const info = infos.find((d) => d.errorInformation?.code === "ALARM_ACTIVE");
    assert.equal(info?.status, "Stopped");
    // The rollback is a deployment of its own, as on CodeDeploy.
    const rollback = infos.find((d) => d.deploymentId === info?.rollbackInfo?.rollbackDeploymentId);
    assert.equal(rollback?.creator, "codeDeployRollback");
    assert.equal(rollback?.rollbackInfo?.rollbackTriggeringDeploymentId, info?.deploymentId);
    const window = (info?.completeTime?.getTime() ?? Infinity) - (info?.createTime?.getTime() ?? 0);
    assert.ok(window < 5 * 60_000, `rolled back ${window} ms (node clock) after it started`);
    // The canary share is 10 %: what the clients saw stays near it (and far from all errors).
    assert.ok(total >= 20, `${total} requests`);
    assert.ok(errors / total <= 0.25, `${errors} errors in ${total} requests`);
    assert.deepEqual(await aliasOf(fn), { version: "2", weights: {} });
    assert.equal(await call(), 200);
  });
});
