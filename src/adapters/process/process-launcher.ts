import { access, constants } from "node:fs/promises";
import { join } from "node:path";
import {
  heapLimitMb,
  isNodeRuntime,
  nodeMajorOf,
  type FunctionSpec,
  type InstanceShape,
} from "../../domain/function-spec.js";
import { errorBody } from "../../domain/invocation.js";
import type { Clock } from "../../shared/clock.js";
import type { StreamLimits } from "../../domain/stream-pacer.js";
import type { IdSource } from "../../shared/ids.js";
import type { InstanceLauncher, LaunchResult } from "../../ports/instance-launcher.js";
import { instanceEnv, type PlatformEnv } from "./instance-env.js";
import type { IsolationOptions, SandboxedStart } from "./isolation.js";
import { NodeIpcInstance } from "./node-ipc-instance.js";
import { RuntimeApiInstance } from "./runtime-api-instance.js";
import { SANDBOX_PATHS } from "./sandbox/bwrap-args.js";
import type { InstanceLimits } from "./sandbox/cgroups.js";
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
  /** Start no spare before setForwardedPorts() (the node's ports are not known yet). */
  readonly deferSpares?: boolean;
  /**
   * The Node.js binary a Node.js runtime runs on (`nodejs22.x` → Node.js 22), or undefined when
   * it is not installed. Default: every Node.js runtime runs on this process's Node.js.
   */
  readonly nodeBinary?: ((runtime: string) => string | undefined) | undefined;
  /** The clock of init limits and event deadlines: the real one (function code keeps real time). */
  readonly clock: Clock;
  /** The limits of streamed answers (default Lambda's: 200 MB, the first 6 MB uncapped, then 2 MBps). */
  readonly streamLimits?: StreamLimits | undefined;
}

const INIT_TIMEOUT_MS = 10_000;
/** Lambda's default EphemeralStorage. */
const DEFAULT_TMP_MB = 512;

function nodeArgs(heapMb: number, inspectPort?: number): string[] {
  const heap = `--max-old-space-size=${heapMb}`;
  // In the sandbox the inspector listens on the namespace's loopback, where pasta forwards the port.
  return inspectPort === undefined ? [heap] : [heap, `--inspect=127.0.0.1:${inspectPort}`, "--enable-source-maps"];
}

/** Where an instance finds things: on the host, or at Lambda's paths inside the sandbox. */
interface InstanceView {
  readonly bootstrapPath: string;
  readonly platformEnv: PlatformEnv;
  taskRoot(spec: FunctionSpec): string;
}

/** A spare's shape: what is fixed when its process starts (heap:tmp:binary). */
function shapeOf(spec: InstanceShape, binary: string): string {
  return shapeKey(heapLimitMb(spec.memoryMb), spec.ephemeralStorageMb ?? DEFAULT_TMP_MB, binary);
}

function shapeKey(heapMb: number, tmpMb: number, binary: string): string {
  return `${heapMb}:${tmpMb}:${binary}`;
}

function parseShape(shape: string): { heapMb: number; tmpMb: number; binary: string } {
  const [heap = "0", tmp = String(DEFAULT_TMP_MB), ...rest] = shape.split(":");
  return { heapMb: Number(heap), tmpMb: Number(tmp), binary: rest.join(":") };
}

/**
 * Memory an instance may hold in all: its memory size plus its /tmp, whose tmpfs pages the kernel
 * charges to the same cgroup (on Lambda /tmp is separate from memory; see ARCHITECTURE.md).
 */
function limitsOf(memoryMb: number, tmpMb: number): InstanceLimits {
  return { memoryBytes: (memoryMb + tmpMb) * 1024 * 1024, memoryMb };
}

/** Starts function instances as isolated child processes. */
export class ProcessLauncher implements InstanceLauncher {
  readonly #o: ProcessLauncherOptions;
  readonly #spares: SparePool;
  readonly #live = new Set<{ stop(): Promise<void>; alive: boolean }>();
  readonly #view: InstanceView;
  readonly #warm: string[];

