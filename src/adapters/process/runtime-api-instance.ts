import type { FunctionSpec } from "../../domain/function-spec.js";
import { errorBody } from "../../domain/invocation.js";
import type {
  Instance,
  InstanceInvokeRequest,
  InstanceInvokeResult,
  LaunchResult,
} from "../../ports/instance-launcher.js";
import type { Clock } from "../../shared/clock.js";
import { Deadline } from "../../shared/deadline.js";
import { describeExit, isHeapOutOfMemory } from "./exit-outcome.js";
import { peakRssMb } from "./peak-memory.js";
import type { StreamLimits } from "../../domain/stream-pacer.js";
import { InvocationSlot, unstartedResult, type RunningInvocation } from "./invocation-slot.js";
import { spawnIsolated, type IsolationOptions, type SandboxedStart, type SpawnedProcess } from "./isolation.js";
import { watchProcess } from "./process-watch.js";
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
  /** The clock of the init limit and of event deadlines (the real one in a node). */
  readonly clock: Clock;
  /** In the sandbox: the code, limits and /tmp size (the Runtime API's port is added). */
  readonly sandboxed?: SandboxedStart | undefined;
  /** The limits of streamed answers (default Lambda's). */
  readonly streamLimits?: StreamLimits | undefined;
}

/** An answer the runtime reported, delivered on the next turn. */
interface PendingAnswer {
  readonly running: RunningInvocation;
  readonly report: RuntimeApiReport & { kind: "response" | "error" };
}

/** An instance of any runtime that speaks the Lambda Runtime API over HTTP (a `bootstrap` executable). */
export class RuntimeApiInstance implements Instance {
  readonly id: string;
  logStreamName: string | undefined;
  /** A Runtime API process asks for its next event itself. */
  readonly takesEventAhead = false;
  readonly spec: FunctionSpec;
  readonly #server: RuntimeApiServer;
  #proc: SpawnedProcess | undefined;
  #alive = true;
  readonly #slot: InvocationSlot;
  #pending: PendingAnswer | undefined;
  #onInit: ((r: RuntimeApiReport | { kind: "exit"; how: string }) => void) | undefined;
  #stderrTail: readonly string[] = [];
  #exited: Promise<void> = Promise.resolve();

  private constructor(options: RuntimeApiLaunchOptions) {
    this.id = options.id;
    this.spec = options.spec;
    const onDeadline = (): void => {
      this.#alive = false;
      this.#slot.notePeakMemory(peakRssMb(this.#proc?.runtimePid()));
      this.#proc?.kill();
    };
    this.#slot = new InvocationSlot(options.clock, onDeadline, { streamLimits: options.streamLimits });
    this.#server = new RuntimeApiServer((r) => this.#onReport(r));
  }

  /** Starts the runtime and waits for its first `next` (ready) or its init failure. */
  static async launch(options: RuntimeApiLaunchOptions): Promise<LaunchResult> {
    const instance = new RuntimeApiInstance(options);
    instance.logStreamName = options.env["AWS_LAMBDA_LOG_STREAM_NAME"];
    const started = options.clock.monotonicNow();
    const address = await instance.#server.listen();
    const init = new Promise<RuntimeApiReport | { kind: "exit"; how: string }>((r) => (instance.#onInit = r));
    const proc = await spawnIsolated(options.command, options.args, {
      isolation: options.isolation,
      env: { ...options.env, AWS_LAMBDA_RUNTIME_API: address },
      cwd: options.spec.codeDir,
      stdio: ["ignore", "pipe", "pipe"],
      sandboxed: options.sandboxed && { ...options.sandboxed, ports: [Number(address.split(":").at(-1))] },
    });
    instance.#attach(proc);
    const initLimit = Deadline.start(options.clock, options.initTimeoutMs, () =>
      instance.#onInit?.({ kind: "exit", how: "init timed out" }),
    );
    const first = await init;
    initLimit.cancel();
    const initDurationMs = options.clock.monotonicNow() - started;
    const initLogs = instance.#slot.takeHeld();
    if (first.kind === "next") {
      proc.freezeWhenIdle(() => instance.#slot.current === undefined);
      return { ok: true, instance, initDurationMs, initLogs };
    }
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
    // The runtime asks for its next event itself: none can wait in its channel.
    if (!this.#alive || this.#slot.current) return unstartedResult();
    const result = this.#slot.start(request);
    this.#proc?.beforeEvent();
    const headers: Record<string, string> = {
      "Content-Type": "application/json",
      "Lambda-Runtime-Aws-Request-Id": request.requestId,
      "Lambda-Runtime-Deadline-Ms": String(Math.round(this.#slot.deadlineAt() ?? 0)),
      "Lambda-Runtime-Invoked-Function-Arn": request.invokedFunctionArn,
    };
    if (request.traceId) headers["Lambda-Runtime-Trace-Id"] = request.traceId;
    if (request.clientContext) headers["Lambda-Runtime-Client-Context"] = request.clientContext;
    this.#server.deliver({ requestId: request.requestId, payload: request.payload, headers });
    return result;
  }

  async stop(): Promise<void> {
    if (this.#alive) this.#proc?.kill();
    this.#alive = false;
    this.#server.close();
    await this.#exited;
  }

  #attach(proc: SpawnedProcess): void {
    this.#proc = proc;
    const watched = watchProcess(proc, {
      onLine: (l) => this.#slot.log(l),
      onExit: (code, signal) => {
        this.#handleExit(code, signal);
        this.#server.close();
      },
    });
    this.#stderrTail = watched.stderrTail;
    this.#exited = watched.exited;
  }

  /** A promise for a chunk when the runtime's body should be read no further until it resolves. */
  #onReport(r: RuntimeApiReport): Promise<void> | undefined {
    if (this.#onInit) {
      const onInit = this.#onInit;
      this.#onInit = undefined;
      onInit(r);
      return undefined;
    }
    if (r.kind === "chunk") return this.#slot.chunk(r.requestId, r.payload, r.contentType);
    if (r.kind !== "response" && r.kind !== "error") return undefined;
    const running = this.#slot.current;
    if (!running) return undefined;
    // Let stdout written just before the reply reach the log first. The answer is kept meanwhile:
    // a runtime that exits right after reporting (an unhandled rejection) still gets it.
    const pending = { running, report: r };
    this.#pending = pending;
    setImmediate(() => this.#complete(pending));
    return undefined;
  }

  #complete(p: PendingAnswer): void {
    if (this.#pending !== p) return;
    this.#pending = undefined;
    this.#slot.notePeakMemory(peakRssMb(this.#proc?.runtimePid()));
    const r = p.report;
    const errorType = r.kind === "error" ? r.errorType : undefined;
    const kind = r.kind === "response" ? "ok" : "function-error";
    this.#slot.finish(p.running, { kind, payload: r.payload, errorType });
  }

  #handleExit(status: number | null, how: NodeJS.Signals | null): void {
    this.#alive = false;
    const { code, signal } = this.#proc ? this.#proc.exitOf(status, how) : { code: status, signal: how };
    this.#onInit?.({ kind: "exit", how: describeExit(code, signal) });
    this.#onInit = undefined;
    if (this.#pending) this.#complete(this.#pending);
    const outOfMemory = isHeapOutOfMemory(this.#stderrTail) || (this.#proc?.outOfMemory() ?? false);
    if (outOfMemory) this.#slot.notePeakMemory(this.spec.memoryMb);
    this.#slot.crash({ code, signal, outOfMemory }, undefined);
  }
}
