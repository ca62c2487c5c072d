import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runBuildCommand } from "./build-command.js";
import type { CliDeps } from "./deps.js";
import { runDevCommand } from "./dev-command.js";
import { runGenerateEventCommand } from "./generate-event-command.js";
import { runInvokeCommand } from "./invoke-command.js";
import { runRuntimesCommand } from "./runtimes-command.js";
import { runKeysCommand } from "./keys-command.js";
import { runLogsCommand } from "./logs-command.js";
import { runNodesCommand } from "./nodes-command.js";
import { runServerCommand } from "./server-command.js";
import { runStackCommand } from "./stack-commands.js";
import { runDeploymentsCommand } from "./deployments-command.js";

/** A CLI command: receives its own arguments and the composition root's services, returns the exit status. */
type Command = (args: string[], deps: CliDeps) => Promise<number>;

const COMMANDS: Record<string, { run: Command; summary: string }> = {
  build: { run: runBuildCommand, summary: "build a SAM template's functions and layers (as sam build)" },
  dev: { run: runDevCommand, summary: "develop a SAM app locally: deploy, serve, watch and reload (as sam local)" },
  "generate-event": {
    run: (a) => runGenerateEventCommand(a),
    summary: "print a sample event (apigateway, sqs, sns, kinesis, schedule, s3, eventbridge)",
  },
  invoke: {
    run: runInvokeCommand,
    summary: "invoke a template's function by logical id, or a function from a code directory",
  },
  server: { run: runServerCommand, summary: "run a haneul node (Lambda API + gateway)" },
  runtimes: { run: runRuntimesCommand, summary: "list or install the Node.js majors functions run on" },
  keys: { run: runKeysCommand, summary: "create, list and delete IAM users with access keys on a node" },
  logs: {
    run: (a) => runLogsCommand(a),
    summary: "show a function's log from a node, grouped by request (--follow to keep watching)",
  },
  nodes: { run: runNodesCommand, summary: "list the nodes of a cluster with their address, version, uptime and load" },
  deploy: {
    run: (a) => runStackCommand(["deploy", ...a]),
    summary: "deploy a SAM template as a stack (as sam deploy)",
  },
  stacks: { run: (a) => runStackCommand(["stacks", ...a]), summary: "list the stacks of a node" },
  stack: { run: (a) => runStackCommand(["stack", ...a]), summary: "describe a stack, or show its events" },
  "delete-stack": { run: (a) => runStackCommand(["delete-stack", ...a]), summary: "delete a stack and its resources" },
  deployments: {
    run: (a) => runDeploymentsCommand(["deployments", ...a]),
    summary: "CodeDeploy deployments: list | get <id> | watch <id> | promote <id>",
  },
  rollback: {
    run: (a) => runDeploymentsCommand(["rollback", ...a]),
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
