import { readFile } from "node:fs/promises";
import type { FunctionSpec } from "../../domain/function-spec.js";
import { errorBody, timeoutBody } from "../../domain/invocation.js";
import type {
  Instance,
  InstanceInvokeRequest,
  InstanceInvokeResult,
  LaunchResult,
} from "../../ports/instance-launcher.js";
import { crashError, describeExit, isHeapOutOfMemory } from "./exit-outcome.js";
import { spawnIsolated, type IsolationOptions, type SpawnedProcess } from "./isolation.js";
import { captureLines } from "./line-capture.js";
import { RuntimeApiServer, type RuntimeApiReport } from "./runtime-api-server.js";

export interface RuntimeApiLaunchOptions {
  readonly id: string;
  readonly spec: FunctionSpec;
  /** The function's complete environment (AWS_LAMBDA_RUNTIME_API is added). */
  readonly env: Record<string, string>;
  readonly command: string;
  readonly args: readonly string[];
  readonly isolation: IsolationOptions;
  /** How long the init phase may take. */
  readonly initTimeoutMs: number;
}

interface Pending {
  readonly request: InstanceInvokeRequest;
  readonly logs: string[];
  readonly resolve: (r: InstanceInvokeResult) => void;
  readonly cancelTimer: () => void;
}

/** Peak resident set of a live process, from /proc (MiB). */
async function peakMemoryMb(pid: number | undefined): Promise<number> {
  if (!pid) return 0;
  try {
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    const kb = /VmHWM:\s+(\d+)/.exec(status)?.[1];
    return kb ? Math.ceil(Number(kb) / 1024) : 0;
  } catch {
    return 0;
  }
}

/** An instance of any runtime that speaks the Lambda Runtime API over HTTP (a `bootstrap` executable). */
export class RuntimeApiInstance implements Instance {
  readonly id: string;
  readonly spec: FunctionSpec;
  readonly #server: RuntimeApiServer;
  #proc: SpawnedProcess | undefined;
  #alive = true;
  #pending: Pending | undefined;
  #timedOut = false;
  #maxMemoryMb = 0;
  #onInit: ((r: RuntimeApiReport | { kind: "exit"; how: string }) => void) | undefined;
  readonly #initLogs: string[] = [];
  readonly #stderrTail: string[] = [];
  #exited: Promise<void> = Promise.resolve();

  private constructor(id: string, spec: FunctionSpec) {
    this.id = id;
    this.spec = spec;
    this.#server = new RuntimeApiServer((r) => this.#onReport(r));
  }

