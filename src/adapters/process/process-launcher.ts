import { access, constants } from "node:fs/promises";
import { join } from "node:path";
import { heapLimitMb, isNodeRuntime, type FunctionSpec } from "../../domain/function-spec.js";
import { errorBody } from "../../domain/invocation.js";
import type { Clock } from "../../shared/clock.js";
import type { IdSource } from "../../shared/ids.js";
import type { InstanceLauncher, LaunchResult } from "../../ports/instance-launcher.js";
import { instanceEnv, type PlatformEnv } from "./instance-env.js";
import type { IsolationOptions } from "./isolation.js";
import { NodeIpcInstance } from "./node-ipc-instance.js";
import { RuntimeApiInstance } from "./runtime-api-instance.js";
import { SparePool } from "./spare-pool.js";

export interface ProcessLauncherOptions {
  /** Path of the compiled runtime bootstrap (dist/runtime/src/bootstrap.js). */
  readonly bootstrapPath: string;
  readonly isolation: IsolationOptions;
  readonly platformEnv: PlatformEnv;
  readonly ids: IdSource;
  /** Spare processes kept per heap size in use (0 disables spares). */
  readonly sparesPerHeap: number;
  /**
   * How built-in Node.js instances talk to the node: the private frame channel (fast, default)
   * or the Lambda Runtime API over HTTP (what every other runtime uses).
   */
  readonly nodeChannel?: "ipc" | "runtime-api";
  /** Heap sizes to keep spares for from the start (default: the one for 128 MB). */
  readonly warmHeaps?: readonly number[];
  /**
   * The Node.js binary a Node.js runtime runs on (`nodejs22.x` → Node.js 22), or undefined when
   * it is not installed. Default: every Node.js runtime runs on this process's Node.js.
   */
  readonly nodeBinary?: ((runtime: string) => string | undefined) | undefined;
  /** The clock of init limits and event deadlines: the real one (function code keeps real time). */
  readonly clock: Clock;
}

const INIT_TIMEOUT_MS = 10_000;

function nodeArgs(heapMb: number): string[] {
  return [`--max-old-space-size=${heapMb}`];
}

/** Starts function instances as isolated child processes. */
export class ProcessLauncher implements InstanceLauncher {
  readonly #o: ProcessLauncherOptions;
  readonly #spares: SparePool;
  readonly #live = new Set<{ stop(): Promise<void>; alive: boolean }>();

  constructor(options: ProcessLauncherOptions) {
    this.#o = options;
    this.#spares = new SparePool((kind) => this.#spawnNode(parseKind(kind)), options.sparesPerHeap);
    for (const heap of options.warmHeaps ?? [heapLimitMb(128)]) this.#spares.want(kindKey(process.execPath, heap));
  }

  /** Ready spare processes (for tests and the console). */
  get spareCount(): number {
    return this.#spares.size;
  }

