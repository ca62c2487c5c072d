import { runtimesSettingsFromProcess } from "../config/runtimes-dir.js";
import { NODE_RUNTIMES, nodeMajorOf } from "../domain/function-spec.js";
import type { CliDeps } from "./deps.js";

export const RUNTIMES_USAGE = `usage: haneul runtimes list
       haneul runtimes install <runtime|major>...   e.g. haneul runtimes install nodejs22.x 24

Functions run on the Node.js major their runtime names (nodejs22.x on Node.js 22). This
Node.js serves its own major; the others are fetched once from the npm registry (the
node-<platform>-<arch> packages) into HANEUL_RUNTIMES_DIR (default ~/.cache/haneul/runtimes),
on first use or ahead of time with 'install' (for machines that will be offline later).
`;

/** `haneul runtimes`: lists and installs the Node.js majors functions run on. */
export async function runRuntimesCommand(args: string[], deps: CliDeps): Promise<number> {
  const [action, ...names] = args;
  if (action === undefined || action === "--help" || action === "-h") {
    process.stdout.write(RUNTIMES_USAGE);
    return action === undefined ? 2 : 0;
  }
  const settings = runtimesSettingsFromProcess();
  const runtimes = deps.nodeRuntimes(settings);
  if (action === "list") {
    const installed = new Map(runtimes.installed().map((r) => [r.major, r]));
    for (const runtime of NODE_RUNTIMES) {
      const r = installed.get(nodeMajorOf(runtime) ?? 0);
      process.stdout.write(`${runtime.padEnd(12)} ${r ? `Node.js ${r.version}  ${r.binary}` : "not installed"}\n`);
    }
    return 0;
  }
  if (action !== "install" || names.length === 0) {
    process.stderr.write(
      `haneul runtimes: expected 'list' or 'install <runtime|major>...' (see 'haneul help runtimes')\n`,
    );
    return 2;
  }
  const majors: number[] = [];
  for (const name of names) {
    const major = /^\d+$/.test(name) ? Number(name) : nodeMajorOf(name);
    if (major === undefined) {
      process.stderr.write(
        `haneul runtimes: ${name} is not a Node.js runtime (${NODE_RUNTIMES.join(", ")}) or major\n`,
      );
      return 2;
    }
    majors.push(major);
  }
  for (const major of majors) {
    try {
      const binary = await runtimes.ensure(major);
      process.stdout.write(`Node.js ${major}: ${binary}\n`);
    } catch (e) {
      process.stderr.write(`haneul runtimes: ${(e as Error).message}\n`);
      return 1;
    }
  }
  return 0;
}
