import type { FunctionSpec } from "../../domain/function-spec.js";

/** What the node adds to every function's environment beyond its own variables. */
export interface PlatformEnv {
  /** PATH given to instances. */
  readonly path: string;
  /** Directory of the runtime (LAMBDA_RUNTIME_DIR). */
  readonly runtimeDir: string;
  /** NODE_PATH entries (e.g. where the bundled AWS SDKs live). */
  readonly nodePath?: readonly string[] | undefined;
  /** Extra variables for every instance: AWS_ENDPOINT_URL. */
  readonly extra?: Readonly<Record<string, string>> | undefined;
  /** The credentials of one new instance (its execution role's session key), minted at launch. */
  readonly credentials?: ((spec: FunctionSpec) => Readonly<Record<string, string>>) | undefined;
}

function logStreamName(version: string, hex: string, now: Date): string {
  const d = now.toISOString().slice(0, 10).replaceAll("-", "/");
  return `${d}/[${version}]${hex}`;
}

/**
 * The complete environment of an instance: the function's variables, then the reserved ones
 * (which the function cannot override, as on Lambda).
 */
export function instanceEnv(
  spec: FunctionSpec,
  platform: PlatformEnv,
  ids: { streamHex: string; now: Date; taskRoot?: string | undefined },
): Record<string, string> {
  const env: Record<string, string> = { ...spec.environment, ...platform.extra, ...platform.credentials?.(spec) };
  Object.assign(env, {
    AWS_LAMBDA_FUNCTION_NAME: spec.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: spec.version,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memoryMb),
    AWS_LAMBDA_LOG_GROUP_NAME: spec.logging?.group ?? `/aws/lambda/${spec.functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: logStreamName(spec.version, ids.streamHex, ids.now),
    AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
    AWS_REGION: spec.region,
    AWS_DEFAULT_REGION: spec.region,
    AWS_EXECUTION_ENV: `AWS_Lambda_${spec.runtime}`,
    AWS_XRAY_CONTEXT_MISSING: "LOG_ERROR",
    AWS_XRAY_DAEMON_ADDRESS: "127.0.0.1:2000",
    _HANDLER: spec.handler,
    LAMBDA_TASK_ROOT: ids.taskRoot ?? spec.codeDir,
    LAMBDA_RUNTIME_DIR: platform.runtimeDir,
    LANG: "en_US.UTF-8",
    TZ: "UTC",
    PATH: platform.path,
    TMPDIR: "/tmp",
  });
  // As Lambda sets them for JSON logs: the runtime formats and filters the function's lines.
  if (spec.logging?.format === "JSON") {
    env["AWS_LAMBDA_LOG_FORMAT"] = "JSON";
    env["AWS_LAMBDA_LOG_LEVEL"] = spec.logging.applicationLevel ?? "INFO";
  }
  if (platform.nodePath?.length) env["NODE_PATH"] = platform.nodePath.join(":");
  return env;
}
