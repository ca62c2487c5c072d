/**
 * `haneul deployments list|get` and `haneul rollback` against a real node (--time-scale 60, so
 * the 30-minute canary outlasts a loaded machine's CLI start):
 * the table and the detail of a finished deployment, an instant rollback after a deployment
 * succeeded, and a rollback of a canary in progress (stopped, alias back on the old version).
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after, before, describe, test } from "node:test";
import {
  CodeDeployClient,
  CreateApplicationCommand,
  CreateDeploymentCommand,
  CreateDeploymentConfigCommand,
  CreateDeploymentGroupCommand,
  GetDeploymentCommand,
  StopDeploymentCommand,
} from "@aws-sdk/client-codedeploy";
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  GetAliasCommand,
  InvokeCommand,
  PublishVersionCommand,
  UpdateAliasCommand,
  UpdateFunctionConfigurationCommand,
} from "@aws-sdk/client-lambda";
import { zipSync } from "fflate";
import { NODE_REGION, NODE_ROLE, startLambdaNode, type LambdaNode } from "../helpers/lambda-node.js";
import { CLI } from "../helpers/paths.js";

let node: LambdaNode;
let cd: CodeDeployClient;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI; `progress` sees its output so far (a `watch` is read while it runs). */
function haneul(args: string[], progress: { stdout: string } = { stdout: "" }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args, "--endpoint", node.url], {
      env: {
        PATH: process.env["PATH"],
        HANEUL_ACCESS_KEY_ID: node.accessKeyId,
        HANEUL_SECRET_ACCESS_KEY: node.secretAccessKey,
        AWS_REGION: NODE_REGION,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (progress.stdout = stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const FINAL = new Set(["Succeeded", "Failed", "Stopped"]);

async function status(id: string): Promise<string> {
  return (await cd.send(new GetDeploymentCommand({ deploymentId: id }))).deploymentInfo?.status ?? "";
}

async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  const end = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function deploy(group: string): Promise<string> {
  const content = JSON.stringify({
    Resources: [
      {
        web: {
          Type: "AWS::Lambda::Function",
          Properties: { Name: "web", Alias: "live", CurrentVersion: "1", TargetVersion: "2" },
        },
      },
    ],
  });
  const { deploymentId = "" } = await cd.send(
    new CreateDeploymentCommand({
      applicationName: "web",
      deploymentGroupName: group,
      revision: { revisionType: "AppSpecContent", appSpecContent: { content } },
    }),
  );
  return deploymentId;
}

const aliasVersion = async () =>
  (await node.client.send(new GetAliasCommand({ FunctionName: "web", Name: "live" }))).FunctionVersion;

describe("haneul deployments and haneul rollback", () => {
  before(async () => {
    node = await startLambdaNode({ env: { HANEUL_TIME_SCALE: "60" } });
    cd = new CodeDeployClient({
      region: NODE_REGION,
      endpoint: node.url,
      credentials: { accessKeyId: node.accessKeyId, secretAccessKey: node.secretAccessKey },
      maxAttempts: 1,
    });
    const code = zipSync({ "index.js": new TextEncoder().encode("exports.handler = async () => 1;") });
    await node.client.send(
      new CreateFunctionCommand({
        FunctionName: "web",
        Runtime: "nodejs20.x",
        Role: NODE_ROLE,
        Handler: "index.handler",
        Code: { ZipFile: code },
      }),
    );
    await node.client.send(new PublishVersionCommand({ FunctionName: "web" }));
    await node.client.send(new UpdateFunctionConfigurationCommand({ FunctionName: "web", Description: "two" }));
    await waitFor(
      async () => (await node.client.send(new PublishVersionCommand({ FunctionName: "web" }))).Version === "2",
      "version 2",
    );
    await node.client.send(new CreateAliasCommand({ FunctionName: "web", Name: "live", FunctionVersion: "1" }));
    await cd.send(new CreateApplicationCommand({ applicationName: "web", computePlatform: "Lambda" }));
    for (const [name, config] of [
      ["fast", "CodeDeployDefault.LambdaAllAtOnce"],
      ["slow", "CodeDeployDefault.LambdaCanary10Percent30Minutes"],
    ]) {
      await cd.send(
        new CreateDeploymentGroupCommand({
          applicationName: "web",
          deploymentGroupName: name,
          serviceRoleArn: "arn:aws:iam::123456789012:role/cd",
          deploymentConfigName: config,
          autoRollbackConfiguration: { enabled: true, events: ["DEPLOYMENT_STOP_ON_REQUEST"] },
        }),
      );
    }
  });
  after(async () => {
    cd?.destroy();
    await node?.close();
  });

  test("list and get show a finished deployment; rollback returns the alias to the version before it", async () => {
    const id = await deploy("fast");
    await waitFor(async () => (await status(id)) === "Succeeded", "the deployment");
    assert.equal(await aliasVersion(), "2");
    const listed = await haneul(["deployments", "list"]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /^DEPLOYMENT\s+APPLICATION\s+GROUP\s+CONFIG\s+STATUS/);
    assert.match(listed.stdout, new RegExp(`${id}\\s+web\\s+fast\\s+CodeDeployDefault.LambdaAllAtOnce\\s+Succeeded`));
    const shown = await haneul(["deployments", "get", id]);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, new RegExp(`Deployment ${id}: Succeeded`));
    assert.match(shown.stdout, /web:live\s+version 1 → 2, new version's share 100 %/);
    assert.match(shown.stdout, /AllowTraffic\s+Succeeded/);
    const rolled = await haneul(["rollback", "web", "--alias", "live"]);
    assert.equal(rolled.code, 0, rolled.stderr);
    assert.match(rolled.stdout, /web:live points at version 1 again/);
    assert.equal(await aliasVersion(), "1");
    const json = await haneul(["deployments", "list", "--application-name", "web", "--output", "json"]);
    assert.equal((JSON.parse(json.stdout) as { deploymentId: string }[])[0]?.deploymentId, id);
  });

  test("watch follows a canary as appended lines; promote ends it at once; watch --latest of a stopped one exits 3", async () => {
    const id = await deploy("slow");
    const seen = { stdout: "" };
    const watching = haneul(["deployments", "watch", id, "--interval", "100"], seen);
    await waitFor(() => Promise.resolve(/10% on version 2/.test(seen.stdout)), "the canary share in the timeline");
    const promoted = await haneul(["deployments", "promote", id]);
    assert.equal(promoted.code, 0, promoted.stderr);
    assert.match(promoted.stdout, new RegExp(`Deployment ${id} promoted`));
    const watched = await watching;
    assert.equal(watched.code, 0, watched.stderr);
    const lines = watched.stdout.trimEnd().split("\n");
    assert.ok(
      lines.every((l) => /^\d\d:\d\d:\d\d /.test(l)),
      "appended timestamped lines, no redraw",
    );
    assert.ok(!watched.stdout.includes("\x1b["), "no terminal control codes without a terminal");
    assert.match(watched.stdout, /traffic \[██░+\] 10% on version 2, 90% on version 1/);
    assert.match(watched.stdout, /traffic \[█{20}\] 100% on version 2, 0% on version 1/);
    assert.match(watched.stdout, /BeforeAllowTraffic Succeeded/);
    assert.match(lines.at(-1) ?? "", /AllowTraffic Succeeded|: Succeeded$/);
    assert.match(watched.stdout, new RegExp(`deployment ${id} web:live 1 → 2 .*: Succeeded`));
    assert.equal(await aliasVersion(), "2");
    const info = (await cd.send(new GetDeploymentCommand({ deploymentId: id }))).deploymentInfo;
    const took = (info?.completeTime?.getTime() ?? 0) - (info?.startTime?.getTime() ?? 0);
    assert.ok(took < 29 * 60_000, `promoted before the 30-minute canary ended (${took} ms of node time)`);
    const again = await haneul(["deployments", "promote", id]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /DeploymentAlreadyCompletedException/);

    await node.client.send(new UpdateAliasCommand({ FunctionName: "web", Name: "live", FunctionVersion: "1" }));
    const second = await deploy("slow");
    await waitFor(async () => (await status(second)) === "InProgress", "the second canary");
    await cd.send(new StopDeploymentCommand({ deploymentId: second, autoRollbackEnabled: true }));
    await waitFor(async () => (await status(second)) === "Stopped", "the stop");
    const stopped = await haneul(["deployments", "watch", "--latest", "web", "--alias", "live"]);
    assert.equal(stopped.code, 3, stopped.stderr);
    assert.match(stopped.stdout, new RegExp(`deployment ${second} .*: Stopped`));
    assert.match(stopped.stdout, /Stopped: \[MANUAL_STOP\]/);
    assert.match(stopped.stdout, /rollback: Traffic was returned to version 1/);
  });

  test("traffic guard in real time: a canary served by the alias passes, one short of its minimum fails and rolls back", async () => {
    await cd.send(
      new CreateDeploymentConfigCommand({
        deploymentConfigName: "half3",
        computePlatform: "Lambda",
        trafficRoutingConfig: { type: "TimeBasedCanary", timeBasedCanary: { canaryPercentage: 50, canaryInterval: 3 } },
      }),
    );
    for (const [name, min] of [
      ["guarded", "2"],
      ["starved", "100000"],
    ] as const) {
      await cd.send(
        new CreateDeploymentGroupCommand({
          applicationName: "web",
          deploymentGroupName: name,
          serviceRoleArn: "arn:aws:iam::123456789012:role/cd",
          deploymentConfigName: "half3",
          autoRollbackConfiguration: { enabled: true, events: ["DEPLOYMENT_FAILURE"] },
          tags: [{ Key: "haneul:minInvocationsPerStep", Value: min }],
        }),
      );
    }
    // Callers of the alias all along: half of them reach the new version during the canary.
    let calling = true;
    const calls = (async () => {
      while (calling) await node.client.send(new InvokeCommand({ FunctionName: "web", Qualifier: "live" }));
    })();
    try {
      const served = await deploy("guarded");
      await waitFor(async () => FINAL.has(await status(served)), "the guarded canary");
      assert.equal(await status(served), "Succeeded");
      assert.equal(await aliasVersion(), "2");
      await node.client.send(new UpdateAliasCommand({ FunctionName: "web", Name: "live", FunctionVersion: "1" }));
      const starved = await deploy("starved");
      await waitFor(async () => FINAL.has(await status(starved)), "the starved canary");
      const info = (await cd.send(new GetDeploymentCommand({ deploymentId: starved }))).deploymentInfo;
      assert.equal(info?.status, "Failed");
      assert.equal(info?.errorInformation?.code, "HEALTH_CONSTRAINTS");
      assert.match(info?.errorInformation?.message ?? "", /served \d+ of the 100000 invocations/);
      const took = (info?.completeTime?.getTime() ?? 0) - (info?.startTime?.getTime() ?? 0);
      assert.ok(took >= 6 * 60_000, `held for twice the 3-minute interval (${took} ms of node time)`);
      assert.equal(await aliasVersion(), "1");
    } finally {
      calling = false;
      await calls;
    }
  });

  test("rollback of a canary in progress stops it; unknown aliases and bad arguments are refused", async () => {
    const id = await deploy("slow");
    await waitFor(async () => (await status(id)) === "InProgress", "the canary");
    const rolled = await haneul(["rollback", "web", "--alias", "live"]);
    assert.equal(rolled.code, 0, rolled.stderr);
    assert.match(rolled.stdout, new RegExp(`Deployment ${id} stopped`));
    await waitFor(async () => (await status(id)) === "Stopped", "the stop");
    assert.equal(await aliasVersion(), "1");
    const shown = await haneul(["deployments", "get", id]);
    assert.match(shown.stdout, /error MANUAL_STOP/);
    const none = await haneul(["rollback", "web", "--alias", "beta"]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /no deployment of web:beta/);
    const bad = await haneul(["rollback", "web"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--alias/);
  });

  test("a named metric tag haneul cannot honour is refused with InvalidInputException, a good one accepted", async () => {
    const group = (name: string, value: string) =>
      cd.send(
        new CreateDeploymentGroupCommand({
          applicationName: "web",
          deploymentGroupName: name,
          serviceRoleArn: "arn:aws:iam::123456789012:role/cd",
          tags: [
            { Key: "haneul:canaryJudge", Value: "50" },
            { Key: "haneul:judgeMetric:checkout", Value: value },
          ],
        }),
      );
    await assert.rejects(group("badmetric", "Shop CheckoutMs p95 worse Version=@version"), (e: Error) => {
      assert.equal(e.name, "InvalidInputException");
      assert.match(
        e.message,
        /haneul:judgeMetric:checkout must be .*say which way is worse: higher or lower, not worse/,
      );
      return true;
    });
    const ok = await group("goodmetric", "Shop CheckoutMs p95 higher Version=@version");
    assert.ok(ok.deploymentGroupId);
  });
});
