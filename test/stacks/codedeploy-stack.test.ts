/**
 * SAM's DeploymentPreference through a stack deploy, in simulated time (ManualClock) over real
 * SQLite stores and the real control plane: the first deploy moves the alias at once and creates
 * the CodeDeploy application and group; an update becomes a CodeDeploy deployment the stack update
 * waits for (the canary's 10% first, all traffic after its interval); an alarm during the canary or
 * a PreTraffic hook reporting Failed rolls the deployment and then the stack update back.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import { SqliteDeploymentStore } from "../../src/adapters/sqlite/deployment-store.js";
import { stackDeployments } from "../../src/compose/stack-deployments.js";
import { DeploymentEngine, DeploymentService } from "../../src/deployments/index.js";
import type { AlarmState } from "../../src/ports/alarm-store.js";
import type { DeploymentRecord, LambdaTarget } from "../../src/ports/deployment-store.js";
import type { Clock } from "../../src/shared/clock.js";
import { randomIds } from "../../src/shared/ids.js";
import { deployFixture, type DeployFixture } from "./deploy-fixture.js";

const MIN = 60_000;

function template(o: { body: string; type?: string; hook?: boolean; enabled?: boolean }): string {
  const hook = o.hook
    ? `
        Hooks:
          PreTraffic: !Ref PreTrafficHook
  PreTrafficHook:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      InlineCode: "exports.handler = async () => 'checked';"`
    : "";
  return `Transform: AWS::Serverless-2016-10-31
Resources:
  Hello:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      AutoPublishAlias: live
      InlineCode: "exports.handler = async () => '${o.body}';"
      DeploymentPreference:
        Type: ${o.type ?? "Canary10Percent5Minutes"}
        Enabled: ${o.enabled ?? true}
        Alarms:
          - hello-errors${hook}
`;
}

interface World {
  fx: DeployFixture;
  store: SqliteDeploymentStore;
  engine: DeploymentEngine;
  service: DeploymentService;
  alarms: Map<string, AlarmState>;
  hooks: { functionName: string; executionId: string; deploymentId: string }[];
}

let w: World;
beforeEach(async () => {
  const store = SqliteDeploymentStore.open({ path: ":memory:" });
  const alarms = new Map<string, AlarmState>([["hello-errors", "OK"]]);
  const hooks: World["hooks"] = [];
  const listeners = new Set<(d: DeploymentRecord) => void>();
  const holder = {} as { fx: DeployFixture };
  // The fixture (and its ManualClock) is made after the services it is given: reach it lazily.
  const lazy: Clock = {
    scale: 1,
    now: () => holder.fx.control.clock.now(),
    monotonicNow: () => holder.fx.control.clock.monotonicNow(),
    setTimer: (fn, ms) => holder.fx.control.clock.setTimer(fn, ms),
  };
  const clock = () => lazy;
  const engine = new DeploymentEngine({
    store,
    clock: lazy,
    effects: {
      routeAlias: async (t, version, extra) => {
        await holder.fx.control.cp.updateAlias(t.functionName, t.alias, {
          FunctionVersion: version,
          RoutingConfig: { AdditionalVersionWeights: extra ? { [extra.version]: extra.weight / 100 } : {} },
        });
      },
      alarmState: (name) => alarms.get(name),
      newExecutionId: () => randomIds.requestId(),
      invokeVersion: () => Promise.resolve(true),
      versionStats: () => Promise.resolve({ invocations: 0, errors: 0, durations: [] }),
      metricSample: () => Promise.resolve({ count: 0, sum: 0, value: undefined, values: [] }),
      invocations: () => Promise.resolve(0),
    },
    invokeHook: (functionName, payload) => {
      const p = JSON.parse(payload.toString()) as { DeploymentId: string; LifecycleEventHookExecutionId: string };
      hooks.push({ functionName, executionId: p.LifecycleEventHookExecutionId, deploymentId: p.DeploymentId });
      return Promise.resolve();
    },
    isLeader: () => true,
    log: (m, e) => console.error(m, e),
    onChange: (d) => listeners.forEach((l) => l(d)),
  });
  const service = new DeploymentService({
    store,
    engine,
    ids: randomIds,
    now: () => clock().now(),
    checkTarget: () => undefined,
  });
  const deployments = stackDeployments({
    service,
    clock: lazy,
    watch: (l) => (listeners.add(l), () => void listeners.delete(l)),
  });
  holder.fx = await deployFixture({ deployments });
  engine.start();
  w = { fx: holder.fx, store, engine, service, alarms, hooks };
});
afterEach(async () => {
  await w.engine.stop();
  await w.fx.close();
  await w.store.close();
});

async function resources(): Promise<Map<string, { physicalId?: string | undefined; type: string }>> {
  const stack = await w.fx.engine.requireStack("s");
  return new Map((await w.fx.engine.store.listResources(stack.stackId)).map((r) => [r.logicalId, r]));
}

async function alias(): Promise<{ version: string; weights: Record<string, number> }> {
  const fn = (await resources()).get("Hello")?.physicalId ?? "";
  const a = w.fx.control.cp.getAlias(fn, "live") as {
    FunctionVersion: string;
    RoutingConfig?: { AdditionalVersionWeights?: Record<string, number> };
  };
  return { version: a.FunctionVersion, weights: a.RoutingConfig?.AdditionalVersionWeights ?? {} };
}

/** Starts a deploy without waiting; `done` tells when it has ended. */
function startDeploy(body: string): { result: Promise<{ status: string; reason?: string | undefined }> } {
  return { result: w.fx.deploy("s", body) };
}

