import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The v1 controllers an instance is placed in. */
const V1_CONTROLLERS = ["memory", "pids", "freezer", "cpu"] as const;
type V1Controller = (typeof V1_CONTROLLERS)[number];
/** The v2 controllers an instance needs enabled below the node (the freezer is built in). */
const V2_CONTROLLERS = ["memory", "pids", "cpu"] as const;

/** Lambda's limit on processes and threads per execution environment. */
export const PIDS_MAX = 1024;
/** Lambda gives one full vCPU at 1 769 MB and CPU in proportion below and above it. */
const MB_PER_VCPU = 1769;

/** Limits of one instance. */
export interface InstanceLimits {
  /** Everything the instance's processes may hold: memory and its /tmp (tmpfs pages are charged here). */
  readonly memoryBytes: number;
  /** The function's memory size: CPU weight is proportional to it. */
  readonly memoryMb: number;
}

/** Where the cgroup file systems are and where this process sits in them. */
interface Layout {
  readonly version: "v1" | "v2";
  /** v1: controller → this process's own cgroup directory; v2: "unified" → it. */
  readonly own: ReadonlyMap<string, string>;
}

/** Reads /proc/self/mountinfo and /proc/self/cgroup; undefined when no usable hierarchy is mounted. */
function readLayout(): Layout | undefined {
  let mountinfo: string;
  let membership: string;
  try {
    mountinfo = readFileSync("/proc/self/mountinfo", "utf8");
    membership = readFileSync("/proc/self/cgroup", "utf8");
  } catch {
    return undefined;
  }
  const v1 = new Map<string, string>();
  let v2: string | undefined;
  for (const line of mountinfo.split("\n")) {
    const [left, right] = line.split(" - ");
    if (!left || !right) continue;
    const mountPoint = left.split(" ")[4] ?? "";
    const [fstype, , options = ""] = right.split(" ");
    if (fstype === "cgroup2") v2 ??= mountPoint;
    if (fstype !== "cgroup") continue;
    for (const opt of options.split(","))
      if ((V1_CONTROLLERS as readonly string[]).includes(opt)) v1.set(opt, mountPoint);
  }
  const paths = new Map<string, string>();
  for (const line of membership.split("\n")) {
    const m = /^\d+:([^:]*):(.*)$/.exec(line);
    if (!m) continue;
    for (const c of (m[1] ?? "").split(",")) paths.set(c, m[2] ?? "/");
  }
  if (v1.has("memory")) {
    const own = new Map<string, string>();
    for (const c of V1_CONTROLLERS) {
      const mount = v1.get(c);
      if (mount) own.set(c, join(mount, paths.get(c) ?? "/"));
    }
    return { version: "v1", own };
  }
  if (v2 !== undefined) return { version: "v2", own: new Map([["unified", join(v2, paths.get("") ?? "/")]]) };
  return undefined;
}

