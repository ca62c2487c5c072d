/**
 * The haneul CLI as a child process, the way a user runs it against a node: `runHaneul` waits for
 * it to exit; `startHaneul` leaves it running (`--follow`) to be read while it works and stopped.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { CLI } from "./paths.js";

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

/** Starts `haneul <args>` with only `env` (and PATH) in its environment. */
export function startHaneul(args: readonly string[], env: Readonly<Record<string, string>>): RunningHaneul {
  const child = spawn(process.execPath, [CLI, ...args], {
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
export function runHaneul(args: readonly string[], env: Readonly<Record<string, string>>): Promise<HaneulRun> {
  return startHaneul(args, env).done;
}
