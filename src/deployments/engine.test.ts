/**
 * Lambda deployments in simulated time (ManualClock) over a real SQLite store: every predefined
 * config step by step, custom configs, hooks succeeding, failing and missing their deadline,
 * alarms at each stage and at the start, stop, a restart in the middle, one deployment per alias.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, describe, test } from "node:test";
import { SqliteDeploymentStore } from "../adapters/sqlite/deployment-store.js";
import type { AlarmState } from "../ports/alarm-store.js";
import type { DeploymentRecord, DeploymentStore, LambdaTarget, TrafficRouting } from "../ports/deployment-store.js";
import { ManualClock } from "../shared/clock.js";
import { isPlatformError, PlatformError } from "../shared/errors.js";
import { randomIds } from "../shared/ids.js";
import { PREDEFINED_CONFIGS } from "./configs.js";
import { GUARD_POLL_MS, HOOK_DEADLINE_MS } from "./driver.js";
import { DeploymentEngine } from "./engine.js";
import { DeploymentService } from "./service.js";

const MIN = 60_000;
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The alias as the control plane would hold it: its version and the weighted extra one. */
interface AliasState {
  version: string;
  extra?: { version: string; weight: number } | undefined;
}

interface World {
  readonly clock: ManualClock;
  readonly store: DeploymentStore;
  readonly alias: AliasState;
  readonly alarms: Map<string, AlarmState>;
  readonly hooks: { functionName: string; payload: { DeploymentId: string; LifecycleEventHookExecutionId: string } }[];
  /** Invocations the alias served: which version, when (the traffic guard counts them). */
  readonly served: { version: string; at: number }[];
  leader: boolean;
  engine: DeploymentEngine;
  service: DeploymentService;
}

function appSpec(hooks: { before?: string; after?: string } = {}): string {
  return JSON.stringify({
    version: 0.0,
    Resources: [
      {
        fn: {
          Type: "AWS::Lambda::Function",
          Properties: { Name: "fn", Alias: "live", CurrentVersion: "1", TargetVersion: "2" },
        },
      },
    ],
    Hooks: [
      ...(hooks.before ? [{ BeforeAllowTraffic: hooks.before }] : []),
      ...(hooks.after ? [{ AfterAllowTraffic: hooks.after }] : []),
    ],
  });
}