function write(path: string, value: string): void {
  writeFileSync(path, value);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

let sequence = 0;

/**
 * The cgroups of one node's instances: `<own cgroup>/haneul-<pid>-<n>/<instance>` in every
 * controller (v1) or in the unified hierarchy (v2), below the cgroup the node runs in, as a
 * delegated subtree should be used. Stale directories of dead nodes are removed when one opens.
 */
export class CgroupTree {
  readonly version: "v1" | "v2";
  /** controller (v1) or "unified" (v2) → this node's directory. */
  readonly #base: ReadonlyMap<string, string>;

  private constructor(version: "v1" | "v2", base: ReadonlyMap<string, string>) {
    this.version = version;
    this.#base = base;
  }

  /** Sets up this node's cgroups, or says why it cannot (no hierarchy, controllers missing, no write access). */
  static open(): { ok: true; tree: CgroupTree } | { ok: false; reason: string } {
    const layout = readLayout();
    if (!layout) return { ok: false, reason: "no cgroup file system is mounted" };
    try {
      return layout.version === "v1" ? CgroupTree.#openV1(layout) : CgroupTree.#openV2(layout);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      const why =
        err.code === "EACCES" || err.code === "EPERM" || err.code === "EROFS" ? "no write access" : err.message;
      return { ok: false, reason: `cgroup ${layout.version}: ${why}` };
    }
  }

  static #openV1(layout: Layout): { ok: true; tree: CgroupTree } | { ok: false; reason: string } {
    const missing = V1_CONTROLLERS.filter((c) => !layout.own.has(c));
    if (missing.length) return { ok: false, reason: `cgroup v1: controllers not mounted: ${missing.join(", ")}` };
    const name = `haneul-${process.pid}-${++sequence}`;
    const base = new Map<string, string>();
    for (const [c, own] of layout.own) {
      removeStale(own);
      base.set(c, join(own, name));
      mkdirSync(join(own, name));
    }
    return { ok: true, tree: new CgroupTree("v1", base) };
  }

  static #openV2(layout: Layout): { ok: true; tree: CgroupTree } | { ok: false; reason: string } {
    const own = layout.own.get("unified") as string;
    const available = readFileSync(join(own, "cgroup.controllers"), "utf8").trim().split(/\s+/);
    const missing = V2_CONTROLLERS.filter((c) => !available.includes(c));
    if (missing.length)
      return { ok: false, reason: `cgroup v2: controllers not delegated to ${own}: ${missing.join(", ")}` };
    removeStale(own);
    // "No internal processes": controllers are enabled for children only of a cgroup without
    // processes of its own, so the node moves into a leaf beside its instances' subtree.
    const leaf = join(own, "haneul-node");
    mkdirSync(leaf, { recursive: true }); // another node may make it at the same moment
    if (readFileSync(join(own, "cgroup.procs"), "utf8").trim() !== "")
      write(join(leaf, "cgroup.procs"), String(process.pid));
    const enable = V2_CONTROLLERS.map((c) => `+${c}`).join(" ");
    write(join(own, "cgroup.subtree_control"), enable);
    const base = join(own, `haneul-${process.pid}-${++sequence}`);
    mkdirSync(base);
    write(join(base, "cgroup.subtree_control"), enable);
    return { ok: true, tree: new CgroupTree("v2", new Map([["unified", base]])) };
  }

  /** Creates the cgroup of instance `id` (empty; the instance's first process joins it itself). */
  create(id: string, limits: InstanceLimits): InstanceCgroup {
    const dirs = [...this.#base.values()].map((b) => join(b, id));
    for (const d of dirs) mkdirSync(d);
    const group = new InstanceCgroup(
      this.version,
      new Map([...this.#base.keys()].map((k, i) => [k, dirs[i] as string])),
    );
    try {
      group.init(limits);
    } catch (e) {
      group.removeNow();
      throw e;
    }
    return group;
  }

  /** Removes this node's directories (its instances' cgroups must be gone). */
  close(): void {
    for (const dir of this.#base.values()) removeGroup(dir);
  }
}

/** Removes the directories of nodes that are no longer running, with anything left in them. */
function removeStale(own: string): void {
  for (const name of readdirSafe(own)) {
    const m = /^haneul-(\d+)-\d+$/.exec(name);
    if (!m || pidAlive(Number(m[1]))) continue;
    // Nodes starting together race to remove the same stale tree: whatever one of them
    // cannot remove is left for the next, never a reason to start without cgroups.
    try {
      removeGroup(join(own, name));
    } catch {
      // removed meanwhile by another node
    }
  }
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
  } catch {
    return [];
  }
}

/** Kills what is left in a cgroup tree and removes it, children first. */
function removeGroup(dir: string): void {
  for (const child of readdirSafe(dir)) removeGroup(join(dir, child));
  killProcs(dir);
  try {
    // A frozen process dies only once thawed (v1; v2 kills frozen processes).
    if (existsSync(join(dir, "freezer.state"))) write(join(dir, "freezer.state"), "THAWED");
    rmdirSync(dir);
  } catch {
    // Removed meanwhile (another node cleaning the same stale tree), or still busy (a process
    // exiting): the next start removes what is left.
  }
}

function killProcs(dir: string): void {
  let procs: string;
  try {
    procs = readFileSync(join(dir, "cgroup.procs"), "utf8");
  } catch {
    return;
  }
  for (const pid of procs.split("\n")) {
    if (pid === "") continue;
    try {
      process.kill(Number(pid), "SIGKILL");
    } catch {
      // gone already
    }
  }
}

/** One instance's cgroup (in each v1 controller, or one v2 directory). */
export class InstanceCgroup {
  readonly version: "v1" | "v2";
  readonly #dirs: ReadonlyMap<string, string>;
  #frozen = false;

  constructor(version: "v1" | "v2", dirs: ReadonlyMap<string, string>) {
    this.version = version;
    this.#dirs = dirs;
  }

  /** The `cgroup.procs` files a process writes its pid to, to join this cgroup everywhere. */
  get procsFiles(): string[] {
    return [...this.#dirs.values()].map((d) => join(d, "cgroup.procs"));
  }

  get frozen(): boolean {
    return this.#frozen;
  }

  #file(controller: V1Controller, v1: string, v2: string): string {
    return this.version === "v1"
      ? join(this.#dirs.get(controller) as string, v1)
      : join(this.#dirs.get("unified") as string, v2);
  }

  /** Sets every limit (pids never change; memory and CPU again at setLimits when a spare takes a function). */
  init(limits: InstanceLimits): void {
    write(this.#file("pids", "pids.max", "pids.max"), String(PIDS_MAX));
    if (this.version === "v2") write(this.#file("memory", "", "memory.swap.max"), "0");
    this.setLimits(limits);
  }

  /** Memory (all of it, not only the heap) and CPU weight of a function's memory size. */
  setLimits(limits: InstanceLimits): void {
    if (this.version === "v1") {
      const memsw = this.#file("memory", "memory.memsw.limit_in_bytes", "");
      // memory ≤ memory+swap at every moment: raise the pair from the top, lower it from the bottom.
      const hasSwapLimit = existsSync(memsw);
      const current = Number(readFileSync(this.#file("memory", "memory.limit_in_bytes", ""), "utf8"));
      if (hasSwapLimit && limits.memoryBytes > current) write(memsw, String(limits.memoryBytes));
      write(this.#file("memory", "memory.limit_in_bytes", ""), String(limits.memoryBytes));
      if (hasSwapLimit && limits.memoryBytes <= current) write(memsw, String(limits.memoryBytes));
      const shares = Math.max(2, Math.round((1024 * limits.memoryMb) / MB_PER_VCPU));
      write(this.#file("cpu", "cpu.shares", ""), String(shares));
      return;
    }
    write(this.#file("memory", "", "memory.max"), String(limits.memoryBytes));
    const weight = Math.min(10_000, Math.max(1, Math.round((100 * limits.memoryMb) / MB_PER_VCPU)));
    write(this.#file("cpu", "", "cpu.weight"), String(weight));
  }

  /** Stops every process of the instance where it stands (Lambda's freeze between events). */
  freeze(): void {
    if (this.#frozen) return;
    write(this.#file("freezer", "freezer.state", "cgroup.freeze"), this.version === "v1" ? "FROZEN" : "1");
    this.#frozen = true;
  }

  /** Lets a frozen instance run again. */
  thaw(): void {
    if (!this.#frozen) return;
    this.#frozen = false;
    write(this.#file("freezer", "freezer.state", "cgroup.freeze"), this.version === "v1" ? "THAWED" : "0");
  }

  /** How many processes the kernel killed here for want of memory. */
  oomKills(): number {
    try {
      const text = readFileSync(this.#file("memory", "memory.oom_control", "memory.events"), "utf8");
      return Number(/^oom_kill (\d+)$/m.exec(text)?.[1] ?? 0);
    } catch {
      return 0;
    }
  }

  /** Kills every process of the instance, frozen or not. */
  killAll(): void {
    if (this.version === "v2") {
      try {
        write(this.#file("freezer", "", "cgroup.kill"), "1");
        return;
      } catch {
        // cgroup.kill came with Linux 5.14: kill them one by one below.
      }
    }
    for (const dir of this.#dirs.values()) killProcs(dir);
    // A frozen process dies only once thawed (v1).
    try {
      this.#frozen = true;
      this.thaw();
    } catch {
      // already removed
    }
  }

  /** Removes the cgroup once its processes are gone, retrying briefly while they exit. */
  async remove(): Promise<void> {
    for (let attempt = 0; attempt < 50; attempt++) {
      if (this.removeNow()) return;
      this.killAll();
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** One attempt at remove(); true when every directory is gone. */
  removeNow(): boolean {
    let done = true;
    for (const dir of this.#dirs.values()) {
      try {
        rmdirSync(dir);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "ENOENT") done = false;
      }
    }
    return done;
  }
}
