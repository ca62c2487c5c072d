/**
 * `haneul invoke <LogicalId> --event <file>`: a template's function invoked by its logical id,
 * through the `haneul dev` running for the template (it left its address in `.haneul/dev.json`),
 * else on a temporary node in this process that builds and deploys the template first.
 */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { ListStackResourcesCommand, CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { credentialsFile, readCredentialsFile } from "../api/credentials.js";
import { ConfigError } from "../config/server-config.js";
import {
  loadTemplateInvokeConfigFromProcess,
  TEMPLATE_INVOKE_USAGE,
  type TemplateInvokeConfig,
} from "../config/dev-config.js";
import { invocationLogLines } from "../domain/log-lines.js";
import type { InvocationRecord } from "../domain/invocation.js";
import type { CliDeps } from "./deps.js";
import { DEV_STATE_FILE } from "./dev-command.js";
import { DevStack, type DevNodeAccess } from "./dev-stack.js";

async function readEvent(source: string | undefined): Promise<Uint8Array> {
  if (source === undefined) return Buffer.from("{}");
  if (source === "-") {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin as AsyncIterable<Buffer>) chunks.push(c);
    return Buffer.concat(chunks);
  }
  return readFile(source);
}

/** The running `haneul dev` of the template, if any. */
async function runningDev(config: TemplateInvokeConfig): Promise<(DevNodeAccess & { stackName: string }) | undefined> {
  let state: { pid: number; apiUrl: string; stackName: string; region?: string };
  try {
    state = JSON.parse(readFileSync(join(config.devDataDir, DEV_STATE_FILE), "utf8")) as typeof state;
    process.kill(state.pid, 0);
  } catch {
    return undefined;
  }
  const credentials = await readCredentialsFile(credentialsFile(config.devDataDir)).catch(() => undefined);
  if (!credentials) return undefined;
  return { apiUrl: state.apiUrl, region: state.region ?? "us-east-1", credentials, stackName: state.stackName };
}

async function physicalName(node: DevNodeAccess, stackName: string, logicalId: string): Promise<string | undefined> {
  const cfn = new CloudFormationClient({ region: node.region, endpoint: node.apiUrl, credentials: node.credentials });
  try {
    const list = await cfn.send(new ListStackResourcesCommand({ StackName: stackName }));
    return list.StackResourceSummaries?.find(
      (r) => r.LogicalResourceId === logicalId && r.ResourceType === "AWS::Lambda::Function",
    )?.PhysicalResourceId;
  } finally {
    cfn.destroy();
  }
}

/** Invokes through the node's Lambda API; prints the result and the log's tail. */
async function invokeThrough(node: DevNodeAccess, name: string, event: Uint8Array, tailLog: boolean): Promise<number> {
  const lambda = new LambdaClient({
    region: node.region,
    endpoint: node.apiUrl,
    credentials: node.credentials,
    maxAttempts: 1,
  });
  try {
    const out = await lambda.send(
      new InvokeCommand({ FunctionName: name, Payload: event, LogType: tailLog ? "Tail" : "None" }),
    );
    if (out.LogResult) process.stderr.write(Buffer.from(out.LogResult, "base64").toString("utf8"));
    process.stdout.write(`${Buffer.from(out.Payload ?? new Uint8Array()).toString("utf8")}\n`);
    return out.FunctionError ? 1 : 0;
  } finally {
    lambda.destroy();
  }
}

/** Runs `haneul invoke <LogicalId> …`; resolves to the exit status. */
export async function runTemplateInvoke(args: string[], deps: CliDeps): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(TEMPLATE_INVOKE_USAGE);
    return 0;
  }
  let config: TemplateInvokeConfig;
  let event: Uint8Array;
  try {
    config = loadTemplateInvokeConfigFromProcess(args);
    event = await readEvent(config.eventSource);
    JSON.parse(Buffer.from(event).toString("utf8"));
  } catch (e) {
    const message = e instanceof ConfigError ? e.message : `--event: ${(e as Error).message}`;
    process.stderr.write(`haneul invoke: ${message}\n\n${TEMPLATE_INVOKE_USAGE}`);
    return 2;
  }
  const dev = await runningDev(config);
  if (dev) {
    const name = await physicalName(dev, dev.stackName, config.logicalId);
    if (!name) return noSuchFunction(config);
    return invokeThrough(dev, name, event, true);
  }
  return invokeOnTemporaryNode(config, event, deps);
}

function noSuchFunction(config: TemplateInvokeConfig): number {
  process.stderr.write(`haneul invoke: the stack of ${config.templateFile} has no function ${config.logicalId}\n`);
  return 1;
}

async function invokeOnTemporaryNode(config: TemplateInvokeConfig, event: Uint8Array, deps: CliDeps): Promise<number> {
  mkdirSync(config.devDataDir, { recursive: true });
  const dataDir = mkdtempSync(join(config.devDataDir, "invoke-"));
  const records: InvocationRecord[] = [];
  const node = await deps.startNode(config.server(dataDir), { onRecord: (r) => records.push(r) });
  const tools = deps.devBuildTools();
  const access = { apiUrl: node.apiUrl, region: config.server(dataDir).region, credentials: node.accessKey };
  const stack = new DevStack(access, {
    templateFile: config.templateFile,
    buildDir: join(config.devDataDir, "build"),
    stackName: config.stackName,
    tools,
  });
  try {
    const deployed = await stack.deploy();
    if (!deployed.ok) {
      process.stderr.write(`haneul invoke: the template could not be deployed: ${deployed.reason}\n`);
      return 1;
    }
    const name = stack.physicalName(config.logicalId);
    if (!name) return noSuchFunction(config);
    return await invokeThrough(access, name, event, false);
  } finally {
    stack.destroy();
    await tools.dispose();
    await node.stop();
    // Stopping the node hands the last records over.
    for (const r of records) process.stderr.write(`${invocationLogLines(r).join("\n")}\n`);
    removeDataDir(dataDir);
  }
}

/** Removes a temporary node's data directory, its read-only code trees included. */
function removeDataDir(dir: string): void {
  const writable = (d: string): void => {
    chmodSync(d, 0o700);
    for (const e of readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) writable(join(d, e.name));
  };
  try {
    writable(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
