/**
 * Error types and error serialization, matching the AWS Lambda Node.js runtime interface client
 * (RIC, src/Errors.js) so that error payloads and log lines read exactly like on Lambda.
 */
import { types } from "node:util";

/** What the Runtime API's /error endpoints receive (the Node RIC sends `trace`, not `stackTrace`). */
export interface RapidError {
  errorType: string;
  errorMessage: string;
  trace?: string[];
}

// The RIC names its classes plainly and puts the `Runtime.` name on the prototype, so the stack's
// first line reads `Runtime.X: message` while `constructor.name` (used by JSON logs) stays `X`.
export class ImportModuleError extends Error {
  constructor(cause: unknown) {
    super(String(cause));
  }
}
export class HandlerNotFound extends Error {}
export class MalformedHandlerName extends Error {}
export class UserCodeSyntaxError extends Error {
  constructor(cause: unknown) {
    super(String(cause));
  }
}
export class CallbackHandlerDeprecated extends Error {}
export class JSONStringifyError extends Error {}

/** Reported when the event loop drains while an async handler's promise is still pending. */
export class NodeJsExit extends Error {
  constructor() {
    super(
      "The Lambda runtime client detected an unexpected Node.js exit code. This is most commonly caused by a Promise that was never settled. For more information, see https://nodejs.org/docs/latest/api/process.html#exit-codes",
    );
  }
}

export class UnhandledPromiseRejection extends Error {
  // Own enumerable fields on purpose: the RIC's log line shows them ("reason", "promise").
  reason: unknown;
  promise: unknown;
  constructor(reason: unknown, promise: unknown) {
    super(safeString(reason));
    this.reason = reason;
    this.promise = promise;
  }
}

for (const [cls, name] of [
  [ImportModuleError, "Runtime.ImportModuleError"],
  [HandlerNotFound, "Runtime.HandlerNotFound"],
  [MalformedHandlerName, "Runtime.MalformedHandlerName"],
  [UserCodeSyntaxError, "Runtime.UserCodeSyntaxError"],
  [CallbackHandlerDeprecated, "Runtime.CallbackHandlerDeprecated"],
  [JSONStringifyError, "Runtime.JSONStringifyError"],
  [NodeJsExit, "Runtime.NodeJsExit"],
  [UnhandledPromiseRejection, "Runtime.UnhandledPromiseRejection"],
] as const) {
  cls.prototype.name = name;
}

/** String(x) without throwing (Error(reason) would throw for a Symbol, for example). */
function safeString(x: unknown): string {
  try {
    // Deliberately the default conversion: it is what Error(x) would do with x.
    // eslint-disable-next-line @typescript-eslint/no-base-to-string
    return x === undefined ? "" : String(x);
  } catch {
    return Object.prototype.toString.call(x);
  }
}

interface ErrorLike {
  name: string;
  message: string;
  stack: string;
}

/** The RIC's duck-typing: errors from other realms or hand-made error objects count too. */
function isErrorLike(x: unknown): x is ErrorLike {
  if (!x || typeof x !== "object") return false;
  const o = x as Record<string, unknown>;
  return (
    !!o.name &&
    !!o.message &&
    !!o.stack &&
    typeof o.name === "string" &&
    typeof o.message === "string" &&
    typeof o.stack === "string"
  );
}

/** RIC `toRapidResponse`: the error body posted to /invocation/{id}/error and /init/error. */
export function toRapidResponse(error: unknown): RapidError {
  try {
    if (types.isNativeError(error) || isErrorLike(error)) {
      const e = error as ErrorLike;
      return { errorType: e.name, errorMessage: e.message, trace: e.stack.split("\n") };
    }
    return { errorType: typeof error, errorMessage: (error as { toString(): string }).toString(), trace: [] };
  } catch {
    return {
      errorType: "handled",
      errorMessage:
        "callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack",
    };
  }
}

/** RIC `intoError`: log lines always describe an Error, even for `callback("text")`. */
export function intoError(err: unknown): Error {
  return err instanceof Error ? err : new Error(safeString(err));
}

/** Error name, message, code and stack are not enumerable; the RIC's log format spells them out. */
function withEnumerableProperties(value: unknown): unknown {
  if (!(value instanceof Error)) return value;
  const ret: Record<string, unknown> = Object.assign(
    { errorType: value.name, errorMessage: value.message, code: (value as { code?: unknown }).code } as Record<
      string,
      unknown
    >,
    value,
  );
  if (typeof value.stack === "string") ret.stack = value.stack.split("\n");
  return ret;
}

/** RIC `toFormatted`: the tab-prefixed JSON that follows "Invoke Error" in text logs. */
export function toFormatted(error: unknown): string {
  try {
    return "\t" + JSON.stringify(error, (_k, v: unknown) => withEnumerableProperties(v));
  } catch {
    return "\t" + JSON.stringify(toRapidResponse(error));
  }
}
