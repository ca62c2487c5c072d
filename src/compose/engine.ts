import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { linkBundledSdks } from "../adapters/process/bundled-sdks.js";
import { ProcessLauncher } from "../adapters/process/process-launcher.js";
import type { FunctionSpec } from "../domain/function-spec.js";
import type { InvocationRecord } from "../domain/invocation.js";
import { InstancePool } from "../invoker/instance-pool.js";
import { Invoker } from "../invoker/invoker.js";
import { nodeMajorOf } from "../domain/function-spec.js";
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
  /** Nice value of instance processes (default 0: the node's own priority). */
  readonly instanceNice?: number;
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
  close(): Promise<void>;
}

/** Builds the invocation engine. Call `close()` to stop every instance it started. */
export async function createEngine(o: EngineOptions): Promise<Engine> {
  await mkdir(o.scratchDir, { recursive: true });
  const sdkDir = await linkBundledSdks(join(o.scratchDir, "sdk"));
  const clock = o.clock ?? systemClock;
  const realClock = o.realClock ?? systemClock;
  const ids = o.ids ?? randomIds;
  const launcher = new ProcessLauncher({
    bootstrapPath: BOOTSTRAP_PATH,
    isolation: {
      scratchDir: o.scratchDir,
      readOnlyDirs: [...(o.readOnlyDirs ?? []), PACKAGE_ROOT, sdkDir],
      hiddenFiles: o.hiddenFiles,
      namespaces: o.namespaces,
      nice: o.instanceNice,
    },
    platformEnv: {
      path: o.path,
      runtimeDir: RUNTIME_DIR,
      nodePath: [...(o.nodePath ?? []), sdkDir],
      extra: o.instanceEnv,
      credentials: o.instanceCredentials,
    },
    ids,
    sparesPerHeap: o.sparesPerHeap ?? 2,
    nodeChannel: o.nodeChannel,
    nodeBinary: o.nodeRuntimes && binaryOf(o.nodeRuntimes),
    clock: realClock,
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
    random: o.random,
    onRecord: o.onRecord,
  });
  return {
    invoker,
    pool,
    launcher,
    async close() {
      await pool.close();
      await launcher.close();
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
