/**
 * The canary judge and the guard's synthetic invocations in simulated time (ManualClock) over a
 * real SQLite store: a bad version detected and rolled back, a good one passed, low traffic
 * reported and held, synthetic invocations counted toward the guard and, failed, as errors.
 */
import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import { SqliteDeploymentStore } from "../adapters/sqlite/deployment-store.js";
import type { DeploymentRecord, DeploymentStore } from "../ports/deployment-store.js";
import { ManualClock } from "../shared/clock.js";
import { isPlatformError } from "../shared/errors.js";
import { randomIds } from "../shared/ids.js";
import { DeploymentEngine } from "./engine.js";
import type { VersionStats } from "./judge.js";
import type { MetricSample } from "./judge-metrics.js";
import { DeploymentService } from "./service.js";

const MIN = 60_000;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** One call the alias served: its version, when, whether it failed, how long it took. */
interface Call {
  version: string;
  at: number;
  failed: boolean;
  ms: number;
  /** The custom metric the call emitted (Shop CheckoutMs with a Version dimension), if any. */
  checkoutMs?: number | undefined;
}

interface World {
  readonly clock: ManualClock;
  readonly store: DeploymentStore;
  readonly service: DeploymentService;
  readonly alias: { version: string; weight: number };
  readonly calls: Call[];
  /** Events of the synthetic invocations; the new version fails them when `syntheticFails`. */
  readonly synthetic: string[];
  syntheticFails: boolean;
  /** The series the judge asked for (its dimensions, as `Name=Value` joined by spaces). */
  readonly metricQueries: string[];
}

/** The Shop CheckoutMs series of the version its Version dimension names, over the calls since `since`. */
function sampleOf(calls: Call[], dimensions: { name: string; value: string }[], since: number): MetricSample {
  const version = dimensions.find((d) => d.name === "Version")?.value;
  const values = calls.filter((c) => c.version === version && c.at >= since && c.checkoutMs !== undefined);
  const byValue = new Map<number, number>();
  for (const c of values) byValue.set(c.checkoutMs as number, (byValue.get(c.checkoutMs as number) ?? 0) + 1);
  const sorted = [...values.map((c) => c.checkoutMs as number)].sort((a, b) => a - b);
  return {
    count: values.length,
    sum: sorted.reduce((a, b) => a + b, 0),
    value: sorted[Math.max(0, Math.ceil(0.95 * sorted.length) - 1)],
    values: [...byValue].sort((a, b) => a[0] - b[0]),
  };
}

function statsOf(calls: Call[], version: string, since: number): VersionStats {
  const mine = calls.filter((c) => c.version === version && c.at >= since);
  const byMs = new Map<number, number>();
  for (const c of mine) byMs.set(c.ms, (byMs.get(c.ms) ?? 0) + 1);
  return {
    invocations: mine.length,
    errors: mine.filter((c) => c.failed).length,
    durations: [...byMs].sort((a, b) => a[0] - b[0]),
  };
}

async function world(tags: Record<string, string>): Promise<World> {
  const clock = new ManualClock(Date.parse("2024-01-01T00:00:00Z"));
  const store = SqliteDeploymentStore.open({ path: ":memory:" });
  const w = {
    ...{ clock, store, alias: { version: "1", weight: 0 }, calls: [] as Call[] },
    ...{ synthetic: [], syntheticFails: false, metricQueries: [] as string[] },
  };
  const engine = new DeploymentEngine({
    store,
    clock,
    effects: {
      routeAlias: (_t, version, extra) => {
        Object.assign(w.alias, { version, weight: extra?.weight ?? (version === "2" ? 100 : 0) });
        return Promise.resolve();
      },
      alarmState: () => undefined,
      newExecutionId: () => randomIds.requestId(),
      invocations: (_t, version, since) => Promise.resolve(statsOf(w.calls, version, since).invocations),
      invokeVersion: (_t, _version, event) => {
        (w.synthetic as string[]).push(event);
        return Promise.resolve(!w.syntheticFails);
      },
      versionStats: (_t, version, since) => Promise.resolve(statsOf(w.calls, version, since)),
      metricSample: (metric, _statistic, since) => {
        w.metricQueries.push(metric.dimensions.map((d) => `${d.name}=${d.value}`).join(" "));
        return Promise.resolve(sampleOf(w.calls, metric.dimensions, since));
      },
    },
    invokeHook: () => Promise.resolve(),
    isLeader: () => true,
    log: (m, e) => console.error(m, e),
  });
  const service = new DeploymentService({
    store,
    engine,
    ids: randomIds,
    now: () => clock.now(),
    checkTarget: () => undefined,
  });
  engine.start();
  cleanups.push(
    () => store.close(),
    () => engine.stop(),
  );
  await service.catalog.createApplication("app", "Lambda");
  await service.catalog.createGroup({
    applicationName: "app",
    deploymentGroupName: "group",
    serviceRoleArn: "arn:aws:iam::123456789012:role/cd",
    autoRollbackConfiguration: { enabled: true, events: ["DEPLOYMENT_FAILURE"] },
    tags,
  });
  return Object.assign(w, { service });
}

