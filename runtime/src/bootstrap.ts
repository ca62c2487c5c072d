/**
 * Entry point of a function instance: `node [--max-old-space-size=N] dist/runtime/src/bootstrap.js`.
 *
 * Transport, chosen at start:
 * - HANEUL_RUNTIME_CHANNEL=fd3: the private frame channel on fd 3. The process starts as a code-less
 *   spare, says Ready, and takes its environment, directory and handler from an Init frame.
 * - otherwise AWS_LAMBDA_RUNTIME_API: the Lambda Runtime API, exactly like the AWS RIC; the
 *   environment (_HANDLER, LAMBDA_TASK_ROOT, ...) is already the function's.
 *
 * Process-level handlers follow the RIC's index.mjs: uncaught exception → exit 129, unhandled
 * rejection → exit 128, both reported first.
 */
import nodeModule from "node:module";
import type { Channel } from "./channel.js";
import { beforeExitListener } from "./context.js";
import { CallbackHandlerDeprecated, toRapidResponse, UnhandledPromiseRejection } from "./errors.js";
import { HttpChannel } from "./http-channel.js";
import { IpcChannel } from "./ipc-channel.js";
import { isAsyncFunction, loadHandler, type UserHandler } from "./loader.js";
import { patchConsole, structuredConsole } from "./log.js";
import { installAwsLambdaGlobal, isStreamingHandler } from "./response-stream.js";
import { Runtime, type ErrorCallbacks } from "./runtime.js";
import { pointSdkV2AtEndpoint } from "./sdk-endpoint.js";
import { installTraceEnv } from "./trace-env.js";

const CALLBACK_ERROR_NODEJS24_ABOVE =
  "ERROR: AWS Lambda has removed support for callback-based function handlers starting with Node.js 24. You need to modify this function to use a supported handler signature to use Node.js 24 or later. For more information see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html.";
const CALLBACK_WARNING =
  "AWS Lambda plans to remove support for callback-based function handlers starting with Node.js 24. You will need to update this function to use an async handler to use Node.js 24 or later. For more information and to provide feedback on this change, see https://github.com/aws/aws-lambda-nodejs-runtime-interface-client/issues/137. To disable this warning, set the AWS_LAMBDA_NODEJS_DISABLE_CALLBACK_WARNING environment variable.";

/** Node.js 24 and later runtimes use the rewritten RIC (no callbacks). */
function isModernRuntime(): boolean {
  const m = /^AWS_Lambda_nodejs(\d+)\.x$/.exec(process.env.AWS_EXECUTION_ENV ?? "");
  return !!m && Number(m[1]) >= 24;
}

/** Makes the process's environment exactly `env` (nothing of the spare's own survives). */
function replaceEnv(env: Record<string, string>): void {
  for (const key of Object.keys(process.env)) delete process.env[key];
  Object.assign(process.env, env);
  // NODE_PATH is read once at start-up; re-read it so layer paths (/opt/nodejs/...) resolve.
  (nodeModule as unknown as { _initPaths?: () => void })._initPaths?.();
  // NODE_OPTIONS is read at start-up too, before the function's environment is known; the flag
  // Lambda users set in it for bundled code (as `sam build` does for esbuild's Sourcemap) is applied here.
  if (/(^|\s)--enable-source-maps(\s|$)/.test(env.NODE_OPTIONS ?? "")) process.setSourceMapsEnabled(true);
}

// Until the first invocation, failures are init failures (as in the RIC, whose error callbacks
// are replaced per invocation by the Runtime).
let channel: Channel | undefined;
let initDone = false;
const errorCallbacks: ErrorCallbacks = {
  uncaughtException: (error) => initPhaseFailure(error, 129),
  unhandledRejection: (error) => initPhaseFailure(error, 128),
};

function initPhaseFailure(error: unknown, exitCode: number): void {
  if (!channel) process.exit(exitCode);
  if (initDone) channel.fatal(toRapidResponse(error), exitCode, undefined, false);
  else channel.initError(toRapidResponse(error), () => process.exit(exitCode));
}

