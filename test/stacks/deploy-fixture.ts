import { join } from "node:path";
import { SqliteApiStore } from "../../src/adapters/sqlite/api-store.js";
import { SqliteStackStore } from "../../src/adapters/sqlite/stack-store.js";
import { SqliteStreamStore } from "../../src/adapters/sqlite/stream-store.js";
import { SqliteUsagePlanStore } from "../../src/adapters/sqlite/usage-plan-store.js";
import { StreamService } from "../../src/streams/index.js";
import { ApiService, UsagePlanService } from "../../src/control/index.js";
import { StackEngine, type StackServices } from "../../src/stacks/index.js";
import { ACCOUNT, controlFixture, REGION } from "../helpers/control-fixture.js";
import type { ControlFixture } from "../helpers/control-fixture.js";
import { randomIds } from "../../src/shared/ids.js";

/** A stack engine over a real control plane, a real API Gateway service and real SQLite stores. */
export interface DeployFixture {
  readonly engine: StackEngine;
  readonly control: ControlFixture;
  readonly apis: ApiService;
  readonly streams: StreamService;
  readonly usagePlans: UsagePlanService;
  /** Creates (or updates) `stackName` from `templateBody` through a change set and waits for the end. */
  deploy(
    stackName: string,
    templateBody: string,
    parameters?: Record<string, string>,
  ): Promise<{ status: string; changeSetStatus: string; reason?: string | undefined; changes: unknown[] }>;
  close(): Promise<void>;
}

/** Opens a fixture in a temporary data directory. */
export async function deployFixture(
  o: { topics?: StackServices["topics"]; deployments?: StackServices["deployments"] } = {},
): Promise<DeployFixture> {
  const control = await controlFixture();
  const path = join(control.dataDir, "haneul.db");
  const apiStore = SqliteApiStore.open({ path });
  const stackStore = SqliteStackStore.open({ path });
  const apis = new ApiService({
    store: apiStore,
    clock: control.clock,
    ids: randomIds,
    region: REGION,
    accountId: ACCOUNT,
    publish: () => undefined,
  });
  await apis.start();
  const streamStore = SqliteStreamStore.open({ path });
  const streams = new StreamService({
    store: streamStore,
    clock: control.clock,
    scope: { region: REGION, accountId: ACCOUNT },
  });
  const usageStore = SqliteUsagePlanStore.open({ path });
  const usagePlans = new UsagePlanService({
    store: usageStore,
    apis: apiStore,
    clock: control.clock,
    ids: randomIds,
    publish: () => undefined,
  });
  const engine = new StackEngine({
    store: stackStore,
    services: {
      lambda: control.cp,
      apis,
      streams,
      topics: o.topics,
      deployments: o.deployments,
      usagePlans,
      ids: randomIds,
      region: REGION,
      accountId: ACCOUNT,
    },
    clock: control.clock,
  });
  let n = 0;
  return {
    engine,
    control,
    apis,
    streams,
    usagePlans,
    async deploy(stackName, templateBody, parameters = {}) {
      const existing = await stackStore.getStack(stackName);
      const cs = await engine.createChangeSet({
        stackName,
        changeSetName: `cs${++n}`,
        changeSetType: existing && existing.status !== "REVIEW_IN_PROGRESS" ? "UPDATE" : "CREATE",
        templateBody,
        parameters: Object.entries(parameters).map(([key, value]) => ({ key, value })),
        capabilities: ["CAPABILITY_IAM"],
      });
      if (cs.status !== "CREATE_COMPLETE") {
        const stack = await stackStore.getStack(stackName);
        return { status: stack?.status ?? "", changeSetStatus: cs.status, reason: cs.statusReason, changes: [] };
      }
      const stack = await (await engine.executeChangeSet(cs.changeSetId)).done;
      return { status: stack.status, changeSetStatus: cs.status, reason: stack.statusReason, changes: [...cs.changes] };
    },
    async close() {
      await engine.settled();
      await stackStore.close();
      await streamStore.close();
      await usageStore.close();
      await apiStore.close();
      await control.close();
    },
  };
}
