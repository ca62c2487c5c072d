import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { linkBundledSdks } from "../adapters/process/bundled-sdks.js";
import { removeScratchLeftovers } from "../adapters/process/isolation.js";
import { ProcessLauncher } from "../adapters/process/process-launcher.js";
import type { FunctionSpec } from "../domain/function-spec.js";
import { listDir, sdkClosure } from "../adapters/process/sandbox/host-view.js";
import type { SandboxReport } from "../adapters/process/sandbox/report.js";
import { Sandbox } from "../adapters/process/sandbox/sandbox.js";
import type { InvocationRecord } from "../domain/invocation.js";
import { LAMBDA_STREAM_LIMITS } from "../domain/stream-pacer.js";
import { InstancePool } from "../invoker/instance-pool.js";
import { Invoker } from "../invoker/invoker.js";
import { nodeMajorOf } from "../domain/function-spec.js";
import type { ConcurrencySlots } from "../ports/concurrency.js";
import type { FunctionCatalog } from "../ports/function-catalog.js";
import type { NodeRuntimes } from "../ports/node-runtimes.js";
import type { Clock } from "../shared/clock.js";
import { systemClock } from "../shared/clock.js";
import { randomIds, type IdSource } from "../shared/ids.js";
import type { RandomSource } from "../shared/random.js";

const here = dirname(fileURLToPath(import.meta.url));
/** The compiled runtime bootstrap that built-in Node.js instances run. */
export const RUNTIME_DIR = join(here, "..", "..", "runtime", "src");
export const BOOTSTRAP_PATH = join(RUNTIME_DIR, "bootstrap.js");
/** The compiled frame protocol the runtime imports (instances see it read-only). */
const PROTOCOL_DIR = join(here, "..", "..", "protocol");
/** The installed haneul package (runtime, bundled SDKs): instances see it read-only. */
const PACKAGE_ROOT = join(here, "..", "..", "..");

export interface EngineOptions {
  readonly catalog: FunctionCatalog;
  /** Where private per-instance /tmp directories are made. */
  readonly scratchDir: string;
  /** Directories instances see read-only (the extracted code trees). */
  readonly readOnlyDirs?: readonly string[];
  /** Files instances must not read (the node's store and credentials). */
  readonly hiddenFiles?: readonly string[];
  /** PATH for instances. */
  readonly path: string;
  readonly accountConcurrency?: number;
  /** Where concurrency slots are taken (cluster mode); default: counted on this node. */
  readonly slots?: ConcurrencySlots | undefined;
  readonly idleTimeoutMs?: number;
  readonly sparesPerHeap?: number;
  readonly maxConcurrentStarts?: number;
  /** Burst smoothing (see InstancePoolOptions): busy instances per version before new events wait. */
  readonly scaleOutAfter?: number;
  /** How long an event waits for a busy instance before a new one is started. */
  readonly scaleOutWaitMs?: number;
  /** See InstancePoolOptions.aheadMaxMs and aheadDepth. */
  readonly aheadMaxMs?: number;
  readonly aheadDepth?: number;
  readonly nodeChannel?: "ipc" | "runtime-api";
  /** Node.js majors for the Node.js runtimes; without it every one runs on this process's Node.js. */
  readonly nodeRuntimes?: NodeRuntimes | undefined;
  /** Variables every instance gets (the endpoint of this node). */
  readonly instanceEnv?: Readonly<Record<string, string>>;
  /** Credentials of each new instance (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN). */
  readonly instanceCredentials?: (spec: FunctionSpec) => Readonly<Record<string, string>>;
  readonly nodePath?: readonly string[];
  readonly namespaces?: boolean;
  /**
   * The instance sandbox: `auto` (default) uses what the machine allows, `strict` refuses to start
   * without all of it, `off` gives instances only a private /tmp.
   */
  readonly sandbox?: "auto" | "strict" | "off";
  /** Host uids for sandboxed instances (when the node runs as root). */
  readonly sandboxUids?: { readonly first: number; readonly last: number };
  /**
   * A node_modules directory every function sees as a layer's, at /opt/nodejs/node_modules (on
   * NODE_PATH, as on Lambda): what `haneul invoke` and tests use for code that does not bundle
   * its dependencies.
   */
  readonly layerNodeModules?: string;
  /** Start no spare process before launcher.setForwardedPorts() (the node's ports are not known yet). */
  readonly deferSpares?: boolean;
  /** Nice value of instance processes (default 0: the node's own priority). */
  readonly instanceNice?: number;
  /** The largest streamed response (default Lambda's 200 MB); the bandwidth cap is Lambda's. */
  readonly streamMaxBytes?: number;
  /** The platform clock (records, idle reaping); default systemClock. */
  readonly clock?: Clock;
  /** The real clock (function deadlines, init limits, the burst-smoothing wait); default systemClock. */
  readonly realClock?: Clock;
  readonly ids?: IdSource;
  readonly random?: RandomSource | undefined;
  readonly onRecord?: (record: InvocationRecord) => void;
}

