import { readFile } from "node:fs/promises";
import { INVOKE_USAGE, parseInvokeOptions, type InvokeCommandOptions } from "../config/invoke-options.js";
import type { FunctionSpec } from "../domain/function-spec.js";
import type { CliDeps } from "./deps.js";

async function readEvent(source: string | undefined): Promise<Buffer> {
  if (source === undefined) return Buffer.from("{}");
  if (source === "-") {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin as AsyncIterable<Buffer>) chunks.push(c);
    return Buffer.concat(chunks);
  }
  return readFile(source);
}

function specFrom(o: InvokeCommandOptions): FunctionSpec {
  return {
    functionName: o.functionName,
    functionArn: `arn:aws:lambda:${o.region}:000000000000:function:${o.functionName}`,
    version: "$LATEST",
    revision: "cli",
    runtime: o.runtime,
    handler: o.handler,
    codeDir: o.codeDir,
    memoryMb: o.memoryMb,
    timeoutSec: o.timeoutSec,
    environment: o.environment,
    region: o.region,
  };
}

/** `haneul invoke`: one invocation; result on stdout, logs on stderr, exit 1 on a function error. */
export async function runInvokeCommand(args: string[], deps: CliDeps): Promise<number> {
  let options: InvokeCommandOptions;
  try {
    options = parseInvokeOptions(args);
  } catch (e) {
    process.stderr.write(`haneul invoke: ${(e as Error).message}\n\n${INVOKE_USAGE}`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(INVOKE_USAGE);
    return 0;
  }
  const event = await readEvent(options.eventSource);
  try {
    JSON.parse(event.toString("utf8"));
  } catch {
    process.stderr.write("haneul invoke: the event is not valid JSON\n");
    return 2;
  }
  const { outcome, record } = await deps.invokeOnce(specFrom(options), event, { path: options.path });
  process.stderr.write(record.logs.join("\n") + "\n");
  if (outcome.kind === "throttled") {
    process.stderr.write(`haneul invoke: throttled (${outcome.reason})\n`);
    return 1;
  }
  process.stdout.write(outcome.payload.toString("utf8") + "\n");
  return outcome.kind === "ok" ? 0 : 1;
}
