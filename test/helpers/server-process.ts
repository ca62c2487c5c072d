/**
 * `haneul server` as a real child process, the way a user starts it: started, waited for until it
 * prints its endpoints, and stopped with SIGTERM.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { CLI } from "./paths.js";

/** A running `haneul server`. */
export interface ServerProcess {
  readonly child: ChildProcessWithoutNullStreams;
  /** The control API's base URL, as printed. */
  readonly apiUrl: string;
  /** The gateway's base URL, as printed. */
  readonly gatewayUrl: string;
  /** Everything it wrote so far, stdout and stderr. */
  output(): string;
  /** Resolves once its output matches `re` (rejects after `timeoutMs`). */
  waitFor(re: RegExp, timeoutMs?: number): Promise<void>;
  /** Sends SIGTERM once (a second would force the exit). */
  terminate(): void;
  /** terminate(), then resolves to the exit code. */
  stop(): Promise<number | null>;
  /** Resolves to the exit code once the process has exited (however it was stopped). */
  readonly exited: Promise<number | null>;
}

/** The server exited before it was ready: its exit code and output. */
export class ServerExitedError extends Error {
  constructor(
    readonly code: number | null,
    readonly output: string,
  ) {
    super(`haneul server exited with ${code}:\n${output}`);
    this.name = "ServerExitedError";
  }
}

export interface ServerProcessOptions {
  /** Arguments after `haneul server`. */
  readonly args: readonly string[];
  /** Its environment besides PATH (nothing else of the test's own leaks in). */
  readonly env?: Readonly<Record<string, string>>;
  /** How long it may take to print its endpoints. */
  readonly timeoutMs?: number;
  /** A process group of its own (to signal the whole group, as a terminal's Ctrl-C does). */
  readonly detached?: boolean;
}

const READY = /Lambda API\s+(http:\/\/\S+)[\s\S]*Gateway\s+(\S+)[\s\S]*Access key/;

/**
 * Starts `haneul server` and resolves once it is ready; rejects with ServerExitedError if it
 * exits first (a bad flag, a port in use).
 * @example const s = await startServerProcess({ args: ["--data", dir, "--api-port", "0"] }); … await s.stop();
 */
export async function startServerProcess(o: ServerProcessOptions): Promise<ServerProcess> {
  const child = spawn(process.execPath, [CLI, "server", ...o.args], {
    env: { PATH: "/usr/bin:/bin", ...o.env },
    detached: o.detached ?? false,
  });
  let out = "";
  let terminated = false;
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const collect = (c: Buffer) => (out += c.toString());
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const waitFor = (re: RegExp, timeoutMs = 15_000) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!re.test(out)) return;
        clearTimeout(timer);
        child.stdout.off("data", check);
        resolve();
      };
      const timer = setTimeout(() => {
        child.stdout.off("data", check);
        reject(new Error(`no ${String(re)} in the server's output:\n${out}`));
      }, timeoutMs);
      child.stdout.on("data", check);
      check();
    });
  const terminate = () => {
    if (!terminated && child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    terminated = true;
  };
  const failed = exited.then((code) => Promise.reject(new ServerExitedError(code, out)));
  try {
    await Promise.race([waitFor(READY, o.timeoutMs), failed]);
  } catch (e) {
    child.kill("SIGKILL");
    throw e;
  }
  failed.catch(() => undefined);
  const m = READY.exec(out) as RegExpExecArray;
  return {
    child,
    apiUrl: m[1] as string,
    gatewayUrl: m[2] as string,
    output: () => out,
    waitFor,
    terminate,
    exited,
    stop() {
      terminate();
      return exited;
    },
  };
}
