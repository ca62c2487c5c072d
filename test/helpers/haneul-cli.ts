/**
 * The haneul CLI as a child process, the way a user runs it against a node: `runHaneul` waits for
 * it to exit; `startHaneul` leaves it running (`--follow`) to be read while it works and stopped.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { CLI } from "./paths.js";
import { SERVER_KEY } from "./server-node.js";

/** A finished run: exit code and what it printed. */
export interface HaneulRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A running CLI command. */
export interface RunningHaneul {
  readonly child: ChildProcess;
  /** What it printed on stdout so far. */
  stdout(): string;
  /** Resolves once it exits. */
  readonly done: Promise<HaneulRun>;
}

/** Starts `haneul <args>` with only `env` (and PATH) in its environment, in `o.cwd` (default: this one's). */
export function startHaneul(
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  o: { readonly cwd?: string } = {},
): RunningHaneul {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: o.cwd,
    env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<HaneulRun>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
  return { child, stdout: () => stdout, done };
}

/** Runs `haneul <args>` to its end. */
export function runHaneul(
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  o: { readonly cwd?: string } = {},
): Promise<HaneulRun> {
  return startHaneul(args, env, o).done;
}

/** Runs the `haneul` command in `cwd` against a node (its API and gateway), signed with SERVER_KEY. */
export function haneulCli(
  node: { readonly apiUrl: string; readonly gatewayUrl: string },
  cwd: string,
  ...args: string[]
): Promise<HaneulRun> {
  const env = { HANEUL_ACCESS_KEY_ID: SERVER_KEY.accessKeyId, HANEUL_SECRET_ACCESS_KEY: SERVER_KEY.secretAccessKey };
  return runHaneul([...args, "--endpoint", node.apiUrl, "--gateway", node.gatewayUrl], env, { cwd });
}