async function deploy(w: World, config: string): Promise<string> {
  const content = JSON.stringify({
    version: 0.0,
    Resources: [
      {
        fn: {
          Type: "AWS::Lambda::Function",
          Properties: { Name: "fn", Alias: "live", CurrentVersion: "1", TargetVersion: "2" },
        },
      },
    ],
  });
  const id = await w.service.create({
    applicationName: "app",
    deploymentGroupName: "group",
    deploymentConfigName: config,
    revision: { revisionType: "AppSpecContent", content },
  });
  await w.clock.advanceAsync(0);
  return id;
}

/** Whether the k-th of a run of calls fails, for `rate` of them spread evenly. */
const fails = (k: number, rate: number): boolean => Math.floor((k + 1) * rate) > Math.floor(k * rate);

/** `n` calls through the alias now, split by its weight, each version failing its rate of them. */
function traffic(
  w: World,
  n: number,
  o: { newErrorRate?: number; oldErrorRate?: number; newMs?: number; checkout?: { new?: number; old?: number } } = {},
): void {
  const seen = { "1": 0, "2": 0 };
  for (let i = 0; i < n; i++) {
    // Deterministic split: call i goes to the new version when it keeps the share at the weight.
    const toNew = Math.floor(((i + 1) * w.alias.weight) / 100) > Math.floor((i * w.alias.weight) / 100);
    const version = toNew ? "2" : "1";
    const k = seen[version]++;
    const failed = fails(k, (toNew ? o.newErrorRate : o.oldErrorRate) ?? 0);
    const checkoutBase = toNew ? o.checkout?.new : o.checkout?.old;
    const checkoutMs = checkoutBase === undefined ? undefined : checkoutBase + (k % 20);
    w.calls.push({ version, at: w.clock.now(), failed, ms: (toNew ? (o.newMs ?? 10) : 10) + (k % 5), checkoutMs });
  }
}

const state = async (w: World, id: string): Promise<DeploymentRecord> =>
  (await w.store.getDeployment(id)) as DeploymentRecord;

