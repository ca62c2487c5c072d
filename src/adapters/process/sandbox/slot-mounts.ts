import { spawn, type ChildProcessByStdio } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { createInterface } from "node:readline";

// Reads requests of three lines (operation, path, path) and answers each with one line. Runs
// mount(8) for each, so the node never forks itself (a fork of a large process costs milliseconds).
const HELPER = `while IFS= read -r op && IFS= read -r a && IFS= read -r b; do
  case "$op" in
    bind) out=$(mount -o bind,ro,nosuid,nodev -- "$a" "$b" 2>&1) ;;
    unbind) out=$(umount -l -- "$a" 2>&1) ;;
    *) out="unknown operation" ; false ;;
  esac && echo ok || printf 'error %s\\n' "$(printf %s "$out" | tr '\\n' ' ')"
done`;

/** Paths mounted below `dir` (deepest first), read from this process's mount table. */
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

/**
 * The code slots of spare instances. A spare starts before it knows its function, with an empty
 * directory `<root>/<id>` bound read-only at /var/task. `root` is a shared mount, so when the node
 * later binds the function's code tree onto `<root>/<id>`, the mount propagates into the spare's
 * mount namespace (a slave of it) and the code appears at /var/task, still read-only (needs root).
 */
export class SlotMounts {
  readonly root: string;
  readonly #helper: ChildProcessByStdio<Writable, Readable, null>;
  readonly #waiters: ((line: string) => void)[] = [];

  private constructor(root: string, helper: ChildProcessByStdio<Writable, Readable, null>) {
    this.root = root;
    this.#helper = helper;
    createInterface({ input: helper.stdout }).on("line", (line) => this.#waiters.shift()?.(line));
    helper.on("exit", () => {
      for (const w of this.#waiters.splice(0)) w("error the mount helper exited");
    });
  }

  /**
   * Makes `root` a shared mount point, first removing what a node that died left mounted there
   * (stale slots), and starts the helper that mounts code into slots.
   */
  static async open(root: string): Promise<SlotMounts> {
    await SlotMounts.removeStale(root);
    mkdirSync(root, { recursive: true, mode: 0o700 });
    await run("mount", ["--bind", root, root]);
    await run("mount", ["--make-shared", root]);
    const helper = spawn("sh", ["-c", HELPER], { stdio: ["pipe", "pipe", "inherit"] });
    helper.stdin.on("error", () => undefined);
    return new SlotMounts(root, helper);
  }

  /** Unmounts everything below and at `root` and removes its slot directories. */
  static async removeStale(root: string): Promise<void> {
    for (const path of mountsBelow(root)) await run("umount", ["-l", path]).catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  }

  /** Creates the empty slot of spare `id`; returns its path. */
  create(id: string): string {
    const path = `${this.root}/${id}`;
    mkdirSync(path, { mode: 0o755 });
    return path;
  }

  /** Binds `codeDir` read-only onto the slot of `id` (it appears at /var/task in that sandbox). */
  bind(id: string, codeDir: string): Promise<void> {
    return this.#ask("bind", codeDir, `${this.root}/${id}`);
  }

  /** Unmounts the code of `id`, if any, and removes its slot. */
  async release(id: string): Promise<void> {
    const path = `${this.root}/${id}`;
    if (mountsBelow(path).length) await this.#ask("unbind", path, "").catch(() => undefined);
    rmSync(path, { recursive: true, force: true });
  }

  /** Stops the helper and unmounts the slot root. */
  async close(): Promise<void> {
    this.#helper.stdin.end();
    await SlotMounts.removeStale(this.root);
  }

  #ask(op: string, a: string, b: string): Promise<void> {
    if (/[\n]/.test(a + b)) return Promise.reject(new Error("haneul: a path with a newline cannot be mounted"));
    return new Promise((resolve, reject) => {
      this.#waiters.push((line) => (line === "ok" ? resolve() : reject(new Error(`mount ${op}: ${line.slice(6)}`))));
      this.#helper.stdin.write(`${op}\n${a}\n${b}\n`);
    });
  }
}
