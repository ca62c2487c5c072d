import { constants } from "node:fs";
import { chmod, lstat, mkdir, open, readlink, realpath, symlink } from "node:fs/promises";
import { dirname, isAbsolute, join, resolve, sep } from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import yauzl from "yauzl";
import type { Entry, ZipFile } from "yauzl";

/** Why an archive was refused; the code store maps these to Lambda's errors. */
export class ZipRejected extends Error {
  readonly reason: "unreadable" | "too-large";
  constructor(reason: "unreadable" | "too-large", detail: string) {
    super(detail);
    this.name = "ZipRejected";
    this.reason = reason;
  }
}

/** One entry as the extractor needs it. */
export interface ZipEntryInfo {
  readonly path: string;
  readonly kind: "file" | "dir" | "symlink";
  /** Permission bits from the zip (unix-made archives), else 0o644 / 0o755. */
  readonly mode: number;
  readonly size: number;
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFDIR = 0o040000;
const MADE_BY_UNIX = 3;

function describe(entry: Entry): ZipEntryInfo {
  const isUnix = entry.versionMadeBy >> 8 === MADE_BY_UNIX;
  const unixMode = isUnix ? (entry.externalFileAttributes >>> 16) & 0xffff : 0;
  const isDir = entry.fileName.endsWith("/") || (unixMode & S_IFMT) === S_IFDIR;
  const kind = isDir ? "dir" : (unixMode & S_IFMT) === S_IFLNK ? "symlink" : "file";
  const perm = unixMode & 0o777;
  const mode = perm !== 0 ? perm : isDir ? 0o755 : 0o644;
  return { path: entry.fileName.replace(/\/+$/, ""), kind, mode, size: entry.uncompressedSize };
}

async function openZip(zip: Buffer): Promise<ZipFile> {
  try {
    // yauzl refuses absolute and `..` names itself ("zip slip"); backslashes become slashes.
    return await yauzl.fromBufferPromise(zip, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false });
  } catch (e) {
    throw new ZipRejected("unreadable", (e as Error).message);
  }
}

/** Reads and checks the central directory: names, encryption, total unzipped size. */
export async function listZip(zip: Buffer, maxUnzippedBytes: number): Promise<ZipEntryInfo[]> {
  const file = await openZip(zip);
  const entries: ZipEntryInfo[] = [];
  let total = 0;
  try {
    for await (const entry of file.eachEntry()) {
      if (entry.isEncrypted() || !entry.canDecodeFileData())
        throw new ZipRejected("unreadable", "cannot decode " + entry.fileName);
      const info = describe(entry);
      if (info.path === "" || info.path.split("/").includes(".."))
        throw new ZipRejected("unreadable", "bad name " + entry.fileName);
      total += info.size;
      if (total >= maxUnzippedBytes) throw new ZipRejected("too-large", `unzipped ${total} bytes`);
      entries.push(info);
    }
  } catch (e) {
    throw e instanceof ZipRejected ? e : new ZipRejected("unreadable", (e as Error).message);
  } finally {
    file.close();
  }
  return entries;
}

/** Counts bytes as they pass, so a lying header cannot make us write more than the limit. */
function byteBudget(budget: { left: number }): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      budget.left -= chunk.length;
      if (budget.left < 0) done(new ZipRejected("too-large", "unzipped size over the limit"));
      else done(null, chunk);
    },
  });
}

async function readAll(stream: Readable): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts).toString("utf8");
}

/** Resolves an entry's name under `root` by its text, refusing anything that would land outside it. */
function inside(root: string, rel: string): string {
  const target = resolve(root, rel);
  if (target !== root && !target.startsWith(root + sep)) throw new ZipRejected("unreadable", "escapes root: " + rel);
  return target;
}

/** Creates a file that must not exist yet, never through a link: O_EXCL, O_NOFOLLOW. */
const CREATE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
/** How many links one name may pass through, as the kernel's own limit (ELOOP). */
const MAX_LINKS = 40;

/**
 * Where `rel` (a path under `root`) leads once every link already in the tree is followed, or
 * undefined when it leaves `root` or loops. Components that do not exist (yet) are taken as names.
 */
async function physicalTarget(root: string, rel: string): Promise<string | undefined> {
  const pending = rel.split("/").reverse();
  const at: string[] = [];
  let links = 0;
  while (pending.length) {
    const part = pending.pop() as string;
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (at.pop() === undefined) return undefined;
      continue;
    }
    const path = join(root, ...at, part);
    const st = await lstat(path).catch(() => undefined);
    if (!st?.isSymbolicLink()) {
      at.push(part);
      continue;
    }
    if (++links > MAX_LINKS) return undefined;
    const link = await readlink(path);
    if (isAbsolute(link)) return undefined;
    pending.push(...link.split("/").reverse());
  }
  return join(root, ...at);
}

async function writeEntry(
  file: ZipFile,
  entry: Entry,
  root: string,
  budget: { left: number },
): Promise<LinkEntry | undefined> {
  const info = describe(entry);
  const target = inside(root, info.path);
  if (info.kind === "dir") {
    await mkdir(target, { recursive: true, mode: 0o755 });
    return undefined;
  }
  if (info.kind === "symlink") {
    const link = await readAll(await file.openReadStreamPromise(entry));
    if (link === "" || isAbsolute(link)) throw new ZipRejected("unreadable", "absolute symlink " + info.path);
    // Links are made once every file and directory is written (see extractZip).
    return { path: info.path, link };
  }
  await mkdir(dirname(target), { recursive: true, mode: 0o755 });
  const fd = await open(target, CREATE_FLAGS, 0o600);
  // Opened last: an inflate error must find the pipeline already listening.
  const stream = await file.openReadStreamPromise(entry).catch(async (e: unknown) => {
    await fd.close();
    throw e;
  });
  await pipeline(stream, byteBudget(budget), fd.createWriteStream());
  await chmod(target, info.mode);
  return undefined;
}

interface LinkEntry {
  readonly path: string;
  readonly link: string;
}

/**
 * Makes the archive's links, last: no file or directory is ever written through one (so a link
 * cannot redirect a later entry, whatever order the archive lists them in), and each link must
 * lead inside `root` once all of them exist, followed as the kernel would follow them (a chain of
 * links whose text stays inside can still point outside).
 */
async function makeLinks(root: string, links: readonly LinkEntry[]): Promise<void> {
  for (const { path, link } of links) {
    const target = inside(root, path);
    await mkdir(dirname(target), { recursive: true, mode: 0o755 });
    await symlink(link, target);
  }
  for (const { path } of links) {
    if ((await physicalTarget(root, path)) === undefined)
      throw new ZipRejected("unreadable", "symlink escapes " + path);
  }
}

/**
 * Extracts every entry under `root` (which must exist and be empty), keeping the archive's
 * permission bits. Files are created with O_EXCL | O_NOFOLLOW; links are made last and kept only
 * when they lead inside `root` (see makeLinks).
 */
export async function extractZip(zip: Buffer, root: string, maxUnzippedBytes: number): Promise<void> {
  const file = await openZip(zip);
  const budget = { left: maxUnzippedBytes };
  const links: LinkEntry[] = [];
  try {
    // Entries are resolved against the directory's real path: a root reached through a link
    // would make every textual check below look at the wrong tree.
    const real = await realpath(root);
    for await (const entry of file.eachEntry()) {
      const link = await writeEntry(file, entry, real, budget);
      if (link) links.push(link);
    }
    await makeLinks(real, links);
  } catch (e) {
    throw e instanceof ZipRejected ? e : new ZipRejected("unreadable", (e as Error).message);
  } finally {
    file.close();
  }
}
