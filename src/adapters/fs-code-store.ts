import { createHash, randomBytes } from "node:crypto";
import { chmod, lstat, mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  CODE_LIMITS,
  type CodeLimits,
  type CodePackage,
  type CodeStore,
  type SharedZipStore,
} from "../ports/code-store.js";
import { PlatformError } from "../shared/errors.js";
import { mergeTrees } from "./layer-merge.js";
import { extractZip, listZip, ZipRejected } from "./zip-archive.js";

export interface FsCodeStoreOptions {
  /** The data directory; code goes to `<dataDir>/code/zips` and `<dataDir>/code/tree`. */
  readonly dataDir: string;
  readonly maxZippedBytes?: number | undefined;
  readonly maxUnzippedBytes?: number | undefined;
  /** Total size of all stored zips (Lambda's per-account code storage, 75 GB by default). */
  readonly maxTotalBytes?: number | undefined;
  /**
   * Cluster mode: zips are kept in the shared database, so that every node can run every version.
   * The node's own zips directory is then a cache, filled on first use.
   */
  readonly shared?: SharedZipStore | undefined;
  /** Time recorded with a shared zip. */
  readonly now?: (() => number) | undefined;
}

const UNZIP_FAILED = "Could not unzip uploaded file. Please check your file, then try to upload again.";

/**
 * Zips under `<data>/code/zips/<hex>.zip`, trees under `<data>/code/tree/<hex>/`, both written once.
 * With a shared zip store (cluster mode) the zips are stored there too, and a zip this node has not
 * seen is fetched from it before it is extracted.
 */
export class FsCodeStore implements CodeStore {
  readonly #zips: string;
  readonly #trees: string;
  readonly #maxZipped: number;
  readonly #maxUnzipped: number;
  readonly #maxTotal: number;
  readonly #shared: SharedZipStore | undefined;
  readonly #now: () => number;
  /** Bytes of stored zips, counted from disk on first need. */
  #total: number | undefined;
  /** One extraction per sha at a time in this process; other processes are handled by rename. */
  readonly #extracting = new Map<string, Promise<string>>();

  constructor(options: FsCodeStoreOptions) {
    this.#zips = join(options.dataDir, "code", "zips");
    this.#trees = join(options.dataDir, "code", "tree");
    this.#maxZipped = options.maxZippedBytes ?? CODE_LIMITS.maxZippedBytes;
    this.#maxUnzipped = options.maxUnzippedBytes ?? CODE_LIMITS.maxUnzippedBytes;
    this.#maxTotal = options.maxTotalBytes ?? CODE_LIMITS.maxTotalBytes;
    this.#shared = options.shared;
    this.#now = options.now ?? Date.now;
  }