/** Lets the stack operation and the engine run (real I/O and promise steps) without moving time. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) {
    await w.fx.control.clock.advanceAsync(0);
    await new Promise((r) => setImmediate(r));
  }
}

/** Lets the operation run (without moving time) until `check` holds. */
async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const end = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > end) {
      const stack = await w.fx.engine.requireStack("s");
      const ev = (await w.fx.engine.store.listEvents(stack.stackId)).map(
        (e) => `${e.logicalId} ${e.status} ${e.statusReason ?? ""}`,
      );
      throw new Error(
        `timed out waiting for ${what}\n${ev.join("\n")}\n${JSON.stringify(await w.service.list({}))}\n${JSON.stringify(await alias())}`,
      );
    }
    await settle();
  }
}

const weightsAre = (version: string, weights: Record<string, number>) => async () =>
  JSON.stringify(await alias()) === JSON.stringify({ version, weights });

/** The newest deployment the stack made (a rollback deployment names the one it undid). */
async function latestDeployment(): Promise<DeploymentRecord> {
  const d = (await w.service.list({})).find((x) => x.creator !== "codeDeployRollback");
  assert.ok(d, "a deployment was created");
  return d;
}

async function stackStatus(): Promise<string> {
  return (await w.fx.engine.requireStack("s")).status;
}

