/**
 * Stage canary deployments in simulated time (ManualClock): the deployment driver steps a real REST
 * stage's canary (the API Gateway control plane over SQLite) through UpdateStage, as a config says;
 * an alarm in ALARM removes the canary; the last step, or a promote, makes the canary's deployment
 * the stage's; a second one on the same stage is refused; a restart resumes where it stood.
 */
import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import { SqliteApiStore } from "../../src/adapters/sqlite/api-store.js";
import { SqliteDeploymentStore } from "../../src/adapters/sqlite/deployment-store.js";
import { routeStageCanary } from "../../src/compose/stage-canary.js";
import { ApiService } from "../../src/control/index.js";
import { DeploymentEngine, DeploymentService } from "../../src/deployments/index.js";
import type { AlarmState } from "../../src/ports/alarm-store.js";
import type { StageRecord } from "../../src/ports/api-store.js";
import type { DeploymentStore } from "../../src/ports/deployment-store.js";
import { ManualClock } from "../../src/shared/clock.js";
import { isPlatformError } from "../../src/shared/errors.js";
import { randomIds } from "../../src/shared/ids.js";

const MIN = 60_000;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface World {
  readonly clock: ManualClock;
  readonly apis: ApiService;
  readonly store: DeploymentStore;
  readonly alarms: Map<string, AlarmState>;
  readonly apiId: string;
  /** The stage's deployment before, and the one its canary steps to. */
  readonly d1: string;
  readonly d2: string;
  engine: DeploymentEngine;
  service: DeploymentService;
}

function drive(w: Omit<World, "engine" | "service">): { engine: DeploymentEngine; service: DeploymentService } {
  const engine = new DeploymentEngine({
    store: w.store,
    clock: w.clock,
    effects: {
      routeAlias: () => Promise.reject(new Error("a stage canary touches no alias")),
      routeStageCanary: (t, percent) => routeStageCanary(w.apis, t, percent),
      alarmState: (name) => w.alarms.get(name),
      newExecutionId: () => randomIds.requestId(),
      invocations: () => Promise.resolve(0),
      invokeVersion: () => Promise.reject(new Error("a stage canary makes no synthetic invocations")),
      versionStats: () => Promise.reject(new Error("a stage canary is not judged")),
      metricSample: () => Promise.reject(new Error("a stage canary is not judged")),
    },
    invokeHook: () => Promise.resolve(),
    isLeader: () => true,
    log: (m, e) => console.error(m, e),
  });
  const service = new DeploymentService({
    store: w.store,
    engine,
    ids: randomIds,
    now: () => w.clock.now(),
    checkTarget: () => undefined,
  });
  engine.start();
  cleanups.push(() => engine.stop());
  return { engine, service };
}

