import { spawn, type ChildProcess, type StdioOptions } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { constants as osConstants } from "node:os";
import { join } from "node:path";
import { createHash, randomBytes } from "node:crypto";
import type { Clock } from "../../../shared/clock.js";
import { bwrapArgs, SANDBOX_PATHS, type BwrapSources } from "./bwrap-args.js";
import { CgroupTree, type InstanceCgroup, type InstanceLimits } from "./cgroups.js";
import {
  defaultGateway,
  ETC_ENTRIES,
  generatedFiles,
  nodeInstallDir,
  systemEntries,
  type SdkPackage,
} from "./host-view.js";
import { asUser, pastaCommand, probeMachine } from "./probe.js";
import { SandboxUnavailable, type ProtectionName, type SandboxReport } from "./report.js";
import { compileSeccompFilter } from "./seccomp-filter.js";
import { HostView } from "./host-mounts.js";
import { UidPool } from "./uid-pool.js";

/** How the node wants its sandbox. */
export interface SandboxSettings {
  readonly mode: "auto" | "strict";
  /** Host uids for instances (root only). */
  readonly uids: { readonly first: number; readonly last: number };
  /** This node's private directory for the sandbox: generated files and code slots. */
  readonly stateDir: string;
  /** The compiled runtime on the host (bound at /var/runtime/haneul/runtime/src). */
  readonly runtimeDir: string;
  /** The compiled frame protocol on the host (bound at /var/runtime/haneul/protocol). */
  readonly protocolDir: string;
  /** Where Node.js majors for other runtimes are installed (bound at its own path), if anywhere. */
  readonly nodeRuntimesDir?: string | undefined;
  /** The installation's node_modules, and the bundled SDK packages in it (bound below /var/runtime/node_modules). */
  readonly nodeModules: string;
  readonly sdkPackages: readonly SdkPackage[];
  /** A host node_modules directory shown at /opt/nodejs/node_modules (a layer's place). */
  readonly layerNodeModules?: string | undefined;
  readonly clock: Clock;
}

/** One instance to start in the sandbox. */
export interface SandboxSpawn {
  readonly command: string;
  readonly args: readonly string[];
  /** The instance's environment, complete. */
  readonly env: Readonly<Record<string, string>>;
  /** stdin, stdout, stderr and the frame channel (fd 3), as for child_process.spawn. */
  readonly stdio: readonly ("pipe" | "ignore")[];
  /** The code directory, when known at start; a spare gets an empty slot instead (assign() fills it). */
  readonly codeDir?: string | undefined;
  /** The function's merged layers, bound read-only at /opt (instead of the node-wide layer folder). */
  readonly optDir?: string | undefined;
  readonly limits: InstanceLimits;
  /** Size of /tmp (EphemeralStorage), MiB. */
  readonly tmpMb: number;
  /** More ports of the host's loopback the instance reaches at 127.0.0.1 (its Runtime API). */
  readonly ports?: readonly number[] | undefined;
  /** A port of the host's loopback forwarded to the same port inside (a debugged instance's inspector). */
  readonly inbound?: number | undefined;
  /** Nice steps below the node, applied before the first process of the sandbox starts. */
  readonly nice?: number | undefined;
}

/** Freezing: idle instances are frozen between one and two sweeps after their last event. */
export const FREEZE_SWEEP_MS = 50;
const ARGS_FD = 4;

// Joins the instance's cgroups, then becomes the sandbox. Arguments: the highest fd to keep, n,
// n cgroup.procs files, command…. Under bash it first closes descriptors above that, which the
// node itself may have inherited without close-on-exec: they would reach the sandbox.
const JOIN = `keep=$1; n=$2; shift 2; i=0
while [ "$i" -lt "$n" ]; do echo $$ > "$1" || exit 90; shift; i=$((i+1)); done`;
const CLOSE_STRAY_FDS = `fds=(/proc/$$/fd/*); for fd in "\${fds[@]##*/}"; do if [ "$fd" -gt "$keep" ]; then exec {fd}>&-; fi; done`;

