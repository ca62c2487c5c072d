/**
 * Composition root: the one place where adapters and features are wired into a running node.
 * Keep it wiring only; behaviour lives in the parts.
 */
import { join } from "node:path";
import { EsbuildBundler } from "./adapters/build/esbuild-bundler.js";
import { NpmInstaller } from "./adapters/build/npm-installer.js";
import { FsCodeStore } from "./adapters/fs-code-store.js";
import { SqliteApiStore } from "./adapters/sqlite/api-store.js";
import { lockDataDir } from "./adapters/sqlite/data-dir-lock.js";
import { SqliteStore } from "./adapters/sqlite/sqlite-store.js";
import { createApiGatewayOperations } from "./api/apigateway/index.js";
import { loadNodeCredentials } from "./api/credentials.js";
import { createLambdaOperations } from "./api/lambda/index.js";
import { createEngine } from "./compose/engine.js";
import { instanceHostEnvFromProcess } from "./config/instance-env.js";
import { runCli } from "./cli/main.js";
import type { RunningNode } from "./cli/deps.js";
import { invokeOnce } from "./compose/invoke-once.js";
import { ApiService, LambdaControlPlane } from "./control/index.js";
import { AsyncInvoker } from "./events/index.js";
import { Gateway, type AccessLogRecord } from "./gateway/index.js";
import { createApiServer } from "./api/http-server.js";
import { createSigV4Verifier } from "./api/sigv4.js";
import type { Operation } from "./api/types.js";
import type { ServerConfig } from "./config/server-config.js";
import type { InvocationRecord } from "./domain/invocation.js";
import { systemClock, type Clock } from "./shared/clock.js";
import { randomIds, type IdSource } from "./shared/ids.js";
import { seededRandom } from "./shared/random.js";

export type { RunningNode } from "./cli/deps.js";

/** The `haneul` command: runs the CLI with `argv` (without node and script) over this root's services. */
export function main(argv: string[]): Promise<number> {
  return runCli(argv, {
    startNode: (config, observers) => startNode(config, observers),
    invokeOnce,
    buildTools: { installer: new NpmInstaller(), bundler: new EsbuildBundler() },
  });
}

/** Adapters a caller (a test) may replace. */
export interface NodeOverrides {
  readonly clock?: Clock;
  readonly ids?: IdSource;
  /** Receives every invocation record (tests; telemetry later). */
  readonly onRecord?: ((record: InvocationRecord) => void) | undefined;
  /** Receives one access-log record per gateway request. */
  readonly onAccessLog?: ((record: AccessLogRecord) => void) | undefined;
}

type StopHook = () => Promise<void> | void;

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
  const clock = overrides.clock ?? systemClock;
  const ids = overrides.ids ?? randomIds;
  const lock = lockDataDir(config.dataDir);
  stopHooks.push(() => lock.release());
  const credentials = await loadNodeCredentials({ dataDir: config.dataDir, configured: config.accessKey });

  const dbPath = join(config.dataDir, "haneul.db");
  const store = SqliteStore.open({ path: dbPath });
  stopHooks.push(() => store.close());
  const apiStore = SqliteApiStore.open({ path: dbPath });
  stopHooks.push(() => apiStore.close());
  const codeStore = new FsCodeStore({ dataDir: config.dataDir });
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
    hiddenFiles: [dbPath, `${dbPath}-wal`, `${dbPath}-shm`, join(config.dataDir, "credentials")],
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
  const events = new AsyncInvoker({ store, invoker: engine.invoker, clock, ids });
  stopHooks.push(() => events.stop());

  const gateway = new Gateway({
    invoker: engine.invoker,
    clock,
    ids,
    region: config.region,
    accountId: config.accountId,
    // A stream of its own, so that canary splits do not depend on how many alias calls came between.
    random: config.randomSeed === undefined ? undefined : seededRandom(config.randomSeed ^ 0x5bd1e995),
    onAccessLog: overrides.onAccessLog,
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
  stopHooks.push(() => api.close());
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
        for (const hook of stopHooks.reverse()) await hook();
      })();
      return stopping;
    },
  };
}
