/**
 * The contract every DeploymentStore adapter passes (SQLite file and memory, PostgreSQL).
 * `open` gives a fresh, empty store per test.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import type { DeploymentGroupRecord, DeploymentRecord, DeploymentStore } from "./deployment-store.js";

/** A deployment record; fields overridable. */
export function sampleDeployment(id: string, over: Partial<DeploymentRecord> = {}): DeploymentRecord {
  return {
    id,
    applicationName: "app",
    groupName: "group",
    configName: "CodeDeployDefault.LambdaAllAtOnce",
    routing: { type: "AllAtOnce" },
    target: { resourceName: "fn", functionName: "fn", alias: "live", currentVersion: "1", targetVersion: "2" },
    appSpec: { content: "{}" },
    creator: "user",
    alarmConfiguration: { enabled: false, ignorePollAlarmFailure: false, alarms: [] },
    autoRollbackConfiguration: { enabled: false, events: [] },
    status: "Created",
    weight: 0,
    lifecycleEvents: [{ name: "BeforeAllowTraffic", status: "Pending" }],
    createdAt: 1000,
    updatedAt: 1000,
    revision: 0,
    ...over,
  };
}

const group = (name: string, over: Partial<DeploymentGroupRecord> = {}): DeploymentGroupRecord => ({
  applicationName: "app",
  name,
  id: `id-${name}`,
  deploymentConfigName: "CodeDeployDefault.LambdaAllAtOnce",
  serviceRoleArn: "arn:aws:iam::123456789012:role/cd",
  alarmConfiguration: { enabled: true, ignorePollAlarmFailure: false, alarms: ["a"] },
  autoRollbackConfiguration: { enabled: true, events: ["DEPLOYMENT_FAILURE"] },
  deploymentStyle: { deploymentType: "BLUE_GREEN", deploymentOption: "WITH_TRAFFIC_CONTROL" },
  tags: {},
  ...over,
});