async function world(o: { alarms?: string[]; config?: string } = {}): Promise<World> {
  const clock = new ManualClock(Date.parse("2024-01-01T00:00:00Z"));
  const apiStore = SqliteApiStore.open({ path: ":memory:" });
  const store = SqliteDeploymentStore.open({ path: ":memory:" });
  cleanups.push(
    () => apiStore.close(),
    () => store.close(),
  );
  const apis = new ApiService({
    ...{ store: apiStore, clock, ids: randomIds, region: "us-east-1", accountId: "000000000000" },
    publish: () => undefined,
  });
  await apis.start();
  const api = await apis.rest.createRestApi({ name: "shop" });
  const key = { apiId: api.apiId, resourceId: api.rootResourceId ?? "", httpMethod: "GET" };
  await apis.rest.putMethod(key, { authorizationType: "NONE" });
  await apis.rest.putIntegration(key, { type: "MOCK" });
  const first = await apis.rest.createDeployment(api.apiId, { stageName: "prod", variables: { v: "1" } });
  const second = await apis.rest.createDeployment(api.apiId, { stageName: "next" });
  const base = { clock, apis, store, alarms: new Map<string, AlarmState>(), apiId: api.apiId };
  const w = Object.assign(base, { d1: first.deploymentId, d2: second.deploymentId });
  const full = Object.assign(w, drive(w)) as World;
  await full.service.catalog.createApplication("haneul-stage-canaries", "Lambda");
  await full.service.catalog.createGroup({
    applicationName: "haneul-stage-canaries",
    deploymentGroupName: `${api.apiId}.prod`,
    serviceRoleArn: "arn:aws:iam::000000000000:role/haneul-stage-canaries",
    deploymentConfigName: o.config,
    alarmConfiguration: o.alarms && { enabled: true, alarms: o.alarms },
    autoRollbackConfiguration: { enabled: true, events: ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"] },
  });
  for (const a of o.alarms ?? []) full.alarms.set(a, "OK");
  return full;
}

function start(w: World, config?: string): Promise<string> {
  const properties = { RestApiId: w.apiId, StageName: "prod", CurrentDeploymentId: w.d1, TargetDeploymentId: w.d2 };
  const content = JSON.stringify({
    Resources: [{ Stage: { Type: "AWS::ApiGateway::Stage", Properties: properties } }],
  });
  return w.service.create({
    applicationName: "haneul-stage-canaries",
    deploymentGroupName: `${w.apiId}.prod`,
    deploymentConfigName: config,
    revision: { revisionType: "AppSpecContent", content },
  });
}

const stage = (w: World): Promise<StageRecord> => w.apis.rest.getStage(w.apiId, "prod");

/** What the stage serves: its deployment, and the canary's deployment and share when there is one. */
async function serving(
  w: World,
): Promise<{ deploymentId?: string; canary?: { deploymentId?: string; percent: number } }> {
  const s = await stage(w);
  return {
    ...(s.deploymentId !== undefined && { deploymentId: s.deploymentId }),
    ...(s.canary && { canary: { deploymentId: s.canary.deploymentId, percent: s.canary.percentTraffic } }),
  };
}

async function settle(w: World, ms = 0): Promise<void> {
  await w.clock.advanceAsync(ms);
  for (let i = 0; i < 5; i++) await w.clock.advanceAsync(0);
}

describe("stage canary deployments", () => {
  test("Canary10Percent5Minutes: 10 % on the canary for five minutes, then promoted", async () => {
    const w = await world();
    const id = await start(w, "CodeDeployDefault.LambdaCanary10Percent5Minutes");
    await settle(w);
    assert.deepEqual(await serving(w), { deploymentId: w.d1, canary: { deploymentId: w.d2, percent: 10 } });
    assert.equal((await w.service.get(id)).weight, 10);
    await settle(w, 5 * MIN - 1000);
    assert.equal((await serving(w)).canary?.percent, 10, "not before the five minutes are over");
    await settle(w, 1000);
    assert.deepEqual(await serving(w), { deploymentId: w.d2 }, "promoted: the canary's deployment is the stage's");
    const d = await w.service.get(id);
    assert.equal(d.status, "Succeeded");
    assert.equal(d.weight, 100);
  });

  test("Linear10PercentEvery1Minute: the canary grows by 10 % a minute", async () => {
    const w = await world();
    await start(w, "CodeDeployDefault.LambdaLinear10PercentEvery1Minute");
    await settle(w);
    const seen: number[] = [];
    for (let i = 0; i < 9; i++) {
      seen.push((await serving(w)).canary?.percent ?? -1);
      await settle(w, MIN);
    }
    assert.deepEqual(seen, [10, 20, 30, 40, 50, 60, 70, 80, 90]);
    assert.deepEqual(await serving(w), { deploymentId: w.d2 });
  });

  test("an alarm in ALARM removes the canary: the stage serves its own deployment alone", async () => {
    const w = await world({ alarms: ["shop-5xx"] });
    const id = await start(w, "CodeDeployDefault.LambdaCanary10Percent5Minutes");
    await settle(w, 2 * MIN);
    assert.equal((await serving(w)).canary?.percent, 10);
    w.alarms.set("shop-5xx", "ALARM");
    w.engine.nudge();
    await settle(w);
    assert.deepEqual(await serving(w), { deploymentId: w.d1 });
    const d = await w.service.get(id);
    assert.equal(d.status, "Stopped");
    assert.equal(d.errorInformation?.code, "ALARM_ACTIVE");
    assert.match(d.rollbackInfo?.rollbackMessage ?? "", /canary of REST API \w+ stage prod was removed/);
    assert.equal(d.rollbackInfo?.rollbackDeploymentId, undefined, "no rollback deployment: the canary is gone");
    await settle(w, 10 * MIN);
    assert.deepEqual(await serving(w), { deploymentId: w.d1 }, "nothing moves after the end");
  });

  test("promote skips the remaining wait; stop removes the canary", async () => {
    const w = await world();
    const promoted = await start(w, "CodeDeployDefault.LambdaCanary10Percent30Minutes");
    await settle(w, MIN);
    await w.service.promote(promoted);
    await settle(w);
    assert.deepEqual(await serving(w), { deploymentId: w.d2 });
    assert.equal((await w.service.get(promoted)).status, "Succeeded");

    // The stage now serves d2; a canary of d1 on it, stopped with rollback, leaves d2 alone.
    const properties = { RestApiId: w.apiId, StageName: "prod", CurrentDeploymentId: w.d2, TargetDeploymentId: w.d1 };
    const content = JSON.stringify({ Resources: [{ S: { Type: "AWS::ApiGateway::Stage", Properties: properties } }] });
    const stopped = await w.service.create({
      applicationName: "haneul-stage-canaries",
      deploymentGroupName: `${w.apiId}.prod`,
      deploymentConfigName: "CodeDeployDefault.LambdaCanary10Percent30Minutes",
      revision: { revisionType: "AppSpecContent", content },
    });
    await settle(w);
    assert.deepEqual(await serving(w), { deploymentId: w.d2, canary: { deploymentId: w.d1, percent: 10 } });
    await w.service.stop(stopped, true);
    await settle(w);
    assert.deepEqual(await serving(w), { deploymentId: w.d2 });
    assert.equal((await w.service.get(stopped)).errorInformation?.code, "MANUAL_STOP");
  });

  test("a group with traffic guard or judge tags is refused for a stage canary (they judge function versions)", async () => {
    const w = await world();
    await w.service.catalog.createGroup({
      applicationName: "haneul-stage-canaries",
      deploymentGroupName: "guarded",
      serviceRoleArn: "arn:aws:iam::000000000000:role/haneul-stage-canaries",
      tags: { "haneul:minInvocationsPerStep": "10" },
    });
    const properties = { RestApiId: w.apiId, StageName: "prod", CurrentDeploymentId: w.d1, TargetDeploymentId: w.d2 };
    const content = JSON.stringify({ Resources: [{ S: { Type: "AWS::ApiGateway::Stage", Properties: properties } }] });
    await assert.rejects(
      w.service.create({
        ...{ applicationName: "haneul-stage-canaries", deploymentGroupName: "guarded" },
        revision: { revisionType: "AppSpecContent", content },
      }),
      (e) =>
        isPlatformError(e) &&
        e.code === "ERR_CODEDEPLOY_INVALID_INPUT" &&
        /not to an API Gateway stage/.test(e.message),
    );
  });

  test("one stage canary per stage; a restart resumes it where it stood", async () => {
    const w = await world();
    await start(w, "CodeDeployDefault.LambdaCanary10Percent10Minutes");
    await settle(w);
    await assert.rejects(start(w), (e) => isPlatformError(e) && /already has an active Deployment/.test(e.message));
    // Another group naming the same stage is refused too: the stage is the key, as an alias is.
    await w.service.catalog.createGroup({
      applicationName: "haneul-stage-canaries",
      deploymentGroupName: "other",
      serviceRoleArn: "arn:aws:iam::000000000000:role/haneul-stage-canaries",
    });
    const properties = { RestApiId: w.apiId, StageName: "prod", CurrentDeploymentId: w.d1, TargetDeploymentId: w.d2 };
    const content = JSON.stringify({ Resources: [{ S: { Type: "AWS::ApiGateway::Stage", Properties: properties } }] });
    const other = { applicationName: "haneul-stage-canaries", deploymentGroupName: "other" };
    await assert.rejects(
      w.service.create({ ...other, revision: { revisionType: "AppSpecContent", content } }),
      (e) => isPlatformError(e) && /The stage prod of REST API \w+ already has an active Deployment/.test(e.message),
    );

    await w.engine.stop();
    await settle(w, 4 * MIN);
    Object.assign(w, drive(w));
    await settle(w);
    assert.equal((await serving(w)).canary?.percent, 10, "still on the canary step after the restart");
    await settle(w, 6 * MIN);
    assert.deepEqual(await serving(w), { deploymentId: w.d2 });
  });
});
