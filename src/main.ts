/**
 * Composition root: the one place where adapters and features are wired into a running node.
 * Keep it wiring only; behaviour lives in the parts.
 */
import type { ConfigChange } from "./ports/cluster.js";
import { hostname } from "node:os";
import { join } from "node:path";
import { EsbuildBundler } from "./adapters/build/esbuild-bundler.js";
import { NpmInstaller } from "./adapters/build/npm-installer.js";
import { devBuildTools } from "./compose/dev-tools.js";
import { lockDataDir } from "./adapters/sqlite/data-dir-lock.js";
import { createApiGatewayOperations } from "./api/apigateway/index.js";
import { clusterNodeSecret, loadNodeCredentials, loadNodeSecret, nodeSecretFile } from "./api/credentials.js";
import { createIamOperations } from "./api/iam/operations.js";
import { createStsOperations } from "./api/sts/operations.js";
import { createLogsOperations } from "./api/logs/operations.js";
import { IamService } from "./iam/index.js";
import { createFunctionUrlOperations, createLambdaOperations } from "./api/lambda/index.js";
import { createClusterServices, type ClusterServices } from "./compose/cluster.js";
import { createEngine } from "./compose/engine.js";
import { createMetrics, fanOut } from "./compose/metrics.js";
import { EventsMetrics } from "./metrics/index.js";
import { createTelemetry } from "./compose/telemetry.js";
import { createLogSubscriptions } from "./compose/log-subscriptions.js";
import { recursionNotices } from "./compose/recursion.js";
import { createEventBuses } from "./compose/event-buses.js";
import { healthHandler, type NodeState } from "./compose/health.js";
import { artifactReader, createStacks } from "./compose/stacks.js";
import { openStores } from "./compose/stores.js";
import { createQueues } from "./compose/queues.js";
import { createStreams } from "./compose/streams.js";
import { createDeployments } from "./compose/deployments.js";
import { createMappings } from "./compose/mappings.js";
import { createTopics } from "./compose/topics.js";
import { createUsagePlans } from "./compose/usage-plans.js";
import { createFunctionUrls } from "./compose/function-urls.js";
import { HANEUL_VERSION } from "./compose/version.js";
import { instanceHostEnvFromProcess } from "./config/instance-env.js";
import { runCli } from "./cli/main.js";
import type { RunningNode } from "./cli/deps.js";
import { invokeOnce, nodeRuntimesAt } from "./compose/invoke-once.js";
import { ApiService, LambdaControlPlane } from "./control/index.js";
import { AsyncInvoker, createAsyncResults, type AsyncMetricListener } from "./events/index.js";
import { Gateway, type AccessLogRecord } from "./gateway/index.js";
import { createApiServer } from "./api/http-server.js";
import type { Operation } from "./api/types.js";
import type { ServerConfig } from "./config/server-config.js";
import { describeSandbox } from "./adapters/process/sandbox/report.js";
import type { InvocationRecord } from "./domain/invocation.js";
import type { InstanceShape } from "./domain/function-spec.js";
import { scaledClock, systemClock, type Clock } from "./shared/clock.js";
import { randomIds, type IdSource } from "./shared/ids.js";
import { OutboundPolicy } from "./shared/outbound-policy.js";
import { seededRandom } from "./shared/random.js";

export type { RunningNode } from "./cli/deps.js";

/** The `haneul` command: runs the CLI with `argv` (without node and script) over this root's services. */
export function main(argv: string[]): Promise<number> {
  return runCli(argv, {
    startNode: (config, observers) => startNode(config, observers),
    invokeOnce,
    nodeRuntimes: nodeRuntimesAt,
    buildTools: { installer: new NpmInstaller(), bundler: new EsbuildBundler() },
    devBuildTools: () => devBuildTools(new NpmInstaller()),
  });
}

