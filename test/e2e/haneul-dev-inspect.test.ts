/**
 * `haneul dev --inspect <LogicalId>` as a developer debugs with it: a real Chrome DevTools Protocol
 * client (chrome-remote-interface, what editors' debug adapters speak) attaches to the printed port,
 * sets a breakpoint in the handler, and holds the instance paused past the function's timeout; the
 * request still answers once the debugger resumes, with the module state the debugger read.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { cpSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { after, before, test } from "node:test";
import CDP from "chrome-remote-interface";
import { CLI, ROOT } from "../helpers/paths.js";
import { tempDir, type TempDir } from "../helpers/temp-dir.js";
import { waitUntil } from "../helpers/wait.js";

interface Line {
  readonly type: string;
  readonly root?: string;
  readonly message?: string;
}

let app: TempDir;
let child: ChildProcessWithoutNullStreams;
const lines: Line[] = [];
let stderr = "";
let root = "";
let port = 0;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

before(async () => {
  app = tempDir("dev-inspect", { inRepo: true });
  cpSync(join(ROOT, "examples", "dev-app"), app.path, { recursive: true });
  port = await freePort();
  const args = ["dev", "--port", "0", "--lambda-port", "0", "--json", "--no-watch"];
  child = spawn(process.execPath, [CLI, ...args, "--inspect", "CounterFunction", "--inspect-port", String(port)], {
    cwd: app.path,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/root" },
  });
  let partial = "";
  child.stdout.on("data", (d: Buffer) => {
    const parts = (partial + d.toString()).split("\n");
    partial = parts.pop() ?? "";
    for (const p of parts) if (p.startsWith("{")) lines.push(JSON.parse(p) as Line);
  });
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  await waitUntil(() => lines.some((l) => l.type === "routes"), `the route table (${stderr})`, 60_000);
  root = String(lines.find((l) => l.type === "routes")?.root);
});

after(async () => {
  if (child.exitCode === null) {
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGINT");
    await exited;
  }
  await app.remove();
});

test("haneul dev names the debugged function and the inspector's port", () => {
  const said = lines.find((l) => l.type === "debugger");
  assert.deepEqual(said, { type: "debugger", function: "CounterFunction", host: "127.0.0.1", port });
});

test("a CDP client attaches, stops at a breakpoint in the handler past its timeout, and the call then answers", async () => {
  // The first call starts the instance (and its inspector).
  assert.deepEqual(await (await fetch(new URL("/count", root))).json(), { calls: 1 });
  const client = await CDP({ host: "127.0.0.1", port });
  try {
    const paused = new Promise<{ callFrames: { callFrameId: string; location: { scriptId: string } }[] }>((resolve) =>
      client.Debugger.paused((p) => resolve(p)),
    );
    await client.Debugger.enable({});
    // `calls += 1;` of examples/dev-app/counter/index.js (0-based line 4).
    const { breakpointId, locations } = await client.Debugger.setBreakpointByUrl({
      lineNumber: 4,
      urlRegex: "index\\.js$",
    });
    assert.equal(locations.length, 1, "the handler's module is loaded in the debugged instance");
    const started = performance.now();
    const answer = fetch(new URL("/count", root)).then(async (r) => ({ status: r.status, body: await r.json() }));
    const frame = (await paused).callFrames[0];
    assert.equal(frame?.location.scriptId, locations[0]?.scriptId, "paused at the breakpoint in the handler");
    const seen = await client.Debugger.evaluateOnCallFrame({
      callFrameId: frame?.callFrameId ?? "",
      expression: "calls",
    });
    assert.equal(seen.result.value, 1, "the module state of the warm instance, read by the debugger");
    // Held longer than the function's Timeout (5 s in the template): a debugged function has none.
    await new Promise((r) => setTimeout(r, 6_000));
    await client.Debugger.removeBreakpoint({ breakpointId });
    await client.Debugger.resume({});
    const { status, body } = await answer;
    assert.equal(status, 200);
    assert.deepEqual(body, { calls: 2 });
    assert.ok(performance.now() - started > 6_000);
  } finally {
    await client.close();
  }
});
