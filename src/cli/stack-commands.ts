/** `haneul deploy`, `haneul stacks`, `haneul stack describe|events`, `haneul delete-stack`. */
import {
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ListStackResourcesCommand,
} from "@aws-sdk/client-cloudformation";
import { ConfigError } from "../config/server-config.js";
import { DEPLOY_USAGE, loadStackCommandConfigFromProcess, type StackCommandConfig } from "../config/deploy-config.js";
import { runDeploy } from "./deploy-command.js";
import { findStack, stackClients, waitForStack, type StackClients } from "./stack-clients.js";
import { apiUrls, eventLine, outputLines } from "./stack-output.js";

const print = (config: StackCommandConfig, json: unknown, lines: () => string[]) =>
  process.stdout.write(config.json ? `${JSON.stringify(json, null, 2)}\n` : `${lines().join("\n")}\n`);

async function listStacks(config: StackCommandConfig, { cfn }: StackClients): Promise<number> {
  const stacks = (await cfn.send(new DescribeStacksCommand({}))).Stacks ?? [];
  print(config, stacks, () =>
    stacks.length
      ? stacks.map(
          (s) =>
            `${(s.StackName ?? "").padEnd(32)} ${(s.StackStatus ?? "").padEnd(28)} ${(s.LastUpdatedTime ?? s.CreationTime)?.toISOString() ?? ""}`,
        )
      : ["(no stacks)"],
  );
  return 0;
}

async function describe(config: StackCommandConfig, { cfn }: StackClients): Promise<number> {
  const stack = (await cfn.send(new DescribeStacksCommand({ StackName: config.stackName }))).Stacks?.[0];
  const resources =
    (await cfn.send(new ListStackResourcesCommand({ StackName: config.stackName }))).StackResourceSummaries ?? [];
  const apis = apiUrls(resources, config.gateway);
  print(config, { stack, resources, apis }, () => [
    `${stack?.StackName ?? ""}  ${stack?.StackStatus ?? ""}${stack?.StackStatusReason ? `  (${stack.StackStatusReason})` : ""}`,
    `  ${stack?.StackId ?? ""}`,
    "Resources:",
    ...resources.map(
      (r) =>
        `  ${(r.LogicalResourceId ?? "").padEnd(40)} ${(r.ResourceType ?? "").padEnd(32)} ${(r.ResourceStatus ?? "").padEnd(18)} ${r.PhysicalResourceId ?? ""}`,
    ),
    ...(stack?.Outputs?.length ? ["Outputs:", ...outputLines(stack.Outputs)] : []),
    ...(apis.length ? ["APIs:", ...apis.map((a) => `  ${a.logicalId.padEnd(28)} ${a.url}`)] : []),
  ]);
  return 0;
}

async function events(config: StackCommandConfig, { cfn }: StackClients): Promise<number> {
  const list = (await cfn.send(new DescribeStackEventsCommand({ StackName: config.stackName }))).StackEvents ?? [];
  print(config, list, () => list.map((e) => `${e.Timestamp?.toISOString() ?? ""}${eventLine(e)}`));
  return 0;
}

async function remove(config: StackCommandConfig, { cfn }: StackClients): Promise<number> {
  const stack = await findStack(cfn, config.stackName ?? "");
  if (!stack) {
    process.stderr.write(`haneul delete-stack: stack ${config.stackName ?? ""} does not exist\n`);
    return 1;
  }
  await cfn.send(new DeleteStackCommand({ StackName: stack.StackId }));
  const done = await waitForStack(cfn, stack.StackId ?? "");
  process.stdout.write(
    `Stack ${stack.StackName ?? ""}: ${done.StackStatus ?? ""}${done.StackStatusReason ? ` (${done.StackStatusReason})` : ""}\n`,
  );
  return done.StackStatus === "DELETE_COMPLETE" ? 0 : 1;
}

const RUN = { deploy: runDeploy, stacks: listStacks, describe, events, delete: remove } as const;

/** Runs one stack command (`argv` begins with the command's own name); resolves to the exit status. */
export async function runStackCommand(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(DEPLOY_USAGE);
    return 0;
  }
  let config: StackCommandConfig;
  try {
    config = loadStackCommandConfigFromProcess(argv);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`haneul: ${e.message}\n\n${DEPLOY_USAGE}`);
    return 2;
  }
  const clients = await stackClients(config);
  if (typeof clients === "string") {
    process.stderr.write(`haneul: ${clients}\n`);
    return 2;
  }
  try {
    return await RUN[config.command](config, clients);
  } catch (e) {
    const err = e as Error;
    process.stderr.write(`haneul ${argv[0] ?? ""}: ${err.name}: ${err.message}\n`);
    return 1;
  } finally {
    clients.destroy();
  }
}