  constructor(options: ProcessLauncherOptions) {
    this.#o = options;
    const sandbox = options.isolation.sandbox;
    this.#view = sandbox
      ? {
          bootstrapPath: `${SANDBOX_PATHS.runtimeDir}/bootstrap.js`,
          platformEnv: {
            ...options.platformEnv,
            runtimeDir: SANDBOX_PATHS.runtimeRoot,
            // As on Lambda: a layer's node_modules, then the runtime's (the bundled SDKs).
            nodePath: [SANDBOX_PATHS.layerNodeModules, SANDBOX_PATHS.nodeModules],
          },
          taskRoot: () => SANDBOX_PATHS.taskRoot,
        }
      : { bootstrapPath: options.bootstrapPath, platformEnv: options.platformEnv, taskRoot: (spec) => spec.codeDir };
    // In the sandbox a spare's code is mounted into it later, which needs the machine's support.
    const spares = sandbox && !sandbox.takesCodeLater ? 0 : options.sparesPerHeap;
    this.#spares = new SparePool((shape) => this.#spawnSpare(shape), spares);
    this.#warm = (options.warmHeaps ?? [heapLimitMb(128)]).map((heap) =>
      shapeKey(heap, DEFAULT_TMP_MB, process.execPath),
    );
    if (!options.deferSpares) for (const shape of this.#warm) this.#spares.want(shape);
  }

  /** Ready spare processes (for tests and the console). */
  get spareCount(): number {
    return this.#spares.size;
  }

  /** Spare processes cold starts have taken so far (for tests and the console). */
  get sparesTaken(): number {
    return this.#spares.taken;
  }