describe("DeploymentPreference through a stack deploy", () => {
  test("the first deploy moves the alias at once; an update is a canary the stack update waits for", async () => {
    const first = await w.fx.deploy("s", template({ body: "v1" }));
    assert.equal(first.status, "CREATE_COMPLETE", first.reason ?? "");
    const r = await resources();
    const app = r.get("ServerlessDeploymentApplication")?.physicalId ?? "";
    const group = r.get("HelloDeploymentGroup")?.physicalId ?? "";
    assert.equal((await w.service.catalog.application(app)).computePlatform, "Lambda");
    const g = await w.service.catalog.group(app, group);
    assert.equal(g.deploymentConfigName, "CodeDeployDefault.LambdaCanary10Percent5Minutes");
    assert.deepEqual(g.alarmConfiguration.alarms, ["hello-errors"]);
    assert.equal((await w.service.list({})).length, 0, "no deployment on the first deploy");
    assert.equal((await alias()).version, "1");

    const update = startDeploy(template({ body: "v2" }));
    await until(weightsAre("1", { "2": 0.1 }), "the canary's share");
    assert.equal(await stackStatus(), "UPDATE_IN_PROGRESS");
    assert.deepEqual(await alias(), { version: "1", weights: { "2": 0.1 } });
    const d = await latestDeployment();
    assert.equal(d.creator, "CloudFormation");
    const t = d.target as LambdaTarget;
    assert.deepEqual([t.currentVersion, t.targetVersion], ["1", "2"]);

    await w.fx.control.clock.advanceAsync(5 * MIN - 1000);
    await settle();
    assert.equal(await stackStatus(), "UPDATE_IN_PROGRESS", "still waiting within the canary interval");
    await w.fx.control.clock.advanceAsync(1000);
    await settle();
    const done = await update.result;
    assert.equal(done.status, "UPDATE_COMPLETE", done.reason ?? "");
    assert.deepEqual(await alias(), { version: "2", weights: {} });
    assert.equal((await latestDeployment()).status, "Succeeded");
    const stack = await w.fx.engine.requireStack("s");
    const reasons = (await w.fx.engine.store.listEvents(stack.stackId)).map((e) => e.statusReason ?? "");
    assert.ok(
      reasons.some((x) => /CodeDeploy deployment d-\w+ .*10% of traffic on version 2/.test(x)),
      reasons.join("\n"),
    );
    assert.ok(reasons.some((x) => /Succeeded, all traffic on version 2/.test(x)));
  });

  test("an alarm during the canary rolls the deployment back, then the stack update", async () => {
    assert.equal((await w.fx.deploy("s", template({ body: "v1" }))).status, "CREATE_COMPLETE");
    const update = startDeploy(template({ body: "v2" }));
    await until(weightsAre("1", { "2": 0.1 }), "the canary's share");
    w.alarms.set("hello-errors", "ALARM");
    w.engine.nudge();
    await settle();
    const done = await update.result;
    assert.equal(done.status, "UPDATE_ROLLBACK_COMPLETE", done.reason ?? "");
    assert.deepEqual(await alias(), { version: "1", weights: {} });
    const d = await latestDeployment();
    assert.equal(d.status, "Stopped");
    assert.equal(d.errorInformation?.code, "ALARM_ACTIVE");
    const stack = await w.fx.engine.requireStack("s");
    const failed = (await w.fx.engine.store.listEvents(stack.stackId)).find((e) => e.status === "UPDATE_FAILED");
    assert.equal(failed?.logicalId, "HelloAliaslive");
    assert.match(failed?.statusReason ?? "", new RegExp(`CodeDeploy deployment ${d.id} stopped: One or more alarms`));
  });

  test("a PreTraffic hook is invoked with the deployment's ids; its Failed rolls the stack update back", async () => {
    assert.equal((await w.fx.deploy("s", template({ body: "v1", hook: true }))).status, "CREATE_COMPLETE");
    const hookFn = (await resources()).get("PreTrafficHook")?.physicalId ?? "";
    const update = startDeploy(template({ body: "v2", hook: true }));
    await until(() => Promise.resolve(w.hooks.length > 0), "the hook's invocation");
    const d = await latestDeployment();
    assert.deepEqual(
      w.hooks.map((h) => [h.functionName, h.deploymentId]),
      [[hookFn, d.id]],
    );
    assert.deepEqual(await alias(), { version: "1", weights: {} }, "no traffic before the hook reports");
    await w.service.putHookStatus(d.id, w.hooks[0]?.executionId, "Failed");
    await settle();
    const done = await update.result;
    assert.equal(done.status, "UPDATE_ROLLBACK_COMPLETE", done.reason ?? "");
    assert.equal((await latestDeployment()).errorInformation?.code, "HOOK_EXECUTION_FAILURE");
    assert.deepEqual(await alias(), { version: "1", weights: {} });
  });

  test("Enabled false: the alias moves directly, no CodeDeploy resources", async () => {
    assert.equal((await w.fx.deploy("s", template({ body: "v1", enabled: false }))).status, "CREATE_COMPLETE");
    assert.equal((await resources()).has("ServerlessDeploymentApplication"), false);
    const done = await w.fx.deploy("s", template({ body: "v2", enabled: false }));
    assert.equal(done.status, "UPDATE_COMPLETE", done.reason ?? "");
    assert.equal((await alias()).version, "2");
    assert.equal((await w.service.list({})).length, 0);
  });
});
