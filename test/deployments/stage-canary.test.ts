/**
 * Stage canary deployments in simulated time (ManualClock): the deployment driver steps a real REST
 * stage's canary (the API Gateway control plane over SQLite) through UpdateStage, as a config says;
 * an alarm in ALARM removes the canary; the last step, or a promote, makes the canary's deployment
 * the stage's; a second one on the same stage is refused; a restart resumes where it stood. The
 * traffic guard and the canary judge read the stage's requests per serving deployment, as the
 * gateway reports them (GatewayMetrics into a real recorder and metric store, read back through
 * the node's stageStatsOf): a canary answering 500s is judged bad and removed, a good one is
 * promoted, too few requests hold the step as "not enough data", and the guard holds a step
 * until the canary has served its requests.
 */
import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import { SqliteApiStore } from "../../src/adapters/sqlite/api-store.js";
import { SqliteDeploymentStore } from "../../src/adapters/sqlite/deployment-store.js";
import { SqliteMetricStore } from "../../src/adapters/sqlite/metric-store.js";
import { metricSampleOf, stageStatsOf } from "../../src/compose/deployments.js";
import { routeStageCanary } from "../../src/compose/stage-canary.js";
import { ApiService } from "../../src/control/index.js";
import { DeploymentEngine, DeploymentService } from "../../src/deployments/index.js";
import { Gateway } from "../../src/gateway/gateway.js";
import { GatewayMetrics, MetricReader, MetricRecorder } from "../../src/metrics/index.js";
import type { AlarmState } from "../../src/ports/alarm-store.js";
import type { StageRecord } from "../../src/ports/api-store.js";
import type { DeploymentStore } from "../../src/ports/deployment-store.js";
import type { InvokeService } from "../../src/ports/invoke-service.js";
import { ManualClock } from "../../src/shared/clock.js";
import { isPlatformError } from "../../src/shared/errors.js";
import { randomIds } from "../../src/shared/ids.js";
import { waitFor } from "../helpers/wait.js";

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
  /** The gateway's per-request metrics, read back by the guard and the judge. */
  readonly gateway: GatewayMetrics;
  readonly reader: MetricReader;
  readonly recorder: MetricRecorder;
  /** The gateway serving the stage (MOCK integrations): the test event's requests go through it. */
  readonly http: Gateway;
  engine: DeploymentEngine;
  service: DeploymentService;
}