/** Adapters a caller (a test) may replace. */
export interface NodeOverrides {
  /** The platform clock (default: the real one, scaled by the configured time scale). */
  readonly clock?: Clock;
  /** The real clock: function deadlines, the gateway, signatures (default systemClock). */
  readonly realClock?: Clock;
  readonly ids?: IdSource;
  /** Receives every invocation record, off the request's path (tests, `haneul server`'s lines). */
  readonly onRecord?: ((record: InvocationRecord) => void) | undefined;
  /** Receives the async invocation metrics (telemetry). */
  readonly onAsyncMetric?: AsyncMetricListener | undefined;
  /** Receives one access-log record per gateway request. */
  readonly onAccessLog?: ((record: AccessLogRecord) => void) | undefined;
  /** A created or changed function gets an instance at once, before its first event (`haneul dev`). */
  readonly warmChangedFunctions?: boolean | undefined;
  /** Functions about to be deployed: their processes start as soon as the node's ports are known. */
  readonly prestartInstances?: readonly InstanceShape[] | undefined;
}

type StopHook = () => Promise<void> | void;

function clusterHealth(cluster: ClusterServices, leaseMs: number) {
  return {
    snapshot: () => cluster.snapshot(),
    storeReachable: () => cluster.storeReachable(),
    isLeader: () => cluster.leader.isLeader,
    leaseMs,
  };
}

/** A failure logged again within this long is dropped: in an outage failures recur every second. */
const REPEAT_AFTER_MS = 30_000;
/** Cluster: log events wait this long before subscription delivery (other nodes' batches commit meanwhile). */
const SUBSCRIPTION_SETTLE_MS = 2_000;

/** The node's log: lines on stderr, a repeated failure at most every 30 s. */
function createLog(clock: Clock): (message: string, error?: unknown) => void {
  const lastLogged = new Map<string, number>();
  return (message, error) => {
    const detail = error === undefined ? "" : `: ${error instanceof Error ? error.message : JSON.stringify(error)}`;
    const line = `haneul: ${message}${detail}`;
    const now = clock.now();
    // Failures repeat while their cause lasts; changes of state (no error) are always written.
    if (error !== undefined && now - (lastLogged.get(line) ?? -Infinity) < REPEAT_AFTER_MS) return;
    if (lastLogged.size > 1000) lastLogged.clear();
    lastLogged.set(line, now);
    console.error(line);
  };
}

/**
 * Starts a node from its configuration. A start that fails part-way stops what it had started
 * (listeners, instances, stores, the data directory's lock) before the error reaches the caller.
 */
export async function startNode(config: ServerConfig, overrides: NodeOverrides = {}): Promise<RunningNode> {
  // Stopped in reverse order of start: the API first (no new work), the store and the lock last.
  const stopHooks: StopHook[] = [];
  try {
    return await wireNode(config, overrides, stopHooks);
  } catch (e) {
    for (const hook of stopHooks.reverse()) await Promise.resolve(hook()).catch(() => undefined);
    throw e;
  }
}

