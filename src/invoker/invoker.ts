import { pickAliasVersion, qualifierKind } from "../domain/alias-routing.js";
import { LIMITS, type FunctionSpec } from "../domain/function-spec.js";
import { type InvocationRecord, type InvokeOutcome, type InvokeResult } from "../domain/invocation.js";
import { billedDuration } from "../domain/log-lines.js";
import type { ConcurrencySlots } from "../ports/concurrency.js";
import type { FunctionCatalog } from "../ports/function-catalog.js";
import type { Instance, InstanceInvokeResult } from "../ports/instance-launcher.js";
import type { Clock } from "../shared/clock.js";
import { PlatformError } from "../shared/errors.js";
import type { IdSource } from "../shared/ids.js";
import type { RandomSource } from "../shared/random.js";
import { ConcurrencyLimiter } from "./concurrency.js";
import type { InstancePool } from "./instance-pool.js";
import type { InvokeOptions, InvokeService, InvokeTarget } from "../ports/invoke-service.js";

export interface InvokerOptions {
  readonly catalog: FunctionCatalog;
  readonly pool: InstancePool;
  /** The platform clock: the time records are stamped with. Deadlines are the instances' (real time). */
  readonly clock: Clock;
  readonly ids: IdSource;
  /** Account-wide concurrent executions (AWS default 1000). */
  readonly accountConcurrency: number;
  /** Where slots are taken; default: counted on this node alone (a ConcurrencyLimiter). */
  readonly slots?: ConcurrencySlots | undefined;
  /** Random numbers in [0, 1) for alias weights. */
  readonly random?: RandomSource | undefined;
  /**
   * Receives one record per call, as it is made: raw fields, nothing formatted. Keep it cheap (a
   * telemetry sink queues it and hands it on off the request's path).
   */
  readonly onRecord?: ((record: InvocationRecord) => void) | undefined;
}

interface Resolved {
  readonly spec: FunctionSpec;
  readonly invokedArn: string;
}

const NO_LINES: readonly string[] = Object.freeze([]);

/** How often an event is tried again after waiting on an instance that died before it began. */
const MAX_UNSTARTED_ATTEMPTS = 3;

const TOO_LARGE = Buffer.from(
  JSON.stringify({
    errorMessage: `Response payload size exceeded maximum allowed payload size (${LIMITS.syncResponseBytes + 100} bytes).`,
    errorType: "Function.ResponseSizeTooLarge",
  }),
);

/** Runs events on instances with Lambda's semantics. See InvokeService. */
export class Invoker implements InvokeService {
  readonly #o: InvokerOptions;
  readonly #limiter: ConcurrencySlots;
  readonly #random: RandomSource;
  /** Calls in flight per function on this node (the records' concurrentExecutions). */
  readonly #running = new Map<string, number>();

  constructor(options: InvokerOptions) {
    this.#o = options;
    this.#limiter = options.slots ?? new ConcurrencyLimiter(options.accountConcurrency);
    this.#random = options.random ?? Math.random;
  }

  /** Executions in flight on this node. */
  get inFlight(): number {
    return this.#limiter.inFlight;
  }

  async invoke(target: InvokeTarget, payload: Buffer, options: InvokeOptions = {}): Promise<InvokeResult> {
    const { spec, invokedArn } = this.#resolve(target);
    const requestId = options.requestId ?? this.#o.ids.requestId();
    const startedAt = this.#o.clock.now();
    const reserved = spec.reservedConcurrency;
    const taken = this.#limiter.tryAcquire(spec.functionName, reserved, this.#o.catalog.reservedTotal());
    // Awaited only when the slot needs a round trip (a cluster node short of slots).
    const throttle = typeof taken === "object" ? await taken : taken;
    if (throttle) {
      const outcome: InvokeOutcome = { kind: "throttled", reason: throttle };
      return { outcome, record: this.#record({ spec, invokedArn, requestId, startedAt, options }, { outcome }) };
    }
    const name = spec.functionName;
    this.#running.set(name, (this.#running.get(name) ?? 0) + 1);
    try {
      return await this.#run({ spec, invokedArn, requestId, startedAt, payload, options });
    } finally {
      this.#limiter.release(name, reserved);
      const left = (this.#running.get(name) ?? 1) - 1;
      if (left > 0) this.#running.set(name, left);
      else this.#running.delete(name);
    }
  }

  async #run(c: {
    spec: FunctionSpec;
    invokedArn: string;
    requestId: string;
    startedAt: number;
    payload: Buffer;
    options: InvokeOptions;
  }): Promise<InvokeResult> {
    const { spec } = c;
    let initDurationMs: number | undefined;
    let initLines: readonly string[] = NO_LINES;
    let result: InstanceInvokeResult;
    let instance: Instance | undefined;
    c.options.responseStream?.start(spec.version);
    for (let attempt = 1; ; attempt++) {
      const acquired = await this.#o.pool.acquire(spec);
      if (acquired.cold) {
        const launch = acquired.launch;
        initDurationMs = launch.initDurationMs;
        initLines = launch.initLogs;
        if (!launch.ok) {
          const outcome: InvokeOutcome = { kind: "init-error", payload: launch.payload, errorType: launch.errorType };
          return { outcome, record: this.#record(c, { outcome, initLines, initDurationMs }) };
        }
      } else if (acquired.initLogs !== undefined) initLines = acquired.initLogs;
      instance = acquired.cold ? (acquired.launch.ok ? acquired.launch.instance : undefined) : acquired.instance;
      if (!instance) throw new Error("unreachable: launch failed");
      result = await this.#runOn(instance, c);
      if (result.kind === "ok" || result.kind === "function-error") this.#o.pool.release(instance, result.durationMs);
      else this.#o.pool.discard(instance);
      // An event that waited behind another on an instance that died never began: run it elsewhere.
      if (result.kind !== "unstarted" || this.#o.pool.closed || attempt >= MAX_UNSTARTED_ATTEMPTS) break;
    }
    const outcome = toOutcome(result);
    const record = this.#record(c, {
      outcome,
      initLines,
      lines: result.logs,
      initDurationMs,
      durationMs: result.durationMs,
      maxMemoryMb: result.maxMemoryMb,
      instanceId: instance.id,
      logStreamName: instance.logStreamName,
      droppedLines: result.droppedLines,
    });
    return { outcome, record };
  }

