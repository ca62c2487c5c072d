/**
 * The CodeDeploy a stack deploy uses (StackDeployments): the node's deployment catalog, and the
 * deployment an alias update becomes, followed until it ends through the engine's changes (and a
 * poll on the platform clock, for a deployment another node of a cluster drives).
 */
import { deploymentLine, type DeploymentService } from "../deployments/index.js";
import type { DeploymentRecord, TrafficRouting } from "../ports/deployment-store.js";
import { aliasKey, FINAL_STATUSES } from "../ports/deployment-store.js";
import type { Clock } from "../shared/clock.js";
import type { StackDeployments } from "../stacks/index.js";

/** How often a followed deployment is read again when no change was heard (platform clock). */
const FOLLOW_POLL_MS = 5_000;

/** Subscribes to the deployments this node saves; returns the unsubscribe. */
export type DeploymentWatch = (listener: (d: DeploymentRecord) => void) => () => void;

const num = (v: unknown): number => (typeof v === "number" ? v : Number(v));

/** A CloudFormation TrafficRoutingConfig as the catalog takes it. */
function routingOf(r: Record<string, unknown>): TrafficRouting {
  const type = r.Type;
  const canary = (r.TimeBasedCanary ?? {}) as Record<string, unknown>;
  const linear = (r.TimeBasedLinear ?? {}) as Record<string, unknown>;
  if (type === "TimeBasedCanary")
    return { type, percentage: num(canary.CanaryPercentage), intervalMinutes: num(canary.CanaryInterval) };
  if (type === "TimeBasedLinear")
    return { type, percentage: num(linear.LinearPercentage), intervalMinutes: num(linear.LinearInterval) };
  return { type: "AllAtOnce" };
}

interface FollowDeps {
  readonly service: DeploymentService;
  readonly watch: DeploymentWatch;
  readonly clock: Clock;
  /** The follows in progress: each ends with the error given (the node stops). */
  readonly waiting: Set<(e: Error) => void>;
}

/** Resolves with the deployment's final state, telling `progress` each new step on the way. */
function follow(o: FollowDeps, id: string, progress: (line: string) => Promise<void>): Promise<DeploymentRecord> {
  return new Promise<DeploymentRecord>((resolve, reject) => {
    let last = "";
    let told = Promise.resolve();
    let cancelPoll = (): void => undefined;
    const finish = (outcome: () => void): void => {
      if (!o.waiting.delete(abandon)) return;
      unsubscribe();
      cancelPoll();
      outcome();
    };
    const abandon = (e: Error): void => finish(() => reject(e));
    const seen = (d: DeploymentRecord): void => {
      if (d.id !== id || !o.waiting.has(abandon)) return;
      const line = deploymentLine(d);
      if (line !== last) {
        last = line;
        told = told.then(() => progress(line)).catch(() => undefined);
      }
      if (FINAL_STATUSES.includes(d.status)) finish(() => void told.then(() => resolve(d)));
    };
    const poll = (): void => {
      o.service.get(id).then(
        (d) => {
          seen(d);
          if (o.waiting.has(abandon)) cancelPoll = o.clock.setTimer(poll, FOLLOW_POLL_MS);
        },
        (e: unknown) => abandon(e as Error),
      );
    };
    o.waiting.add(abandon);
    const unsubscribe = o.watch(seen);
    poll();
  });
}

/** StackDeployments over the node's deployment service. */
export function stackDeployments(deps: Omit<FollowDeps, "waiting">): StackDeployments {
  const o: FollowDeps = { ...deps, waiting: new Set() };
  const catalog = o.service.catalog;
  return {
    createApplication: async (name, tags) => void (await catalog.createApplication(name, "Lambda", tags)),
    deleteApplication: (name) => catalog.deleteApplication(name),
    createGroup: async (input) => void (await catalog.createGroup(input)),
    updateGroup: (input) => catalog.updateGroup(input.deploymentGroupName, undefined, input),
    deleteGroup: (app, name) => catalog.deleteGroup(app, name),
    createConfig: async (name, routing) =>
      void (await catalog.createConfig({ name, computePlatform: "Lambda", trafficRouting: routingOf(routing) })),
    deleteConfig: (name) => catalog.deleteConfig(name),
    async deploy(input, progress) {
      const id = await o.service.create({
        applicationName: input.applicationName,
        deploymentGroupName: input.groupName,
        revision: { revisionType: "AppSpecContent", content: input.appSpec },
        creator: "CloudFormation",
      });
      const d = await follow(o, id, progress);
      return { id, status: d.status, message: d.errorInformation?.message };
    },
    async stopActive(functionName, alias) {
      const active = await o.service.list({ statuses: ["Created", "Queued", "InProgress", "Baking", "Ready"] });
      const d = active.find((x) => aliasKey(x.target) === aliasKey({ functionName, alias }));
      if (d) await o.service.stop(d.id, true).catch(() => undefined); // it may have ended meanwhile
    },
    abandon() {
      for (const end of [...o.waiting]) end(new Error("the node stopped while the deployment ran"));
    },
  };
}
