import { readFile } from "node:fs/promises";
import { INVOKE_USAGE, parseInvokeOptions, type InvokeCommandOptions } from "../config/invoke-options.js";
import type { FunctionSpec } from "../domain/function-spec.js";
import type { InvokeResult } from "../domain/invocation.js";
import { invocationLogLines } from "../domain/log-lines.js";
import { isPlatformError } from "../shared/errors.js";
import type { CliDeps } from "./deps.js";
import { runTemplateInvoke } from "./template-invoke.js";

async function readEvent(source: string | undefined): Promise<Buffer> {
  if (source === undefined) return Buffer.from("{}");
  if (source === "-") {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin as AsyncIterable<Buffer>) chunks.push(c);
    return Buffer.concat(chunks);
  }
  try {
    return await readFile(source);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : (e as Error).message;
    throw new BadInput(`--event: ${why}: ${source}`);
  }
}

/** Input the user must correct: one line on stderr, exit status 2. */
class BadInput extends Error {}

function specFrom(o: InvokeCommandOptions): FunctionSpec {
  return {
    functionName: o.functionName,
    functionArn: `arn:aws:lambda:${o.region}:000000000000:function:${o.functionName}`,
    version: "$LATEST",
    revision: "cli",
    runtime: o.runtime,
    handler: o.handler,
    // A package is extracted by invokeOnce, which gives the spec its directory then.
    codeDir: o.code.path,
    memoryMb: o.memoryMb,
    timeoutSec: o.timeoutSec,
    environment: o.environment,
    region: o.region,
  };
}

/** `haneul invoke`: one invocation; result on stdout, logs on stderr, exit 1 on a function error. */
export async function runInvokeCommand(args: string[], deps: CliDeps): Promise<number> {
  // `haneul invoke <LogicalId> …`: a function of a template rather than a code directory.
  if (args[0] !== undefined && !args[0].startsWith("-")) return runTemplateInvoke(args, deps);
  let options: InvokeCommandOptions;
  try {
    options = parseInvokeOptions(args);
  } catch (e) {
    process.stderr.write(`haneul invoke: ${(e as Error).message} (see 'haneul help invoke')\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(INVOKE_USAGE);
    return 0;
  }
  let event: Buffer;
  try {
    event = await readEvent(options.eventSource);
    JSON.parse(event.toString("utf8"));
  } catch (e) {
    const message = e instanceof BadInput ? e.message : "the event is not valid JSON";
    process.stderr.write(`haneul invoke: ${message}\n`);
    return 2;
  }
  const codeZip = options.code.kind === "zip" ? options.code.path : undefined;
  let result: InvokeResult;
  try {
    result = await deps.invokeOnce(specFrom(options), event, {
      path: options.path,
      codeZip,
      runtimes: options.runtimes,
      onInstall: (major) => process.stderr.write(`haneul invoke: fetching Node.js ${major} for ${options.runtime}…\n`),
    });
  } catch (e) {
    if (!isPlatformError(e)) throw e;
    const flag = e.code === "ERR_INVALID_RUNTIME" ? "--runtime" : "--code";
    process.stderr.write(`haneul invoke: ${flag}: ${e.message}\n`);
    return 2;
  }
  const { outcome, record } = result;
  process.stderr.write(invocationLogLines(record).join("\n") + "\n");
  if (outcome.kind === "throttled") {
    process.stderr.write(`haneul invoke: throttled (${outcome.reason})\n`);
    return 1;
  }
  process.stdout.write(outcome.payload.toString("utf8") + "\n");
  return outcome.kind === "ok" ? 0 : 1;
}