  /** Hands the event to `instance`, which owns its deadline from the moment it takes it. */
  #runOn(
    instance: Instance,
    c: { requestId: string; spec: FunctionSpec; invokedArn: string; payload: Buffer; options: InvokeOptions },
  ): Promise<InstanceInvokeResult> {
    return instance.invoke({
      requestId: c.requestId,
      payload: c.payload,
      timeoutMs: c.spec.timeoutSec * 1000,
      invokedFunctionArn: c.invokedArn,
      traceId: c.options.traceId,
      clientContext: c.options.clientContext,
      responseStream: c.options.responseStream,
    });
  }

  #resolve(target: InvokeTarget): Resolved {
    const { functionName, qualifier } = target;
    const catalog = this.#o.catalog;
    const kind = qualifierKind(qualifier);
    let version = "$LATEST";
    if (kind === "version") version = qualifier as string;
    else if (kind === "alias") {
      const routing = catalog.alias(functionName, qualifier as string);
      if (!routing) throw notFound(catalog, functionName, qualifier);
      version = pickAliasVersion(routing, this.#random());
    }
    const spec = catalog.version(functionName, version);
    if (!spec) throw notFound(catalog, functionName, qualifier);
    const invokedArn = qualifier ? `${spec.functionArn}:${qualifier}` : spec.functionArn;
    return { spec, invokedArn };
  }

  // Two arguments rather than one spread object: spreading into a literal with more properties is
  // a slow path in V8 (microseconds per call), and this runs once per invocation.
  // Nothing is formatted here: the record carries the lines as they came (see invocationLogLines).
  #record(
    c: {
      readonly spec: FunctionSpec;
      readonly invokedArn: string;
      readonly requestId: string;
      readonly startedAt: number;
      readonly options: InvokeOptions;
    },
    r: {
      outcome: InvokeOutcome;
      initLines?: readonly string[];
      lines?: readonly string[];
      initDurationMs?: number | undefined;
      durationMs?: number;
      maxMemoryMb?: number;
      instanceId?: string;
      logStreamName?: string | undefined;
      droppedLines?: number | undefined;
    },
  ): InvocationRecord {
    const durationMs = r.durationMs ?? 0;
    const billed = r.outcome.kind === "throttled" ? 0 : billedDuration(durationMs);
    const maxMemoryUsedMb = r.maxMemoryMb ?? 0;
    const record: InvocationRecord = {
      requestId: c.requestId,
      functionName: c.spec.functionName,
      functionArn: c.spec.functionArn,
      invokedArn: c.invokedArn,
      executedVersion: c.spec.version,
      concurrentExecutions: this.#running.get(c.spec.functionName) ?? 0,
      outcome: r.outcome.kind,
      errorType: "errorType" in r.outcome ? r.outcome.errorType : undefined,
      startedAt: c.startedAt,
      durationMs,
      billedDurationMs: billed,
      initDurationMs: r.initDurationMs,
      memorySizeMb: c.spec.memoryMb,
      maxMemoryUsedMb,
      traceId: c.options.traceId,
      instanceId: r.instanceId,
      logStreamName: r.logStreamName,
      timeoutSec: c.spec.timeoutSec,
      logging: c.spec.logging,
      initLines: r.initLines ?? NO_LINES,
      lines: r.lines ?? NO_LINES,
      droppedLines: r.droppedLines || undefined,
    };
    this.#o.onRecord?.(record);
    return record;
  }
}

function toOutcome(result: InstanceInvokeResult): InvokeOutcome {
  switch (result.kind) {
    case "ok":
      if (result.payload.length > LIMITS.syncResponseBytes) {
        return { kind: "function-error", payload: TOO_LARGE, errorType: "Function.ResponseSizeTooLarge" };
      }
      return { kind: "ok", payload: result.payload };
    case "function-error":
      return { kind: "function-error", payload: result.payload, errorType: result.errorType ?? "Unhandled" };
    case "timeout":
      return { kind: "timeout", payload: result.payload, errorType: "Sandbox.Timedout" };
    case "crashed":
    case "unstarted":
      return { kind: "crashed", payload: result.payload, errorType: result.errorType ?? "Runtime.ExitError" };
  }
}

function notFound(catalog: FunctionCatalog, functionName: string, qualifier: string | undefined): PlatformError {
  const base = catalog.version(functionName, "$LATEST")?.functionArn ?? functionName;
  const arn = qualifier ? `${base}:${qualifier}` : base;
  return new PlatformError("ERR_FUNCTION_NOT_FOUND", `Function not found: ${arn}`);
}
