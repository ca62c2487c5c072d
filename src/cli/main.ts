import { runInvokeCommand } from "./invoke-command.js";
import { runNodesCommand } from "./nodes-command.js";
import { runServerCommand } from "./server-command.js";

/** A CLI command: receives its own arguments, returns the exit status. */
type Command = (args: string[]) => Promise<number>;

const COMMANDS: Record<string, { run: Command; summary: string }> = {
  invoke: { run: runInvokeCommand, summary: "run one invocation of a function from a code directory" },
  server: { run: runServerCommand, summary: "run a haneul node (Lambda API + gateway)" },
  nodes: { run: runNodesCommand, summary: "list the nodes of a cluster with their address, version, uptime and load" },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `usage: haneul <command> [options]\n\ncommands:\n${lines.join("\n")}\n\nRun 'haneul <command> --help' for a command's options.\n`;
}

/** Runs the haneul CLI with `argv` (without node and script); resolves to the exit status. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`haneul: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  return command.run(rest);
}
