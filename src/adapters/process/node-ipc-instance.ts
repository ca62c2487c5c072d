import type { Socket } from "node:net";
import type { FunctionSpec } from "../../domain/function-spec.js";
import { errorBody } from "../../domain/invocation.js";
import type { Instance, InstanceInvokeRequest, InstanceInvokeResult } from "../../ports/instance-launcher.js";
import type { Clock } from "../../shared/clock.js";
import {
  encodeFrame,
  encodeFrameHead,
  FrameDecoder,
  FrameType,
  type ChunkHeader,
  type Frame,
  type InitHeader,
  type InvokeHeader,
  type ResultHeader,
} from "../../../protocol/frames.js";
import { crashError, describeExit, isHeapOutOfMemory } from "./exit-outcome.js";
import { InvocationSlot, unstartedResult, type ReportedError } from "./invocation-slot.js";
import { spawnIsolated, type IsolationOptions, type SandboxedStart, type SpawnedProcess } from "./isolation.js";
import type { InstanceLimits } from "./sandbox/cgroups.js";
import type { StreamLimits } from "../../domain/stream-pacer.js";
import { peakRssMb } from "./peak-memory.js";
import { watchProcess } from "./process-watch.js";

export interface NodeSpawnOptions {
  readonly id: string;
  /** The Node.js binary to run the bootstrap with. */
  readonly nodeBinary: string;
  readonly nodeArgs: readonly string[];
  readonly bootstrapPath: string;
  readonly isolation: IsolationOptions;
  /** Environment of the process before it takes on a function (PATH and the channel marker). */
  readonly baseEnv: Record<string, string>;
  readonly cwd: string;
  /** The clock of event deadlines (the real one in a node). */
  readonly clock: Clock;
  /** In the sandbox: the code (undefined for a spare), limits and /tmp size. */
  readonly sandboxed?: SandboxedStart | undefined;
  /** The limits of streamed answers (default Lambda's). */
  readonly streamLimits?: StreamLimits | undefined;
}

type InitReply = { ok: true } | { ok: false; errorType: string; payload: Buffer };

/**
 * From this size on, an event's payload goes to the socket as it is, after the frame's head,
 * instead of being copied into one frame buffer: below it, the copy costs less than a second buffer.
 */
const SEPARATE_BODY_BYTES = 64 * 1024;

/**
 * A built-in Node.js instance speaking the private frame channel on fd 3. Started code-less (a
 * spare) and given a function with `assign()`.
 */
export class NodeIpcInstance implements Instance {
  readonly id: string;
  logStreamName: string | undefined;
  readonly takesEventAhead = true;
  #spec: FunctionSpec | undefined;
  readonly #proc: SpawnedProcess;
  readonly #socket: Socket;
  #alive = true;
  #ready: Promise<void>;
  #onReady: (() => void) | undefined;
  #onInit: ((r: InitReply) => void) | undefined;
  readonly #slot: InvocationSlot;
  #fatal: ReportedError | undefined;
  readonly #stderrTail: readonly string[];
  readonly #exited: Promise<void>;
  /** The exit code the runtime announced in its Exit frame (exact, where a sandbox's status is not). */
  #announcedExit: number | undefined;

