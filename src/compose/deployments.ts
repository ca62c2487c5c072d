/**
 * CodeDeploy for Lambda on a node: the deployment store (the node's SQLite file, or the cluster's
 * PostgreSQL), the engine that drives deployments on the platform clock (on the leader), shifting
 * aliases through the control plane, watching the metric alarms, and invoking hooks asynchronously,
 * and the CodeDeploy API. Self-contained so that the composition root adds a few lines.
 */
import { join } from "node:path";
import type { PgDatabase } from "../adapters/postgres/database.js";
import { PgDeploymentStore } from "../adapters/postgres/pg-deployment-store.js";
import { SqliteDeploymentStore } from "../adapters/sqlite/deployment-store.js";
import { createCodeDeployOperations } from "../api/codedeploy/operations.js";
import type { Operation } from "../api/types.js";
import type { ApiService, LambdaControlPlane } from "../control/index.js";
import { DeploymentEngine, DeploymentService, eventsOf, triggerMessages } from "../deployments/index.js";
import { stageSplitDimensions, STAGE_SPLIT_NAMESPACE } from "../domain/metrics/stage-split.js";
import type { AlarmService, MetricReader } from "../metrics/index.js";
import {
  isStageCanary,
  type DeploymentStore,
  type DeploymentTarget,
  type LambdaTarget,
  type StageCanaryTarget,
} from "../ports/deployment-store.js";
import type { Clock } from "../shared/clock.js";
import { isPlatformError, PlatformError } from "../shared/errors.js";
import type { IdSource } from "../shared/ids.js";
import type { DeploymentRecord } from "../ports/deployment-store.js";
import type { MetricSample, StageStats, StageTestRequest, VersionStats } from "../deployments/index.js";
import { emptyAggregate, mergeAggregate, statisticValue, type Aggregate } from "../domain/metrics/aggregate.js";
import { orderedBuckets } from "../domain/metrics/histogram.js";
import type { Dimension, MetricId } from "../domain/metrics/metric-key.js";
import type { StackDeployments } from "../stacks/index.js";
import { stackDeployments } from "./stack-deployments.js";
import { routeStageCanary } from "./stage-canary.js";

/** A node's deployments. */
export interface NodeDeployments {
  readonly service: DeploymentService;
  readonly operations: Operation[];
  /** What a stack deploy creates CodeDeploy resources and alias deployments through. */
  readonly stack: StackDeployments;
  /** Starts driving (after the API listens: hooks call it). */
  start(): void;
  stop(): Promise<void>;
}

/** `name`, `name:qualifier` or a function ARN, as a hook is named in an AppSpec. */
export function functionRef(ref: string): { functionName: string; qualifier?: string } {
  const parts = ref.startsWith("arn:") ? ref.split(":").slice(6) : ref.split(":");
  const [functionName = "", qualifier] = parts;
  return qualifier === undefined ? { functionName } : { functionName, qualifier };
}

async function checkTarget(o: { control: LambdaControlPlane; apis: ApiService }, t: DeploymentTarget): Promise<void> {
  try {
    if (isStageCanary(t)) {
      await o.apis.rest.getStage(t.restApiId, t.stageName);
      await o.apis.rest.getDeployment(t.restApiId, t.currentDeploymentId);
      await o.apis.rest.getDeployment(t.restApiId, t.targetDeploymentId);
      return;
    }
    o.control.getAlias(t.functionName, t.alias);
    o.control.getFunctionConfiguration(t.functionName, t.currentVersion);
    o.control.getFunctionConfiguration(t.functionName, t.targetVersion);
  } catch (e) {
    if (!isPlatformError(e)) throw e;
    throw new PlatformError(
      "ERR_CODEDEPLOY_INVALID_REVISION",
      `The AppSpec names a ${isStageCanary(t) ? "REST API stage" : "Lambda"} resource that does not exist: ${e.message}`,
    );
  }
}

const versionDimensions = (t: LambdaTarget, version: string): Dimension[] => [
  { name: "FunctionName", value: t.functionName },
  { name: "Resource", value: `${t.functionName}:${t.alias}` },
  { name: "ExecutedVersion", value: version },
];

/** The alias's invocations that ran `version` in [from, to] (AWS/Lambda Invocations by ExecutedVersion). */
async function invocationsOf(
  reader: MetricReader,
  t: LambdaTarget,
  version: string,
  window: { from: number; to: number },
): Promise<number> {
  const dimensions = versionDimensions(t, version);
  const periods = await reader.statistics({
    metric: { namespace: "AWS/Lambda", name: "Invocations", dimensions },
    from: window.from,
    to: window.to + 1,
    periodSec: Math.max(60, Math.ceil((window.to + 1 - window.from) / 1000)),
    statistics: ["Sum"],
  });
  return periods.reduce((n, p) => n + (p.values["Sum"] ?? 0), 0);
}

/**
 * What the alias's calls that ran `version` did in [from, to] (the canary judge's data): the
 * Invocations and Errors sums and the Duration histogram by ExecutedVersion, read over one period.
 */
