import { captureLines } from "./line-capture.js";
import type { SpawnedProcess } from "./isolation.js";

const STDERR_TAIL_LINES = 20;
const EXIT_GRACE_MS = 200;

/** What an instance wants to hear from its process. */
export interface ProcessListeners {
  /** Each line the process writes to stdout or stderr. */
  readonly onLine: (line: string) => void;
  /** The process exited (before its isolation is cleaned up). */
  readonly onExit: (code: number | null, signal: NodeJS.Signals | null) => void;
}

/** An instance process being watched. */
export interface WatchedProcess {
  /** The last lines of stderr, kept up to date: they tell an out-of-memory death and a failed start. */
  readonly stderrTail: readonly string[];
  /** Resolves once the process has exited and its isolation is cleaned up. */
  readonly exited: Promise<void>;
}

/** Passes `proc`'s output lines and its exit to `listeners`, keeping the tail of its stderr. */
export function watchProcess(proc: SpawnedProcess, listeners: ProcessListeners): WatchedProcess {
  const stderrTail: string[] = [];
  captureLines(proc.child.stdout, listeners.onLine);
  captureLines(proc.child.stderr, (line) => {
    stderrTail.push(line);
    if (stderrTail.length > STDERR_TAIL_LINES) stderrTail.shift();
    listeners.onLine(line);
  });
  const exited = new Promise<void>((resolve) => {
    let reported = false;
    const report = (code: number | null, signal: NodeJS.Signals | null) => {
      if (reported) return;
      reported = true;
      listeners.onExit(code, signal);
      void proc.cleanup().finally(resolve);
    };
    // "close" comes once every frame and log line the process wrote has been read, so a report
    // written just before exiting (an uncaught exception) is seen before the exit. A grandchild
    // holding the pipes open must not delay it for long.
    proc.child.on("close", report);
    proc.child.on("exit", (code, signal) => setTimeout(() => report(code, signal), EXIT_GRACE_MS).unref());
  });
  return { stderrTail, exited };
}
