import { createWriteStream } from "node:fs";
import { chmod, mkdir, symlink } from "node:fs/promises";
import { dirname, isAbsolute, join, normalize, resolve, sep } from "node:path";
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

async function open(zip: Buffer): Promise<ZipFile> {
  try {
    // yauzl refuses absolute and `..` names itself ("zip slip"); backslashes become slashes.
    return await yauzl.fromBufferPromise(zip, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false });
  } catch (e) {
    throw new ZipRejected("unreadable", (e as Error).message);
  }
}

/** Reads and checks the central directory: names, encryption, total unzipped size. */
export async function listZip(zip: Buffer, maxUnzippedBytes: number): Promise<ZipEntryInfo[]> {
  const file = await open(zip);
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

/** Resolves an entry inside `root`, refusing anything that would land outside it. */
function inside(root: string, rel: string): string {
  const target = resolve(root, rel);
  if (target !== root && !target.startsWith(root + sep)) throw new ZipRejected("unreadable", "escapes root: " + rel);
  return target;
}

async function writeEntry(file: ZipFile, entry: Entry, root: string, budget: { left: number }): Promise<void> {
  const info = describe(entry);
  const target = inside(root, info.path);
  if (info.kind === "dir") {
    await mkdir(target, { recursive: true, mode: 0o755 });
    return;
  }
  await mkdir(dirname(target), { recursive: true, mode: 0o755 });
  const stream = await file.openReadStreamPromise(entry);
  if (info.kind === "symlink") {
    const link = await readAll(stream);
    // A link may only point inside the package, like any other entry.
    if (isAbsolute(link)) throw new ZipRejected("unreadable", "absolute symlink " + info.path);
    inside(root, join(dirname(info.path), normalize(link)));
    await symlink(link, target);
    return;
  }
  await pipeline(stream, byteBudget(budget), createWriteStream(target, { mode: 0o600, flags: "wx" }));
  await chmod(target, info.mode);
}

/** Extracts every entry under `root` (which must exist), keeping the archive's permission bits. */
export async function extractZip(zip: Buffer, root: string, maxUnzippedBytes: number): Promise<void> {
  const file = await open(zip);
  const budget = { left: maxUnzippedBytes };
  try {
    for await (const entry of file.eachEntry()) await writeEntry(file, entry, root, budget);
  } catch (e) {
    throw e instanceof ZipRejected ? e : new ZipRejected("unreadable", (e as Error).message);
  } finally {
    file.close();
  }
}