  /** The node's own ports that instances reach at 127.0.0.1 (sandbox network); starts deferred spares. */
  setForwardedPorts(ports: readonly number[]): void {
    this.#o.isolation.sandbox?.setForwardedPorts(ports);
    for (const shape of this.#warm) this.#spares.want(shape);
  }

  /**
   * Starts a spare process now for each of `functions` (Node.js runtimes on the frame channel),
   * several at a time, for the instances about to be started (`haneul dev`'s first deploy): their
   * processes start while the template is built and deployed. Spares not taken stay in stock.
   */
  prestart(functions: readonly InstanceShape[]): void {
    if (this.#o.nodeChannel === "runtime-api") return;
    const counts = new Map<string, number>();
    for (const f of functions) {
      const binary = isNodeRuntime(f.runtime) ? this.#nodeBinary(f.runtime) : undefined;
      if (binary === undefined) continue;
      const shape = shapeOf(f, binary);
      counts.set(shape, (counts.get(shape) ?? 0) + 1);
    }
    for (const [shape, count] of counts) this.#spares.reserve(shape, count);
  }

  async launch(spec: FunctionSpec): Promise<LaunchResult> {
    const env = instanceEnv(spec, this.#platformEnv(spec), {
      streamHex: this.#o.ids.hex(16),
      now: new Date(),
      taskRoot: this.#view.taskRoot(spec),
    });
    const initTimeoutMs = Math.max(INIT_TIMEOUT_MS, spec.timeoutSec * 1000);
    // A debugged instance talks over the Runtime API: the frame channel waits for events in a
    // blocking read, during which the inspector's requests would never be served.
    const frames = this.#o.nodeChannel !== "runtime-api" && spec.inspectPort === undefined;
    if (isNodeRuntime(spec.runtime) && frames) return this.#launchNode(spec, env);
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
    const command = nodeBinary ?? join(this.#view.taskRoot(spec), "bootstrap");
    const result = await RuntimeApiInstance.launch({
      id: this.#o.ids.hex(8),
      spec,
      env,
      command,
      args: node ? [...nodeArgs(heapLimitMb(spec.memoryMb), spec.inspectPort), this.#view.bootstrapPath] : [],
      isolation: this.#withCode(spec),
      initTimeoutMs,
      clock: this.#o.clock,
      sandboxed: this.#sandboxed(spec, spec.codeDir),
      streamLimits: this.#o.streamLimits,
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
    const heap = heapLimitMb(spec.memoryMb);
    const started = performance.now();
    let instance: NodeIpcInstance;
    try {
      // A debugged function's instance starts with its inspector, and a spare's sandbox has an
      // empty /opt (a function with layers starts its own): neither takes a spare.
      const spare = spec.inspectPort === undefined && spec.optDir === undefined;
      instance =
        (spare ? await this.#spares.takeOrWait(shapeOf(spec, binary)) : undefined) ??
        (await this.#spawnNode(heap, binary, {
          isolation: this.#withCode(spec),
          sandboxed: this.#sandboxed(spec, spec.codeDir),
          inspectPort: spec.inspectPort,
        }));
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
    const limits = limitsOf(spec.memoryMb, spec.ephemeralStorageMb ?? DEFAULT_TMP_MB);
    const reply = await instance.assign(spec, { env, taskRoot: this.#view.taskRoot(spec), limits });
    const initDurationMs = performance.now() - started;
    const initLogs = instance.takeHeldLogs();
    if (reply.ok) return { ok: true, instance, initDurationMs, initLogs };
    await instance.stop();
    return { ok: false, errorType: reply.errorType, payload: reply.payload, initDurationMs, initLogs };
  }

  /**
   * The platform environment of `spec`'s instances: a function with layers finds their modules
   * first, as on Lambda (`/opt/nodejs/node<major>/node_modules`, then `/opt/nodejs/node_modules`).
   */
  #platformEnv(spec: FunctionSpec): PlatformEnv {
    const base = this.#view.platformEnv;
    if (spec.optDir === undefined) return base;
    const opt = this.#o.isolation.sandbox ? SANDBOX_PATHS.layers : spec.optDir;
    const major = nodeMajorOf(spec.runtime);
    const layerPaths = [
      ...(major === undefined ? [] : [`${opt}/nodejs/node${major}/node_modules`]),
      `${opt}/nodejs/node_modules`,
    ];
    const rest = (base.nodePath ?? []).filter((p) => p !== SANDBOX_PATHS.layerNodeModules);
    return { ...base, nodePath: [...layerPaths, ...rest] };
  }

  #nodeBinary(runtime: string): string | undefined {
    return this.#o.nodeBinary ? this.#o.nodeBinary(runtime) : process.execPath;
  }

  /** A spare of `shape` (heap:tmp:binary): code-less; its code and exact limits come with assign(). */
  #spawnSpare(shape: string): Promise<NodeIpcInstance> {
    const { heapMb: heap, tmpMb, binary } = parseShape(shape);
    // Until then, the most a function with this heap limit may have (heapLimitMb's inverse, rounded up).
    const memoryMb = Math.ceil((heap + 48) / 0.9);
    const sandboxed = this.#o.isolation.sandbox
      ? { codeDir: undefined, limits: limitsOf(memoryMb, tmpMb), tmpMb }
      : undefined;
    return this.#spawnNode(heap, binary, { isolation: this.#o.isolation, sandboxed });
  }

  #spawnNode(
    heapMb: number,
    binary: string,
    o: { isolation: IsolationOptions; sandboxed: SandboxedStart | undefined; inspectPort?: number | undefined },
  ): Promise<NodeIpcInstance> {
    return NodeIpcInstance.spawn({
      id: this.#o.ids.hex(8),
      nodeBinary: binary,
      nodeArgs: nodeArgs(heapMb, o.inspectPort),
      bootstrapPath: this.#view.bootstrapPath,
      isolation: o.isolation,
      baseEnv: { PATH: this.#o.platformEnv.path, HANEUL_RUNTIME_CHANNEL: "fd3" },
      cwd: "/",
      sandboxed: o.sandboxed,
      clock: this.#o.clock,
      streamLimits: this.#o.streamLimits,
    });
  }

  /** In the sandbox: what an instance of `spec` starts with (its code given at start). */
  #sandboxed(spec: FunctionSpec, codeDir: string): SandboxedStart | undefined {
    if (!this.#o.isolation.sandbox) return undefined;
    const tmpMb = spec.ephemeralStorageMb ?? DEFAULT_TMP_MB;
    return { codeDir, optDir: spec.optDir, limits: limitsOf(spec.memoryMb, tmpMb), tmpMb, inbound: spec.inspectPort };
  }

  /** Isolation for an instance started for `spec`: its code directory is read-only too. */
  #withCode(spec: FunctionSpec): IsolationOptions {
    const ro = this.#o.isolation.readOnlyDirs;
    const dirs = spec.optDir === undefined ? [spec.codeDir] : [spec.codeDir, spec.optDir];
    const missing = dirs.filter((dir) => !ro.some((d) => dir === d || dir.startsWith(d + "/")));
    if (missing.length === 0) return this.#o.isolation;
    return { ...this.#o.isolation, readOnlyDirs: [...ro, ...missing] };
  }

  #track(instance: { stop(): Promise<void>; alive: boolean }): void {
    this.#live.add(instance);
    if (this.#live.size > 64) for (const i of this.#live) if (!i.alive) this.#live.delete(i);
  }
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
