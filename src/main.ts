/**
 * Composition root: the one place where adapters and features are wired into a running node.
 * Keep it wiring only; behaviour lives in the parts.
 */
import { hostname } from "node:os";
import { join } from "node:path";
import { createApiGatewayOperations } from "./api/apigateway/index.js";
import { loadNodeCredentials, type AccessKey } from "./api/credentials.js";
import { createLambdaOperations } from "./api/lambda/index.js";
import { createClusterServices, type ClusterServices } from "./compose/cluster.js";
import { createEngine } from "./compose/engine.js";
import { healthHandler, type NodeState } from "./compose/health.js";
import { openStores } from "./compose/stores.js";
import { HANEUL_VERSION } from "./compose/version.js";
import { instanceHostEnvFromProcess } from "./config/instance-env.js";
import { ApiService } from "./control/api-service.js";
import { LambdaControlPlane } from "./control/index.js";
import { AsyncInvoker } from "./events/async-invoker.js";
import { Gateway } from "./gateway/gateway.js";
import { createApiServer } from "./api/http-server.js";
import { createSigV4Verifier } from "./api/sigv4.js";
import type { Operation } from "./api/types.js";
import type { ServerConfig } from "./config/server-config.js";
import type { InvocationRecord } from "./domain/invocation.js";
import { systemClock, type Clock } from "./shared/clock.js";
import { randomIds, type IdSource } from "./shared/ids.js";
import { seededRandom } from "./shared/random.js";

/** A running haneul node. */
export interface RunningNode {
  /** Base URL of the AWS-compatible control API (`--endpoint-url`). */
  readonly apiUrl: string;
  /** Base URL of the public gateway; undefined until the gateway is wired. */
  readonly gatewayUrl: string | undefined;
  /** The access key users sign with. */
  readonly accessKey: AccessKey;
  /** Set when this start generated the access key: print it once. */
  readonly generatedCredentialsFile: string | undefined;
  /** This node's id (random per start; listed by `haneul nodes`). */
  readonly nodeId: string;
  /** True in cluster mode (PostgreSQL store). */
  readonly clustered: boolean;
  /** Stops accepting requests, lets in-flight ones finish, then stops every part. */
  stop(): Promise<void>;
}

/** Adapters a caller (a test) may replace. */
export interface NodeOverrides {
  readonly clock?: Clock;
  readonly ids?: IdSource;
  /** Receives every invocation record (tests; telemetry later). */
  readonly onRecord?: (record: InvocationRecord) => void;
}

/** Starts a node from its configuration; a start that fails stops what it had started. */
export async function startNode(config: ServerConfig, overrides: NodeOverrides = {}): Promise<RunningNode> {
  // Stopped in reverse order of start: the API first (no new work), the store last.
  const stopHooks: (() => Promise<void>)[] = [];
  try {
    return await assemble(config, overrides, stopHooks);
  } catch (e) {
    for (const hook of stopHooks.reverse()) await hook().catch(() => undefined);
    throw e;
  }
}

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