  get limits(): CodeLimits {
    return { maxZippedBytes: this.#maxZipped, maxUnzippedBytes: this.#maxUnzipped, maxTotalBytes: this.#maxTotal };
  }

  async inspect(zip: Buffer): Promise<CodePackage> {
    if (zip.length > this.#maxZipped) {
      throw new PlatformError("ERR_REQUEST_TOO_LARGE", `Zipped size must be smaller than ${this.#maxZipped} bytes`);
    }
    const entries = await this.#list(zip);
    const digest = createHash("sha256").update(zip).digest();
    const unzippedSize = entries.reduce((n, e) => n + e.size, 0);
    return { sha256Hex: digest.toString("hex"), codeSha256: digest.toString("base64"), size: zip.length, unzippedSize };
  }

  async put(zip: Buffer): Promise<CodePackage> {
    const pkg = await this.inspect(zip);
    const zipPath = this.#zipPath(pkg.sha256Hex);
    const stored = this.#shared ? await this.#shared.has(pkg.sha256Hex) : await exists(zipPath);
    if (!stored && (await this.#storedBytes()) + zip.length > this.#maxTotal) {
      throw new PlatformError("ERR_CODE_STORAGE_EXCEEDED", "Code storage limit exceeded.");
    }
    // Extract first: a zip whose data turns out corrupt is never kept.
    await this.#extractOnce(pkg.sha256Hex, zip);
    if (this.#shared && !stored) await this.#shared.put(pkg.sha256Hex, zip, this.#now());
    if (!(await exists(zipPath))) {
      await this.#writeZip(zipPath, zip);
      if (!stored) this.#total = (this.#total ?? 0) + zip.length;
    }
    return pkg;
  }

  /**
   * Removes what a node that died mid-write left behind: partial extractions (`tree/.tmp-*`) and
   * temporary zips (`zips/*.tmp`). Call once at start, before anything is stored.
   */
  async removeLeftovers(): Promise<void> {
    for (const name of await readdir(this.#trees).catch(() => [] as string[])) {
      if (name.startsWith(".tmp-")) await removeTree(join(this.#trees, name));
    }
    for (const name of await readdir(this.#zips).catch(() => [] as string[])) {
      if (name.endsWith(".tmp")) await rm(join(this.#zips, name), { force: true });
    }
  }

  async extract(sha256Hex: string): Promise<string> {
    const dir = this.treeDir(sha256Hex);
    if (await exists(dir)) return dir;
    return this.#extractOnce(sha256Hex, await this.#readZip(sha256Hex));
  }

  treeDir(sha256Hex: string): string {
    return join(this.#trees, sha256Hex);
  }

  layersDir(sha256Hexes: readonly string[]): string {
    const key = createHash("sha256").update(sha256Hexes.join(",")).digest("hex");
    return join(this.#trees, `opt-${key}`);
  }

  async mergeLayers(sha256Hexes: readonly string[]): Promise<string> {
    const dir = this.layersDir(sha256Hexes);
    if (await exists(dir)) return dir;
    const trees: string[] = [];
    for (const hex of sha256Hexes) trees.push(await this.extract(hex));
    return mergeTrees(trees, dir, sealReadOnly, removeTree);
  }

  location(sha256Hex: string): string {
    return pathToFileURL(this.#zipPath(sha256Hex)).href;
  }

  async has(sha256Hex: string): Promise<boolean> {
    if (this.#shared) return this.#shared.has(sha256Hex);
    return exists(this.#zipPath(sha256Hex));
  }

  /** The zip's bytes: from this node's files, else (cluster) from the shared store, cached here. */
  async #readZip(sha256Hex: string): Promise<Buffer> {
    const path = this.#zipPath(sha256Hex);
    if (!this.#shared || (await exists(path))) return readFile(path);
    const zip = await this.#shared.get(sha256Hex);
    if (!zip) throw new Error(`haneul: code package ${sha256Hex} is not in the shared store`);
    await this.#writeZip(path, zip);
    return zip;
  }

  async #writeZip(path: string, zip: Buffer): Promise<void> {
    await mkdir(this.#zips, { recursive: true });
    const tmp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
    await writeFile(tmp, zip, { mode: 0o444 });
    await rename(tmp, path);
  }

  #zipPath(sha256Hex: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256Hex)) throw new Error("haneul: not a sha256: " + sha256Hex);
    return join(this.#zips, `${sha256Hex}.zip`);
  }

  async #list(zip: Buffer) {
    try {
      return await listZip(zip, this.#maxUnzipped);
    } catch (e) {
      throw this.#lambdaError(e);
    }
  }

  #lambdaError(e: unknown): unknown {
    if (!(e instanceof ZipRejected)) return e;
    if (e.reason === "too-large") {
      return new PlatformError(
        "ERR_INVALID_PARAMETER",
        `Unzipped size must be smaller than ${this.#maxUnzipped} bytes`,
      );
    }
    return new PlatformError("ERR_INVALID_PARAMETER", UNZIP_FAILED);
  }

  async #storedBytes(): Promise<number> {
    // Other nodes store code too: the shared total is read each time (once per new package).
    if (this.#shared) return this.#shared.totalBytes();
    if (this.#total === undefined) {
      let total = 0;
      const names = await readdir(this.#zips).catch(() => [] as string[]);
      for (const name of names) if (name.endsWith(".zip")) total += (await stat(join(this.#zips, name))).size;
      this.#total = total;
    }
    return this.#total;
  }

  async #writeScopeBoundary(): Promise<void> {
    const path = join(this.#trees, "package.json");
    if (!(await exists(path))) await writeFile(path, SCOPE_BOUNDARY, { mode: 0o444 }).catch(() => undefined);
  }

  #extractOnce(sha256Hex: string, zip: Buffer): Promise<string> {
    let running = this.#extracting.get(sha256Hex);
    if (!running) {
      running = this.#extractTree(sha256Hex, zip).finally(() => this.#extracting.delete(sha256Hex));
      this.#extracting.set(sha256Hex, running);
    }
    return running;
  }

  /** Extracts into a private temporary directory, seals it read-only, then renames it into place. */
  async #extractTree(sha256Hex: string, zip: Buffer): Promise<string> {
    const dir = this.treeDir(sha256Hex);
    if (await exists(dir)) return dir;
    await mkdir(this.#trees, { recursive: true });
    await this.#writeScopeBoundary();
    const tmp = join(this.#trees, `.tmp-${sha256Hex}-${randomBytes(6).toString("hex")}`);
    await mkdir(tmp, { mode: 0o700 });
    try {
      await extractZip(zip, tmp, this.#maxUnzipped);
      await sealReadOnly(tmp);
      await rename(tmp, dir);
    } catch (e) {
      await removeTree(tmp);
      // Another process won the race: its tree has the same content.
      if (isCode(e, "EEXIST") || isCode(e, "ENOTEMPTY")) return dir;
      throw this.#lambdaError(e);
    }
    return dir;
  }
}

/**
 * Node takes a `.js` file's module type from the nearest package.json above it. On AWS nothing
 * sits above /var/task; here the data directory may live inside a project whose package.json says
 * `"type": "module"`. This file ends the lookup at the tree root, so code without its own
 * package.json is CommonJS, as on Lambda.
 */
const SCOPE_BOUNDARY = `${JSON.stringify({ private: true, description: "haneul: package scope boundary for extracted function code" }, null, 2)}\n`;

function isCode(e: unknown, code: string): boolean {
  return typeof e === "object" && e !== null && (e as { code?: unknown }).code === code;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Files 0444 (0555 when any execute bit was set, as for `bootstrap`), directories 0555. */
async function sealReadOnly(dir: string): Promise<void> {
  for (const name of await readdir(dir)) {
    const path = join(dir, name);
    const st = await lstat(path);
    if (st.isSymbolicLink()) continue;
    if (st.isDirectory()) await sealReadOnly(path);
    else await chmod(path, st.mode & 0o111 ? 0o555 : 0o444);
  }
  await chmod(dir, 0o555);
}

/** Removes a tree that sealReadOnly made read-only (its directories must be writable again first). */
export async function removeTree(dir: string): Promise<void> {
  const st = await lstat(dir).catch(() => undefined);
  if (!st) return;
  if (st.isDirectory()) {
    await chmod(dir, 0o755);
    for (const name of await readdir(dir)) await removeTree(join(dir, name));
  }
  await rm(dir, { recursive: true, force: true });
}
