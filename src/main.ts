/**
 * Composition root: the one place where adapters and features are wired into a running node.
 * Keep it wiring only; behaviour lives in the parts.
 */
import { join } from "node:path";
import { createApiGatewayOperations } from "./api/apigateway/index.js";
import { loadNodeCredentials, type AccessKey } from "./api/credentials.js";
import { createLambdaOperations } from "./api/lambda/index.js";
import { createEngine } from "./compose/engine.js";
import { openStores } from "./compose/stores.js";
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

async function assemble(
  config: ServerConfig,
  overrides: NodeOverrides,
  stopHooks: (() => Promise<void>)[],
): Promise<RunningNode> {
  const clock = overrides.clock ?? systemClock;
  const ids = overrides.ids ?? randomIds;
  const stores = await openStores(config, {
    clock,
    onDatabaseError: (e) => console.error(`haneul: database connection lost: ${e.message}`),
  });
  stopHooks.push(() => stores.close());
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
  const clustered = stores.database !== undefined;
  const events = new AsyncInvoker({
    store,
    invoker: engine.invoker,
    clock,
    ids,
    ...(clustered && {
      leaseMs: config.cluster.leaseMs,
      reclaimOnStart: false,
      pollMs: config.cluster.catchUpMs,
    }),
    onError: (e) => console.error(`haneul: async events: ${(e as Error).message}`),
  });
  stopHooks.push(() => events.stop());

  const gateway = new Gateway({
    invoker: engine.invoker,
    clock,
    ids,
    region: config.region,
    accountId: config.accountId,
    // A stream of its own, so that canary splits do not depend on how many alias calls came between.
    random: config.randomSeed === undefined ? undefined : seededRandom(config.randomSeed ^ 0x5bd1e995),
  });
  const gatewayPort = await gateway.listen(config.gatewayPort, config.gatewayHost);
  stopHooks.push(() => gateway.close());
  const apiService = new ApiService({
    store: apiStore,
    clock,
    ids,
    region: config.region,
    accountId: config.accountId,
    publish: (apis) => gateway.setApis(apis),
    logError: (message, error) => console.error(`haneul: ${message}:`, error),
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
  await events.start();

  let stopping: Promise<void> | undefined;
  return {
    apiUrl,
    gatewayUrl: `http://${config.gatewayHost}:${gatewayPort}`,
    accessKey: credentials.primary,
    generatedCredentialsFile: credentials.generatedFile,
    stop() {
      stopping ??= (async () => {
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