/** The invocation engine: launcher, instance pool and invoker, wired together. */
export interface Engine {
  readonly invoker: Invoker;
  readonly pool: InstancePool;
  readonly launcher: ProcessLauncher;
  /** What the instance sandbox does on this machine. */
  readonly sandbox: SandboxReport;
  close(): Promise<void>;
}

/** The default range of host uids for instances (never 0; 65 536 of them). */
export const DEFAULT_SANDBOX_UIDS = { first: 200_000, last: 265_535 } as const;

async function openSandbox(
  o: EngineOptions,
  clock: Clock,
): Promise<{ sandbox: Sandbox | undefined; report: SandboxReport }> {
  const mode = o.sandbox ?? "auto";
  if (mode === "off") return { sandbox: undefined, report: { mode, off: {}, details: [] } };
  const scope = join(PACKAGE_ROOT, "node_modules", "@aws-sdk");
  const roots = ["aws-sdk", ...listDir(scope).map((n) => `@aws-sdk/${n}`)];
  return Sandbox.open({
    mode,
    uids: o.sandboxUids ?? DEFAULT_SANDBOX_UIDS,
    stateDir: join(o.scratchDir, "sandbox"),
    runtimeDir: RUNTIME_DIR,
    protocolDir: PROTOCOL_DIR,
    nodeRuntimesDir: o.nodeRuntimes?.cacheDir,
    nodeModules: join(PACKAGE_ROOT, "node_modules"),
    layerNodeModules: o.layerNodeModules,
    sdkPackages: sdkClosure(PACKAGE_ROOT, roots),
    clock,
  });
}

/** Builds the invocation engine. Call `close()` to stop every instance it started. */
export async function createEngine(o: EngineOptions): Promise<Engine> {
  await mkdir(o.scratchDir, { recursive: true });
  await removeScratchLeftovers(o.scratchDir);
  const sdkDir = await linkBundledSdks(join(o.scratchDir, "sdk"));
  const clock = o.clock ?? systemClock;
  const realClock = o.realClock ?? systemClock;
  // Freezing idle instances is about processes in real time, not the platform's (scaled) schedules.
  const { sandbox, report } = await openSandbox(o, realClock);
  const ids = o.ids ?? randomIds;
  const launcher = new ProcessLauncher({
    bootstrapPath: BOOTSTRAP_PATH,
    isolation: {
      scratchDir: o.scratchDir,
      readOnlyDirs: [...(o.readOnlyDirs ?? []), PACKAGE_ROOT, sdkDir],
      hiddenFiles: o.hiddenFiles,
      namespaces: o.namespaces,
      nice: o.instanceNice,
      sandbox,
    },
    platformEnv: {
      path: o.path,
      runtimeDir: RUNTIME_DIR,
      nodePath: [...(o.nodePath ?? []), ...(o.layerNodeModules ? [o.layerNodeModules] : []), sdkDir],
      extra: o.instanceEnv,
      credentials: o.instanceCredentials,
    },
    ids,
    sparesPerHeap: o.sparesPerHeap ?? 2,
    nodeChannel: o.nodeChannel,
    nodeBinary: o.nodeRuntimes && binaryOf(o.nodeRuntimes),
    clock: realClock,
    deferSpares: o.deferSpares,
    streamLimits: o.streamMaxBytes === undefined ? undefined : { ...LAMBDA_STREAM_LIMITS, maxBytes: o.streamMaxBytes },
  });
  const pool = new InstancePool({
    launcher,
    clock,
    realClock,
    idleTimeoutMs: o.idleTimeoutMs ?? 5 * 60_000,
    maxConcurrentStarts: o.maxConcurrentStarts ?? 4,
    scaleOutAfter: o.scaleOutAfter,
    scaleOutWaitMs: o.scaleOutWaitMs,
    aheadMaxMs: o.aheadMaxMs,
    aheadDepth: o.aheadDepth,
  });
  const invoker = new Invoker({
    catalog: o.catalog,
    pool,
    clock,
    ids,
    accountConcurrency: o.accountConcurrency ?? 1000,
    slots: o.slots,
    random: o.random,
    onRecord: o.onRecord,
  });
  return {
    invoker,
    pool,
    launcher,
    sandbox: report,
    async close() {
      await pool.close();
      await launcher.close();
      await sandbox?.close();
    },
  };
}

/** The installed binary of a Node.js runtime's major, or undefined while it is not installed. */
function binaryOf(runtimes: NodeRuntimes): (runtime: string) => string | undefined {
  return (runtime) => {
    const major = nodeMajorOf(runtime);
    const status = major === undefined ? undefined : runtimes.status(major);
    return status?.state === "ready" ? status.binary : undefined;
  };
}
