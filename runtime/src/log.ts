/**
 * Console patching, matching the RIC's LogPatch.js: every console call becomes one log entry
 * `<ISO time>\t<requestId>\t<LEVEL>\t<message>` (or a JSON object when AWS_LAMBDA_LOG_FORMAT=JSON),
 * handed to a sink chosen by the transport (a Log frame, or a stdout line).
 */
import { format } from "node:util";
import { intoError, toFormatted } from "./errors.js";

/** Receives one complete entry, without a trailing newline. */
export type LogSink = (entry: string) => void;

interface Level {
  readonly name: string;
  readonly priority: number;
}

const LEVELS: Record<string, Level> = {
  TRACE: { name: "TRACE", priority: 1 },
  DEBUG: { name: "DEBUG", priority: 2 },
  INFO: { name: "INFO", priority: 3 },
  WARN: { name: "WARN", priority: 4 },
  ERROR: { name: "ERROR", priority: 5 },
  FATAL: { name: "FATAL", priority: 6 },
};

// Same global symbol as the RIC: some libraries read the current request id from it.
const REQUEST_ID = Symbol.for("aws.lambda.runtime.requestId");
const store = globalThis as unknown as Record<symbol, string | undefined>;

/** Like the RIC, the id is not cleared after an invocation: later stray logs carry the last id. */
export function setCurrentRequestId(id: string): void {
  store[REQUEST_ID] = id;
}

function currentRequestId(): string | undefined {
  return store[REQUEST_ID];
}

/** Error objects in JSON logs carry their type, message and stack (RIC's jsonErrorReplacer). */
function jsonErrorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    return Object.assign(
      {
        errorType: (value.constructor as { name?: string } | undefined)?.name ?? "UnknownError",
        errorMessage: value.message,
        stackTrace: typeof value.stack === "string" ? value.stack.split("\n") : value.stack,
      },
      value,
    );
  }
  return value;
}

function formatJson(requestId: string | undefined, timestamp: string, level: Level, params: unknown[]): string {
  const result: Record<string, unknown> = { timestamp, level: level.name, requestId };
  if (params.length === 1) {
    result.message = params[0];
    try {
      return JSON.stringify(result, jsonErrorReplacer);
    } catch {
      result.message = format(result.message);
      return JSON.stringify(result);
    }
  }
  result.message = format(...params);
  for (const param of params) {
    if (param instanceof Error) {
      result.errorType = (param.constructor as { name?: string } | undefined)?.name ?? "UnknownError";
      result.errorMessage = param.message;
      result.stackTrace = typeof param.stack === "string" ? param.stack.split("\n") : [];
      break;
    }
  }
  return JSON.stringify(result);
}

let logErrorImpl: (message: string, err: unknown) => void = (message, err) => {
  console.error(message, toFormatted(intoError(err)));
};

/** How the runtime reports failures ("Invoke Error", "Uncaught Exception", ...), like the RIC. */
export const structuredConsole = {
  logError(message: string, err: unknown): void {
    logErrorImpl(message, err);
  },
};

/**
 * Replaces console methods. Reads AWS_LAMBDA_LOG_FORMAT and AWS_LAMBDA_LOG_LEVEL now, so call it
 * once the function's environment is in place.
 */
export function patchConsole(sink: LogSink): void {
  const json = process.env.AWS_LAMBDA_LOG_FORMAT?.toUpperCase() === "JSON";
  const minLevel = LEVELS[process.env.AWS_LAMBDA_LOG_LEVEL?.toUpperCase() ?? ""] ?? LEVELS.TRACE!;

  // The RIC formats `(message, ...params)`, so a bare console.log() logs "undefined".
  const emit = (level: Level, params: unknown[]): void => {
    const time = new Date().toISOString();
    const requestId = currentRequestId();
    sink(
      json ? formatJson(requestId, time, level, params) : `${time}\t${requestId}\t${level.name}\t${format(...params)}`,
    );
  };
  const nop = (): void => undefined;
  const method = (level: Level) =>
    level.priority >= minLevel.priority
      ? (message?: unknown, ...params: unknown[]): void => emit(level, [message, ...params])
      : nop;

  const c = console as unknown as Record<string, unknown>;
  c.trace = method(LEVELS.TRACE!);
  c.debug = method(LEVELS.DEBUG!);
  c.info = method(LEVELS.INFO!);
  c.log = c.info;
  c.warn = method(LEVELS.WARN!);
  c.error = method(LEVELS.ERROR!);
  c.fatal = (message?: unknown, ...params: unknown[]): void => emit(LEVELS.FATAL!, [message, ...params]);

  // Both go through console.error, as in the RIC (so the log level applies to them too).
  logErrorImpl = json
    ? (_message, err) => console.error(intoError(err))
    : (message, err) => console.error(message, toFormatted(intoError(err)));
}
