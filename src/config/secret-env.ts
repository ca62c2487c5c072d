/**
 * Once the configuration is read, the node's secrets must not stay in its environment, where
 * `/proc/<pid>/environ` (and every process that may read it) would show them. Deleting a
 * variable only drops libc's pointer; the original bytes stay on the process's stack, which is
 * what `/proc/<pid>/environ` reads. So the values are also overwritten there, in place, through
 * `/proc/self/mem` (Linux). The process keeps its pid, so signals and exit status are unchanged.
 */
import { closeSync, openSync, readFileSync, readSync, writeSync } from "node:fs";

/** Variables whose values are secrets: the node's own, and an operator's AWS secrets it never uses. */
export const SECRET_VARIABLES = [
  "HANEUL_SECRET_ACCESS_KEY",
  "HANEUL_NODE_SECRET",
  "HANEUL_DATABASE_URL",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
] as const;

/** What scrubbing did: the variables removed, and why the original bytes could not be overwritten. */
export interface ScrubResult {
  readonly removed: readonly string[];
  readonly failure?: string | undefined;
}

/** Removes `names` from this process's environment, also from the memory `/proc/self/environ` shows. */
export function scrubSecretEnvironment(names: readonly string[] = SECRET_VARIABLES): ScrubResult {
  const present = names.filter((n) => process.env[n] !== undefined);
  if (present.length === 0) return { removed: [] };
  let failure: string | undefined;
  try {
    overwriteEnvironBlock(present);
  } catch (e) {
    failure = (e as Error).message;
  }
  for (const n of present) Reflect.deleteProperty(process.env, n);
  return { removed: present, failure };
}

function overwriteEnvironBlock(names: readonly string[]): void {
  const stat = readFileSync("/proc/self/stat", "utf8");
  // Fields after the command name (which may hold spaces) start at field 3; env_start is field 50.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const start = Number(fields[47]);
  const end = Number(fields[48]);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || end <= start) {
    throw new Error("the environment's place in memory is not readable");
  }
  const fd = openSync("/proc/self/mem", "r+");
  try {
    const block = Buffer.alloc(end - start);
    readSync(fd, block, 0, block.length, start);
    let changed = false;
    for (let i = 0; i < block.length;) {
      let nul = block.indexOf(0, i);
      if (nul < 0) nul = block.length;
      const entry = block.toString("latin1", i, nul);
      const eq = entry.indexOf("=");
      if (eq > 0 && names.includes(entry.slice(0, eq))) {
        block.fill(0, i + eq + 1, nul);
        changed = true;
      }
      i = nul + 1;
    }
    if (changed) writeSync(fd, block, 0, block.length, start);
  } finally {
    closeSync(fd);
  }
}