export async function versionStatsOf(
  reader: MetricReader,
  t: LambdaTarget,
  version: string,
  window: { from: number; to: number },
): Promise<VersionStats> {
  const dimensions = versionDimensions(t, version);
  const periodSec = Math.max(60, Math.ceil((window.to + 1 - window.from) / 1000));
  const read = async (name: string, histograms: boolean): Promise<Aggregate> => {
    const metric = { namespace: "AWS/Lambda", name, dimensions };
    const byPeriod = await reader.aggregates({ metric, from: window.from, to: window.to + 1, periodSec, histograms });
    const all = emptyAggregate();
    for (const a of byPeriod.values()) mergeAggregate(all, a);
    return all;
  };
  const [invocations, errors, durations] = await Promise.all([
    read("Invocations", false),
    read("Errors", false),
    read("Duration", true),
  ]);
  return { invocations: invocations.sum, errors: errors.sum, durations: orderedBuckets(durations.histogram) };
}

/**
 * What the stage's requests that `deploymentId` served did in [from, to] (a stage canary's traffic
 * guard and judge): the Count, 5XXError and 4XXError sums and the Latency histogram of its
 * Haneul/ApiGateway series (by ApiName, Stage, DeploymentId), every node's samples merged.
 */
export async function stageStatsOf(
  reader: MetricReader,
  series: { apiName: string; stage: string; deploymentId: string },
  window: { from: number; to: number },
): Promise<StageStats> {
  const dimensions = stageSplitDimensions(series.apiName, series.stage, series.deploymentId);
  const periodSec = Math.max(60, Math.ceil((window.to + 1 - window.from) / 1000));
  const read = async (name: string, histograms: boolean): Promise<Aggregate> => {
    const metric = { namespace: STAGE_SPLIT_NAMESPACE, name, dimensions };
    const byPeriod = await reader.aggregates({ metric, from: window.from, to: window.to + 1, periodSec, histograms });
    const all = emptyAggregate();
    for (const a of byPeriod.values()) mergeAggregate(all, a);
    return all;
  };
  const [count, e5, e4, latency] = await Promise.all([
    read("Count", false),
    read("5XXError", false),
    read("4XXError", false),
    read("Latency", true),
  ]);
  return {
    invocations: count.sum,
    errors: e5.sum,
    clientErrors: e4.sum,
    durations: orderedBuckets(latency.histogram),
  };
}

/** The stage's requests that `deploymentId` served since `since`, read under the REST API's name. */
async function stageStatsFor(
  o: { apis: ApiService; metrics: MetricReader; clock: Clock },
  t: StageCanaryTarget,
  deploymentId: string,
  since: number,
): Promise<StageStats> {
  const api = await o.apis.rest.getRestApi(t.restApiId);
  const series = { apiName: api.name, stage: t.stageName, deploymentId };
  return stageStatsOf(o.metrics, series, { from: since, to: o.clock.now() });
}

/** A request pinned to a stage's canary deployment (Gateway.probeCanary's argument). */
export interface CanaryProbe extends StageTestRequest {
  readonly apiId: string;
  readonly stage: string;
  readonly deploymentId: string;
}

/** A stage canary's test event sent to its deployment; a probe that cannot be sent is logged and not counted. */
async function probeStage(
  o: {
    probeCanary?: ((p: CanaryProbe) => Promise<number | undefined>) | undefined;
    log: (m: string, e?: unknown) => void;
  },
  t: StageCanaryTarget,
  request: StageTestRequest,
): Promise<number | undefined> {
  if (!o.probeCanary) throw new Error("this node has no gateway to send a stage canary's test event through");
  const probe = { ...request, apiId: t.restApiId, stage: t.stageName, deploymentId: t.targetDeploymentId };
  return o.probeCanary(probe).catch((e: unknown) => {
    o.log(`test event of the canary of REST API ${t.restApiId} stage ${t.stageName}`, e);
    return undefined;
  });
}

/**
 * What one metric series (a metric the canary judge was told to compare, for one version) held in
 * [from, to], every node's samples merged: its count and sum, `statistic` over the whole window,
 * and the values as the stored histograms hold them.
 */
export async function metricSampleOf(
  reader: MetricReader,
  metric: MetricId,
  statistic: string,
  window: { from: number; to: number },
): Promise<MetricSample> {
  const periodSec = Math.max(60, Math.ceil((window.to + 1 - window.from) / 1000));
  const byPeriod = await reader.aggregates({
    metric,
    from: window.from,
    to: window.to + 1,
    periodSec,
    histograms: true,
  });
  const all = emptyAggregate();
  for (const a of byPeriod.values()) mergeAggregate(all, a);
  return {
    count: all.count,
    sum: all.sum,
    value: statisticValue(all, statistic),
    values: orderedBuckets(all.histogram),
  };
}

/**
 * Publishes the group's trigger notifications for each change of a deployment's state, one change
 * after the other (so that a topic hears a deployment's start before its end), on the node that
 * saved the change (the driver: the leader in a cluster).
 */