process.on("uncaughtException", (error) => {
  structuredConsole.logError("Uncaught Exception", error);
  errorCallbacks.uncaughtException(error);
});
process.on("unhandledRejection", (reason, promise) => {
  const error = new UnhandledPromiseRejection(reason, promise);
  structuredConsole.logError("Unhandled Promise Rejection", error);
  errorCallbacks.unhandledRejection(error);
});
// Writes to stdout and stderr block, as they do on Lambda: a function that prints faster than the
// node reads waits for it instead of queueing without bound in its own memory (where one huge
// vectored write can fail with ENOBUFS and crash the function). The node drops past its rate.
for (const stream of [process.stdout, process.stderr]) {
  (stream as unknown as { _handle?: { setBlocking?: (on: boolean) => number } })._handle?.setBlocking?.(true);
}

beforeExitListener.reset();
process.on("beforeExit", () => beforeExitListener.invoke());

/** Picks the transport and returns it with the task root and handler string. */
async function connect(): Promise<{ channel: Channel; taskRoot: string; handler: string; ipc: boolean }> {
  if (process.env.HANEUL_RUNTIME_CHANNEL === "fd3") {
    const ipc = new IpcChannel();
    patchConsole((entry) => ipc.log(entry));
    const init = await ipc.waitForInit();
    replaceEnv(init.env);
    process.chdir(init.taskRoot);
    // Again, now that AWS_LAMBDA_LOG_FORMAT / AWS_LAMBDA_LOG_LEVEL are the function's.
    patchConsole((entry) => ipc.log(entry));
    return { channel: ipc, taskRoot: init.taskRoot, handler: init.handler, ipc: true };
  }
  const api = process.env.AWS_LAMBDA_RUNTIME_API;
  if (!api) {
    process.stderr.write("haneul runtime: neither HANEUL_RUNTIME_CHANNEL=fd3 nor AWS_LAMBDA_RUNTIME_API is set\n");
    process.exit(1);
  }
  const http = new HttpChannel(api);
  patchConsole((entry) => http.log(entry));
  return {
    channel: http,
    taskRoot: process.env.LAMBDA_TASK_ROOT ?? process.cwd(),
    handler: process.env._HANDLER ?? "",
    ipc: false,
  };
}

async function main(): Promise<void> {
  const conn = await connect();
  channel = conn.channel;
  const modern = isModernRuntime();
  // Before any user code runs, so that whatever it keeps of process.env is the final object.
  installTraceEnv();

  pointSdkV2AtEndpoint();
  // User modules call awslambda.streamifyResponse as they load.
  installAwsLambdaGlobal();
  let handler: UserHandler;
  try {
    handler = await loadHandler(conn.taskRoot, conn.handler);
    // A streaming handler's third parameter is its context, not a callback.
    if (modern && handler.length >= 3 && !isStreamingHandler(handler))
      throw new CallbackHandlerDeprecated(CALLBACK_ERROR_NODEJS24_ABOVE);
  } catch (err) {
    // The RIC of Node.js ≤ 22 lets the load error escape as an uncaught exception (log line
    // "Uncaught Exception", exit 129 after /init/error); the Node.js 24 RIC logs "Init Error".
    structuredConsole.logError(modern ? "Init Error" : "Uncaught Exception", err);
    // Over fd 3 the process stays up after InitError: the node ends it.
    channel.initError(toRapidResponse(err), () => (conn.ipc ? undefined : process.exit(129)));
    initDone = true;
    return;
  }

  if (
    !modern &&
    handler.length === 3 &&
    !isAsyncFunction(handler) &&
    !isStreamingHandler(handler) &&
    process.env.AWS_LAMBDA_NODEJS_DISABLE_CALLBACK_WARNING === undefined
  ) {
    console.warn(CALLBACK_WARNING);
  }

  initDone = true;
  channel.initDone();
  new Runtime({ channel, handler, isAsync: isAsyncFunction(handler), modern, errorCallbacks }).scheduleIteration();
}

// Awaited at the top level on purpose: if loading the user's module never settles and nothing else
// is left to run, Node.js exits with code 13 ("unsettled top-level await"), as the RIC does.
await main();