  private constructor(id: string, proc: SpawnedProcess, options: NodeSpawnOptions) {
    this.id = id;
    this.#proc = proc;
    this.#socket = proc.child.stdio[3] as Socket;
    const decoder = new FrameDecoder((f) => this.#onFrame(f));
    this.#socket.on("data", (c: Buffer) => {
      try {
        decoder.push(c);
      } catch {
        // Not our protocol any more (the function wrote to fd 3): the instance cannot be trusted.
        this.#proc.kill();
      }
    });
    this.#socket.on("error", () => undefined);
    const onDeadline = (): void => {
      this.#alive = false;
      this.#slot.notePeakMemory(peakRssMb(this.#proc.runtimePid()));
      this.#proc.kill();
      // Frames still in the channel tell how far the instance got, even with a stream held back.
      this.#socket.resume();
    };
    this.#slot = new InvocationSlot(options.clock, onDeadline, { streamLimits: options.streamLimits });
    const watched = watchProcess(proc, {
      onLine: (l) => this.#log(l),
      onExit: (code, signal) => this.#handleExit(code, signal),
    });
    this.#stderrTail = watched.stderrTail;
    this.#exited = watched.exited;
    this.#ready = new Promise((resolve) => (this.#onReady = resolve));
  }

  /** Starts a code-less runtime process; resolves once it reports ready. */
  static async spawn(options: NodeSpawnOptions): Promise<NodeIpcInstance> {
    const proc = await spawnIsolated(options.nodeBinary, [...options.nodeArgs, options.bootstrapPath], {
      isolation: options.isolation,
      env: options.baseEnv,
      cwd: options.cwd,
      stdio: ["ignore", "pipe", "pipe", "pipe"],
      sandboxed: options.sandboxed,
    });
    const instance = new NodeIpcInstance(options.id, proc, options);
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

  /**
   * Gives this process a function: its code (mounted at `taskRoot` in the sandbox) and limits,
   * then environment, working directory and handler.
   */
  async assign(
    spec: FunctionSpec,
    init: { env: Record<string, string>; taskRoot: string; limits: InstanceLimits },
  ): Promise<InitReply> {
    this.#spec = spec;
    this.logStreamName = init.env["AWS_LAMBDA_LOG_STREAM_NAME"];
    if (!this.#alive) return this.#deadInit();
    try {
      await this.#proc.assign(spec.codeDir, init.limits);
    } catch (e) {
      const payload = errorBody("Runtime.ExitError", `Runtime exited with error: ${(e as Error).message}`);
      return { ok: false, errorType: "Runtime.ExitError", payload };
    }
    const header: InitHeader = { env: init.env, taskRoot: init.taskRoot, handler: spec.handler };
    const reply = new Promise<InitReply>((resolve) => (this.#onInit = resolve));
    this.#socket.write(encodeFrame(FrameType.Init, header));
    const result = await reply;
    if (result.ok) this.#proc.freezeWhenIdle(() => this.#slot.current === undefined);
    return result;
  }

  invoke(request: InstanceInvokeRequest): Promise<InstanceInvokeResult> {
    if (!this.#alive) return unstartedResult();
    // The frame carries the timeout, not a deadline: an event sent ahead gets all of it from the
    // moment the instance reads it, as the slot's deadline starts when the one before is answered.
    const header: InvokeHeader = {
      requestId: request.requestId,
      timeoutMs: request.timeoutMs,
      invokedFunctionArn: request.invokedFunctionArn,
    };
    if (request.traceId) header.traceId = request.traceId;
    if (request.clientContext) header.clientContext = request.clientContext;
    const result = this.#slot.start(request);
    this.#proc.beforeEvent();
    const payload = request.payload;
    if (payload.length < SEPARATE_BODY_BYTES) this.#socket.write(encodeFrame(FrameType.Invoke, header, payload));
    else {
      this.#socket.cork();
      this.#socket.write(encodeFrameHead(FrameType.Invoke, header, payload.length));
      this.#socket.write(payload);
      this.#socket.uncork();
    }
    return result;
  }

  async stop(): Promise<void> {
    if (this.#alive) this.#proc.kill();
    await this.#exited;
  }

  #log(line: string): void {
    this.#slot.log(line);
  }

  /** The lines written since the last invocation ended (after assign(): init's). */
  takeHeldLogs(): string[] {
    return this.#slot.takeHeld();
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
        this.#resolveInit({ ok: false, errorType: h.errorType, payload: f.body });
        return;
      }
      case FrameType.Log:
        this.#log(f.body.toString("utf8"));
        return;
      case FrameType.Response:
      case FrameType.Error:
        this.#onResult(f);
        return;
      case FrameType.Chunk: {
        const h = f.header as ChunkHeader;
        const wait = this.#slot.chunk(h.requestId, f.body, h.contentType);
        if (wait) this.#holdChannel(wait);
        return;
      }
      case FrameType.Fatal: {
        const h = f.header as { errorType: string; maxRssKb?: number };
        this.#fatal = { errorType: h.errorType, payload: f.body };
        if (h.maxRssKb !== undefined) this.#notePeakKb(h.maxRssKb);
        return;
      }
      case FrameType.Exit: {
        const h = f.header as { maxRssKb: number; exitCode?: number };
        this.#notePeakKb(h.maxRssKb);
        this.#announcedExit = h.exitCode;
        return;
      }
    }
  }

  /**
   * Reads nothing more from the channel until `wait` resolves: once the socket's buffer is full the
   * runtime's write blocks, and the handler with it (its memory stays bounded, awaiting 'drain' or not).
   */
  #holdChannel(wait: Promise<void>): void {
    this.#socket.pause();
    void wait.then(() => this.#socket.resume());
  }

  #resolveInit(reply: InitReply): void {
    const onInit = this.#onInit;
    this.#onInit = undefined;
    onInit?.(reply);
  }

  #onResult(f: Frame): void {
    const h = f.header as ResultHeader;
    this.#notePeakKb(h.maxRssKb);
    const kind = f.type === FrameType.Response ? "ok" : "function-error";
    // The body is the decoder's to give away (it never reuses it): no copy.
    const outcome = { kind, payload: f.body, errorType: h.errorType, durationMs: h.durationMs } as const;
    this.#slot.answer(h.requestId, outcome);
  }

  /** The runtime measures its peak RSS in KiB; reports use MiB. */
  #notePeakKb(kb: number): void {
    this.#slot.notePeakMemory(Math.ceil(kb / 1024));
  }

  #deadInit(): InitReply {
    const { errorType, payload } = crashError("init", { code: null, signal: "SIGKILL", outOfMemory: false });
    return { ok: false, errorType, payload };
  }

  #handleExit(status: number | null, how: NodeJS.Signals | null): void {
    this.#alive = false;
    this.#socket.resume();
    this.#onReady = undefined;
    const { code, signal } =
      this.#announcedExit === undefined ? this.#proc.exitOf(status, how) : { code: this.#announcedExit, signal: null };
    const outOfMemory = isHeapOutOfMemory(this.#stderrTail) || this.#proc.outOfMemory();
    if (this.#onInit) {
      const msg = `Runtime exited with error: ${describeExit(code, signal)}`;
      this.#resolveInit({ ok: false, errorType: "Runtime.ExitError", payload: errorBody("Runtime.ExitError", msg) });
    }
    // Lambda reports the whole memory size as used when a function runs out of it.
    if (outOfMemory && this.#spec) this.#slot.notePeakMemory(this.#spec.memoryMb);
    this.#slot.crash({ code, signal, outOfMemory }, this.#fatal);
  }
}