/** Runs the DeploymentStore contract against the adapter `open` makes. */
export function runDeploymentStoreContract(name: string, open: () => Promise<DeploymentStore>): void {
  void describe(`DeploymentStore contract: ${name}`, () => {
    let store: DeploymentStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    void test("applications are created once, listed by name, and deleted with their groups", async () => {
      const app = { name: "b", id: "1", computePlatform: "Lambda", createdAt: 5, tags: { k: "v" } };
      assert.equal(await store.createApplication(app), true);
      assert.equal(await store.createApplication({ ...app, id: "2" }), false);
      await store.createApplication({ ...app, name: "a" });
      assert.deepEqual(await store.getApplication("b"), app);
      assert.deepEqual(
        (await store.listApplications()).map((a) => a.name),
        ["a", "b"],
      );
      await store.createDeploymentGroup(group("g", { applicationName: "b" }));
      assert.equal(await store.deleteApplication("b"), true);
      assert.equal(await store.deleteApplication("b"), false);
      assert.equal(await store.getDeploymentGroup("b", "g"), undefined);
    });

    void test("groups are created once per application, renamed without clobbering, and deleted", async () => {
      assert.equal(await store.createDeploymentGroup(group("g1")), true);
      assert.equal(await store.createDeploymentGroup(group("g1")), false);
      assert.equal(await store.createDeploymentGroup(group("g1", { applicationName: "other" })), true);
      await store.createDeploymentGroup(group("g2"));
      assert.equal(await store.updateDeploymentGroup("g1", group("g2")), false);
      assert.equal(await store.updateDeploymentGroup("g1", group("g3", { deploymentConfigName: "x" })), true);
      assert.equal((await store.getDeploymentGroup("app", "g3"))?.deploymentConfigName, "x");
      assert.equal(await store.getDeploymentGroup("app", "g1"), undefined);
      assert.deepEqual(
        (await store.listDeploymentGroups("app")).map((g) => g.name),
        ["g2", "g3"],
      );
      assert.equal(await store.updateDeploymentGroup("missing", group("g9")), false);
      assert.equal(await store.deleteDeploymentGroup("app", "g2"), true);
      assert.equal(await store.deleteDeploymentGroup("app", "g2"), false);
    });

    void test("a group keeps its triggers, changed and cleared by an update", async () => {
      const triggers = [
        {
          triggerName: "t1",
          triggerTargetArn: "arn:aws:sns:us-east-1:123456789012:deploys",
          triggerEvents: ["DeploymentStart", "DeploymentFailure"],
        },
      ];
      await store.createDeploymentGroup(group("g1", { triggerConfigurations: triggers }));
      assert.deepEqual((await store.getDeploymentGroup("app", "g1"))?.triggerConfigurations, triggers);
      const changed = [{ ...triggers[0]!, triggerEvents: ["DeploymentRollback"] }];
      await store.updateDeploymentGroup("g1", group("g1", { triggerConfigurations: changed }));
      assert.deepEqual((await store.listDeploymentGroups("app"))[0]?.triggerConfigurations, changed);
      await store.updateDeploymentGroup("g1", group("g1", { triggerConfigurations: [] }));
      assert.deepEqual((await store.getDeploymentGroup("app", "g1"))?.triggerConfigurations, []);
    });

    void test("custom configs are created once, listed by name and deleted", async () => {
      const c = {
        name: "c",
        id: "1",
        computePlatform: "Lambda",
        createdAt: 1,
        trafficRouting: { type: "TimeBasedLinear", percentage: 20, intervalMinutes: 2 } as const,
      };
      assert.equal(await store.createDeploymentConfig(c), true);
      assert.equal(await store.createDeploymentConfig(c), false);
      assert.deepEqual(await store.getDeploymentConfig("c"), c);
      assert.deepEqual(
        (await store.listDeploymentConfigs()).map((x) => x.name),
        ["c"],
      );
      assert.equal(await store.deleteDeploymentConfig("c"), true);
      assert.equal(await store.deleteDeploymentConfig("c"), false);
    });

    void test("one active deployment per alias and per group; a final one frees both", async () => {
      const first = sampleDeployment("d-1");
      assert.deepEqual(await store.createDeployment(first), { kind: "ok" });
      const sameAlias = await store.createDeployment(sampleDeployment("d-2", { groupName: "other", createdAt: 2000 }));
      assert.equal(sameAlias.kind, "active");
      assert.equal(sameAlias.kind === "active" && sameAlias.active.id, "d-1");
      const sameGroup = await store.createDeployment(
        sampleDeployment("d-3", { target: { ...first.target, alias: "beta" } }),
      );
      assert.equal(sameGroup.kind === "active" && sameGroup.active.id, "d-1");
      const done = { ...first, status: "Succeeded", weight: 100, completedAt: 3000, revision: 1 } as const;
      assert.equal(await store.saveDeployment({ ...done, revision: 2 }), false, "a save over a revision not read");
      assert.equal(await store.saveDeployment(done), true);
      assert.equal(await store.saveDeployment(done), false, "the same revision twice");
      assert.deepEqual(await store.getDeployment("d-1"), done);
      assert.deepEqual(await store.createDeployment(sampleDeployment("d-2", { createdAt: 2000 })), { kind: "ok" });
      assert.deepEqual(
        (await store.listActiveDeployments()).map((d) => d.id),
        ["d-2"],
      );
    });

    void test("deployments are listed newest first, by application, group and status", async () => {
      await store.createDeployment(sampleDeployment("d-1", { status: "Succeeded" }));
      await store.createDeployment(sampleDeployment("d-2", { status: "Failed", createdAt: 2000 }));
      await store.createDeployment(sampleDeployment("d-3", { groupName: "g2", createdAt: 3000 }));
      assert.deepEqual(
        (await store.listDeployments({})).map((d) => d.id),
        ["d-3", "d-2", "d-1"],
      );
      assert.deepEqual(
        (await store.listDeployments({ applicationName: "app", groupName: "group" })).map((d) => d.id),
        ["d-2", "d-1"],
      );
      assert.deepEqual(
        (await store.listDeployments({ statuses: ["Failed", "Created"] })).map((d) => d.id),
        ["d-3", "d-2"],
      );
      assert.equal(await store.getDeployment("d-9"), undefined);
    });

    void test("the canary judge's verdicts, its settings and the synthetic invocations are kept with the deployment", async () => {
      const d = sampleDeployment("d-1", {
        status: "InProgress",
        trafficGuard: { minInvocations: 60 },
        testEvent: '{"probe":true}',
        judge: {
          minSamples: 50,
          metrics: [
            {
              ...{
                label: "checkout",
                namespace: "Shop",
                name: "CheckoutMs",
                statistic: "p95",
                worse: "higher" as const,
              },
              dimensions: [{ name: "Version", value: "@version" }],
            },
          ],
        },
      });
      await store.createDeployment(d);
      const verdict = { weight: 10, verdict: "NotEnoughData" as const, reasons: ["not enough data"], at: 5000 };
      const held = {
        ...d,
        revision: 1,
        judgeVerdicts: [verdict],
        synthetic: { since: 1000, invocations: 50, errors: 2 },
      };
      assert.equal(await store.saveDeployment(held), true);
      assert.deepEqual(await store.getDeployment("d-1"), held);
      const failed = {
        ...held,
        revision: 2,
        status: "Failed" as const,
        judgeVerdicts: [{ ...verdict, verdict: "Fail" as const, reasons: ["error rate", "p99 duration"] }],
        errorInformation: { code: "CUSTOMER_APPLICATION_UNHEALTHY", message: "canary judge at 10%: Fail" },
      };
      assert.equal(await store.saveDeployment(failed), true);
      assert.deepEqual((await store.listDeployments({ statuses: ["Failed"] }))[0], failed);
    });
  });
}
