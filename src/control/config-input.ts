import { LIMITS, PROVIDED_RUNTIMES, SUPPORTED_RUNTIMES } from "../domain/function-spec.js";
import type { FunctionConfig } from "../ports/store.js";
import { PlatformError } from "../shared/errors.js";
import type { ConfigInput } from "./types.js";
import { validationError, Violations } from "./violations.js";

const ROLE_RE = /^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/;
const ROLE_PATTERN = "arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+";
const HANDLER_RE = /^[^\s]+$/;
// The model says [a-zA-Z]([a-zA-Z0-9_])+, yet single-letter keys are accepted in practice.
const ENV_KEY_RE = /^[a-zA-Z][a-zA-Z0-9_]*$/;
const ENV_LIMIT_BYTES = 4096;
const ARCHITECTURES = ["x86_64", "arm64"];
/** Variables the runtime sets; AWS refuses them in Environment. */
const RESERVED_ENV = new Set([
  "_HANDLER",
  "_X_AMZN_TRACE_ID",
  "AWS_DEFAULT_REGION",
  "AWS_REGION",
  "AWS_EXECUTION_ENV",
  "AWS_LAMBDA_FUNCTION_NAME",
  "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
  "AWS_LAMBDA_FUNCTION_VERSION",
  "AWS_LAMBDA_INITIALIZATION_TYPE",
  "AWS_LAMBDA_LOG_GROUP_NAME",
  "AWS_LAMBDA_LOG_STREAM_NAME",
  "AWS_ACCESS_KEY",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_LAMBDA_RUNTIME_API",
  "LAMBDA_TASK_ROOT",
  "LAMBDA_RUNTIME_DIR",
]);

/** Model constraints (ValidationException), checked before anything else as AWS does. */
export function checkConfigConstraints(input: ConfigInput, v: Violations): void {
  v.pattern(input.Role, "role", ROLE_RE, ROLE_PATTERN);
  v.maxLength(input.Handler, "handler", 128);
  v.pattern(input.Handler, "handler", HANDLER_RE, "[^\\s]+");
  v.maxLength(input.Description, "description", 256);
  v.range(input.Timeout, "timeout", LIMITS.minTimeoutSec, LIMITS.maxTimeoutSec);
  v.range(input.MemorySize, "memorySize", LIMITS.minMemoryMb, LIMITS.maxMemoryMb);
  v.range(input.EphemeralStorage?.Size, "ephemeralStorage.size", 512, 10240);
  v.oneOf(input.TracingConfig?.Mode, "tracingConfig.mode", ["Active", "PassThrough"]);
  v.oneOf(input.LoggingConfig?.LogFormat, "loggingConfig.logFormat", ["JSON", "Text"]);
  const levels = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"];
  v.oneOf(input.LoggingConfig?.ApplicationLogLevel, "loggingConfig.applicationLogLevel", levels);
  v.oneOf(input.LoggingConfig?.SystemLogLevel, "loggingConfig.systemLogLevel", ["DEBUG", "INFO", "WARN"]);
  const badKeys = Object.keys(input.Environment?.Variables ?? {}).filter((k) => !ENV_KEY_RE.test(k));
  if (badKeys.length > 0) {
    v.add(
      `[${badKeys.join(", ")}]`,
      "environment.variables",
      "Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+]",
    );
  }
}

/** Architectures: exactly one of x86_64 and arm64. */
export function checkArchitectures(archs: string[] | undefined, v: Violations): void {
  if (archs === undefined) return;
  const shown = `[${archs.join(", ")}]`;
  if (archs.length < 1) v.add(shown, "architectures", "Member must have length greater than or equal to 1");
  else if (archs.length > 1) v.add(shown, "architectures", "Member must have length less than or equal to 1");
  else if (!ARCHITECTURES.includes(archs[0] as string)) {
    v.add(
      shown,
      "architectures",
      "Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64], Member must not be null]",
    );
  }
}

/** The runtime must be one haneul runs; AWS words this as InvalidParameterValueException. */
export function checkRuntime(runtime: string | undefined): void {
  if (runtime === undefined || SUPPORTED_RUNTIMES.includes(runtime)) return;
  throw new PlatformError(
    "ERR_INVALID_PARAMETER",
    `Value ${runtime} at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: [${SUPPORTED_RUNTIMES.join(", ")}] or be a valid ARN`,
  );
}

/** Zip functions need a runtime, and a handler unless the runtime is an OS-only (provided) one. */
export function checkRuntimeAndHandler(runtime: string | undefined, handler: string | undefined): void {
  const needsHandler = runtime === undefined || !(PROVIDED_RUNTIMES as readonly string[]).includes(runtime);
  if (runtime === undefined || (needsHandler && handler === undefined)) {
    throw new PlatformError(
      "ERR_INVALID_PARAMETER",
      "Runtime and Handler are mandatory parameters for functions created with deployment packages.",
    );
  }
}

