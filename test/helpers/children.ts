/**
 * Processes a test starts outside the instance pool (PostgreSQL, nginx, haneul servers) are
 * tracked here and killed when the test process ends, also when it is interrupted (SIGINT,
 * SIGTERM): an interrupted run leaves nothing listening behind.
 */
import type { ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";

const running = new Map<ChildProcess, NodeJS.Signals>();
const directories = new Set<string>();
let installed = false;

function killAll(): void {
  for (const [child, signal] of running) {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  }
  running.clear();
}

function removeAll(): void {
  for (const dir of directories) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // A process killed a moment ago may still be writing there: the directory is left behind.
    }
  }
  directories.clear();
}

/** Removes `dir` when this process exits (normally or interrupted), unless `forget` was called. */
export function removeOnExit(dir: string): { forget(): void } {
  install();
  directories.add(dir);
  return { forget: () => directories.delete(dir) };
}

/** Kills `child` with `signal` when this process exits or is interrupted, unless it ended before. */
export function killOnExit(child: ChildProcess, signal: NodeJS.Signals = "SIGKILL"): void {
  install();
  running.set(child, signal);
  child.once("exit", () => running.delete(child));
}

function install(): void {
  if (installed) return;
  installed = true;
  process.once("exit", () => {
    killAll();
    removeAll();
  });
  for (const s of ["SIGINT", "SIGTERM"] as const) {
    process.once(s, () => {
      killAll();
      // Another listener (scripts/run-tests.mjs) ends the process itself once it has cleaned up.
      if (process.listenerCount(s) === 0) process.exit(s === "SIGINT" ? 130 : 143);
    });
  }
}