  async launch(spec: FunctionSpec): Promise<LaunchResult> {
    const env = instanceEnv(spec, this.#o.platformEnv, { streamHex: this.#o.ids.hex(16), now: new Date() });
    const initTimeoutMs = Math.max(INIT_TIMEOUT_MS, spec.timeoutSec * 1000);
    if (isNodeRuntime(spec.runtime) && this.#o.nodeChannel !== "runtime-api") return this.#launchNode(spec, env);
    const node = isNodeRuntime(spec.runtime);
    const nodeBinary = node ? this.#nodeBinary(spec.runtime) : undefined;
    if (node && nodeBinary === undefined) return invalidRuntime(spec.runtime);
    const bootstrap = join(spec.codeDir, "bootstrap");
    if (!node && !(await isExecutable(bootstrap))) {
      const payload = errorBody(
        "Runtime.InvalidEntrypoint",
        "RequestId: init Error: Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]",
      );
      return { ok: false, errorType: "Runtime.InvalidEntrypoint", payload, initDurationMs: 0, initLogs: [] };
    }
    const result = await RuntimeApiInstance.launch({
      id: this.#o.ids.hex(8),
      spec,
      env,
      command: nodeBinary ?? bootstrap,
      args: node ? [...nodeArgs(heapLimitMb(spec.memoryMb)), this.#o.bootstrapPath] : [],
      isolation: this.#withCode(spec),
      initTimeoutMs,
      clock: this.#o.clock,
    });
    if (result.ok) this.#track(result.instance);
    return result;
  }

  async close(): Promise<void> {
    await this.#spares.close();
    await Promise.all([...this.#live].map((i) => i.stop()));
  }

  async #launchNode(spec: FunctionSpec, env: Record<string, string>): Promise<LaunchResult> {
    const binary = this.#nodeBinary(spec.runtime);
    if (binary === undefined) return invalidRuntime(spec.runtime);
    const kind = { binary, heapMb: heapLimitMb(spec.memoryMb) };
    const started = performance.now();
    let instance: NodeIpcInstance;
    try {
      instance = this.#spares.take(kindKey(binary, kind.heapMb)) ?? (await this.#spawnNode(kind, this.#withCode(spec)));
    } catch (e) {
      // The runtime process itself did not come up (isolation set-up, resources): an init failure.
      const payload = errorBody("Runtime.ExitError", `Runtime exited with error: ${(e as Error).message}`);
      return {
        ok: false,
        errorType: "Runtime.ExitError",
        payload,
        initDurationMs: performance.now() - started,
        initLogs: [],
      };
    }
    this.#track(instance);
    const reply = await instance.assign(spec, env);
    const initDurationMs = performance.now() - started;
    const initLogs = instance.takeHeldLogs();
    if (reply.ok) return { ok: true, instance, initDurationMs, initLogs };
    await instance.stop();
    return { ok: false, errorType: reply.errorType, payload: reply.payload, initDurationMs, initLogs };
  }

  #nodeBinary(runtime: string): string | undefined {
    return this.#o.nodeBinary ? this.#o.nodeBinary(runtime) : process.execPath;
  }

  #spawnNode(kind: SpareKind, isolation: IsolationOptions = this.#o.isolation): Promise<NodeIpcInstance> {
    return NodeIpcInstance.spawn({
      id: this.#o.ids.hex(8),
      nodeBinary: kind.binary,
      nodeArgs: nodeArgs(kind.heapMb),
      bootstrapPath: this.#o.bootstrapPath,
      isolation,
      baseEnv: { PATH: this.#o.platformEnv.path, HANEUL_RUNTIME_CHANNEL: "fd3" },
      cwd: "/",
      clock: this.#o.clock,
    });
  }

  /** Isolation for an instance started for `spec`: its code directory is read-only too. */
  #withCode(spec: FunctionSpec): IsolationOptions {
    const ro = this.#o.isolation.readOnlyDirs;
    if (ro.some((d) => spec.codeDir === d || spec.codeDir.startsWith(d + "/"))) return this.#o.isolation;
    return { ...this.#o.isolation, readOnlyDirs: [...ro, spec.codeDir] };
  }

  #track(instance: { stop(): Promise<void>; alive: boolean }): void {
    this.#live.add(instance);
    if (this.#live.size > 64) for (const i of this.#live) if (!i.alive) this.#live.delete(i);
  }
}

/** What a spare is made of: the Node.js binary and the V8 heap limit it was started with. */
interface SpareKind {
  readonly binary: string;
  readonly heapMb: number;
}

function kindKey(binary: string, heapMb: number): string {
  return `${heapMb} ${binary}`;
}

function parseKind(key: string): SpareKind {
  const space = key.indexOf(" ");
  return { heapMb: Number(key.slice(0, space)), binary: key.slice(space + 1) };
}

/** A Node.js runtime whose Node.js major is not installed (the control plane shows the function Pending or Failed). */
function invalidRuntime(runtime: string): LaunchResult {
  const payload = errorBody("Runtime.InvalidRuntime", `The runtime ${runtime} is not available on this node.`);
  return { ok: false, errorType: "Runtime.InvalidRuntime", payload, initDurationMs: 0, initLogs: [] };
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
