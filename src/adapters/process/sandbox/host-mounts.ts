import { spawn, type ChildProcessByStdio } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  statSync,
  readFileSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";

// Reads requests of three lines (operation, path, path) and answers each with one line. Runs
// mount(8) for each, so the node never forks itself (a fork of a large process costs milliseconds).
const HELPER = `while IFS= read -r op && IFS= read -r a && IFS= read -r b; do
  case "$op" in
    bind) out=$(mount -o bind,ro,nosuid,nodev -- "$a" "$b" 2>&1) ;;
    unbind) out=$(umount -l -- "$a" 2>&1) ;;
    *) out="unknown operation" ; false ;;
  esac && echo ok || printf 'error %s\\n' "$(printf %s "$out" | tr '\\n' ' ')"
done`;

/** Paths mounted at or below `dir` (deepest first), read from this process's mount table. */
function mountsBelow(dir: string): string[] {
  const found: string[] = [];
  for (const line of readFileSync("/proc/self/mountinfo", "utf8").split("\n")) {
    const mountPoint = (line.split(" ")[4] ?? "").replace(/\\040/g, " ");
    if (mountPoint === dir || mountPoint.startsWith(dir + "/")) found.push(mountPoint);
  }
  return found.sort((a, b) => b.length - a.length);
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(" ")}: ${err.trim()}`)),
    );
  });
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** When a process started (field 22 of /proc/<pid>/stat): a pid alone may have been reused. */
function processStart(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ")[19] ?? "";
  } catch {
    return "";
  }
}

/** Whether the node that made the view at `root` still runs (or is making it right now). */
function ownerAlive(root: string): boolean {
  try {
    const [pid, start] = readFileSync(`${root}/owner`, "utf8").trim().split(" ");
    return start !== undefined && start !== "" && processStart(Number(pid)) === start;
  } catch {
    // No owner yet: a node that is setting it up this moment, unless it is old.
    return existsSync(root) && Date.now() - statSync(root).mtimeMs < 60_000;
  }
}

/** What the view shows of the host, each read-only. */
export interface ViewSources {
  /** The compiled runtime. */
  readonly runtimeDir: string;
  /** The compiled frame protocol the runtime imports. */
  readonly protocolDir: string;
  /** Node.js majors installed for other runtimes (nodejs22.x on a Node.js 20 node). */
  readonly nodeRuntimesDir?: string | undefined;
  /** The installation's node_modules (the SDK packages are bound from here, one by one). */
  readonly nodeModules: string;
  /** The Node.js installation when not under /usr. */
  readonly nodeInstall?: string | undefined;
  /** A node_modules shown as a layer's. */
  readonly layerNodeModules?: string | undefined;
}

/**
 * The host side of a root node's sandboxes: a directory every instance uid can walk to (under
 * /run), holding read-only bind mounts of what the sandboxes bind (the runtime, the SDKs, Node.js
 * itself, each instance's code), so that bubblewrap, running as an unprivileged uid, can reach them
 * wherever the node's data directory and installation are (a /root/… path is not walkable by it).
 *
 * Code goes through slots: `slots/<id>` is an empty directory bound at /var/task. `slots` is a
 * shared mount, so when the node binds a function's code tree onto a spare's slot later, the mount
 * propagates into that sandbox's mount namespace (a slave of it) and the code appears at /var/task.
 */
export class HostView {
  readonly root: string;
  readonly #helper: ChildProcessByStdio<Writable, Readable, null>;
  readonly #waiters: ((line: string) => void)[] = [];
  #helperGone = false;

  private constructor(root: string, helper: ChildProcessByStdio<Writable, Readable, null>) {
    this.root = root;
    this.#helper = helper;
    createInterface({ input: helper.stdout }).on("line", (line) => this.#waiters.shift()?.(line));
    helper.on("exit", () => {
      this.#helperGone = true;
      for (const w of this.#waiters.splice(0)) w("error the mount helper exited");
    });
  }

  /**
   * Sets the view up at `root`, first removing what a node that died left mounted there, and the
   * views beside it whose node is gone.
   */
  static async open(root: string, sources: ViewSources): Promise<HostView> {
    await HostView.removeStale(root);
    for (const name of readdirSafe(dirname(root))) {
      const other = join(dirname(root), name);
      if (other !== root && !ownerAlive(other)) await HostView.removeStale(other);
    }
    mkdirSync(`${root}/slots`, { recursive: true, mode: 0o711 });
    chmodSync(root, 0o711);
    writeFileSync(`${root}/owner`, `${process.pid} ${processStart(process.pid)}\n`);
    await run("mount", ["--bind", `${root}/slots`, `${root}/slots`]);
    await run("mount", ["--make-shared", `${root}/slots`]);
    // detached: out of the node's process group, so that a terminal's Ctrl-C leaves it to the node.
    const helper = spawn("sh", ["-c", HELPER], { stdio: ["pipe", "pipe", "inherit"], detached: true });
    helper.stdin.on("error", () => undefined);
    const view = new HostView(root, helper);
    try {
      for (const [name, source] of [
        ["runtime", sources.runtimeDir],
        ["protocol", sources.protocolDir],
        ["node_runtimes", sources.nodeRuntimesDir],
        ["node_modules", sources.nodeModules],
        ["node", sources.nodeInstall],
        ["layer_node_modules", sources.layerNodeModules],
      ] as const) {
        if (source === undefined) continue;
        mkdirSync(`${root}/${name}`, { mode: 0o755 });
        await view.#ask("bind", source, `${root}/${name}`);
      }
    } catch (e) {
      await view.close();
      throw e;
    }
    return view;
  }

  /** Unmounts everything at and below `root` and removes it. */
  static async removeStale(root: string): Promise<void> {
    for (const path of mountsBelow(root)) await run("umount", ["-l", path]).catch(() => undefined);
    // Only once nothing is mounted there any more: never delete through a mount.
    if (mountsBelow(root).length === 0) rmSync(root, { recursive: true, force: true });
  }

  get runtimeDir(): string {
    return `${this.root}/runtime`;
  }

  get protocolDir(): string {
    return `${this.root}/protocol`;
  }

  get nodeRuntimesDir(): string {
    return `${this.root}/node_runtimes`;
  }

  get nodeModules(): string {
    return `${this.root}/node_modules`;
  }

  get nodeInstall(): string {
    return `${this.root}/node`;
  }

  get layerNodeModules(): string {
    return `${this.root}/layer_node_modules`;
  }

  /** Creates the empty slot of instance `id`; returns its path. */
  createSlot(id: string): string {
    const path = `${this.root}/slots/${id}`;
    mkdirSync(path, { mode: 0o755 });
    return path;
  }

  /** Binds `codeDir` read-only onto the slot of `id` (it appears at /var/task in that sandbox). */
  bindCode(id: string, codeDir: string): Promise<void> {
    return this.#ask("bind", codeDir, `${this.root}/slots/${id}`);
  }

  /** Unmounts the code of `id`, if any, and removes its slot. */
  async releaseSlot(id: string): Promise<void> {
    const path = `${this.root}/slots/${id}`;
    if (mountsBelow(path).length) await this.#ask("unbind", path, "").catch(() => undefined);
    try {
      rmdirSync(path);
    } catch {
      // Still mounted (the unmount failed): the next start removes it.
    }
  }

  /** Stops the helper and unmounts the view. */
  async close(): Promise<void> {
    this.#helper.stdin.end();
    await HostView.removeStale(this.root);
  }

  #ask(op: string, a: string, b: string): Promise<void> {
    if (/[\n]/.test(a + b)) return Promise.reject(new Error("haneul: a path with a newline cannot be mounted"));
    if (this.#helperGone) return Promise.reject(new Error(`mount ${op}: the mount helper exited`));
    return new Promise((resolve, reject) => {
      this.#waiters.push((line) => (line === "ok" ? resolve() : reject(new Error(`mount ${op}: ${line.slice(6)}`))));
      this.#helper.stdin.write(`${op}\n${a}\n${b}\n`);
    });
  }
}
