import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { CliDeps } from "./deps.js";

/** A CLI command: receives its own arguments and the composition root's services, returns the exit status. */
type Command = (args: string[], deps: CliDeps) => Promise<number>;

/**
 * A command whose module is imported when it runs: a command loads only what it uses (`haneul
 * server` none of the AWS SDK clients, `haneul dev` not the logs, IAM or CodeDeploy ones).
 */
function lazy<M>(load: () => Promise<M>, pick: (m: M) => Command): Command {
  return async (args, deps) => pick(await load())(args, deps);
}

const stackCommand = (name: string): Command =>
  lazy(
    () => import("./stack-commands.js"),
    (m) => (a) => m.runStackCommand([name, ...a]),
  );
const deploymentsCommand = (name: string): Command =>
  lazy(
    () => import("./deployments-command.js"),
    (m) => (a) => m.runDeploymentsCommand([name, ...a]),
  );

const COMMANDS: Record<string, { run: Command; summary: string }> = {
  build: {
    run: lazy(
      () => import("./build-command.js"),
      (m) => m.runBuildCommand,
    ),
    summary: "build a SAM template's functions and layers (as sam build)",
  },
  dev: {
    run: lazy(
      () => import("./dev-command.js"),
      (m) => m.runDevCommand,
    ),
    summary: "develop a SAM app locally: deploy, serve, watch and reload (as sam local)",
  },
  "generate-event": {
    run: lazy(
      () => import("./generate-event-command.js"),
      (m) => (a) => m.runGenerateEventCommand(a),
    ),
    summary: "print a sample event (apigateway, sqs, sns, kinesis, schedule, s3, eventbridge)",
  },
  invoke: {
    run: lazy(
      () => import("./invoke-command.js"),
      (m) => m.runInvokeCommand,
    ),
    summary: "invoke a template's function by logical id, or a function from a code directory",
  },
  server: {
    run: lazy(
      () => import("./server-command.js"),
      (m) => m.runServerCommand,
    ),
    summary: "run a haneul node (Lambda API + gateway)",
  },
  runtimes: {
    run: lazy(
      () => import("./runtimes-command.js"),
      (m) => m.runRuntimesCommand,
    ),
    summary: "list or install the Node.js majors functions run on",
  },
  keys: {
    run: lazy(
      () => import("./keys-command.js"),
      (m) => m.runKeysCommand,
    ),
    summary: "create, list and delete IAM users with access keys on a node",
  },
  logs: {
    run: lazy(
      () => import("./logs-command.js"),
      (m) => (a) => m.runLogsCommand(a),
    ),
    summary: "show a function's log from a node, grouped by request (--follow to keep watching)",
  },
  nodes: {
    run: lazy(
      () => import("./nodes-command.js"),
      (m) => m.runNodesCommand,
    ),
    summary: "list the nodes of a cluster with their address, version, uptime and load",
  },
  deploy: { run: stackCommand("deploy"), summary: "deploy a SAM template as a stack (as sam deploy)" },
  stacks: { run: stackCommand("stacks"), summary: "list the stacks of a node" },
  stack: { run: stackCommand("stack"), summary: "describe a stack, or show its events" },
  "delete-stack": { run: stackCommand("delete-stack"), summary: "delete a stack and its resources" },
  deployments: {
    run: deploymentsCommand("deployments"),
    summary: "CodeDeploy deployments: list | get <id> | watch <id> | promote <id>",
  },
  rollback: {
    run: deploymentsCommand("rollback"),
    summary: "return a function's alias to the version before its latest deployment",
  },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `usage: haneul <command> [options]\n\ncommands:\n${lines.join("\n")}\n\nRun 'haneul help <command>' (or 'haneul <command> --help') for a command's options,
'haneul --version' for the version.\n`;
}

/** The installed package's version (package.json next to dist/). */
export function packageVersion(): string {
  const file = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "package.json");
  return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
}

/** Runs the haneul CLI with `argv` (without node and script); resolves to the exit status. */
export async function runCli(argv: string[], deps: CliDeps): Promise<number> {
  const [name, ...rest] = argv;
  if (name === "--version" || name === "-v" || name === "version") {
    process.stdout.write(`haneul ${packageVersion()} (Node.js ${process.versions.node})\n`);
    return 0;
  }
  if (name === "help" && rest[0] !== undefined && rest[0] in COMMANDS) {
    return (COMMANDS[rest[0]] as { run: Command }).run(["--help"], deps);
  }
  if (!name || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`haneul: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  return command.run(rest, deps);
}