  /** Starts the runtime and waits for its first `next` (ready) or its init failure. */
  static async launch(options: RuntimeApiLaunchOptions): Promise<LaunchResult> {
    const instance = new RuntimeApiInstance(options.id, options.spec);
    const started = performance.now();
    const address = await instance.#server.listen();
    const init = new Promise<RuntimeApiReport | { kind: "exit"; how: string }>((r) => (instance.#onInit = r));
    const proc = await spawnIsolated(options.command, options.args, {
      isolation: options.isolation,
      env: { ...options.env, AWS_LAMBDA_RUNTIME_API: address },
      cwd: options.spec.codeDir,
      stdio: ["ignore", "pipe", "pipe"],
    });
    instance.#attach(proc);
    const timer = setTimeout(() => instance.#onInit?.({ kind: "exit", how: "init timed out" }), options.initTimeoutMs);
    const first = await init;
    clearTimeout(timer);
    const initDurationMs = performance.now() - started;
    const initLogs = instance.#initLogs.splice(0);
    if (first.kind === "next") return { ok: true, instance, initDurationMs, initLogs };
    await instance.stop();
    if (first.kind === "init-error") {
      return { ok: false, errorType: first.errorType, payload: first.payload, initDurationMs, initLogs };
    }
    const how = first.kind === "exit" ? first.how : "unexpected report";
    const payload = errorBody("Runtime.ExitError", `Runtime exited with error: ${how}`);
    return { ok: false, errorType: "Runtime.ExitError", payload, initDurationMs, initLogs };
  }

  get alive(): boolean {
    return this.#alive;
  }

  invoke(request: InstanceInvokeRequest): Promise<InstanceInvokeResult> {
    if (!this.#alive || this.#pending) throw new Error(`instance ${this.id} cannot take an event now`);
    const headers: Record<string, string> = {
      "Content-Type": "application/json",
      "Lambda-Runtime-Aws-Request-Id": request.requestId,
      "Lambda-Runtime-Deadline-Ms": String(request.deadlineMs),
      "Lambda-Runtime-Invoked-Function-Arn": request.invokedFunctionArn,
    };
    if (request.traceId) headers["Lambda-Runtime-Trace-Id"] = request.traceId;
    if (request.clientContext) headers["Lambda-Runtime-Client-Context"] = request.clientContext;
    return new Promise((resolve) => {
      const t = setTimeout(() => this.#timeout(), Math.max(0, request.deadlineMs - Date.now()));
      this.#pending = { request, logs: [], resolve, cancelTimer: () => clearTimeout(t) };
      this.#server.deliver({ requestId: request.requestId, payload: request.payload, headers });
    });
  }

  async stop(): Promise<void> {
    if (this.#alive) this.#proc?.child.kill("SIGKILL");
    this.#alive = false;
    this.#server.close();
    await this.#exited;
  }

  #attach(proc: SpawnedProcess): void {
    this.#proc = proc;
    const log = (l: string) => (this.#pending ? this.#pending.logs : this.#initLogs).push(l);
    captureLines(proc.child.stdout, log);
    captureLines(proc.child.stderr, (l) => {
      this.#stderrTail.push(l);
      if (this.#stderrTail.length > 20) this.#stderrTail.shift();
      log(l);
    });
    this.#exited = new Promise((resolve) => {
      proc.child.on("exit", (code, signal) => {
        this.#handleExit(code, signal);
        this.#server.close();
        void proc.cleanup().finally(resolve);
      });
    });
  }

  #onReport(r: RuntimeApiReport): void {
    if (this.#onInit) {
      const onInit = this.#onInit;
      this.#onInit = undefined;
      onInit(r);
      return;
    }
    if (r.kind !== "response" && r.kind !== "error") return;
    const p = this.#pending;
    if (!p) return;
    // Let stdout written just before the reply reach the log first.
    setImmediate(() => void this.#complete(p, r));
  }

  async #complete(p: Pending, r: RuntimeApiReport & { kind: "response" | "error" }): Promise<void> {
    this.#maxMemoryMb = Math.max(this.#maxMemoryMb, await peakMemoryMb(this.#proc?.child.pid));
    const errorType = r.kind === "error" ? r.errorType : undefined;
    const kind = r.kind === "response" ? "ok" : "function-error";
    this.#finish(p, { kind, payload: r.payload, errorType, logs: p.logs, maxMemoryMb: this.#maxMemoryMb });
  }

  #finish(p: Pending, result: InstanceInvokeResult): void {
    if (this.#pending !== p) return;
    this.#pending = undefined;
    p.cancelTimer();
    p.resolve(result);
  }

  #timeout(): void {
    const p = this.#pending;
    if (!p) return;
    this.#timedOut = true;
    this.#alive = false;
    this.#proc?.child.kill("SIGKILL");
    const payload = timeoutBody(p.request.requestId, this.spec.timeoutSec);
    this.#finish(p, {
      kind: "timeout",
      payload,
      errorType: "Sandbox.Timedout",
      logs: p.logs,
      maxMemoryMb: this.#maxMemoryMb,
    });
  }

  #handleExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.#alive = false;
    this.#onInit?.({ kind: "exit", how: describeExit(code, signal) });
    this.#onInit = undefined;
    const p = this.#pending;
    if (!p || this.#timedOut) return;
    const crash = crashError(p.request.requestId, { code, signal, outOfMemory: isHeapOutOfMemory(this.#stderrTail) });
    this.#finish(p, { kind: "crashed", ...crash, logs: p.logs, maxMemoryMb: this.#maxMemoryMb });
  }
}
