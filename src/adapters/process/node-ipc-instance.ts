import type { Socket } from "node:net";
import type { FunctionSpec } from "../../domain/function-spec.js";
import { errorBody, timeoutBody } from "../../domain/invocation.js";
import type { Instance, InstanceInvokeRequest, InstanceInvokeResult } from "../../ports/instance-launcher.js";
import {
  encodeFrame,
  FrameDecoder,
  FrameType,
  type Frame,
  type InitHeader,
  type InvokeHeader,
  type ResultHeader,
} from "../../../runtime/src/protocol.js";
import { crashError, describeExit, isHeapOutOfMemory } from "./exit-outcome.js";
import { spawnIsolated, type IsolationOptions, type SpawnedProcess } from "./isolation.js";
import { captureLines } from "./line-capture.js";

export interface NodeSpawnOptions {
  readonly id: string;
  readonly nodeArgs: readonly string[];
  readonly bootstrapPath: string;
  readonly isolation: IsolationOptions;
  /** Environment of the process before it takes on a function (PATH and the channel marker). */
  readonly baseEnv: Record<string, string>;
  readonly cwd: string;
}

interface Pending {
  readonly request: InstanceInvokeRequest;
  readonly logs: string[];
  readonly resolve: (r: InstanceInvokeResult) => void;
  readonly cancelTimer: () => void;
}

type InitReply = { ok: true } | { ok: false; errorType: string; payload: Buffer };

/**
 * A built-in Node.js instance speaking the private frame channel on fd 3. Started code-less (a
 * spare) and given a function with `assign()`.
 */
export class NodeIpcInstance implements Instance {
  readonly id: string;
  #spec: FunctionSpec | undefined;
  readonly #proc: SpawnedProcess;
  readonly #socket: Socket;
  #alive = true;
  #ready: Promise<void>;
  #onReady: (() => void) | undefined;
  #onInit: ((r: InitReply) => void) | undefined;
  #pending: Pending | undefined;
  #fatal: { errorType: string; payload: Buffer } | undefined;
  #timedOut = false;
  #maxMemoryMb = 0;
  readonly initLogs: string[] = [];
  readonly #stderrTail: string[] = [];
  readonly #exited: Promise<void>;