void describe("canary judge and synthetic invocations", () => {
  void test("a version with a higher error rate is detected at the canary step and rolled back", async () => {
    const w = await world({ "haneul:canaryJudge": "50" });
    const id = await deploy(w, "CodeDeployDefault.LambdaCanary10Percent5Minutes");
    assert.equal(w.alias.weight, 10);
    traffic(w, 1000, { newErrorRate: 0.2 });
    await w.clock.advanceAsync(5 * MIN);
    const d = await state(w, id);
    assert.equal(d.status, "Failed");
    assert.equal(d.errorInformation?.code, "CUSTOMER_APPLICATION_UNHEALTHY");
    assert.match(
      d.errorInformation?.message ?? "",
      /canary judge at 10%: Fail: error rate 20\.0% \(20\/100\) on version 2 vs 0\.0% \(0\/900\)/,
    );
    assert.deepEqual(w.alias, { version: "1", weight: 0 }, "rolled back on DEPLOYMENT_FAILURE");
    assert.equal(d.judgeVerdicts?.length, 1);
    assert.equal(d.judgeVerdicts?.[0]?.verdict, "Fail");
  });

  void test("a slower version is detected on duration", async () => {
    const w = await world({ "haneul:canaryJudge": "50" });
    const id = await deploy(w, "CodeDeployDefault.LambdaCanary10Percent5Minutes");
    traffic(w, 1000, { newMs: 40 });
    await w.clock.advanceAsync(5 * MIN);
    const d = await state(w, id);
    assert.equal(d.status, "Failed");
    assert.match(d.errorInformation?.message ?? "", /p99 duration .* slower/);
  });

  void test("a good version passes every linear step, a verdict stored for each", async () => {
    const w = await world({ "haneul:canaryJudge": "20" });
    const id = await deploy(w, "CodeDeployDefault.LambdaLinear10PercentEvery1Minute");
    for (let step = 1; step < 10; step++) {
      traffic(w, 2000, { newErrorRate: 0.01, oldErrorRate: 0.01 });
      await w.clock.advanceAsync(MIN);
    }
    const d = await state(w, id);
    assert.equal(d.status, "Succeeded");
    assert.deepEqual(
      d.judgeVerdicts?.map((v) => [v.weight, v.verdict]),
      [10, 20, 30, 40, 50, 60, 70, 80, 90].map((p) => [p, "Pass"]),
    );
  });

  void test("low traffic: not enough data holds the step, then fails it one interval after it was due", async () => {
    const w = await world({ "haneul:canaryJudge": "50" });
    const id = await deploy(w, "CodeDeployDefault.LambdaCanary10Percent5Minutes");
    traffic(w, 200, { newErrorRate: 0.5 });
    await w.clock.advanceAsync(5 * MIN);
    let d = await state(w, id);
    assert.equal(d.status, "InProgress", "20 calls of the new version decide nothing: held, not passed");
    assert.equal(w.alias.weight, 10);
    assert.equal(d.judgeVerdicts?.at(-1)?.verdict, "NotEnoughData");
    assert.match(d.judgeVerdicts?.at(-1)?.reasons[0] ?? "", /version 2 served 20 and version 1 180/);
    await w.clock.advanceAsync(5 * MIN);
    d = await state(w, id);
    assert.equal(d.status, "Failed");
    assert.equal(d.errorInformation?.code, "HEALTH_CONSTRAINTS");
    assert.match(d.errorInformation?.message ?? "", /canary judge held the 10% step/);
    assert.equal(d.judgeVerdicts?.length, 1, "the held step's verdict replaced, not repeated");
  });

  void test("synthetic invocations top up an idle canary's guard and their failures count as errors", async () => {
    const w = await world({ "haneul:minInvocationsPerStep": "60", "haneul:testEvent": '{"probe":true}' });
    const id = await deploy(w, "CodeDeployDefault.LambdaLinear10PercentEvery1Minute");
    traffic(w, 100);
    await w.clock.advanceAsync(MIN);
    assert.equal(w.synthetic.length, 50, "10 real calls of the new version, 50 synthetic ones");
    assert.equal(w.synthetic[0], '{"probe":true}');
    assert.equal(w.alias.weight, 20, "the step advanced on the synthetic calls");
    assert.equal((await state(w, id)).synthetic?.invocations, 50);
    await w.clock.advanceAsync(MIN);
    assert.equal(w.synthetic.length, 110, "an idle step: all 60 synthetic");
    assert.equal(w.alias.weight, 30);
  });

  void test("failed synthetic invocations count as the new version's errors for the judge", async () => {
    const w = await world({
      "haneul:minInvocationsPerStep": "60",
      "haneul:testEvent": "{}",
      "haneul:canaryJudge": "50",
    });
    w.syntheticFails = true;
    const id = await deploy(w, "CodeDeployDefault.LambdaCanary10Percent5Minutes");
    traffic(w, 100);
    await w.clock.advanceAsync(5 * MIN);
    const d = await state(w, id);
    assert.equal(w.synthetic.length, 50);
    assert.equal(d.status, "Failed");
    assert.equal(d.errorInformation?.code, "CUSTOMER_APPLICATION_UNHEALTHY");
    assert.match(d.errorInformation?.message ?? "", /error rate 83\.3% \(50\/60\) on version 2/);
  });

  void test("a named metric that is worse on the new version fails the step and rolls back", async () => {
    const w = await world({
      "haneul:canaryJudge": "50",
      "haneul:judgeMetric:checkout": "Shop CheckoutMs p95 higher Version=@version Service=@function",
    });
    const id = await deploy(w, "CodeDeployDefault.LambdaCanary10Percent5Minutes");
    traffic(w, 1000, { checkout: { new: 150, old: 100 } });
    await w.clock.advanceAsync(5 * MIN);
    const d = await state(w, id);
    assert.equal(d.status, "Failed");
    assert.equal(d.errorInformation?.code, "CUSTOMER_APPLICATION_UNHEALTHY");
    assert.match(
      d.errorInformation?.message ?? "",
      /checkout \(Shop CheckoutMs p95, higher is worse\): 168 on version 2 vs 118 on version 1 \(100 and 900 samples\): Mann-Whitney p = .* < 0\.0167, worse/,
    );
    assert.deepEqual(w.alias, { version: "1", weight: 0 });
    assert.deepEqual(w.metricQueries.sort(), ["Version=1 Service=fn", "Version=2 Service=fn"]);
  });

  void test("a named metric as good on the new version passes, its comparison among the reasons", async () => {
    const w = await world({
      "haneul:canaryJudge": "50",
      "haneul:judgeMetric:checkout": "Shop CheckoutMs p95 higher Version=@version",
      "haneul:judgeMetric:orders": "Shop CheckoutMs SampleCount lower Version=@version",
    });
    const id = await deploy(w, "CodeDeployDefault.LambdaCanary10Percent5Minutes");
    traffic(w, 1000, { checkout: { new: 100, old: 100 } });
    await w.clock.advanceAsync(5 * MIN);
    const d = await state(w, id);
    assert.equal(d.status, "Succeeded");
    const reasons = d.judgeVerdicts?.[0]?.reasons ?? [];
    assert.equal(d.judgeVerdicts?.[0]?.verdict, "Pass");
    assert.equal(reasons.length, 4, "error rate, duration and the two named metrics");
    assert.match(reasons[2] ?? "", /^checkout .*Mann-Whitney p = [\d.]+ ≥ 0\.0125$/);
    assert.match(
      reasons[3] ?? "",
      /^orders .*: 1 per invocation \(100\/100\) on version 2 vs 1 per invocation \(900\/900\)/,
    );
  });

  void test("a count per invocation lower on the new version is worse when lower is worse", async () => {
    const w = await world({
      "haneul:canaryJudge": "50",
      "haneul:judgeMetric:orders": "Shop CheckoutMs SampleCount lower Version=@version",
    });
    const id = await deploy(w, "CodeDeployDefault.LambdaCanary10Percent5Minutes");
    // The new version emits the metric on one call in two: half the orders per invocation.
    traffic(w, 2000, { checkout: { old: 100 } });
    w.calls.filter((c) => c.version === "2").forEach((c, k) => (c.checkoutMs = k % 2 === 0 ? 100 : undefined));
    await w.clock.advanceAsync(5 * MIN);
    const d = await state(w, id);
    assert.equal(d.status, "Failed");
    assert.match(d.errorInformation?.message ?? "", /orders .*exact binomial p = .*, worse/);
  });

  void test("a named metric without enough samples holds the step as not enough data, then fails it", async () => {
    const w = await world({
      "haneul:canaryJudge": "50",
      "haneul:judgeMetric:checkout": "Shop CheckoutMs p95 higher Version=@version",
    });
    const id = await deploy(w, "CodeDeployDefault.LambdaCanary10Percent5Minutes");
    traffic(w, 1000, { checkout: { old: 100 } });
    await w.clock.advanceAsync(5 * MIN);
    let d = await state(w, id);
    assert.equal(d.status, "InProgress");
    assert.equal(w.alias.weight, 10, "not passed on a metric the new version never emitted");
    const v = d.judgeVerdicts?.at(-1);
    assert.equal(v?.verdict, "NotEnoughData");
    assert.match(v?.reasons.at(-1) ?? "", /checkout .*: not enough data: 0 samples on version 2 and 900 on version 1/);
    await w.clock.advanceAsync(5 * MIN);
    d = await state(w, id);
    assert.equal(d.status, "Failed");
    assert.equal(d.errorInformation?.code, "HEALTH_CONSTRAINTS");
  });

  void test("invalid tags are refused", async () => {
    const w = await world({});
    const bad: Record<string, string>[] = [
      { "haneul:canaryJudge": "some" },
      { "haneul:testEvent": "{not json", "haneul:minInvocationsPerStep": "5" },
      { "haneul:testEvent": "{}" },
      { "haneul:judgeMetric": "Shop CheckoutMs p95 higher Version=@version" },
      { "haneul:canaryJudge": "5", "haneul:judgeMetric": "Shop CheckoutMs p95 higher" },
      { "haneul:canaryJudge": "5", "haneul:judgeMetric": "Shop CheckoutMs p95 worse Version=@version" },
      { "haneul:canaryJudge": "5", "haneul:judgeMetric": "Shop CheckoutMs tm90 higher Version=@version" },
      { "haneul:canaryJudge": "5", "haneul:judgeMetric": "Shop CheckoutMs p95 higher Version=@versions" },
      { "haneul:canaryJudge": "5", "haneul:judgeMetric": "Shop CheckoutMs p95" },
      { "haneul:canaryJudge": "5", "haneul:judgeMetric:bad label": "AWS/Lambda Duration p90 higher" },
    ];
    for (const tags of bad)
      await assert.rejects(
        w.service.catalog.createGroup({
          applicationName: "app",
          deploymentGroupName: "bad",
          serviceRoleArn: "arn:aws:iam::123456789012:role/cd",
          tags,
        }),
        (e) => isPlatformError(e) && e.code === "ERR_CODEDEPLOY_INVALID_INPUT",
        JSON.stringify(tags),
      );
  });
});