async function assemble(
  config: ServerConfig,
  overrides: NodeOverrides,
  stopHooks: (() => Promise<void>)[],
): Promise<RunningNode> {
  const clock = overrides.clock ?? systemClock;
  const ids = overrides.ids ?? randomIds;
  const log = createLog(clock);
  const startedAt = clock.now();
  const nodeId = `node-${ids.hex(6)}`;
  let state: NodeState = "starting";
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
  const announce = (change: { kind: "function" | "api"; key: string }) => cluster?.sync.publish(change);
  const { store, apiStore, codeStore } = stores;
  const credentials = await loadNodeCredentials({
    dataDir: config.dataDir,
    configured: config.accessKey,
    shared: stores.sharedKey,
  });
  const control = await LambdaControlPlane.open({
    store,
    codeStore,
    clock,
    ids,
    region: config.region,
    accountId: config.accountId,
    accountConcurrency: config.concurrency,
    onChange: (name) => announce({ kind: "function", key: name }),
    onLoadError: (name, e) => log(`the code of function ${name} could not be extracted`, e),
  });
  // Filled in once the API listens (its port may be chosen by the OS); no instance starts before.
  const instanceEnv: Record<string, string> = {};
  const engine = await createEngine({
    catalog: control,
    scratchDir: join(config.dataDir, "scratch"),
    readOnlyDirs: [join(config.dataDir, "code")],
    hiddenFiles: [...stores.hiddenFiles, join(config.dataDir, "credentials")],
    path: instanceHostEnvFromProcess().PATH,
    accountConcurrency: config.concurrency,
    slots: cluster?.concurrency,
    idleTimeoutMs: config.idleTimeoutMs,
    sparesPerHeap: config.spares,
    scaleOutAfter: config.scaleOutAfter,
    scaleOutWaitMs: config.scaleOutWaitMs,
    aheadDepth: config.aheadDepth,
    instanceNice: config.instanceNice,
    random: config.randomSeed === undefined ? undefined : seededRandom(config.randomSeed),
    onRecord: overrides.onRecord,
    instanceEnv,
    clock,
    ids,
  });
  stopHooks.push(() => engine.close());
  // Cluster: claims are short leases renewed while events run (a dead node's expire and another node
  // takes the events over), never released at start (other nodes run theirs), and every node polls.
  const clustered = cluster !== undefined;
  const events = new AsyncInvoker({
    store,
    invoker: engine.invoker,
    clock,
    ids,
    ...(clustered && {
      owner: nodeId,
      leaseMs: config.cluster.leaseMs,
      reclaimOnStart: false,
      pollMs: config.cluster.catchUpMs,
    }),
    onError: (e) => log("async events", e),
  });
  stopHooks.push(() => events.stop());

  // Known once the gateway listens (its port may be chosen by the OS).
  let advertise = config.cluster.advertise ?? "";
  const load = () => ({
    inFlight: engine.invoker.inFlight,
    events: events.inFlight,
    instances: engine.pool.instanceCount,
  });
  const gateway = new Gateway({
    health: healthHandler({
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
    }),
    invoker: engine.invoker,
    clock,
    ids,
    region: config.region,
    accountId: config.accountId,
    // A stream of its own, so that canary splits do not depend on how many alias calls came between.
    random: config.randomSeed === undefined ? undefined : seededRandom(config.randomSeed ^ 0x5bd1e995),
  });
  const gatewayPort = await gateway.listen(config.gatewayPort, config.gatewayHost);
  advertise ||= `${hostname()}:${gatewayPort}`;
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
  });
  await apiService.start();

  const operations: Operation[] = [
    ...createLambdaOperations({ control, invoker: engine.invoker, events }),
    ...createApiGatewayOperations({
      service: apiService,
      apiEndpoint: (apiId) => `http://${apiId}.execute-api.localhost:${gatewayPort}`,
    }),
  ];
  const api = createApiServer({ operations, verify: createSigV4Verifier(credentials.lookup), ids, clock });
  const apiUrl = await api.listen(config.apiPort, config.apiHost);
  Object.assign(instanceEnv, {
    AWS_ENDPOINT_URL: `http://127.0.0.1:${new URL(apiUrl).port}`,
    AWS_ACCESS_KEY_ID: credentials.instance.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.instance.secretAccessKey,
  });
  await cluster?.start(
    {
      apply: (change) =>
        change.kind === "function" ? control.reload(change.key) : apiService.reload(change.key, { remote: true }),
      reloadAll: async () => {
        await control.reloadAll();
        await apiService.reload(undefined, { remote: true });
      },
      load,
    },
    { apiUrl, address: advertise },
  );
  await events.start();
  state = "ready";

  let stopping: Promise<void> | undefined;
  return {
    apiUrl,
    gatewayUrl: `http://${config.gatewayHost}:${gatewayPort}`,
    accessKey: credentials.primary,
    generatedCredentialsFile: credentials.generatedFile,
    nodeId,
    clustered,
    stop() {
      stopping ??= (async () => {
        // Probes see the node leave first, so that a load balancer stops sending it requests.
        state = "stopping";
        // Running Event invocations finish first, while the API still answers: their functions may
        // call the node (AWS_ENDPOINT_URL), and a call refused mid-shutdown would fail the event for good.
        // Events accepted meanwhile are stored and run after the next start.
        await events.stop();
        await api.close();
        for (const hook of stopHooks.reverse()) await hook();
      })();
      return stopping;
    },
  };
}
