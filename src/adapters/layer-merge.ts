import { randomBytes } from "node:crypto";
import { copyFile, lstat, mkdir, readdir, readlink, rename, rm, symlink } from "node:fs/promises";
import { dirname, join } from "node:path";

/**
 * Copies the extracted layer trees `sources` in order into a fresh directory and renames it to
 * `target`: what a function sees at /opt, later layers overwriting earlier files as on Lambda.
 * `seal` makes the result read-only; a concurrent merge of the same layers loses the rename
 * harmlessly (same content).
 */
export async function mergeTrees(
  sources: readonly string[],
  target: string,
  seal: (dir: string) => Promise<void>,
  remove: (dir: string) => Promise<void>,
): Promise<string> {
  const tmp = join(dirname(target), `.tmp-${randomBytes(6).toString("hex")}`);
  await mkdir(tmp, { recursive: true, mode: 0o700 });
  try {
    for (const source of sources) await copyInto(source, tmp);
    await seal(tmp);
    await rename(tmp, target);
  } catch (e) {
    await remove(tmp);
    const code = (e as { code?: unknown }).code;
    if (code === "EEXIST" || code === "ENOTEMPTY") return target;
    throw e;
  }
  return target;
}

async function copyInto(from: string, to: string): Promise<void> {
  for (const name of await readdir(from)) {
    const src = join(from, name);
    const dst = join(to, name);
    const st = await lstat(src);
    const existing = await lstat(dst).catch(() => undefined);
    if (st.isDirectory()) {
      if (existing && !existing.isDirectory()) await rm(dst, { force: true });
      if (!existing?.isDirectory()) await mkdir(dst, { mode: 0o755 });
      await copyInto(src, dst);
      continue;
    }
    if (existing) await rm(dst, { recursive: true, force: true });
    if (st.isSymbolicLink()) await symlink(await readlink(src), dst);
    else await copyFile(src, dst);
  }
}
