/**
 * A SQLite data directory belongs to one node at a time: a second node on it (in this process or
 * another) is refused at start with a message naming the holder, and the directory is free again
 * once the holder stops — or dies with kill -9.
 */
import assert from "node:assert/strict";
import { once } from "node:events";
import { after, describe, it } from "node:test";
import { loadServerConfig } from "../../src/config/server-config.js";
import { startNode } from "../../src/main.js";
import { ServerExitedError, startServerProcess } from "../helpers/server-process.js";
import { tempDir, type TempDir } from "../helpers/temp-dir.js";

const ARGS = ["--api-port", "0", "--gateway-port", "0", "--spares", "0"];
const configFor = (dataDir: string) => loadServerConfig({}, ["--data", dataDir, ...ARGS]);
const serverOn = (dataDir: string) => startServerProcess({ args: ["--data", dataDir, ...ARGS] });

describe("one node per SQLite data directory", () => {
  const dirs: TempDir[] = [];
  after(() => Promise.all(dirs.map((d) => d.remove())));
  const freshDir = () => {
    const d = tempDir("lock");
    dirs.push(d);
    return d.path;
  };

  it("refuses a second node in this process and in another, naming the holder; frees the directory on stop", async () => {
    const dir = freshDir();
    const first = await startNode(configFor(dir));
    try {
      await assert.rejects(startNode(configFor(dir)), {
        name: "DataDirInUseError",
        message: new RegExp(`the data directory ${dir} is in use by another haneul node \\(pid ${process.pid}\\)`),
      });
      await assert.rejects(serverOn(dir), (e: unknown) => {
        assert.ok(e instanceof ServerExitedError);
        assert.equal(e.code, 1);
        assert.match(
          e.output,
          /^haneul server: cannot start: the data directory .* is in use by another haneul node \(pid \d+\): stop it, or give this node its own --data/m,
        );
        return true;
      });
    } finally {
      await first.stop();
    }
    const again = await startNode(configFor(dir));
    await again.stop();
  });

  it("a node killed with -9 leaves the directory free for the next", async () => {
    const dir = freshDir();
    const killed = await serverOn(dir);
    const exited = once(killed.child, "exit");
    killed.child.kill("SIGKILL");
    await exited;
    const next = await serverOn(dir);
    assert.equal(await next.stop(), 0);
  });
});