function triggerNotifier(o: {
  store: DeploymentStore;
  region: string;
  accountId: string;
  publish?: ((topicArn: string, message: { body: string; subject: string }) => Promise<void>) | undefined;
  log: (message: string, error?: unknown) => void;
}): { changed(d: DeploymentRecord, previous: DeploymentRecord | undefined): void; idle(): Promise<void> } {
  let chain = Promise.resolve();
  const notify = async (d: DeploymentRecord, events: string[]): Promise<void> => {
    const group = await o.store.getDeploymentGroup(d.applicationName, d.groupName);
    const messages = triggerMessages(d, events, group?.triggerConfigurations ?? [], o);
    for (const m of messages) {
      await o.publish?.(m.topicArn, { body: m.body, subject: m.subject }).catch((e: unknown) => {
        o.log(`trigger notification of deployment ${d.id} to ${m.topicArn}`, e);
      });
    }
  };
  return {
    changed(d, previous) {
      const events = eventsOf(previous, d);
      if (events.length === 0) return;
      chain = chain.then(() => notify(d, events)).catch((e: unknown) => o.log(`triggers of deployment ${d.id}`, e));
    },
    idle: () => chain,
  };
}

/** Opens the deployment store and makes the engine, the service and the API. */
export function createDeployments(o: {
  readonly dataDir: string;
  readonly database: PgDatabase | undefined;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly region: string;
  readonly accountId: string;
  readonly control: LambdaControlPlane;
  /** The REST APIs whose stage canaries a stage canary deployment steps. */
  readonly apis: ApiService;
  readonly alarms: AlarmService;
  /** The Lambda metrics the traffic guard counts the new version's invocations in. */
  readonly metrics: MetricReader;
  /** Invokes a function version synchronously; resolves to whether it succeeded (synthetic invocations). */
  readonly invokeSync: (target: { functionName: string; qualifier: string }, payload: Buffer) => Promise<boolean>;
  readonly invokeAsync: (target: { functionName: string; qualifier?: string }, payload: Buffer) => Promise<void>;
  /** Sends a stage canary's test event through the node's gateway, pinned to the canary (Gateway.probeCanary). */
  readonly probeCanary?: ((probe: CanaryProbe) => Promise<number | undefined>) | undefined;
  readonly isLeader: () => boolean;
  readonly log: (message: string, error?: unknown) => void;
  /** Publishes a trigger's notification to its SNS topic (absent: no topics, triggers are refused). */
  readonly publish?: ((topicArn: string, message: { body: string; subject: string }) => Promise<void>) | undefined;
  readonly topicExists?: ((topicArn: string) => Promise<boolean>) | undefined;
}): NodeDeployments {
  const store: DeploymentStore = o.database
    ? new PgDeploymentStore(o.database)
    : SqliteDeploymentStore.open({ path: join(o.dataDir, "haneul.db") });
  const listeners = new Set<(d: DeploymentRecord) => void>();
  const notifier = triggerNotifier({ ...o, store });
  const engine = new DeploymentEngine({
    store,
    onChange: (d, previous) => {
      listeners.forEach((l) => l(d));
      notifier.changed(d, previous);
    },
    clock: o.clock,
    effects: {
      routeAlias: async (t, version, extra) => {
        const weights = extra ? { [extra.version]: extra.weight / 100 } : {};
        await o.control.updateAlias(t.functionName, t.alias, {
          FunctionVersion: version,
          RoutingConfig: { AdditionalVersionWeights: weights },
        });
      },
      routeStageCanary: (t, percent) => routeStageCanary(o.apis, t, percent),
      alarmState: (name) => o.alarms.stateOf(name),
      newExecutionId: () => o.ids.requestId(),
      invocations: (t, version, since) => invocationsOf(o.metrics, t, version, { from: since, to: o.clock.now() }),
      invokeVersion: (t, version, event) =>
        o.invokeSync({ functionName: t.functionName, qualifier: version }, Buffer.from(event)),
      versionStats: (t, version, since) => versionStatsOf(o.metrics, t, version, { from: since, to: o.clock.now() }),
      metricSample: (metric, statistic, since) =>
        metricSampleOf(o.metrics, metric, statistic, { from: since, to: o.clock.now() }),
      stageStats: (t, deploymentId, since) => stageStatsFor(o, t, deploymentId, since),
      restApiName: async (t) => (await o.apis.rest.getRestApi(t.restApiId)).name,
      probeStage: (t, request) => probeStage(o, t, request),
    },
    invokeHook: (ref, payload) => o.invokeAsync(functionRef(ref), payload),
    isLeader: o.isLeader,
    log: o.log,
  });
  const service = new DeploymentService({
    store,
    engine,
    ids: o.ids,
    now: () => o.clock.now(),
    checkTarget: (t) => checkTarget(o, t),
    topicExists: o.topicExists,
  });
  const unsubscribe = o.alarms.onStateChange(() => engine.nudge());
  return {
    service,
    operations: createCodeDeployOperations({ service, region: o.region, accountId: o.accountId }),
    stack: stackDeployments({
      service,
      clock: o.clock,
      watch: (l) => (listeners.add(l), () => void listeners.delete(l)),
    }),
    start: () => engine.start(),
    async stop() {
      unsubscribe();
      await engine.stop();
      await notifier.idle();
      await store.close();
    },
  };
}
