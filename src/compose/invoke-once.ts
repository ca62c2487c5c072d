import { readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FsCodeStore } from "../adapters/fs-code-store.js";
import { NpmNodeRuntimes } from "../adapters/node-runtimes.js";
import type { RuntimesSettings } from "../config/runtimes-dir.js";
import { StaticCatalog } from "../control/index.js";
import { nodeMajorOf, type FunctionSpec } from "../domain/function-spec.js";
import type { InvokeResult } from "../domain/invocation.js";
import { PlatformError } from "../shared/errors.js";
import { randomIds } from "../shared/ids.js";
import { createEngine } from "./engine.js";

/** How `haneul invoke` runs its one event. */
export interface InvokeOnceOptions {
  /** PATH for the instance. */
  readonly path: string;
  /** A deployment package to extract (checked as CreateFunction checks it) and run instead of spec.codeDir. */
  readonly codeZip?: string | undefined;
  /** Where Node.js majors other than this one's are installed. */
  readonly runtimes: RuntimesSettings;
  /** Told when `spec`'s Node.js major must be fetched first. */
  readonly onInstall?: ((major: number) => void) | undefined;
}

/** The runtimes cache of `settings`. */
export function nodeRuntimesAt(settings: RuntimesSettings): NpmNodeRuntimes {
  return new NpmNodeRuntimes({
    cacheDir: settings.dir,
    path: settings.path,
    home: settings.home,
    network: settings.network,
  });
}

/**
 * Runs `event` once on a fresh engine holding only `spec` (`haneul invoke`), then stops it and
 * removes its scratch directory. A bad package throws Lambda's PlatformError.
 */
export async function invokeOnce(spec: FunctionSpec, event: Buffer, options: InvokeOnceOptions): Promise<InvokeResult> {
  const nodeRuntimes = nodeRuntimesAt(options.runtimes);
  const major = nodeMajorOf(spec.runtime);
  if (major !== undefined && nodeRuntimes.status(major).state !== "ready") {
    options.onInstall?.(major);
    try {
      await nodeRuntimes.ensure(major);
    } catch (e) {
      throw new PlatformError("ERR_INVALID_RUNTIME", (e as Error).message);
    }
  }
  const scratchDir = join(tmpdir(), `haneul-invoke-${randomIds.hex(6)}`);
  try {
    let codeDir = spec.codeDir;
    if (options.codeZip !== undefined) {
      const code = new FsCodeStore({ dataDir: scratchDir });
      codeDir = code.treeDir((await code.put(await readFile(options.codeZip))).sha256Hex);
    }
    const engine = await createEngine({
      catalog: new StaticCatalog([{ ...spec, codeDir }]),
      scratchDir: join(scratchDir, "instances"),
      path: options.path,
      sparesPerHeap: 0,
      nodeRuntimes,
    });
    try {
      return await engine.invoker.invoke({ functionName: spec.functionName }, event);
    } finally {
      await engine.close();
    }
  } finally {
    await rm(scratchDir, { recursive: true, force: true });
  }
}