/** The instance sandbox of one node: bubblewrap, pasta, seccomp and cgroups, as far as the machine allows. */
export class Sandbox {
  readonly report: SandboxReport;
  readonly #s: SandboxSettings;
  readonly #uids: UidPool | undefined;
  readonly #cgroups: CgroupTree | undefined;
  /** Root only: the walkable host directory of mounts (see HostView); all code goes through its slots. */
  readonly #view: HostView | undefined;
  readonly #network: boolean;
  readonly #seccompFile: string | undefined;
  readonly #files: readonly { file: string; path: string }[];
  /** What every instance binds from the host: runtime, SDK packages, Node's installation. */
  readonly #fixed: Omit<BwrapSources, "task" | "files" | "seccomp">;
  readonly #shell: string;
  readonly #wrapper: string;
  #ports: readonly number[] = [];
  readonly #watched = new Set<SandboxedProcess>();
  #cancelSweep: (() => void) | undefined;

  private constructor(
    s: SandboxSettings,
    parts: {
      report: SandboxReport;
      uids: UidPool | undefined;
      cgroups: CgroupTree | undefined;
      view: HostView | undefined;
      network: boolean;
      seccompFile: string | undefined;
      files: { file: string; path: string }[];
    },
  ) {
    this.#s = s;
    this.report = parts.report;
    this.#uids = parts.uids;
    this.#cgroups = parts.cgroups;
    this.#view = parts.view;
    this.#network = parts.network;
    this.#seccompFile = parts.seccompFile;
    this.#files = parts.files;
    const install = nodeInstallDir(process.execPath);
    const view = parts.view;
    this.#fixed = {
      runtime: view ? view.runtimeDir : s.runtimeDir,
      protocol: view ? view.protocolDir : s.protocolDir,
      packages: s.sdkPackages.map((p) => ({ source: view ? `${view.nodeModules}/${p.name}` : p.dir, name: p.name })),
      samePath: [
        ...(install ? [{ source: view ? view.nodeInstall : install, path: install }] : []),
        ...(s.nodeRuntimesDir
          ? [{ source: view ? view.nodeRuntimesDir : s.nodeRuntimesDir, path: s.nodeRuntimesDir }]
          : []),
        ...(s.layerNodeModules
          ? [{ source: view ? view.layerNodeModules : s.layerNodeModules, path: SANDBOX_PATHS.layerNodeModules }]
          : []),
      ],
    };
    this.#shell = existsSync("/bin/bash") ? "/bin/bash" : "sh";
    this.#wrapper = [JOIN, ...(this.#shell === "sh" ? [] : [CLOSE_STRAY_FDS]), 'exec "$@"'].join("\n");
  }

  /**
   * Finds what the machine allows and sets the sandbox up; undefined (with the report) when
   * bubblewrap cannot run at all. `--sandbox strict` throws SandboxUnavailable when anything is off.
   */
  static async open(s: SandboxSettings): Promise<{ sandbox: Sandbox | undefined; report: SandboxReport }> {
    const machine = await probeMachine(s.uids.first);
    const off: Partial<Record<ProtectionName, string>> = {};
    const details: string[] = [];
    if (machine.bwrap !== undefined) {
      off.namespaces = machine.bwrap;
      for (const p of ["uid", "network", "seccomp", "cgroups", "spares"] as const) off[p] = "needs bubblewrap";
      return Sandbox.#finish(s, undefined, { mode: s.mode, off, details });
    }
    if (machine.root) details.push(`instance uids ${s.uids.first}-${s.uids.last}`);
    else off.uid = "the node does not run as root: instances keep its uid on the host";
    if (machine.pasta !== undefined) off.network = machine.pasta;
    const seccomp = await compileSeccompFilter();
    if (!seccomp.ok) off.seccomp = seccomp.reason;
    const cgroups = CgroupTree.open();
    if (cgroups.ok) details.push(`cgroup ${cgroups.tree.version}`);
    else off.cgroups = cgroups.reason;
    mkdirSync(s.stateDir, { recursive: true, mode: 0o700 });
    let view: HostView | undefined;
    if (machine.root) {
      try {
        view = await HostView.open(hostViewRoot(s.stateDir), {
          runtimeDir: s.runtimeDir,
          protocolDir: s.protocolDir,
          nodeRuntimesDir: s.nodeRuntimesDir,
          nodeModules: s.nodeModules,
          nodeInstall: nodeInstallDir(process.execPath),
          layerNodeModules: s.layerNodeModules,
        });
      } catch (e) {
        off.namespaces = `cannot mount the sandboxes' view of the host: ${(e as Error).message}`;
        if (cgroups.ok) cgroups.tree.close();
        return Sandbox.#finish(s, undefined, { mode: s.mode, off, details });
      }
    } else off.spares = "mounting code into a started sandbox needs root: every cold start spawns a process";
    const seccompFile = seccomp.ok ? join(s.stateDir, "seccomp.bpf") : undefined;
    if (seccomp.ok && seccompFile) writeFileSync(seccompFile, seccomp.bpf, { mode: 0o600 });
    const gateway = machine.pasta === undefined ? defaultGateway() : "127.0.0.1";
    const files = generatedFiles(gateway).map((f, i) => {
      const file = join(s.stateDir, `file-${i}`);
      writeFileSync(file, f.content, { mode: 0o600 });
      return { file, path: f.path };
    });
    const report: SandboxReport = { mode: s.mode, off, details };
    const sandbox = new Sandbox(s, {
      report,
      uids: machine.root ? new UidPool(s.uids) : undefined,
      cgroups: cgroups.ok ? cgroups.tree : undefined,
      view,
      network: machine.pasta === undefined,
      seccompFile,
      files,
    });
    return Sandbox.#finish(s, sandbox, report);
  }

  static async #finish(
    s: SandboxSettings,
    sandbox: Sandbox | undefined,
    report: SandboxReport,
  ): Promise<{ sandbox: Sandbox | undefined; report: SandboxReport }> {
    if (s.mode === "strict" && Object.keys(report.off).length > 0) {
      await sandbox?.close();
      throw new SandboxUnavailable(report);
    }
    return { sandbox, report };
  }

  /** Whether a started, code-less process can be given its code later (spare processes). */
  get takesCodeLater(): boolean {
    return this.#view !== undefined;
  }

  /** Ports of the host's loopback every instance reaches at 127.0.0.1 (the node's API and gateway). */
  setForwardedPorts(ports: readonly number[]): void {
    this.#ports = [...ports];
  }

  /** Starts one instance in its own sandbox. */
  async spawn(o: SandboxSpawn): Promise<SandboxedProcess> {
    const id = randomBytes(6).toString("hex");
    const uid = this.#uids?.take();
    let cgroup: InstanceCgroup | undefined;
    let slot = false;
    let optSlot = false;
    const opened: number[] = [];
    const open = (path: string): number => {
      const fd = openSync(path, "r");
      opened.push(fd);
      return fd;
    };
    try {
      cgroup = this.#cgroups?.create(id, o.limits);
      let task: string;
      if (this.#view) {
        // Root: the code goes through a slot the sandbox's uid can reach, bound now or at assign().
        task = this.#view.createSlot(id);
        slot = true;
        if (o.codeDir !== undefined) await this.#view.bindCode(id, o.codeDir);
      } else if (o.codeDir !== undefined) task = o.codeDir;
      else throw new Error("haneul: this sandbox cannot take code later (no spare processes)");
      let opt = o.optDir;
      if (this.#view && o.optDir !== undefined) {
        opt = this.#view.createSlot(`${id}-opt`);
        optSlot = true;
        await this.#view.bindCode(`${id}-opt`, o.optDir);
      }
      const perSpawn = {
        seccomp: this.#seccompFile === undefined ? undefined : open(this.#seccompFile),
        task,
        opt,
        files: this.#files.map((f) => ({ fd: open(f.file), path: f.path })),
      };
      const child = this.#start(o, uid, cgroup, perSpawn);
      return new SandboxedProcess({
        sandbox: this,
        child,
        id,
        uid,
        cgroup,
        slot,
        optSlot,
        tmpMb: o.tmpMb,
        hasCode: o.codeDir !== undefined,
      });
    } catch (e) {
      if (uid !== undefined) this.#uids?.release(uid);
      if (cgroup) void cgroup.remove();
      if (slot) void this.#view?.releaseSlot(id);
      if (optSlot) void this.#view?.releaseSlot(`${id}-opt`);
      throw e;
    } finally {
      for (const fd of opened) closeSync(fd);
    }
  }

  #start(
    o: SandboxSpawn,
    uid: number | undefined,
    cgroup: InstanceCgroup | undefined,
    perSpawn: {
      seccomp: number | undefined;
      task: string;
      opt: string | undefined;
      files: { fd: number; path: string }[];
    },
  ): ChildProcess {
    // Descriptors from ARGS_FD on: the argument pipe, then what bwrap reads (seccomp, files), renumbered.
    const inherited: number[] = [];
    const at = (fd: number): number => ARGS_FD + 1 + inherited.push(fd) - 1;
    const sources: BwrapSources = {
      ...this.#fixed,
      seccomp: perSpawn.seccomp === undefined ? undefined : at(perSpawn.seccomp),
      task: perSpawn.task,
      opt: perSpawn.opt,
      samePath:
        perSpawn.opt === undefined
          ? this.#fixed.samePath
          : this.#fixed.samePath.filter((d) => !d.path.startsWith("/opt/")),
      files: perSpawn.files.map((f) => ({ fd: at(f.fd), path: f.path })),
    };
    const inner = bwrapArgs({
      sources,
      tmpBytes: o.tmpMb * 1024 * 1024,
      env: o.env,
      topLevel: systemEntries(),
      etc: ETC_ENTRIES,
      cwd: o.codeDir === undefined ? "/" : "/var/task",
    });
    const procs = cgroup?.procsFiles ?? [];
    const ports = [...this.#ports, ...(o.ports ?? [])];
    const argv = [
      "-c",
      this.#wrapper,
      "sandbox",
      String(ARGS_FD + inherited.length),
      String(procs.length),
      ...procs,
      ...asUser(uid),
      ...(this.#network ? pastaCommand(ports, o.inbound) : []),
      "bwrap",
      "--args",
      String(ARGS_FD),
      "--",
      o.command,
      ...o.args,
    ];
    const stdio: StdioOptions = [...o.stdio];
    while (stdio.length < ARGS_FD) stdio.push("ignore");
    stdio.push("pipe", ...inherited);
    // detached: a session of its own, so a terminal's Ctrl-C (SIGINT to the node's process group)
    // does not reach the instance; the node drains and stops it.
    // Started already lowered (nice(1)), so every process of the sandbox has the priority: lowering
    // the first one after it started would race with the processes it forks.
    const nice = o.nice ? ["-n", String(o.nice), this.#shell] : [];
    const child = spawn(nice.length > 0 ? "nice" : this.#shell, [...nice, ...argv], {
      stdio,
      env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin" },
      cwd: "/",
      detached: true,
    });
    const argsPipe = child.stdio[ARGS_FD] as NodeJS.WritableStream | null;
    argsPipe?.on("error", () => undefined);
    argsPipe?.end(Buffer.from(inner.map((a) => `${a}\0`).join("")));
    return child;
  }

  /** Binds a function's code into the slot of spare `id`. */
  bindCode(id: string, codeDir: string): Promise<void> {
    if (!this.#view) return Promise.reject(new Error("haneul: no code slots"));
    return this.#view.bindCode(id, codeDir);
  }

  /** Undoes what spawn() set up for an instance that has exited. */
  async release(p: {
    id: string;
    uid: number | undefined;
    cgroup: InstanceCgroup | undefined;
    slot: boolean;
    optSlot?: boolean;
  }): Promise<void> {
    this.#watched.delete(p as SandboxedProcess);
    await p.cgroup?.remove();
    if (p.slot) await this.#view?.releaseSlot(p.id);
    if (p.optSlot) await this.#view?.releaseSlot(`${p.id}-opt`);
    if (p.uid !== undefined) this.#uids?.release(p.uid);
  }

  /** Stops freezing `p` (it is being killed: a frozen process would not die). */
  unwatch(p: SandboxedProcess): void {
    this.#watched.delete(p);
  }

  /** Freezes `p` whenever it has been idle for a sweep (see FREEZE_SWEEP_MS). */
  watchIdle(p: SandboxedProcess): void {
    this.#watched.add(p);
    if (!this.#cancelSweep) this.#scheduleSweep();
  }

  #scheduleSweep(): void {
    this.#cancelSweep = this.#s.clock.setTimer(() => {
      this.#cancelSweep = undefined;
      for (const p of this.#watched) p.sweep();
      if (this.#watched.size > 0) this.#scheduleSweep();
    }, FREEZE_SWEEP_MS);
  }

  /** Stops the freezer, unmounts the code slots and removes the node's cgroups. */
  async close(): Promise<void> {
    this.#cancelSweep?.();
    this.#watched.clear();
    await this.#view?.close();
    this.#cgroups?.close();
  }
}

/**
 * Where a root node's view of the host lives: below /run (walkable by every uid), one directory
 * per node state directory, so that the next start on the same data directory finds what a node
 * that died left mounted.
 */
function hostViewRoot(stateDir: string): string {
  const key = createHash("sha256").update(stateDir).digest("hex").slice(0, 16);
  const base = existsSync("/run") ? "/run/haneul" : "/tmp/haneul-views";
  mkdirSync(base, { recursive: true, mode: 0o711 });
  return join(base, key);
}

/** Signal names by number, to read a sandbox's exit status (bwrap reports a signal as 128 + its number). */
const SIGNALS = new Map<number, NodeJS.Signals>(
  Object.entries(osConstants.signals).map(([name, n]) => [n, name as NodeJS.Signals]),
);

/** One sandboxed instance process (the node's child is the sandbox's outermost process). */
export class SandboxedProcess {
  readonly child: ChildProcess;
  readonly id: string;
  readonly uid: number | undefined;
  readonly cgroup: InstanceCgroup | undefined;
  readonly slot: boolean;
  /** Whether its layers were bound through a slot of their own (released with it). */
  readonly optSlot: boolean;
  readonly #sandbox: Sandbox;
  #events = 0;
  #eventsAtLastSweep = -1;
  #isIdle: (() => boolean) | undefined;
  #hasCode: boolean;

  constructor(o: {
    sandbox: Sandbox;
    child: ChildProcess;
    id: string;
    uid: number | undefined;
    cgroup: InstanceCgroup | undefined;
    slot: boolean;
    optSlot?: boolean;
    tmpMb: number;
    hasCode: boolean;
  }) {
    this.#sandbox = o.sandbox;
    this.#hasCode = o.hasCode;
    this.child = o.child;
    this.id = o.id;
    this.uid = o.uid;
    this.cgroup = o.cgroup;
    this.slot = o.slot;
    this.optSlot = o.optSlot ?? false;
  }

  /** Gives a spare its function: the code at /var/task (when it was started without) and its limits. */
  async assign(codeDir: string, limits: InstanceLimits): Promise<void> {
    if (this.slot && !this.#hasCode) await this.#sandbox.bindCode(this.id, codeDir);
    this.#hasCode = true;
    this.cgroup?.setLimits(limits);
  }

  /** Freezes the instance whenever `isIdle` has been true for a sweep (cgroup freezer). */
  freezeWhenIdle(isIdle: () => boolean): void {
    if (!this.cgroup) return;
    this.#isIdle = isIdle;
    this.#sandbox.watchIdle(this);
  }

  /** Called before every event: thaws a frozen instance (the only cost on the hot path is a test). */
  beforeEvent(): void {
    this.#events++;
    if (this.cgroup?.frozen) this.cgroup.thaw();
  }

  /** @internal The freezer's sweep. */
  sweep(): void {
    const cgroup = this.cgroup;
    if (!cgroup || cgroup.frozen || !this.#isIdle?.()) return;
    if (this.#eventsAtLastSweep === this.#events) {
      try {
        cgroup.freeze();
      } catch {
        // The instance is exiting.
      }
    }
    this.#eventsAtLastSweep = this.#events;
  }

  /** Kills the instance and everything it started. */
  kill(): void {
    this.#sandbox.unwatch(this);
    this.child.kill("SIGKILL");
    this.cgroup?.killAll();
  }

  /**
   * The host pid of the command bwrap started (pid 2 in the sandbox's PID namespace, below
   * pasta and bubblewrap's own processes), found by walking the node's child's descendants.
   */
  runtimePid(): number | undefined {
    const pending = this.child.pid === undefined ? [] : [this.child.pid];
    for (let seen = 0; pending.length && seen < 16; seen++) {
      const pid = pending.shift() as number;
      try {
        const nspid = /^NSpid:\s+(.*)$/m
          .exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]
          ?.trim()
          .split(/\s+/);
        if (nspid && nspid.length > 1 && nspid.at(-1) === "2") return pid;
        const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim();
        if (children) pending.push(...children.split(" ").map(Number));
      } catch {
        // exited meanwhile
      }
    }
    return undefined;
  }

  /** Whether the kernel killed a process of the instance for exceeding its memory. */
  outOfMemory(): boolean {
    return (this.cgroup?.oomKills() ?? 0) > 0;
  }

  /**
   * How the instance's runtime ended, from the sandbox's exit status: bubblewrap passes an exit
   * code on, and a death by signal as 128 + the signal's number (as a shell does).
   */
  exitOf(code: number | null, signal: NodeJS.Signals | null): { code: number | null; signal: NodeJS.Signals | null } {
    if (code !== null && code > 128 && SIGNALS.has(code - 128))
      return { code: null, signal: SIGNALS.get(code - 128) ?? null };
    return { code, signal };
  }

  /** Releases the instance's cgroup, code slot and uid once it has exited. */
  release(): Promise<void> {
    return this.#sandbox.release(this);
  }
}
