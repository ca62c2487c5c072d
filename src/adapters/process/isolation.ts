import { spawn, spawnSync, type ChildProcess, type StdioOptions } from "node:child_process";
import { getPriority, setPriority } from "node:os";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { InstanceLimits } from "./sandbox/cgroups.js";
import type { Sandbox, SandboxedProcess } from "./sandbox/sandbox.js";

/**
 * How instances are kept apart. With a sandbox (`sandbox/`), each instance runs in its own
 * bubblewrap sandbox. Without one (`--sandbox off`, or no bubblewrap on the machine): with mount namespaces (root, or unprivileged user namespaces)
 * every instance gets its own /tmp bound over the real one and sees the code directories
 * read-only, and the node's own files (store, credentials) are replaced by an empty file; without
 * them, TMPDIR points at a private directory and the rest is only as protected as file modes.
 */
export interface IsolationOptions {
  /** Parent directory for the private per-instance /tmp directories. */
  readonly scratchDir: string;
  /** Directories every instance sees read-only (the extracted code trees). */
  readonly readOnlyDirs: readonly string[];
  /** Files of the node's own that instances must not read (the store, the credentials). */
  readonly hiddenFiles?: readonly string[];
  /** Use mount namespaces when the machine allows it (default true). */
  readonly namespaces?: boolean;
  /**
   * How many nice steps below the node instances run (0 = the node's own priority). Busy
   * functions then cannot take the CPU the node needs to hand them events and answer callers.
   */
  readonly nice?: number;
  /** The instance sandbox; when set, instances run in it and the fields above but `nice` are unused. */
  readonly sandbox?: Sandbox | undefined;
}

let namespaceSupport: "unknown" | "root" | "user" | "none" = "unknown";

/** Checks once whether `unshare` can give an instance its own mount namespace. */
export function detectNamespaces(): "root" | "user" | "none" {
  if (namespaceSupport !== "unknown") return namespaceSupport;
  const probe = (args: string[]) =>
    spawnSync("unshare", [...args, "--mount", "--propagation", "private", "true"], { stdio: "ignore", timeout: 5000 })
      .status === 0;
  namespaceSupport = probe([]) ? "root" : probe(["--user", "--map-root-user"]) ? "user" : "none";
  return namespaceSupport;
}

// Runs inside the new mount namespace: private /tmp, read-only code, the node's own files hidden,
// then becomes the runtime. Directories that live under /tmp themselves (a data directory in /tmp,
// say) would vanish under the private /tmp, so they are bound read-only into it at the same path
// before it goes over /tmp. Arguments: tmp, n, n read-only dirs, m, m files to hide, command….
const SETUP_SCRIPT = [
  'tmp="$1"; shift; n="$1"; shift; i=0; late=""',
  'while [ "$i" -lt "$n" ]; do d="$1"; shift; i=$((i+1))',
  '  case "$d" in',
  '    /tmp/*) mkdir -p "$tmp/${d#/tmp/}" && mount -o bind,ro "$d" "$tmp/${d#/tmp/}" || exit 98 ;;',
  '    *) late="$late$d\n" ;;',
  "  esac",
  "done",
  'm="$1"; shift; i=0; hide=""',
  'while [ "$i" -lt "$m" ]; do f="$1"; shift; i=$((i+1))',
  '  case "$f" in',
  '    /tmp/*) if [ -f "$tmp/${f#/tmp/}" ]; then mount --bind /dev/null "$tmp/${f#/tmp/}" || exit 96; fi ;;',
  '    *) hide="$hide$f\n" ;;',
  "  esac",
  "done",
  'mount --rbind "$tmp" /tmp || exit 97',
  'printf \'%s\' "$late" | while IFS= read -r d; do if [ -n "$d" ]; then mount -o bind,ro "$d" "$d" || exit 98; fi; done || exit 98',
  'printf \'%s\' "$hide" | while IFS= read -r f; do if [ -f "$f" ]; then mount --bind /dev/null "$f" || exit 96; fi; done || exit 96',
  'exec "$@"',
].join("\n");

export interface SpawnedProcess {
  readonly child: ChildProcess;
  /** Kills the instance and, in the sandbox, everything it started. */
  kill(): void;
  /** Gives a process started without code (a spare) its function's code and limits. */
  assign(codeDir: string, limits: InstanceLimits): Promise<void>;
  /** Before each event (thaws an instance the freezer stopped). */
  beforeEvent(): void;
  /** Lets the freezer stop the instance's processes while `isIdle` says it has no event. */
  freezeWhenIdle(isIdle: () => boolean): void;
  /** The host pid of the runtime process itself (in the sandbox, not the node's child). */
  runtimePid(): number | undefined;
  /** Whether the kernel killed one of its processes for exceeding its memory (cgroup). */
  outOfMemory(): boolean;
  /** How the runtime itself ended, from the exit status of the node's child. */
  exitOf(code: number | null, signal: NodeJS.Signals | null): { code: number | null; signal: NodeJS.Signals | null };
  /** Removes what the instance's isolation left (private /tmp, cgroup, code slot). */
  cleanup(): Promise<void>;
}

