/** `haneul dev --json` started as a developer starts it, in an application folder, with its lines parsed. */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { CLI } from "./paths.js";
import { waitUntil } from "./wait.js";

/** A line of `haneul dev --json` (the fields the tests read). */
export interface DevLine {
  readonly type: string;
  readonly root?: string;
  readonly function?: string;
  readonly cold?: boolean;
  readonly version?: string;
  readonly instanceId?: string;
  readonly lines?: string[];
  readonly functions?: string[];
  readonly message?: string;
  readonly apis?: { routes: { path: string; functionId: string }[] }[];
  readonly changes?: { action: string; logicalId: string }[];
  readonly [key: string]: unknown;
}

export interface RunningDev {
  readonly child: ChildProcessWithoutNullStreams;
  readonly lines: DevLine[];
  /** The root server's URL (from the route table line). */
  readonly root: string;
  stderr(): string;
  /** Its invocation lines of one function (by logical id). */
  invocations(logicalId: string): DevLine[];
  /** SIGINT, as Ctrl+C, and waits for the exit. */
  stop(): Promise<void>;
}

/** Starts `haneul dev --port 0 --lambda-port 0 --json …args` in `cwd`; resolves once the route table is printed. */
export async function startDev(cwd: string, args: readonly string[] = []): Promise<RunningDev> {
  const child = spawn(process.execPath, [CLI, "dev", "--port", "0", "--lambda-port", "0", "--json", ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/root" },
  });
  const lines: DevLine[] = [];
  let stderr = "";
  let partial = "";
  child.stdout.on("data", (d: Buffer) => {
    const parts = (partial + d.toString()).split("\n");
    partial = parts.pop() ?? "";
    for (const p of parts) if (p.startsWith("{")) lines.push(JSON.parse(p) as DevLine);
  });
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGINT");
    await exited;
  };
  try {
    await waitUntil(() => lines.some((l) => l.type === "routes"), `the route table (${stderr})`, 60_000);
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    child,
    lines,
    root: String(lines.find((l) => l.type === "routes")?.root),
    stderr: () => stderr,
    invocations: (id) => lines.filter((l) => l.type === "invocation" && l.function === id),
    stop,
  };
}
