/**
 * A SQLite data directory belongs to one node at a time: a second node on it (in this process or
 * another) is refused at start with a message naming the holder, and the directory is free again
 * once the holder stops — or dies with kill -9.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { loadServerConfig } from "../../src/config/server-config.js";
import { startNode } from "../../src/main.js";
import { CLI } from "../helpers/paths.js";

const configFor = (dataDir: string) =>
  loadServerConfig({}, ["--data", dataDir, "--api-port", "0", "--gateway-port", "0", "--spares", "0"]);

/** Runs `haneul server` on `dataDir` until it prints its ready line or exits; returns what happened. */
function serverProcess(dataDir: string) {
  const child = spawn(process.execPath, [CLI, "server", "--data", dataDir, "--api-port", "0", "--gateway-port", "0"], {
    env: { PATH: "/usr/bin:/bin" },
  });
  let out = "";
  child.stdout.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr.on("data", (c: Buffer) => (out += c.toString()));
  const settled = new Promise<{ ready: boolean; code: number | null }>((resolve) => {
    child.stdout.on("data", () => out.includes("haneul node ready") && resolve({ ready: true, code: null }));
    child.on("exit", (code) => resolve({ ready: false, code }));
  });
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  return { child, settled, exited, output: () => out };
}

describe("one node per SQLite data directory", () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const freshDir = () => {
    const d = mkdtempSync(join(tmpdir(), "haneul-lock-"));
    dirs.push(d);
    return d;
  };

  it("refuses a second node in this process and in another, naming the holder; frees the directory on stop", async () => {
    const dir = freshDir();
    const first = await startNode(configFor(dir));
    try {
      await assert.rejects(startNode(configFor(dir)), {
        name: "DataDirInUseError",
        message: new RegExp(`the data directory ${dir} is in use by another haneul node \\(pid ${process.pid}\\)`),
      });
      const other = serverProcess(dir);
      const result = await other.settled;
      assert.deepEqual(result, { ready: false, code: 1 }, other.output());
      assert.match(
        other.output(),
        /^haneul server: cannot start: the data directory .* is in use by another haneul node \(pid \d+\): stop it, or give this node its own --data/m,
      );
    } finally {
      await first.stop();
    }
    const again = await startNode(configFor(dir));
    await again.stop();
  });

  it("a node killed with -9 leaves the directory free for the next", async () => {
    const dir = freshDir();
    const killed = serverProcess(dir);
    assert.equal((await killed.settled).ready, true, killed.output());
    killed.child.kill("SIGKILL");
    await killed.exited;
    const next = serverProcess(dir);
    assert.equal((await next.settled).ready, true, next.output());
    next.child.kill("SIGTERM");
    await next.exited;
  });
});
