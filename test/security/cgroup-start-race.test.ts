/**
 * Nodes that start together (a cluster on one machine, a restart after a crash) each remove the
 * cgroup trees that dead nodes left behind. They race to remove the same trees, and none of them
 * may lose its own cgroups over it: a node without them runs its instances with no memory, pids
 * or CPU limits and never freezes them.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { CgroupTree } from "../../src/adapters/process/sandbox/cgroups.js";
import { ROOT } from "../helpers/paths.js";

const MODULE = join(ROOT, "dist", "src", "adapters", "process", "sandbox", "cgroups.js");

/** Opens a node's cgroup tree in a process of its own; `die` leaves it behind as a crashed node would. */
function openInChild(die: boolean): Promise<{ ok: boolean; reason?: string; pid: number }> {
  const code = `
    const { CgroupTree } = await import(${JSON.stringify(MODULE)});
    const r = CgroupTree.open();
    process.stdout.write(JSON.stringify(r.ok ? { ok: true } : r) + "\\n");
    if (${die}) setInterval(() => {}, 1000);
    else if (r.ok) r.tree.close();`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", code], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (die && out.endsWith("\n")) child.kill("SIGKILL");
    });
    child.on("error", reject);
    child.on("close", () => resolve({ ...(JSON.parse(out) as { ok: boolean; reason?: string }), pid: child.pid ?? 0 }));
  });
}

/** The directories of this machine's cgroup file system named after `pid`. */
function treesOf(pid: number): string[] {
  const found: string[] = [];
  const walk = (dir: string, depth: number): void => {
    let entries: string[];
    try {
      entries = readdirSync(dir, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name);
    } catch {
      return;
    }
    for (const name of entries) {
      if (name.startsWith(`haneul-${pid}-`)) found.push(join(dir, name));
      else if (depth < 4 && !name.startsWith("haneul-")) walk(join(dir, name), depth + 1);
    }
  };
  walk("/sys/fs/cgroup", 0);
  return found;
}

test("nodes starting together while removing dead nodes' cgroups all keep their own", async (t) => {
  const probe = CgroupTree.open();
  if (!probe.ok) return t.skip(`no cgroups to manage here: ${probe.reason}`);
  probe.tree.close();
  for (let round = 0; round < 8; round++) {
    const dead = await Promise.all([1, 2, 3, 4, 5, 6].map(() => openInChild(true)));
    for (const d of dead) assert.ok(d.ok, `a node opened its cgroups: ${d.reason}`);
    const starting = await Promise.all([1, 2, 3, 4].map(() => openInChild(false)));
    for (const s of starting) assert.ok(s.ok, `round ${round}: a node lost its cgroups: ${s.reason}`);
    for (const d of dead) assert.deepEqual(treesOf(d.pid), [], "the dead nodes' trees are removed");
  }
});