/** What a sandboxed instance needs beyond the command: its code, limits and the ports it reaches. */
export interface SandboxedStart {
  /** The code directory, or undefined for a spare (code comes with assign()). */
  readonly codeDir: string | undefined;
  /** The function's merged layers (bound at /opt), if it has any. */
  readonly optDir?: string | undefined;
  readonly limits: InstanceLimits;
  readonly tmpMb: number;
  readonly ports?: readonly number[] | undefined;
  /** A port of the host's loopback forwarded into the instance (its inspector, `haneul dev --inspect`). */
  readonly inbound?: number | undefined;
}

/** Spawns `command args` as an isolated instance process. */
export async function spawnIsolated(
  command: string,
  args: readonly string[],
  options: {
    isolation: IsolationOptions;
    env: Record<string, string>;
    cwd: string;
    stdio: ("pipe" | "ignore")[];
    sandboxed?: SandboxedStart | undefined;
  },
): Promise<SpawnedProcess> {
  const { isolation } = options;
  if (isolation.sandbox) {
    const start = options.sandboxed ?? { codeDir: options.cwd, limits: { memoryBytes: 0, memoryMb: 128 }, tmpMb: 512 };
    const proc = await isolation.sandbox.spawn({
      ...{ command, args, env: options.env, stdio: options.stdio, nice: isolation.nice },
      ...start,
    });
    // A debugged instance is never frozen: the debugger talks to it between events.
    return sandboxedProcess(proc, start.inbound === undefined);
  }
  return spawnUnsandboxed(command, args, options);
}

function sandboxedProcess(proc: SandboxedProcess, freezable: boolean): SpawnedProcess {
  return {
    child: proc.child,
    kill: () => proc.kill(),
    assign: (codeDir, limits) => proc.assign(codeDir, limits),
    beforeEvent: () => proc.beforeEvent(),
    freezeWhenIdle: (isIdle) => (freezable ? proc.freezeWhenIdle(isIdle) : undefined),
    outOfMemory: () => proc.outOfMemory(),
    runtimePid: () => proc.runtimePid(),
    exitOf: (code, signal) => proc.exitOf(code, signal),
    cleanup: () => proc.release(),
  };
}

async function spawnUnsandboxed(
  command: string,
  args: readonly string[],
  options: { isolation: IsolationOptions; env: Record<string, string>; cwd: string; stdio: StdioOptions },
): Promise<SpawnedProcess> {
  const { isolation } = options;
  const tmpDir = await mkdtemp(join(isolation.scratchDir, "i-"));
  const mode = isolation.namespaces === false ? "none" : detectNamespaces();
  // detached: a session of its own, so a terminal's Ctrl-C (SIGINT to the node's process group)
  // does not reach the instance; the node drains and stops it.
  let child: ChildProcess;
  if (mode === "none") {
    const env = { ...options.env, TMPDIR: tmpDir };
    child = spawn(command, args, { env, cwd: options.cwd, stdio: options.stdio, detached: true });
  } else {
    const ns = mode === "user" ? ["--user", "--map-root-user"] : [];
    const ro = isolation.readOnlyDirs;
    const hidden = isolation.hiddenFiles ?? [];
    child = spawn(
      "unshare",
      [
        ...ns,
        "--mount",
        "--propagation",
        "private",
        "sh",
        "-c",
        SETUP_SCRIPT,
        "sh",
        tmpDir,
        String(ro.length),
        ...ro,
        String(hidden.length),
        ...hidden,
        command,
        ...args,
      ],
      { env: { ...options.env, TMPDIR: "/tmp" }, cwd: options.cwd, stdio: options.stdio, detached: true },
    );
  }
  if (isolation.nice && child.pid !== undefined) lowerPriority(child.pid, isolation.nice);
  return {
    child,
    kill: () => child.kill("SIGKILL"),
    assign: () => Promise.resolve(),
    beforeEvent: () => undefined,
    freezeWhenIdle: () => undefined,
    outOfMemory: () => false,
    runtimePid: () => child.pid,
    exitOf: (code, signal) => ({ code, signal }),
    cleanup: () => rm(tmpDir, { recursive: true, force: true }),
  };
}

/** Removes private /tmp directories of instances a node that died left behind. */
export async function removeScratchLeftovers(scratchDir: string): Promise<void> {
  for (const name of await readdir(scratchDir).catch(() => [] as string[])) {
    if (name.startsWith("i-")) await rm(join(scratchDir, name), { recursive: true, force: true });
  }
}

/**
 * Lowers a just-started instance `by` nice steps below this process (at most to 19). It carries
 * over the exec of the setup script into the runtime and to any process the function starts.
 */
function lowerPriority(pid: number, by: number): void {
  try {
    setPriority(pid, Math.min(19, getPriority() + by));
  } catch {
    // ESRCH: it exited at once (its exit is reported as usual).
  }
}
