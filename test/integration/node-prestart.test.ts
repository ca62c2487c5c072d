/**
 * `haneul dev` hands the node its template's functions when it starts it (`prestartInstances`):
 * the node starts one process ahead for each as soon as its ports are known, before any function
 * is deployed, beside its usual stock of spares; a runtime that takes no spare gets none.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { basename } from "node:path";
import { after, describe, it } from "node:test";
import { loadServerConfig } from "../../src/config/server-config.js";
import { startNode } from "../../src/main.js";
import { tempDir, type TempDir } from "../helpers/temp-dir.js";

const RUNTIME = `nodejs${process.versions.node.split(".")[0]}.x`;

/** The runtime processes (spares included) among this process's descendants, sandboxed or not. */
function runtimeProcesses(): number {
  const children = new Map<number, number[]>();
  const bootstrap = new Set<number>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
      // The runtime's own `node`, not the sandbox's processes that carry its command line.
      const argv = readFileSync(`/proc/${name}/cmdline`, "utf8").split("\0");
      if (basename(argv[0] ?? "").startsWith("node") && argv.some((a) => a.endsWith("bootstrap.js")))
        bootstrap.add(Number(name));
    } catch {
      // exited meanwhile
    }
  }
  let count = 0;
  const pending = [...(children.get(process.pid) ?? [])];
  for (let pid = pending.pop(); pid !== undefined; pid = pending.pop()) {
    if (bootstrap.has(pid)) count++;
    pending.push(...(children.get(pid) ?? []));
  }
  return count;
}

/** Waits (reading /proc every 100 ms) until the count of runtime processes satisfies `ok`. */
async function untilCount(ok: (n: number) => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok(runtimeProcesses())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (${runtimeProcesses()} processes)`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("processes started ahead for the functions about to be deployed", () => {
  const dirs: TempDir[] = [];
  after(() => Promise.all(dirs.map((d) => d.remove())));

  it("start with the node, beside the stock of spares, before anything is deployed", async () => {
    const dir = tempDir("prestart");
    dirs.push(dir);
    const config = loadServerConfig({}, [
      "--data",
      dir.path,
      "--api-port",
      "0",
      "--gateway-port",
      "0",
      "--spares",
      "1",
    ]);
    const shape = { runtime: RUNTIME, memoryMb: 128 };
    const node = await startNode(config, {
      prestartInstances: [shape, shape, shape, { runtime: "provided.al2023", memoryMb: 128 }],
    });
    try {
      // The stock (1) and one per Node.js function (3); without them the stock alone.
      await untilCount((n) => n >= 4, "the stock spare and three started ahead", 60_000);
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal(runtimeProcesses(), 4, "none for the runtime that takes no spare, none beyond");
    } finally {
      await node.stop();
    }
    await untilCount((n) => n === 0, "every process stopped with the node", 30_000);
  });
});