async function wireNode(config: ServerConfig, overrides: NodeOverrides, stopHooks: StopHook[]): Promise<RunningNode> {
  // Two clocks (ARCHITECTURE.md, "Clocks"): the platform's own schedules run on `clock`, which
  // --time-scale speeds up; function code, clients and the gateway live in real time.
  const realClock = overrides.realClock ?? systemClock;
  const clock = overrides.clock ?? scaledClock(config.timeScale, realClock);
  const ids = overrides.ids ?? randomIds;
  const log = createLog(realClock);
  const startedAt = clock.now();
  const nodeId = `node-${ids.hex(6)}`;
  let state: NodeState = "starting";
  const lock = lockDataDir(config.dataDir);
  stopHooks.push(() => lock.release());
  const stores = await openStores(config, {
    clock,
    onDatabaseError: (e) => log("a database connection was lost", e),
  });
  stopHooks.push(() => stores.close());
  let cluster: ClusterServices | undefined;
  if (stores.database) {
    cluster = createClusterServices({ database: stores.database, config, clock, nodeId, startedAt, log });
    const services = cluster;
    stopHooks.push(() => services.stop());
    // Before the configuration is loaded: a change made meanwhile is caught up with afterwards.
    await cluster.begin();
  }
  const announce = (change: ConfigChange) => cluster?.sync.publish(change);
  const { store, apiStore, iamStore, codeStore } = stores;
  const telemetry = createTelemetry({ config, stores, clock, onRecord: overrides.onRecord, log });
  stopHooks.push(() => telemetry.close());
  const queues = createQueues(config, { database: stores.database, clock, realClock, ids });
  stopHooks.push(() => queues.close());
  const credentials = await loadNodeCredentials({
    dataDir: config.dataDir,
    configured: config.accessKey,
    shared: stores.sharedKey,
  });
  const localSecret = await loadNodeSecret(config.dataDir, config.nodeSecret);
  const nodeSecret = stores.sharedKey
    ? await clusterNodeSecret(stores.sharedKey, localSecret, config.nodeSecret !== undefined)
    : localSecret;
  const iam = await IamService.open({
    store: iamStore,
    clock,
    accountId: config.accountId,
    nodeSecret,
    admin: credentials.primary,
    onChange: () => announce({ kind: "iam", key: "*" }),
  });
  await codeStore.removeLeftovers();
  const nodeRuntimes = nodeRuntimesAt(config.runtimes);
  const control = await LambdaControlPlane.open({
    runtimes: nodeRuntimes,
    store,
    codeStore,
    clock,
    ids,
    region: config.region,
    accountId: config.accountId,
    accountConcurrency: config.concurrency,
    onChange: (name) => {
      announce({ kind: "function", key: name });
      void urls.functionChanged(name).catch((e: unknown) => log("function URLs", e));
      if (overrides.warmChangedFunctions) warmLatest(name);
    },
    onLoadError: (name, e) => log(`the code of function ${name} could not be extracted`, e),
    artifacts: artifactReader(stores.objectStore),
    layerStore: stores.layerStore,
  });
  const metrics = createMetrics({
    dataDir: config.dataDir,
    database: stores.database,
    clock,
    nodeId,
    region: config.region,
    accountId: config.accountId,
    log,
  });
  stopHooks.push(() => metrics.stop());
  telemetry.records.subscribe(metrics.onRecord);
  const asyncMetrics = fanOut(overrides.onAsyncMetric, metrics.onAsyncMetric);
  // Filled in once the API listens (its port may be chosen by the OS); no instance starts before.
  const instanceEnv: Record<string, string> = {};
  const engine = await createEngine({
    catalog: control,
    scratchDir: join(config.dataDir, "scratch"),
    readOnlyDirs: [join(config.dataDir, "code")],
    hiddenFiles: [...stores.hiddenFiles, join(config.dataDir, "credentials"), nodeSecretFile(config.dataDir)],
    path: instanceHostEnvFromProcess().PATH,
    accountConcurrency: config.concurrency,
    slots: cluster?.concurrency,
    idleTimeoutMs: config.idleTimeoutMs,
    sparesPerHeap: config.spares,
    scaleOutAfter: config.scaleOutAfter,
    scaleOutWaitMs: config.scaleOutWaitMs,
    aheadDepth: config.aheadDepth,
    instanceNice: config.instanceNice,
    streamMaxBytes: config.streamMaxBytes,
    nodeRuntimes,
    sandbox: config.sandbox,
    sandboxUids: config.sandboxUids,
    // Sandboxed instances reach the node's ports through their network namespace: known once listening.
    deferSpares: true,
    random: config.randomSeed === undefined ? undefined : seededRandom(config.randomSeed),
    onRecord: telemetry.records.publish,
    instanceEnv,
    // Each instance runs as a session of its function's execution role, never with the node's key.
    instanceCredentials: (spec) => {
      const c = iam.sessionCredentials(spec.role, spec.functionName);
      return {
        AWS_ACCESS_KEY_ID: c.accessKeyId,
        AWS_SECRET_ACCESS_KEY: c.secretAccessKey,
        AWS_SESSION_TOKEN: c.sessionToken,
      };
    },
    clock,
    realClock,
    ids,
  });
  stopHooks.push(() => engine.close());
  const warmLatest = (name: string): void => {
    const spec = control.version(name, "$LATEST");
    // A debugged function keeps starting its one instance when called.
    if (spec && spec.inspectPort === undefined) engine.pool.warm(spec);
  };
  // Cluster: claims are short leases renewed while events run (a dead node's expire and another node
  // takes the events over), never released at start (other nodes run theirs), and every node polls.
  const clustered = cluster !== undefined;
  const recursion = recursionNotices({ clock, lines: telemetry.logWriter.line, onMetric: asyncMetrics });
  const events: AsyncInvoker = new AsyncInvoker({
    store,
    invoker: engine.invoker,
    clock,
    ids,
    settings: (name, qualifier) => control.asyncSettings(name, qualifier),
    results: createAsyncResults({
      clock,
      sendToQueue: (arn, message) => queues.service.sendToArn(arn, message, "AROAHANEULLAMBDA:lambda"),
      publishToTopic: (arn, message) => topics.publish(arn, message),
      invokeAsync: (target, payload): Promise<void> =>
        events.enqueue({ ...target, payload, requestId: ids.requestId() }),
      rolePermits: (role, request) => iam.rolePermits(role, request),
      onMetric: asyncMetrics,
      onError: (e) => log("async event results", e),
    }),
    onMetric: asyncMetrics,
    onRecursionStopped: (s) => recursion.stopped({ functionName: s.functionName, events: 1 }),
    ...(clustered && {
      owner: nodeId,
      leaseMs: config.cluster.leaseMs,
      reclaimOnStart: false,
      pollMs: config.cluster.catchUpMs,
    }),
    onError: (e) => log("async events", e),
  });
  stopHooks.push(() => events.stop());
  const leader = cluster?.leader;
  queues.startMoveTasks({ isLeader: leader && (() => leader.isLeader), log: (m) => log("sqs", m) });
  const streams = createStreams(config, {
    ...{ database: stores.database, clock, log, isLeader: leader && (() => leader.isLeader) },
    announce: (name) => announce({ kind: "streams", key: name }),
  });
  stopHooks.push(() => streams.close());
  const mappings = createMappings({
    ...{ config, database: stores.database, clock, ids, control, invoker: engine.invoker, queues: queues.service },
    ...{ nodeId, announce: (uuid) => announce({ kind: "mappings", key: uuid }), log, streams: streams.store },
    onRecursionStopped: (s) => recursion.stopped({ functionName: s.functionName, events: s.messages, metric: true }),
    sendToDestination: (arn, body) =>
      arn.split(":")[2] === "sns"
        ? topics.publish(arn, { body })
        : queues.service.sendToArn(arn, { body }, "AROAHANEULLAMBDA:lambda"),
    onIteratorAge: (a) => metrics.onAsyncMetric({ ...a, name: "IteratorAge", value: a.ageMs }),
  });
  stopHooks.push(() => mappings.stop());
  const buses = createEventBuses({
    config,
    database: stores.database,
    clock,
    ids,
    events,
    permits: (t, arn) => control.servicePermits("events.amazonaws.com", t.functionName, t.qualifier, arn),
    isLeader: leader && (() => leader.isLeader),
    ...{ nodeId, retryPollMs: clustered ? config.cluster.catchUpMs : undefined },
    announce: () => announce({ kind: "events", key: "*" }),
    publishToTopic: (arn, payload, ruleArn) =>
      topics.publishFromService(
        arn,
        { body: payload.toString("utf8") },
        { service: "events.amazonaws.com", sourceArn: ruleArn, sourceAccount: config.accountId },
      ),
    publishAsScheduler: (arn, message) => topics.publish(arn, { body: message }),
    queues: queues.service,
    streams: streams.service,
    rolePermits: (role, request) => iam.rolePermits(role, request),
    onCount: new EventsMetrics(metrics.recorder).onMetric,
    log,
  });
  stopHooks.push(() => buses.stop());
  await buses.start();
  // The node's own ports are added once it listens (the OS may choose them).
  const outbound = new OutboundPolicy({ ownPorts: [config.apiPort, config.gatewayPort], allow: config.outboundAllow });
  const topics = createTopics({
    outbound,
    ...{ config, database: stores.database, clock, ids, events, queues: queues.service, log },
    permits: (name, qualifier, arn) => control.servicePermits("sns.amazonaws.com", name, qualifier, arn),
    cluster: clustered ? { leaseMs: config.cluster.leaseMs, pollMs: config.cluster.catchUpMs } : undefined,
    announce: () => announce({ kind: "topics", key: "*" }),
    apiUrl: () => apiUrl,
  });
  stopHooks.push(() => topics.stop());

  // Known once the gateway listens (its port may be chosen by the OS).
  let advertise = config.cluster.advertise ?? "";
  const load = () => ({
    inFlight: engine.invoker.inFlight,
    events: events.inFlight,
    instances: engine.pool.instanceCount,
  });
  const metricsPage = metrics.prometheus(() => ({
    instances: engine.pool.instanceCount,
    idleInstances: engine.pool.idleCount,
    inFlight: engine.invoker.inFlight,
    asyncInFlight: events.inFlight,
  }));
  const health = healthHandler({
    nodeId,
    name: hostname(),
    address: () => advertise,
    version: HANEUL_VERSION,
    startedAt,
    store: config.store.kind,
    clock,
    state: () => state,
    load,
    cluster: cluster && clusterHealth(cluster, config.cluster.leaseMs),
  });
  const usagePlans = createUsagePlans({
    ...{ config, database: stores.database, apiStore, clock: realClock, ids, log },
    publish: (snapshot) => gateway.setUsage(snapshot),
    announce: () => announce({ kind: "usageplans", key: "*" }),
  });
  stopHooks.push(() => usagePlans.stop());
  const urls = await createFunctionUrls({
    ...{ config, database: stores.database, clock, realClock, ids, control, invoker: engine.invoker },
    ...{
      credentials: (id, token) => iam.lookup(id, token),
      announce: (name) => announce({ kind: "function", key: name }),
    },
  });
  stopHooks.push(() => urls.close());
  const gateway = new Gateway({
    quota: usagePlans.ledger,
    serveFirst: urls.server.handle,
    health: (path, res) => health(path, res) || metricsPage(path, res),
    invoker: engine.invoker,
    clock: realClock,
    ids,
    region: config.region,
    accountId: config.accountId,
    // A stream of its own, so that canary splits do not depend on how many alias calls came between.
    random: config.randomSeed === undefined ? undefined : seededRandom(config.randomSeed ^ 0x5bd1e995),
    onAccessLog: fanOut(overrides.onAccessLog, metrics.onAccessLog),
    onStageAccessLog: telemetry.logWriter.line,
    onResilienceEvent: (e) => {
      metrics.onResilienceEvent(e);
      if (e.kind === "state") log(`circuit of ${e.target} (API ${e.apiId}) is ${e.to} (was ${e.from})`);
    },
    // As on AWS: API Gateway invokes a function only with its permission (AddPermission).
    invokePermitted: (target, sourceArn) =>
      control.servicePermits("apigateway.amazonaws.com", target.functionName, target.qualifier, sourceArn),
    outbound,
  });
  const gatewayPort = await gateway.listen(config.gatewayPort, config.gatewayHost);
  advertise ||= `${hostname()}:${gatewayPort}`;
  outbound.addOwnPorts([gatewayPort]);
  urls.setPort(gatewayPort);
  stopHooks.push(() => gateway.close());
  const apiService = new ApiService({
    store: apiStore,
    clock,
    ids,
    region: config.region,
    accountId: config.accountId,
    publish: (apis) => gateway.setApis(apis),
    logError: (message, error) => console.error(`haneul: ${message}:`, error),
    onChange: (apiId) => announce({ kind: "api", key: apiId }),
    logGroupExists: async (name) => (await telemetry.logStore.getGroup(name)) !== undefined,
  });
  await apiService.start();
  await usagePlans.start();
  metrics.describeApisWith((id) => {
    const api = apiService.deployed().find((a) => a.apiId === id);
    return api && { name: api.name, rest: api.protocol === "REST" };
  });
  const deployments = createDeployments({
    ...{ dataDir: config.dataDir, database: stores.database, clock, ids, region: config.region, control, log },
    ...{ accountId: config.accountId, alarms: metrics.alarms, isLeader: () => cluster?.leader.isLeader ?? true },
    metrics: metrics.reader,
    apis: apiService,
    invokeAsync: (t, payload) => events.enqueue({ ...t, payload, requestId: ids.requestId() }),
    invokeSync: async (t, payload) => (await engine.invoker.invoke(t, payload)).outcome.kind === "ok",
    probeCanary: (probe) => gateway.probeCanary(probe),
    publish: (arn, message) => topics.publish(arn, message),
    topicExists: (arn) =>
      topics.service.admin.topic(arn).then(
        () => true,
        () => false,
      ),
  });
  stopHooks.push(() => deployments.stop());
  const logSubscriptions = createLogSubscriptions({
    ...{ store: telemetry.logStore, clock, ids, region: config.region, accountId: config.accountId, log },
    ...{ control, events, streams: streams.service },
    rolePermits: (role, request) => iam.rolePermits(role, request),
    recorder: metrics.recorder,
    // Cluster: one node delivers, after the other nodes' concurrent batches have committed.
    ...(leader && { isLeader: () => leader.isLeader, settleMs: SUBSCRIPTION_SETTLE_MS }),
  });
  stopHooks.push(() => logSubscriptions.delivery.stop());
  let stackApiUrl = `http://${config.apiHost}:${config.apiPort}`; // the listening URL once known
  const stacks = await createStacks({
    ...{ store: stores.stackStore, objects: stores.objectStore, control, apis: apiService, clock, ids, log },
    streams: streams.service,
    mappings: mappings.service,
    ...{ region: config.region, accountId: config.accountId, clusterNodeId: cluster && nodeId },
    resources: {
      ...{ queues: queues.service, buses: buses.service, alarms: metrics.alarms, logStore: telemetry.logStore },
      logDestinations: logSubscriptions.destinations,
    },
    ...{ apiUrl: () => stackApiUrl },
    topics: { service: topics.service, apiUrl: () => apiUrl },
    urls: urls.service,
    deployments: deployments.stack,
    iam,
    usagePlans: usagePlans.service,
  });
  stopHooks.push(() => stacks.stop());

  const operations: Operation[] = [
    ...createLambdaOperations({ control, invoker: engine.invoker, events }),
    ...createFunctionUrlOperations({ control, invoker: engine.invoker, events }, urls.service),
    ...createApiGatewayOperations({
      service: apiService,
      apiEndpoint: (apiId) => `http://${apiId}.execute-api.localhost:${gatewayPort}`,
      region: config.region,
      outbound,
      tester: gateway,
    }),
    ...createIamOperations(iam),
    ...createStsOperations({ accountId: config.accountId }),
    ...metrics.operations,
    ...stacks.operations,
    ...createLogsOperations({
      ...{ store: telemetry.logStore, clock, region: config.region, accountId: config.accountId },
      destinations: logSubscriptions.destinations,
    }),
    ...buses.operations,
    ...queues.operations,
    ...streams.operations,
    ...deployments.operations,
    ...mappings.operations,
    ...topics.operations,
    ...usagePlans.operations,
  ];
  const api = createApiServer({
    operations,
    credentials: (id, token) => iam.lookup(id, token),
    publicFiles: (path) => topics.signingCertificate(path),
    regions: [config.region, ...config.extraRegions],
    ids,
    clock: realClock,
  });
  const apiUrl = await api.listen(config.apiPort, config.apiHost);
  stackApiUrl = apiUrl;
  stopHooks.push(() => api.close());
  const apiPort = Number(new URL(apiUrl).port);
  outbound.addOwnPorts([apiPort]);
  engine.launcher.setForwardedPorts([apiPort, gatewayPort]);
  if (overrides.prestartInstances) engine.launcher.prestart(overrides.prestartInstances);
  Object.assign(instanceEnv, {
    AWS_ENDPOINT_URL: `http://127.0.0.1:${apiPort}`,
  });
  // What a change announced by another node reloads here, by kind (one line per kind).
  const applyChange: Partial<Record<ConfigChange["kind"], (key: string) => Promise<void>>> = {
    function: (key) => control.reload(key).then(() => urls.functionChanged(key)),
    api: (key) => apiService.reload(key, { remote: true }),
    iam: () => iam.reload(),
    events: () => buses.reload(),
    topics: () => Promise.resolve(topics.service.worker.wake()),
    streams: (key) => streams.service.reload(key),
    mappings: () => mappings.reload(),
    usageplans: () => usagePlans.service.reload(),
  };
  await cluster?.start(
    {
      apply: (change) => applyChange[change.kind]?.(change.key) ?? Promise.resolve(),
      reloadAll: async () => {
        await control.reloadAll();
        await urls.reloadAll();
        await apiService.reload(undefined, { remote: true });
        await iam.reload();
        await buses.reload();
        await streams.service.reload();
        await mappings.reload();
        await usagePlans.service.reload();
      },
      load,
    },
    { apiUrl, address: advertise },
  );
  await events.start();
  await mappings.start();
  topics.start();
  await metrics.startAlarms({
    // As CloudWatch does: the function is invoked asynchronously with the alarm's event.
    invokeFunction: (arn, payload) => {
      const [functionName = "", qualifier] = arn.split(":").slice(6);
      return events.enqueue({ functionName, qualifier, payload, requestId: ids.requestId() });
    },
    publishToTopic: (arn, m, alarmArn) =>
      topics.publishFromService(
        arn,
        { body: m.body, subject: m.subject },
        { service: "cloudwatch.amazonaws.com", sourceArn: alarmArn, sourceAccount: config.accountId },
      ),
    isLeader: () => cluster?.leader.isLeader ?? true,
  });
  deployments.start();
  state = "ready";

  let stopping: Promise<void> | undefined;
  return {
    apiUrl,
    gatewayUrl: `http://${config.gatewayHost}:${gatewayPort}`,
    accessKey: credentials.primary,
    generatedCredentialsFile: credentials.generatedFile,
    sandboxLines: describeSandbox(engine.sandbox),
    nodeId,
    clustered,
    inspect: (functionName, port) => control.inspect(functionName, port),
    prestartInstances: (functions) => engine.launcher.prestart(functions),
    fireSchedule: (busName, name) => buses.trigger(busName, name),
    stop() {
      stopping ??= (async () => {
        // Probes see the node leave first, so that a load balancer stops sending it requests.
        state = "stopping";
        // Running Event invocations finish first, while the API still answers: their functions may
        // call the node (AWS_ENDPOINT_URL), and a call refused mid-shutdown would fail the event for good.
        // Events accepted meanwhile are stored and run after the next start.
        await events.stop();
        for (const hook of stopHooks.reverse()) await hook();
      })();
      return stopping;
    },
  };
}