  private constructor(id: string, proc: SpawnedProcess) {
    this.id = id;
    this.#proc = proc;
    this.#socket = proc.child.stdio[3] as Socket;
    const decoder = new FrameDecoder((f) => this.#onFrame(f));
    this.#socket.on("data", (c: Buffer) => decoder.push(c));
    this.#socket.on("error", () => undefined);
    captureLines(proc.child.stdout, (l) => this.#log(l));
    captureLines(proc.child.stderr, (l) => {
      this.#stderrTail.push(l);
      if (this.#stderrTail.length > 20) this.#stderrTail.shift();
      this.#log(l);
    });
    this.#ready = new Promise((resolve) => (this.#onReady = resolve));
    this.#exited = new Promise((resolve) => {
      proc.child.on("exit", (code, signal) => {
        this.#handleExit(code, signal);
        void proc.cleanup().finally(resolve);
      });
    });
  }

  /** Starts a code-less runtime process; resolves once it reports ready. */
  static async spawn(options: NodeSpawnOptions): Promise<NodeIpcInstance> {
    const proc = await spawnIsolated(process.execPath, [...options.nodeArgs, options.bootstrapPath], {
      isolation: options.isolation,
      env: options.baseEnv,
      cwd: options.cwd,
      stdio: ["ignore", "pipe", "pipe", "pipe"],
    });
    const instance = new NodeIpcInstance(options.id, proc);
    await Promise.race([
      instance.#ready,
      instance.#exited.then(() => {
        throw new Error(`runtime process exited before it was ready: ${instance.#stderrTail.join("\n")}`);
      }),
    ]);
    return instance;
  }

  get spec(): FunctionSpec {
    if (!this.#spec) throw new Error("instance has no function yet");
    return this.#spec;
  }

  get alive(): boolean {
    return this.#alive;
  }

  /** Gives this process a function: environment, working directory, handler. */
  assign(spec: FunctionSpec, env: Record<string, string>): Promise<InitReply> {
    this.#spec = spec;
    if (!this.#alive) return Promise.resolve(this.#deadInit());
    const header: InitHeader = { env, taskRoot: spec.codeDir, handler: spec.handler };
    const reply = new Promise<InitReply>((resolve) => (this.#onInit = resolve));
    this.#socket.write(encodeFrame(FrameType.Init, header));
    return reply;
  }

  invoke(request: InstanceInvokeRequest): Promise<InstanceInvokeResult> {
    if (!this.#alive || this.#pending) throw new Error(`instance ${this.id} cannot take an event now`);
    const header: InvokeHeader = {
      requestId: request.requestId,
      deadlineMs: request.deadlineMs,
      invokedFunctionArn: request.invokedFunctionArn,
    };
    if (request.traceId) header.traceId = request.traceId;
    if (request.clientContext) header.clientContext = request.clientContext;
    return new Promise((resolve) => {
      const cancelTimer = setDeadline(request.deadlineMs, () => this.#timeout());
      this.#pending = { request, logs: [], resolve, cancelTimer };
      this.#socket.write(encodeFrame(FrameType.Invoke, header, request.payload));
    });
  }

  async stop(): Promise<void> {
    if (this.#alive) this.#proc.child.kill("SIGKILL");
    await this.#exited;
  }

  #log(line: string): void {
    if (this.#pending) this.#pending.logs.push(line);
    else this.initLogs.push(line);
  }

  #onFrame(f: Frame): void {
    switch (f.type) {
      case FrameType.Ready:
        this.#onReady?.();
        return;
      case FrameType.InitDone:
        this.#resolveInit({ ok: true });
        return;
      case FrameType.InitError: {
        const h = f.header as { errorType: string };
        this.#resolveInit({ ok: false, errorType: h.errorType, payload: Buffer.from(f.body) });
        return;
      }
      case FrameType.Log:
        this.#log(f.body.toString("utf8"));
        return;
      case FrameType.Response:
      case FrameType.Error:
        this.#onResult(f);
        return;
      case FrameType.Fatal: {
        const h = f.header as { errorType: string };
        this.#fatal = { errorType: h.errorType, payload: Buffer.from(f.body) };
        return;
      }
    }
  }

  #resolveInit(reply: InitReply): void {
    const onInit = this.#onInit;
    this.#onInit = undefined;
    onInit?.(reply);
  }

  #onResult(f: Frame): void {
    const h = f.header as ResultHeader;
    const p = this.#pending;
    if (!p || h.requestId !== p.request.requestId) return;
    this.#maxMemoryMb = Math.max(this.#maxMemoryMb, Math.ceil(h.maxRssKb / 1024));
    const kind = f.type === FrameType.Response ? "ok" : "function-error";
    this.#finish({
      kind,
      payload: Buffer.from(f.body),
      errorType: h.errorType,
      logs: p.logs,
      maxMemoryMb: this.#maxMemoryMb,
    });
  }

  #finish(result: InstanceInvokeResult): void {
    const p = this.#pending;
    if (!p) return;
    this.#pending = undefined;
    p.cancelTimer();
    p.resolve(result);
  }

  #timeout(): void {
    const p = this.#pending;
    if (!p) return;
    this.#timedOut = true;
    this.#alive = false;
    this.#proc.child.kill("SIGKILL");
    const timeoutSec = this.#spec?.timeoutSec ?? 0;
    const payload = timeoutBody(p.request.requestId, timeoutSec);
    this.#finish({
      kind: "timeout",
      payload,
      errorType: "Sandbox.Timedout",
      logs: p.logs,
      maxMemoryMb: this.#maxMemoryMb,
    });
  }

  #deadInit(): InitReply {
    const { errorType, payload } = crashError("init", { code: null, signal: "SIGKILL", outOfMemory: false });
    return { ok: false, errorType, payload };
  }

  #handleExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.#alive = false;
    this.#onReady = undefined;
    const outOfMemory = isHeapOutOfMemory(this.#stderrTail);
    if (this.#onInit) {
      const msg = `Runtime exited with error: ${describeExit(code, signal)}`;
      this.#resolveInit({ ok: false, errorType: "Runtime.ExitError", payload: errorBody("Runtime.ExitError", msg) });
    }
    const p = this.#pending;
    if (!p || this.#timedOut) return;
    const crash = this.#fatal ?? crashError(p.request.requestId, { code, signal, outOfMemory });
    this.#finish({ kind: "crashed", ...crash, logs: p.logs, maxMemoryMb: this.#maxMemoryMb });
  }
}

function setDeadline(deadlineMs: number, fn: () => void): () => void {
  const t = setTimeout(fn, Math.max(0, deadlineMs - Date.now()));
  return () => clearTimeout(t);
}
