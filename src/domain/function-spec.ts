/**
 * What an instance needs to run one version of a function. The control plane builds it from a
 * stored function version; `haneul invoke` builds it from command-line flags.
 */
/** Lambda's advanced logging controls, as a function's instances and its log honour them. */
export interface LoggingSpec {
  readonly format: "Text" | "JSON";
  readonly group: string;
  /** JSON only: the lowest level of the function's own lines (TRACE … FATAL). */
  readonly applicationLevel?: string | undefined;
  /** JSON only: the lowest level of the platform's records (DEBUG, INFO, WARN). */
  readonly systemLevel?: string | undefined;
}

export interface FunctionSpec {
  readonly functionName: string;
  /** Unqualified ARN, `arn:aws:lambda:<region>:<account>:function:<name>`. */
  readonly functionArn: string;
  /** `$LATEST` or a published version number. */
  readonly version: string;
  /** Changes whenever code or configuration of this version changes; instances of an older revision are never reused. */
  readonly revision: string;
  readonly runtime: string;
  readonly handler: string;
  /** Directory holding the extracted code (LAMBDA_TASK_ROOT). */
  readonly codeDir: string;
  /** The function's layers merged in order (shown read-only at /opt), when it has any. */
  readonly optDir?: string | undefined;
  readonly memoryMb: number;
  /** Size of /tmp (EphemeralStorage.Size), MB; 512 when absent. */
  readonly ephemeralStorageMb?: number | undefined;
  readonly timeoutSec: number;
  /** The function's own environment variables. */
  readonly environment: Readonly<Record<string, string>>;
  readonly region: string;
  /** The execution role ARN: instances run with credentials limited to its policies. */
  readonly role?: string | undefined;
  /** Reserved concurrency, or undefined when the function draws on the unreserved pool. */
  readonly reservedConcurrency?: number | undefined;
  /** LoggingConfig, when it differs from Lambda's default (Text to `/aws/lambda/<name>`). */
  readonly logging?: LoggingSpec | undefined;
  /** `haneul dev --inspect`: the Node.js inspector's port on the host's loopback (one instance, no freezing). */
  readonly inspectPort?: number | undefined;
}

/**
 * What fixes an instance's process when it starts, before its code is known: a function about to
 * be deployed, for which a process can be started ahead (`haneul dev`'s first deploy).
 */
export type InstanceShape = Pick<FunctionSpec, "runtime" | "memoryMb" | "ephemeralStorageMb">;

/** Runtimes that run on the built-in Node.js runtime. */
export const NODE_RUNTIMES = ["nodejs18.x", "nodejs20.x", "nodejs22.x", "nodejs24.x"] as const;
/** Runtimes whose code brings its own `bootstrap` and speaks the Runtime API. */
export const PROVIDED_RUNTIMES = ["provided", "provided.al2", "provided.al2023"] as const;
export const SUPPORTED_RUNTIMES: readonly string[] = [...NODE_RUNTIMES, ...PROVIDED_RUNTIMES];

/** True when the runtime is one of the built-in Node.js runtimes. */
export function isNodeRuntime(runtime: string): boolean {
  return (NODE_RUNTIMES as readonly string[]).includes(runtime);
}

/** The Node.js major a built-in Node.js runtime runs on (`nodejs22.x` → 22); undefined for others. */
export function nodeMajorOf(runtime: string): number | undefined {
  const m = /^nodejs(\d+)\.x$/.exec(runtime);
  return m && isNodeRuntime(runtime) ? Number(m[1]) : undefined;
}

/** Lambda's limits on configuration. */
export const LIMITS = {
  minMemoryMb: 128,
  maxMemoryMb: 10240,
  minTimeoutSec: 1,
  maxTimeoutSec: 900,
  defaultMemoryMb: 128,
  defaultTimeoutSec: 3,
  syncPayloadBytes: 6291456,
  asyncPayloadBytes: 1048576,
  syncResponseBytes: 6291456,
  /** A streamed response (InvokeWithResponseStream, RESPONSE_STREAM URLs): Lambda's 200 MB (MiB) maximum. */
  streamedResponseBytes: 209715200,
} as const;

/**
 * The V8 old-space limit for an instance of `memoryMb`, as the AWS Node.js bootstrap derives it:
 * about 90 % of the memory less the young generation.
 */
export function heapLimitMb(memoryMb: number): number {
  const semiSpace = memoryMb >= 512 ? 16 : 8;
  return Math.max(32, Math.floor(memoryMb * 0.9) - semiSpace * 3);
}
