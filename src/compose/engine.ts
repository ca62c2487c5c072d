import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { linkBundledSdks } from "../adapters/process/bundled-sdks.js";
import { ProcessLauncher } from "../adapters/process/process-launcher.js";
import type { InvocationRecord } from "../domain/invocation.js";
import { InstancePool } from "../invoker/instance-pool.js";
import { Invoker } from "../invoker/invoker.js";
import type { ConcurrencySlots } from "../ports/concurrency.js";
import type { FunctionCatalog } from "../ports/function-catalog.js";
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
  /** Variables every instance gets (endpoint and credentials of this node). */
  readonly instanceEnv?: Readonly<Record<string, string>>;
  readonly nodePath?: readonly string[];
  readonly namespaces?: boolean;
  /** Nice value of instance processes (default 0: the node's own priority). */
  readonly instanceNice?: number;
  readonly clock?: Clock;
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
    },
    ids,
    sparesPerHeap: o.sparesPerHeap ?? 2,
    nodeChannel: o.nodeChannel,
  });
  const pool = new InstancePool({
    launcher,
    clock,
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
    async close() {
      await pool.close();
      await launcher.close();
    },
  };
}