function start(w: Omit<World, "engine" | "service">): { engine: DeploymentEngine; service: DeploymentService } {
  const engine = new DeploymentEngine({
    store: w.store,
    clock: w.clock,
    effects: {
      routeAlias: (_t: LambdaTarget, version, extra) => {
        if (w.alias.version === "deleted")
          return Promise.reject(new PlatformError("ERR_RESOURCE_NOT_FOUND", "Alias not found"));
        Object.assign(w.alias, { version, extra });
        return Promise.resolve();
      },
      alarmState: (name) => w.alarms.get(name),
      newExecutionId: () => randomIds.requestId(),
      invokeVersion: () => Promise.resolve(true),
      versionStats: () => Promise.resolve({ invocations: 0, errors: 0, durations: [] }),
      metricSample: () => Promise.resolve({ count: 0, sum: 0, value: undefined, values: [] }),
      invocations: (_t, version, since) =>
        Promise.resolve(w.served.filter((x) => x.version === version && x.at >= since).length),
    },
    invokeHook: (functionName, payload) => {
      w.hooks.push({ functionName, payload: JSON.parse(payload.toString()) as World["hooks"][number]["payload"] });
      return Promise.resolve();
    },
    isLeader: () => (w as World).leader,
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

async function world(
  o: { store?: DeploymentStore; alarms?: string[]; config?: string; tags?: Record<string, string> } = {},
): Promise<World> {
  const clock = new ManualClock(Date.parse("2024-01-01T00:00:00Z"));
  const store = o.store ?? SqliteDeploymentStore.open({ path: ":memory:" });
  if (!o.store) cleanups.push(() => store.close());
  const base = {
    clock,
    store,
    alias: { version: "1" },
    alarms: new Map<string, AlarmState>(),
    hooks: [],
    served: [],
    leader: true,
  };
  const w = Object.assign(base, start(base)) as World;
  await w.service.catalog.createApplication("app", "Lambda").catch(() => undefined);
  await w.service.catalog
    .createGroup({
      applicationName: "app",
      deploymentGroupName: "group",
      serviceRoleArn: "arn:aws:iam::123456789012:role/cd",
      deploymentConfigName: o.config,
      alarmConfiguration: o.alarms && { enabled: true, alarms: o.alarms },
      autoRollbackConfiguration: { enabled: true, events: ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"] },
      tags: o.tags,
    })
    .catch(() => undefined);
  for (const a of o.alarms ?? []) w.alarms.set(a, "OK");
  return w;
}

async function deploy(
  w: World,
  o: { config?: string; hooks?: { before?: string; after?: string } } = {},
): Promise<string> {
  const id = await w.service.create({
    applicationName: "app",
    deploymentGroupName: "group",
    deploymentConfigName: o.config,
    revision: { revisionType: "AppSpecContent", content: appSpec(o.hooks) },
  });
  await w.clock.advanceAsync(0);
  return id;
}

const state = async (w: World, id: string): Promise<DeploymentRecord> =>
  (await w.store.getDeployment(id)) as DeploymentRecord;
const weightOf = (w: World): number => (w.alias.extra ? w.alias.extra.weight : w.alias.version === "2" ? 100 : 0);

/** Reports the latest hook's status as a hook function would. */
async function report(w: World, status: "Succeeded" | "Failed"): Promise<void> {
  const h = w.hooks.at(-1);
  assert.ok(h, "a hook was invoked");
  await w.service.putHookStatus(h.payload.DeploymentId, h.payload.LifecycleEventHookExecutionId, status);
  await w.clock.advanceAsync(0);
}

/** The expected schedule: [minute, weight] at each step. */
function schedule(r: TrafficRouting): [number, number][] {
  if (r.type === "AllAtOnce") return [[0, 100]];
  if (r.type === "TimeBasedCanary")
    return [
      [0, r.percentage],
      [r.intervalMinutes, 100],
    ];
  const out: [number, number][] = [];
  let k = 0;
  for (let p = r.percentage; p < 100; p += r.percentage) out.push([k++ * r.intervalMinutes, p]);
  out.push([k * r.intervalMinutes, 100]);
  return out;
}

async function followSchedule(w: World, id: string, steps: [number, number][]): Promise<void> {
  let now = 0;
  for (const [minute, weight] of steps) {
    if (minute > now) {
      await w.clock.advanceAsync((minute - now) * MIN - 1);
      assert.notEqual(weightOf(w), weight, `not yet ${weight}% a moment before minute ${minute}`);
      await w.clock.advanceAsync(1);
      now = minute;
    }
    assert.equal(weightOf(w), weight, `${weight}% at minute ${minute}`);
  }
  const d = await state(w, id);
  assert.equal(d.status, "Succeeded");
  assert.deepEqual(w.alias, { version: "2", extra: undefined });
}

void describe("Lambda deployments in simulated time", () => {
  for (const [name, routing] of PREDEFINED_CONFIGS) {
    void test(`${name} shifts traffic step by step`, async () => {
      const w = await world();
      const id = await deploy(w, { config: name });
      const d = await state(w, id);
      assert.equal(d.configName, name);
      await followSchedule(w, id, schedule(routing));
    });
  }

  void test("custom TimeBasedCanary and TimeBasedLinear configs", async () => {
    const w = await world();
    const canary = { type: "TimeBasedCanary", percentage: 25, intervalMinutes: 3 } as const;
    const linear = { type: "TimeBasedLinear", percentage: 33, intervalMinutes: 2 } as const;
    await w.service.catalog.createConfig({ name: "canary25", computePlatform: "Lambda", trafficRouting: canary });
    await w.service.catalog.createConfig({ name: "linear33", computePlatform: "Lambda", trafficRouting: linear });
    const first = await deploy(w, { config: "canary25" });
    await followSchedule(w, first, [
      [0, 25],
      [3, 100],
    ]);
    Object.assign(w.alias, { version: "1", extra: undefined });
    const second = await deploy(w, { config: "linear33" });
    await followSchedule(w, second, [
      [0, 33],
      [2, 66],
      [4, 99],
      [6, 100],
    ]);
  });

  void test("hooks: BeforeAllowTraffic before any traffic, AfterAllowTraffic after all of it", async () => {
    const w = await world();
    const id = await deploy(w, {
      config: "CodeDeployDefault.LambdaCanary10Percent5Minutes",
      hooks: { before: "pre", after: "post" },
    });
    assert.equal(w.hooks.length, 1);
    assert.equal(w.hooks[0]?.functionName, "pre");
    assert.equal(w.hooks[0]?.payload.DeploymentId, id);
    await w.clock.advanceAsync(30 * MIN);
    assert.equal(weightOf(w), 0, "no traffic until the hook reports");
    await report(w, "Succeeded");
    assert.equal(weightOf(w), 10);
    await w.clock.advanceAsync(5 * MIN);
    assert.equal(weightOf(w), 100);
    assert.equal(w.hooks.length, 2);
    assert.equal(w.hooks[1]?.functionName, "post");
    assert.equal((await state(w, id)).status, "InProgress");
    await report(w, "Succeeded");
    const d = await state(w, id);
    assert.equal(d.status, "Succeeded");
    assert.deepEqual(
      d.lifecycleEvents.map((e) => [e.name, e.status]),
      [
        ["BeforeAllowTraffic", "Succeeded"],
        ["AllowTraffic", "Succeeded"],
        ["AfterAllowTraffic", "Succeeded"],
      ],
    );
    await assert.rejects(
      report(w, "Succeeded"),
      (e) => isPlatformError(e) && e.code === "ERR_CODEDEPLOY_HOOK_ALREADY_COMPLETED",
    );
  });

  void test("a hook reporting Failed fails the deployment and returns traffic", async () => {
    const w = await world();
    const id = await deploy(w, {
      config: "CodeDeployDefault.LambdaLinear10PercentEvery1Minute",
      hooks: { after: "post" },
    });
    await w.clock.advanceAsync(9 * MIN);
    assert.equal(weightOf(w), 100);
    await report(w, "Failed");
    const d = await state(w, id);
    assert.equal(d.status, "Failed");
    assert.equal(d.errorInformation?.code, "HOOK_EXECUTION_FAILURE");
    assert.deepEqual(w.alias, { version: "1", extra: undefined });
    assert.ok(d.rollbackInfo);
    assert.deepEqual(
      d.lifecycleEvents.map((e) => e.status),
      ["Succeeded", "Succeeded", "Failed"],
    );
  });

  void test("a hook that does not report within an hour times the deployment out", async () => {
    const w = await world();
    const id = await deploy(w, { hooks: { before: "pre" } });
    await w.clock.advanceAsync(HOOK_DEADLINE_MS - 1);
    assert.equal((await state(w, id)).status, "InProgress");
    await w.clock.advanceAsync(1);
    const d = await state(w, id);
    assert.equal(d.status, "Failed");
    assert.equal(d.errorInformation?.code, "TIMEOUT");
    assert.deepEqual(
      d.lifecycleEvents.map((e) => e.status),
      ["Failed", "Skipped", "Skipped"],
    );
    assert.equal(weightOf(w), 0);
  });

  const stages: [string, (w: World) => Promise<void>][] = [
    ["during BeforeAllowTraffic", () => Promise.resolve()],
    ["during the canary", async (w) => report(w, "Succeeded")],
    [
      "during AfterAllowTraffic",
      async (w) => {
        await report(w, "Succeeded");
        await w.clock.advanceAsync(10 * MIN);
      },
    ],
  ];
  for (const [stage, reach] of stages) {
    void test(`an alarm in ALARM ${stage} stops the deployment and rolls back`, async () => {
      const w = await world({ alarms: ["errors"] });
      const id = await deploy(w, {
        config: "CodeDeployDefault.LambdaCanary10Percent10Minutes",
        hooks: { before: "pre", after: "post" },
      });
      await reach(w);
      assert.equal((await state(w, id)).status, "InProgress");
      w.alarms.set("errors", "ALARM");
      await w.clock.advanceAsync(10_000);
      const d = await state(w, id);
      assert.equal(d.status, "Stopped");
      assert.equal(d.errorInformation?.code, "ALARM_ACTIVE");
      assert.match(d.errorInformation?.message ?? "", /errors/);
      assert.deepEqual(w.alias, { version: "1", extra: undefined });
    });
  }

  void test("an alarm already in ALARM at the start stops the deployment before any hook", async () => {
    const w = await world({ alarms: ["errors"] });
    w.alarms.set("errors", "ALARM");
    const id = await deploy(w, { hooks: { before: "pre" } });
    const d = await state(w, id);
    assert.equal(d.status, "Stopped");
    assert.equal(d.errorInformation?.code, "ALARM_ACTIVE");
    assert.equal(w.hooks.length, 0);
  });

  void test("StopDeployment stops it, rolling back as asked", async () => {
    const w = await world();
    const id = await deploy(w, { config: "CodeDeployDefault.LambdaCanary10Percent30Minutes" });
    assert.equal(weightOf(w), 10);
    await w.service.stop(id, false);
    await w.clock.advanceAsync(0);
    let d = await state(w, id);
    assert.equal(d.status, "Stopped");
    assert.equal(d.errorInformation?.code, "MANUAL_STOP");
    assert.equal(weightOf(w), 10, "no rollback when not asked");
    await assert.rejects(
      w.service.stop(id, true),
      (e) => isPlatformError(e) && e.code === "ERR_CODEDEPLOY_DEPLOYMENT_COMPLETED",
    );
    const second = await deploy(w, { config: "CodeDeployDefault.LambdaCanary10Percent30Minutes" });
    await w.service.stop(second, true);
    await w.clock.advanceAsync(0);
    d = await state(w, second);
    assert.equal(d.status, "Stopped");
    assert.deepEqual(w.alias, { version: "1", extra: undefined });
  });

  void test("promote skips the remaining waits: BeforeAllowTraffic still runs, then all traffic, then AfterAllowTraffic", async () => {
    const w = await world();
    const config = "CodeDeployDefault.LambdaLinear10PercentEvery10Minutes";
    const id = await deploy(w, { config, hooks: { before: "pre", after: "post" } });
    await w.service.promote(id);
    await w.clock.advanceAsync(0);
    assert.equal(weightOf(w), 0, "the BeforeAllowTraffic hook is not skipped");
    await report(w, "Succeeded");
    assert.equal(weightOf(w), 100, "straight to the new version");
    assert.equal((await state(w, id)).status, "InProgress", "AfterAllowTraffic runs");
    assert.equal(w.hooks.at(-1)?.functionName, "post");
    await report(w, "Succeeded");
    assert.equal((await state(w, id)).status, "Succeeded");
    await assert.rejects(
      w.service.promote(id),
      (e) => isPlatformError(e) && e.code === "ERR_CODEDEPLOY_DEPLOYMENT_COMPLETED",
    );

    const second = await deploy(w, { config });
    await w.clock.advanceAsync(25 * MIN);
    assert.equal(weightOf(w), 30, "three linear steps in 25 minutes");
    await assert.rejects(
      w.service.promote(second, "TERMINATION_WAIT"),
      (e) => isPlatformError(e) && e.code === "ERR_CODEDEPLOY_UNSUPPORTED_ACTION",
    );
    await assert.rejects(
      w.service.promote(second, "SOON"),
      (e) => isPlatformError(e) && e.code === "ERR_CODEDEPLOY_INVALID_WAIT_TYPE",
    );
    await w.service.promote(second, "READY_WAIT");
    await w.clock.advanceAsync(0);
    const d = await state(w, second);
    assert.equal(d.status, "Succeeded");
    assert.equal(d.completedAt, w.clock.now(), "no wait left");
    assert.deepEqual(w.alias, { version: "2", extra: undefined });
  });

  void test("a deployment being stopped is not promoted", async () => {
    const w = await world();
    const id = await deploy(w, { config: "CodeDeployDefault.LambdaCanary10Percent30Minutes" });
    w.leader = false;
    await w.service.stop(id, true);
    await assert.rejects(w.service.promote(id), (e) => isPlatformError(e) && e.code === "ERR_CODEDEPLOY_NOT_READY");
  });

  void test("a rollback is a deployment of its own, naming the one it undid (and named by it)", async () => {
    const w = await world({ alarms: ["errors"] });
    const id = await deploy(w, { config: "CodeDeployDefault.LambdaCanary10Percent30Minutes" });
    await w.clock.advanceAsync(5 * MIN);
    w.alarms.set("errors", "ALARM");
    w.engine.nudge();
    await w.clock.advanceAsync(0);
    const failed = await state(w, id);
    assert.equal(failed.status, "Stopped");
    const rollbackId = failed.rollbackInfo?.rollbackDeploymentId ?? "";
    assert.match(rollbackId, /^d-[A-Z0-9]{9}$/);
    assert.notEqual(rollbackId, id);
    assert.match(
      failed.rollbackInfo?.rollbackMessage ?? "",
      new RegExp(`returned to version 1 .* by deployment ${rollbackId}`),
    );
    const rollback = await state(w, rollbackId);
    assert.equal(rollback.creator, "codeDeployRollback");
    assert.equal(rollback.status, "Succeeded");
    assert.equal(rollback.rollbackInfo?.rollbackTriggeringDeploymentId, id);
    assert.deepEqual(
      [(rollback.target as LambdaTarget).currentVersion, (rollback.target as LambdaTarget).targetVersion],
      ["2", "1"],
      "from the new version back to the old one",
    );
    assert.deepEqual(
      rollback.lifecycleEvents.map((e) => e.status),
      ["Skipped", "Succeeded", "Skipped"],
    );
    assert.equal(rollback.completedAt, w.clock.now());
    const listed = await w.service.list({ applicationName: "app", groupName: "group" });
    assert.deepEqual(
      listed.map((d) => d.id),
      [rollbackId, id],
      "newest first",
    );
    w.alarms.set("errors", "OK");
    const next = await deploy(w, { config: "CodeDeployDefault.LambdaAllAtOnce" });
    assert.equal((await state(w, next)).status, "Succeeded", "the alias is free for the next deployment");

    const quiet = await deploy(w, { config: "CodeDeployDefault.LambdaCanary10Percent30Minutes" });
    await w.service.stop(quiet, false);
    await w.clock.advanceAsync(0);
    assert.equal((await state(w, quiet)).rollbackInfo, undefined, "no rollback, no rollback deployment");
  });

  void test("traffic guard: an idle canary waits past its interval until the new version served the minimum", async () => {
    const w = await world({ tags: { "haneul:minInvocationsPerStep": "3" } });
    const id = await deploy(w, { config: "CodeDeployDefault.LambdaLinear10PercentEvery1Minute" });
    assert.equal(weightOf(w), 10);
    w.served.push({ version: "2", at: w.clock.now() + 1 }, { version: "1", at: w.clock.now() + 2 });
    await w.clock.advanceAsync(MIN);
    assert.equal(weightOf(w), 10, "one invocation of the new version is not enough");
    assert.equal((await state(w, id)).guardWait?.served, 1);
    await w.clock.advanceAsync(30_000);
    assert.equal(weightOf(w), 10, "still waiting");
    w.served.push({ version: "2", at: w.clock.now() }, { version: "2", at: w.clock.now() });
    await w.clock.advanceAsync(GUARD_POLL_MS);
    assert.equal(weightOf(w), 20, "the minimum came: the next step");
    const d = await state(w, id);
    assert.equal(d.guardWait, undefined);
    assert.equal(d.nextStepAt, w.clock.now() + MIN, "the next step waits its whole interval from now");
    // Served in an earlier step does not count for this one.
    w.served.push(
      { version: "2", at: w.clock.now() },
      { version: "2", at: w.clock.now() },
      { version: "2", at: w.clock.now() },
    );
    await w.clock.advanceAsync(MIN);
    assert.equal(weightOf(w), 30, "three in this step");
    await w.service.promote(id);
    await w.clock.advanceAsync(0);
    assert.equal((await state(w, id)).status, "Succeeded", "promote is not held by the guard");
  });

  void test("traffic guard: a minimum that never comes fails the step one more interval after it was due", async () => {
    const w = await world({ tags: { "haneul:minInvocationsPerStep": "100" } });
    const id = await deploy(w, { config: "CodeDeployDefault.LambdaCanary10Percent5Minutes" });
    for (let i = 0; i < 99; i++) w.served.push({ version: "2", at: w.clock.now() });
    await w.clock.advanceAsync(10 * MIN - 1);
    assert.equal(weightOf(w), 10, "held, not failed, until the deadline");
    assert.equal((await state(w, id)).status, "InProgress");
    await w.clock.advanceAsync(GUARD_POLL_MS);
    const d = await state(w, id);
    assert.equal(d.status, "Failed");
    assert.equal(d.errorInformation?.code, "HEALTH_CONSTRAINTS");
    assert.match(d.errorInformation?.message ?? "", /version 2 served 99 of the 100 invocations/);
    assert.deepEqual(w.alias, { version: "1", extra: undefined }, "rolled back on DEPLOYMENT_FAILURE");
    await assert.rejects(
      w.service.catalog.createGroup({
        applicationName: "app",
        deploymentGroupName: "bad",
        serviceRoleArn: "arn:aws:iam::123456789012:role/cd",
        tags: { "haneul:minInvocationsPerStep": "lots" },
      }),
      (e) => isPlatformError(e) && e.code === "ERR_CODEDEPLOY_INVALID_INPUT",
    );
  });

  void test("one active deployment per alias; a second is refused", async () => {
    const w = await world();
    await deploy(w, { config: "CodeDeployDefault.LambdaCanary10Percent5Minutes" });
    await assert.rejects(
      deploy(w),
      (e) =>
        isPlatformError(e) &&
        e.code === "ERR_CODEDEPLOY_DEPLOYMENT_LIMIT_EXCEEDED" &&
        /already has an active Deployment/.test(e.message),
    );
  });

  void test("an alias deleted during the deployment fails it, leaving the alias alone", async () => {
    const w = await world();
    const id = await deploy(w, { config: "CodeDeployDefault.LambdaCanary10Percent5Minutes" });
    w.alias.version = "deleted";
    await w.clock.advanceAsync(5 * MIN);
    const d = await state(w, id);
    assert.equal(d.status, "Failed");
    assert.equal(d.errorInformation?.code, "INVALID_LAMBDA_CONFIGURATION");
    assert.match(d.errorInformation?.message ?? "", /Alias not found/);
  });

  void test("a node that does not lead does not drive", async () => {
    const w = await world();
    w.leader = false;
    const id = await deploy(w);
    await w.clock.advanceAsync(MIN);
    assert.equal((await state(w, id)).status, "Created");
    w.leader = true;
    await w.clock.advanceAsync(10_000);
    assert.equal((await state(w, id)).status, "Succeeded");
  });

  void test("a restart in the middle resumes the deployment where it stood", async () => {
    const dir = mkdtempSync(join(tmpdir(), "haneul-deploy-"));
    dirs.push(dir);
    const path = join(dir, "haneul.db");
    const store = SqliteDeploymentStore.open({ path });
    const w = await world({ store });
    const id = await deploy(w, { config: "CodeDeployDefault.LambdaLinear10PercentEvery3Minutes" });
    await w.clock.advanceAsync(7 * MIN);
    assert.equal(weightOf(w), 30);
    await w.engine.stop();
    await store.close();
    await w.clock.advanceAsync(2 * MIN);
    assert.equal(weightOf(w), 30, "nothing moves while the node is down");
    const reopened = SqliteDeploymentStore.open({ path });
    cleanups.push(() => reopened.close());
    const again = start({ ...w, store: reopened });
    assert.ok(again);
    await w.clock.advanceAsync(0);
    assert.equal(weightOf(w), 40, "the step due while down is taken at once");
    await w.clock.advanceAsync(3 * MIN - 1);
    assert.equal(weightOf(w), 40);
    await w.clock.advanceAsync(1);
    assert.equal(weightOf(w), 50, "and the schedule keeps its times");
    await w.clock.advanceAsync(15 * MIN);
    assert.equal((await reopened.getDeployment(id))?.status, "Succeeded");
  });
});
