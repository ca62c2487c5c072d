/**
 * The handler's `callback` and `context`, matching the RIC's CallbackContext.js, InvokeContext.js
 * and BeforeExitListener.js: first completion wins, `callback` waits for an empty event loop unless
 * `context.callbackWaitsForEmptyEventLoop` is false, and `done/succeed/fail` answer at once.
 */
import type { Invocation } from "./channel.js";
import { structuredConsole } from "./log.js";
import { setTraceId } from "./trace-env.js";

// The single 'beforeExit' action lives under the RIC's global symbol: tools that instrument
// Lambda (e.g. the Serverless SDK) look it up there.
const LISTENER = Symbol.for("aws.lambda.beforeExit");
const slot = globalThis as unknown as Record<symbol, () => void>;
const NO_OP = (): void => undefined;

export const beforeExitListener = {
  invoke: (): void => slot[LISTENER]!(),
  reset: (): void => {
    slot[LISTENER] = NO_OP;
  },
  set: (listener: () => void): void => {
    slot[LISTENER] = listener;
  },
};
beforeExitListener.reset();

/** How a completion reaches the platform (bound to one invocation). */
export interface Reporter {
  /** Serializes and sends the result; throws if it cannot be serialized (as the RIC does). */
  postResponse(result: unknown, then: () => void): void;
  postError(error: unknown, then: () => void): void;
}

export type Callback = (err?: unknown, result?: unknown) => void;

export interface CallbackContext {
  callbackWaitsForEmptyEventLoop: boolean;
  succeed: (result?: unknown) => void;
  fail: (err?: unknown) => void;
  done: (err?: unknown, result?: unknown) => void;
}

/**
 * Builds `callback`, the callback part of `context`, and `markCompleted` (used when the default
 * "empty event loop" reply is sent, so a late completion is refused).
 */
export function buildCallbackContext(
  reporter: Reporter,
  scheduleNext: () => void,
): [Callback, CallbackContext, () => void] {
  const postError = (err: unknown, then: () => void): void => {
    structuredConsole.logError("Invoke Error", err);
    reporter.postError(err, then);
  };

  let isCompleteInvoked = false;
  const complete = (result: unknown, then: () => void): void => {
    if (isCompleteInvoked) {
      console.error(
        "Invocation has already been reported as done. Cannot call complete more than once per invocation.",
      );
      return;
    }
    isCompleteInvoked = true;
    reporter.postResponse(result, then);
  };

  let waitForEmptyEventLoop = true;

  const callback: Callback = (err, result) => {
    beforeExitListener.reset();
    if (err !== undefined && err !== null) {
      postError(err, scheduleNext);
    } else if (!waitForEmptyEventLoop) {
      complete(result, scheduleNext);
    } else {
      beforeExitListener.set(() => {
        setImmediate(() => complete(result, scheduleNext));
      });
    }
  };

  const done = (err?: unknown, result?: unknown): void => {
    beforeExitListener.reset();
    if (err !== undefined && err !== null) postError(err, scheduleNext);
    else complete(result, scheduleNext);
  };
  const succeed = (result?: unknown): void => done(null, result);
  const fail = (err?: unknown): void => {
    if (err === undefined || err === null) done("handled");
    else done(err, null);
  };

  // Only the first call of any of them counts. `finished` is set after the call returns, so a
  // call that throws (e.g. an unserializable result) leaves room for the error to be reported.
  let finished = false;
  const once =
    <A extends unknown[]>(fn: (...args: A) => void) =>
    (...args: A): void => {
      if (!finished) {
        fn(...args);
        finished = true;
      }
    };

  const callbackContext: CallbackContext = {
    get callbackWaitsForEmptyEventLoop() {
      return waitForEmptyEventLoop;
    },
    set callbackWaitsForEmptyEventLoop(value: boolean) {
      waitForEmptyEventLoop = value;
    },
    succeed: once(succeed),
    fail: once(fail),
    done: once(done),
  };
  const markCompleted = (): void => {
    isCompleteInvoked = true;
  };
  return [once(callback), callbackContext, markCompleted];
}

function parseJson(text: string | undefined, name: string): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`Cannot parse ${name} as json: ${String(err)}`);
  }
}

/**
 * Adds the environment and invocation data to the callback context, in the RIC's property order
 * (visible in JSON.stringify(context)), and forwards the trace id to _X_AMZN_TRACE_ID.
 * @throws if the client context or identity is not valid JSON (reported as the invocation's error).
 */
export function attachEnvironmentData<T extends object>(callbackContext: T, inv: Invocation): T {
  setTraceId(inv.traceId);

  const deadline = inv.deadlineMs;
  return Object.assign(
    callbackContext,
    {
      functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
      functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
      memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
      logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
      logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    },
    {
      clientContext: parseJson(inv.clientContext, "ClientContext"),
      identity: parseJson(inv.cognitoIdentity, "CognitoIdentity"),
      invokedFunctionArn: inv.invokedFunctionArn,
      awsRequestId: inv.requestId,
      tenantId: undefined,
      getRemainingTimeInMillis: (): number => deadline - Date.now(),
    },
  );
}