/** Environment: no reserved keys, at most 4 KB as compact JSON. */
export function checkEnvironment(vars: Record<string, string> | undefined): void {
  if (!vars) return;
  const reserved = Object.keys(vars).filter((k) => RESERVED_ENV.has(k));
  if (reserved.length > 0) {
    throw new PlatformError(
      "ERR_INVALID_PARAMETER",
      "Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: " +
        reserved.join(", "),
    );
  }
  const measured = JSON.stringify(vars);
  if (Buffer.byteLength(measured) > ENV_LIMIT_BYTES) {
    throw new PlatformError(
      "ERR_INVALID_PARAMETER",
      `Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: ${measured}`,
    );
  }
}

const LAYER_VERSION_ARN = /^arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+$/;
const LAYER_CONSTRAINTS =
  "Member must satisfy constraint: [Member must have length less than or equal to 140, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: (arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+)|(arn:[a-zA-Z0-9-]+:lambda:::awslayer:[a-zA-Z0-9-_]+), Member must not be null]";

/** The form of `Layers` (at most 5 layer version ARNs); that each exists is checked when resolved. */
export function checkLayers(layers: string[] | undefined): void {
  if (layers === undefined || layers.length === 0) return;
  const bad = layers.find((l) => !LAYER_VERSION_ARN.test(l));
  if (bad !== undefined) validationError(`[${layers.join(", ")}]`, "layers", LAYER_CONSTRAINTS);
  if (layers.length > 5) throw new PlatformError("ERR_INVALID_PARAMETER", "Cannot reference more than 5 layers.");
}

/** A dead-letter target must be an SQS queue or SNS topic ARN (Lambda's rule). */
export function checkDeadLetterTarget(arn: string | undefined): void {
  if (!arn) return;
  const service = arn.split(":")[2];
  if (arn.startsWith("arn:") && (service === "sqs" || service === "sns")) return;
  throw new PlatformError("ERR_INVALID_PARAMETER", `The provided target arn ${arn} is invalid.`);
}

/** All configuration checks of a create or update, in AWS's order. */
export function checkConfig(input: ConfigInput, archs?: string[]): void {
  const v = new Violations();
  checkConfigConstraints(input, v);
  checkArchitectures(archs, v);
  v.throwIfAny();
  checkRuntime(input.Runtime);
  checkEnvironment(input.Environment?.Variables);
  checkLayers(input.Layers);
  checkDeadLetterTarget(input.DeadLetterConfig?.TargetArn);
}

/** Applies the fields present in `input` to `base` (Environment.Variables replaced wholesale). */
export function applyConfig(base: FunctionConfig, input: ConfigInput): FunctionConfig {
  const logging = input.LoggingConfig;
  const logFormat = logging?.LogFormat ?? base.logFormat;
  const json = logFormat === "JSON";
  return {
    ...base,
    ...(input.Runtime !== undefined && { runtime: input.Runtime }),
    ...(input.Role !== undefined && { role: input.Role }),
    ...(input.Handler !== undefined && { handler: input.Handler }),
    ...(input.Description !== undefined && { description: input.Description }),
    ...(input.Timeout !== undefined && { timeout: input.Timeout }),
    ...(input.MemorySize !== undefined && { memorySize: input.MemorySize }),
    ...(input.Environment !== undefined && { environment: { ...(input.Environment.Variables ?? {}) } }),
    ...(input.TracingConfig?.Mode !== undefined && { tracingMode: input.TracingConfig.Mode }),
    ...(input.DeadLetterConfig !== undefined && { deadLetterTargetArn: input.DeadLetterConfig.TargetArn || undefined }),
    ...(input.EphemeralStorage?.Size !== undefined && { ephemeralStorageSize: input.EphemeralStorage.Size }),
    logFormat,
    logGroup: logging?.LogGroup ?? base.logGroup,
    // Log levels only exist with JSON logs; switching to JSON defaults them to INFO.
    applicationLogLevel: json ? (logging?.ApplicationLogLevel ?? base.applicationLogLevel ?? "INFO") : undefined,
    systemLogLevel: json ? (logging?.SystemLogLevel ?? base.systemLogLevel ?? "INFO") : undefined,
  };
}

/** The configuration of a new function before its input is applied: AWS's defaults. */
export function defaultConfig(name: string): FunctionConfig {
  return {
    runtime: "",
    role: "",
    description: "",
    timeout: LIMITS.defaultTimeoutSec,
    memorySize: LIMITS.defaultMemoryMb,
    tracingMode: "PassThrough",
    architectures: ["x86_64"],
    ephemeralStorageSize: 512,
    logFormat: "Text",
    logGroup: `/aws/lambda/${name}`,
    codeSha256: "",
    codeSize: 0,
    packageType: "Zip",
  };
}