function drive(
  w: Omit<World, "engine" | "service" | "gateway" | "reader" | "recorder"> & {
    reader?: MetricReader;
    recorder?: MetricRecorder;
  },
): {
  engine: DeploymentEngine;
  service: DeploymentService;
} {
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
      metricSample: (metric, statistic, since) =>
        metricSampleOf(w.reader as MetricReader, metric, statistic, { from: since, to: w.clock.now() }),
      restApiName: async (t) => (await w.apis.rest.getRestApi(t.restApiId)).name,
      probeStage: (t, request) =>
        w.http.probeCanary({ ...request, apiId: t.restApiId, stage: t.stageName, deploymentId: t.targetDeploymentId }),
      stageStats: (t, deploymentId, since) =>
        stageStatsOf(
          w.reader as MetricReader,
          { apiName: "shop", stage: t.stageName, deploymentId },
          { from: since, to: w.clock.now() },
        ),
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

/** MOCK integrations never invoke a function. */
const NO_INVOKER: InvokeService = { invoke: () => Promise.reject(new Error("a MOCK integration invokes nothing")) };

async function world(
  o: { alarms?: string[]; config?: string; tags?: Record<string, string>; canaryStatus?: number } = {},
): Promise<World> {
  const clock = new ManualClock(Date.parse("2024-01-01T00:00:00Z"));
  const apiStore = SqliteApiStore.open({ path: ":memory:" });
  const store = SqliteDeploymentStore.open({ path: ":memory:" });
  const metricStore = SqliteMetricStore.open({ path: ":memory:" });
  const recorder = new MetricRecorder({ store: metricStore, clock, writer: "n1" });
  const reader = new MetricReader({ store: metricStore, clock, beforeRead: () => recorder.flush() });
  const gateway = new GatewayMetrics(recorder, () => ({ name: "shop", rest: true }));
  const http = new Gateway({
    ...{ invoker: NO_INVOKER, clock, ids: randomIds, region: "us-east-1", accountId: "000000000000" },
    onAccessLog: (r) => gateway.onRequest(r),
  });
  await http.listen(0, "127.0.0.1");
  cleanups.push(
    () => apiStore.close(),
    () => store.close(),
    () => metricStore.close(),
    () => recorder.stop(),
    () => http.close(),
  );
  const apis = new ApiService({
    ...{ store: apiStore, clock, ids: randomIds, region: "us-east-1", accountId: "000000000000" },
    publish: (deployed) => http.setApis(deployed),
  });
  await apis.start();
  const api = await apis.rest.createRestApi({ name: "shop" });
  const key = { apiId: api.apiId, resourceId: api.rootResourceId ?? "", httpMethod: "GET" };
  await apis.rest.putMethod(key, { authorizationType: "NONE" });
  const answer = async (status: number): Promise<void> => {
    await apis.rest.putIntegration(key, {
      type: "MOCK",
      requestTemplates: { "application/json": `{"statusCode": ${status}}` },
    });
    await apis.rest.putMethodResponse({ ...key, statusCode: String(status) }, {});
    await apis.rest.putIntegrationResponse(
      { ...key, statusCode: String(status) },
      { selectionPattern: status === 200 ? "" : String(status), responseTemplates: { "application/json": "{}" } },
    );
  };
  await answer(200);
  const first = await apis.rest.createDeployment(api.apiId, { stageName: "prod", variables: { v: "1" } });
  if (o.canaryStatus !== undefined) await answer(o.canaryStatus);
  const second = await apis.rest.createDeployment(api.apiId, { stageName: "next" });
  const base = { clock, apis, store, alarms: new Map<string, AlarmState>(), apiId: api.apiId, gateway, reader };
  const w = Object.assign(base, { d1: first.deploymentId, d2: second.deploymentId, recorder, http });
  const full = Object.assign(w, drive(w)) as World;
  await full.service.catalog.createApplication("haneul-stage-canaries", "Lambda");
  await full.service.catalog.createGroup({
    applicationName: "haneul-stage-canaries",
    deploymentGroupName: `${api.apiId}.prod`,
    serviceRoleArn: "arn:aws:iam::000000000000:role/haneul-stage-canaries",
    deploymentConfigName: o.config,
    alarmConfiguration: o.alarms && { enabled: true, alarms: o.alarms },
    autoRollbackConfiguration: { enabled: true, events: ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"] },
    tags: o.tags,
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

/**
 * `n` requests through the stage as the gateway reports them: a share of them (the canary's
 * percent, spread evenly) served by the canary's deployment, answering `canaryStatus`; the rest by
 * the stage's deployment, answering 200. Latencies are the same spread on both.
 */
async function traffic(w: World, n: number, canaryStatus = 200): Promise<{ canary: number }> {
  const s = await stage(w);
  const percent = s.canary?.percentTraffic ?? 0;
  let canary = 0;
  for (let i = 0; i < n; i++) {
    const onCanary = s.canary !== undefined && Math.floor(((i + 1) * percent) / 100) > Math.floor((i * percent) / 100);
    if (onCanary) canary++;
    w.gateway.onRequest({
      apiId: w.apiId,
      stage: "prod",
      status: onCanary ? canaryStatus : 200,
      latencyMs: 5 + (i % 13),
      deploymentId: onCanary ? s.canary?.deploymentId : s.deploymentId,
    });
  }
  return { canary };
}

describe("stage canary traffic guard and judge (the stage's requests per deployment)", () => {
  const judged = { "haneul:canaryJudge": "30" };

  test("a canary whose deployment answers 500 is judged bad and removed", async () => {
    const w = await world({ tags: judged });
    const id = await start(w, "CodeDeployDefault.LambdaCanary10Percent5Minutes");
    await settle(w, 1000);
    assert.equal((await traffic(w, 1000, 500)).canary, 100);
    await settle(w, 5 * MIN);
    const d = await w.service.get(id);
    assert.equal(d.status, "Failed");
    assert.equal(d.errorInformation?.code, "CUSTOMER_APPLICATION_UNHEALTHY");
    assert.match(
      d.errorInformation?.message ?? "",
      new RegExp(
        `canary judge at 10%: Fail: 5XX rate 100.0% \\(100/100\\) on deployment ${w.d2} vs 0.0% \\(0/900\\) on deployment ${w.d1}: Fisher exact p = .*, higher`,
      ),
    );
    assert.deepEqual(await serving(w), { deploymentId: w.d1 }, "the canary is removed");
  });

  test("a canary as good as the stage is promoted, its verdicts recorded", async () => {
    const w = await world({ tags: judged });
    const id = await start(w, "CodeDeployDefault.LambdaCanary10Percent5Minutes");
    await settle(w, 1000);
    await traffic(w, 1000);
    await settle(w, 5 * MIN);
    const d = await w.service.get(id);
    assert.equal(d.status, "Succeeded");
    assert.deepEqual(await serving(w), { deploymentId: w.d2 });
    assert.equal(d.judgeVerdicts?.length, 1);
    assert.equal(d.judgeVerdicts?.[0]?.verdict, "Pass");
    assert.match(d.judgeVerdicts?.[0]?.reasons.join("; ") ?? "", /4XX rate 0.0% \(0\/100\).*p99 latency/);
  });

  test("too few requests: not enough data holds the step, then fails it one interval later", async () => {
    const w = await world({ tags: judged });
    const id = await start(w, "CodeDeployDefault.LambdaCanary10Percent5Minutes");
    await settle(w, 1000);
    assert.equal((await traffic(w, 100)).canary, 10);
    await settle(w, 5 * MIN);
    let d = await w.service.get(id);
    assert.equal(d.status, "InProgress");
    assert.equal(d.judgeVerdicts?.at(-1)?.verdict, "NotEnoughData");
    assert.match(
      d.judgeVerdicts?.at(-1)?.reasons[0] ?? "",
      new RegExp(
        `not enough data: deployment ${w.d2} served 10 and deployment ${w.d1} 90 requests in the step; the judge needs 30 of each`,
      ),
    );
    assert.equal((await serving(w)).canary?.percent, 10, "held on the canary step");
    await settle(w, 5 * MIN);
    d = await w.service.get(id);
    assert.equal(d.status, "Failed");
    assert.equal(d.errorInformation?.code, "HEALTH_CONSTRAINTS");
    assert.deepEqual(await serving(w), { deploymentId: w.d1 });
  });

  test("the traffic guard holds a step until the canary served its requests", async () => {
    const w = await world({ tags: { "haneul:minInvocationsPerStep": "25" } });
    const id = await start(w, "CodeDeployDefault.LambdaCanary10Percent5Minutes");
    await settle(w, 1000);
    assert.equal((await traffic(w, 100)).canary, 10);
    await settle(w, 5 * MIN);
    let d = await w.service.get(id);
    assert.equal(d.status, "InProgress");
    assert.equal(d.guardWait?.served, 10);
    assert.equal((await serving(w)).canary?.percent, 10, "held: 10 of 25 canary requests");
    assert.equal((await traffic(w, 200)).canary, 20);
    await settle(w, 10_000);
    d = await w.service.get(id);
    assert.equal(d.status, "Succeeded");
    assert.deepEqual(await serving(w), { deploymentId: w.d2 });
  });
});

/** Lets the engine's work run (the test event's requests are real HTTP) until `done` holds; the clock stays. */
async function until(w: World, done: () => Promise<boolean>, what: string): Promise<void> {
  await waitFor(
    async () => {
      await settle(w);
      return done();
    },
    what,
    30_000,
  );
}

const ended = (w: World, id: string) => async (): Promise<boolean> =>
  ["Succeeded", "Failed", "Stopped"].includes((await w.service.get(id)).status);

/** A metric's sum over the whole test, as the reader merges it. */
async function sumOf(w: World, namespace: string, name: string, dimensions: { name: string; value: string }[]) {
  const from = Date.parse("2023-12-31T00:00:00Z");
  const s = await metricSampleOf(w.reader, { namespace, name, dimensions }, "Sum", { from, to: w.clock.now() });
  return s.sum;
}

describe("stage canary test event and named judge metrics", () => {
  const probe = JSON.stringify({
    httpMethod: "GET",
    path: "/",
    headers: { "x-probe": "1" },
    queryStringParameters: { a: "b" },
  });

  test("an idle canary is sent its test event through the gateway until the guard has its requests, then promoted", async () => {
    const w = await world({ tags: { "haneul:minInvocationsPerStep": "20", "haneul:testEvent": probe } });
    const id = await start(w, "CodeDeployDefault.LambdaCanary10Percent5Minutes");
    await settle(w, 1000);
    assert.equal((await serving(w)).canary?.percent, 10);
    assert.equal((await traffic(w, 50)).canary, 5, "five real requests on the canary");
    await settle(w, 5 * MIN);
    await until(w, ended(w, id), "the deployment to end");
    const d = await w.service.get(id);
    assert.equal(d.status, "Succeeded", d.errorInformation?.message ?? "");
    assert.deepEqual(d.synthetic && { ...d.synthetic, since: 0 }, {
      since: 0,
      invocations: 15,
      errors: 0,
      clientErrors: 0,
    });
    assert.deepEqual(await serving(w), { deploymentId: w.d2 });
    // Real requests through the stage: in its AWS/ApiGateway metrics, not in the canary's split
    // series (the guard counted them itself).
    const stageDims = [
      { name: "ApiName", value: "shop" },
      { name: "Stage", value: "prod" },
    ];
    assert.equal(await sumOf(w, "AWS/ApiGateway", "Count", stageDims), 50 + 15);
    const split = [...stageDims, { name: "DeploymentId", value: w.d2 }];
    assert.equal(await sumOf(w, "Haneul/ApiGateway", "Count", split), 5);
  });

  test("a canary answering its test event with 500 is judged on them with the real requests, and removed", async () => {
    const w = await world({
      canaryStatus: 500,
      tags: { "haneul:minInvocationsPerStep": "60", "haneul:testEvent": "{}", "haneul:canaryJudge": "30" },
    });
    const id = await start(w, "CodeDeployDefault.LambdaCanary10Percent5Minutes");
    await settle(w, 1000);
    assert.equal((await traffic(w, 300)).canary, 30);
    await settle(w, 5 * MIN);
    await until(w, ended(w, id), "the deployment to end");
    const d = await w.service.get(id);
    assert.equal(d.status, "Failed");
    assert.equal(d.errorInformation?.code, "CUSTOMER_APPLICATION_UNHEALTHY");
    assert.match(
      d.errorInformation?.message ?? "",
      new RegExp(
        `5XX rate 50.0% \\(30/60\\) on deployment ${w.d2} vs 0.0% \\(0/270\\) on deployment ${w.d1}: .*, higher`,
      ),
    );
    assert.deepEqual(await serving(w), { deploymentId: w.d1 }, "the canary is removed");
  });

  test("a test event the canary is gone for is not counted: the guard holds and fails the step", async () => {
    const w = await world({ tags: { "haneul:minInvocationsPerStep": "20", "haneul:testEvent": "{}" } });
    const id = await start(w, "CodeDeployDefault.LambdaCanary10Percent5Minutes");
    await settle(w, 1000);
    // The stage's canary is moved to another deployment behind the deployment's back.
    await w.apis.rest.updateStage(w.apiId, "prod", [
      { op: "replace", path: "/canarySettings/deploymentId", value: w.d1 },
    ]);
    await settle(w, 5 * MIN);
    await until(
      w,
      async () => (await w.service.get(id)).guardWait !== undefined || (await ended(w, id)()),
      "the guard",
    );
    const d = await w.service.get(id);
    assert.equal(d.status, "InProgress");
    assert.equal(d.synthetic?.invocations, 0, "no request was served by the canary's deployment");
    await settle(w, 5 * MIN);
    await until(w, ended(w, id), "the deployment to end");
    const failed = await w.service.get(id);
    assert.equal(failed.errorInformation?.code, "HEALTH_CONSTRAINTS");
    assert.match(failed.errorInformation?.message ?? "", /served 0 \(0 of them synthetic\) of the 20 requests/);
  });

  test("named metrics are compared per deployment: Haneul/ApiGateway by default, your own through @deployment", async () => {
    const w = await world({
      tags: {
        "haneul:canaryJudge": "30",
        "haneul:judgeMetric:integration": "Haneul/ApiGateway IntegrationLatency p90 higher",
        "haneul:judgeMetric:checkout": "Shop CheckoutMs p95 higher Api=@api Deployment=@deployment",
      },
    });
    const id = await start(w, "CodeDeployDefault.LambdaCanary10Percent5Minutes");
    await settle(w, 1000);
    const s = await stage(w);
    const checkout = (deployment: string) =>
      w.recorder.handle(
        {
          namespace: "Shop",
          name: "CheckoutMs",
          dimensions: [
            { name: "Api", value: "shop" },
            { name: "Deployment", value: deployment },
          ],
        },
        "Milliseconds",
      );
    // The canary's integration is slower, its checkouts the same.
    for (let i = 0; i < 1000; i++) {
      const onCanary = i % 10 === 0;
      const deploymentId = onCanary ? s.canary?.deploymentId : s.deploymentId;
      w.gateway.onRequest({
        ...{ apiId: w.apiId, stage: "prod", status: 200, latencyMs: 50, deploymentId },
        integrationLatencyMs: (onCanary ? 40 : 10) + (i % 7),
      });
      w.recorder.record(checkout(deploymentId ?? ""), 20 + (i % 11));
    }
    await settle(w, 5 * MIN);
    await until(w, ended(w, id), "the deployment to end");
    const d = await w.service.get(id);
    assert.equal(d.status, "Failed");
    const message = d.errorInformation?.message ?? "";
    assert.match(
      message,
      new RegExp(
        `integration \\(Haneul/ApiGateway IntegrationLatency p90, higher is worse\\): 4\\d on deployment ${w.d2} vs 1\\d on deployment ${w.d1} \\(100 and 900 samples\\): .*, worse`,
      ),
    );
    assert.match(
      message,
      new RegExp(
        `checkout \\(Shop CheckoutMs p95, higher is worse\\): .* on deployment ${w.d2} vs .* on deployment ${w.d1} \\(100 and 900 samples\\): Mann-Whitney p = [^;]*$|checkout .*≥`,
      ),
    );
  });

  test("a test event that is not a request, or a metric that cannot be split by deployment, is refused", async () => {
    const w = await world();
    const refused: [Record<string, string>, RegExp][] = [
      [{ "haneul:testEvent": '{"requestContext": {}}' }, /must describe a request.*requestContext is not a field/],
      [{ "haneul:testEvent": '{"httpMethod": "FETCH"}' }, /httpMethod must be one of GET/],
      [{ "haneul:testEvent": '{"path": "items"}' }, /path must start with \//],
      [{ "haneul:testEvent": '{"headers": {"x": 1}}' }, /headers must map names to strings/],
      [{ "haneul:testEvent": "[1]" }, /not a JSON object/],
      [
        { "haneul:canaryJudge": "10", "haneul:judgeMetric": "AWS/ApiGateway Latency p99 higher" },
        /AWS\/ApiGateway cannot be split by deployment: it publishes a stage's requests by ApiName and Stage only/,
      ],
      [
        { "haneul:canaryJudge": "10", "haneul:judgeMetric": "AWS/Lambda Duration p99 higher" },
        /cannot be split by deployment: it is found by a function version/,
      ],
      [
        { "haneul:canaryJudge": "10", "haneul:judgeMetric": "Haneul/ApiGateway CacheHitCount Sum lower" },
        /is not published: Haneul\/ApiGateway has Count, 4XXError, 5XXError, Latency, IntegrationLatency/,
      ],
    ];
    let n = 0;
    for (const [tags, why] of refused) {
      const name = `refused-${n++}`;
      const withGuard = tags["haneul:testEvent"] ? { ...tags, "haneul:minInvocationsPerStep": "10" } : tags;
      // Refused where it is first known to be wrong: the group (a tag), or the deployment (its target).
      const attempt = async (): Promise<void> => {
        await w.service.catalog.createGroup({
          applicationName: "haneul-stage-canaries",
          deploymentGroupName: name,
          serviceRoleArn: "arn:aws:iam::000000000000:role/haneul-stage-canaries",
          tags: withGuard,
        });
        const properties = {
          RestApiId: w.apiId,
          StageName: "prod",
          CurrentDeploymentId: w.d1,
          TargetDeploymentId: w.d2,
        };
        const content = JSON.stringify({
          Resources: [{ S: { Type: "AWS::ApiGateway::Stage", Properties: properties } }],
        });
        await w.service.create({
          ...{ applicationName: "haneul-stage-canaries", deploymentGroupName: name },
          revision: { revisionType: "AppSpecContent", content },
        });
      };
      await assert.rejects(
        attempt(),
        (e) => isPlatformError(e) && e.code === "ERR_CODEDEPLOY_INVALID_INPUT" && why.test(e.message),
        `${JSON.stringify(tags)} is refused`,
      );
    }
    // A metric found by the deployment judges a stage, not an alias.
    await w.service.catalog.createGroup({
      applicationName: "haneul-stage-canaries",
      deploymentGroupName: "alias",
      serviceRoleArn: "arn:aws:iam::000000000000:role/haneul-stage-canaries",
      tags: { "haneul:canaryJudge": "10", "haneul:judgeMetric": "Haneul/ApiGateway Latency p99 higher" },
    });
    const lambda = { Name: "fn", Alias: "live", CurrentVersion: "1", TargetVersion: "2" };
    const content = JSON.stringify({ Resources: [{ F: { Type: "AWS::Lambda::Function", Properties: lambda } }] });
    await assert.rejects(
      w.service.create({
        ...{ applicationName: "haneul-stage-canaries", deploymentGroupName: "alias" },
        revision: { revisionType: "AppSpecContent", content },
      }),
      (e) =>
        isPlatformError(e) &&
        /is found by a stage's deployment \(@deployment\): it judges an API Gateway stage canary, not a Lambda alias/.test(
          e.message,
        ),
    );
  });
});
