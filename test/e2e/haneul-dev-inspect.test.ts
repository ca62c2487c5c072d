/**
 * `haneul dev --inspect <LogicalId>` as a developer debugs with it: a real Chrome DevTools Protocol
 * client (chrome-remote-interface, what editors' debug adapters speak) attaches to the printed port,
 * sets a breakpoint in the handler, and holds the instance paused past the function's timeout; the
 * request still answers once the debugger resumes, with the module state the debugger read.
 */
import assert from "node:assert/strict";
import { cpSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { after, before, test } from "node:test";
import CDP from "chrome-remote-interface";
import { runHaneul } from "../helpers/haneul-cli.js";
import { startDev, type RunningDev } from "../helpers/haneul-dev.js";
import { ROOT } from "../helpers/paths.js";
import { tempDir, type TempDir } from "../helpers/temp-dir.js";
import { waitUntil } from "../helpers/wait.js";
import { freePort } from "../helpers/free-port.js";

let app: TempDir;
let dev: RunningDev;
let port = 0;

before(async () => {
  app = tempDir("dev-inspect", { inRepo: true });
  cpSync(join(ROOT, "examples", "dev-app"), app.path, { recursive: true });
  port = await freePort();
  dev = await startDev(app.path, ["--no-watch", "--inspect", "CounterFunction", "--inspect-port", String(port)]);
});

after(async () => {
  await dev?.stop();
  await app.remove();
});

test("haneul dev names the debugged function and the inspector's port", async () => {
  // Printed right after the route table, possibly in the next chunk of output.
  await waitUntil(() => dev.lines.some((l) => l.type === "debugger"), "the debugger line");
  const said = dev.lines.find((l) => l.type === "debugger");
  assert.deepEqual(said, { type: "debugger", function: "CounterFunction", host: "127.0.0.1", port });
});

test("a CDP client attaches, stops at a breakpoint in the handler past its timeout, and the call then answers", async () => {
  // The first call starts the instance (and its inspector).
  const first = await fetch(new URL("/count", dev.root));
  const said = () => `${dev.stderr()}\n${dev.lines.map((l) => JSON.stringify(l)).join("\n")}`;
  assert.deepEqual(await first.json(), { calls: 1 }, `the first call; haneul dev printed:\n${said()}`);
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
    const answer = fetch(new URL("/count", dev.root)).then(async (r) => ({ status: r.status, body: await r.json() }));
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

test(
  "a port another program holds is refused at start, naming it, before anything is deployed",
  { timeout: 60_000 },
  async () => {
    const busy = await freePort();
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(busy, "127.0.0.1", resolve));
    try {
      const run = await runHaneul(
        [
          "dev",
          "--port",
          "0",
          "--lambda-port",
          "0",
          "--no-watch",
          "--inspect",
          "CounterFunction",
          "--inspect-port",
          String(busy),
        ],
        {
          HOME: app.path,
        },
        { cwd: app.path },
      );
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stderr, new RegExp(`--inspect-port ${busy}: 127\\.0\\.0\\.1:${busy} is in use`));
      assert.doesNotMatch(run.stdout, /Routes:/, "nothing was deployed");
    } finally {
      await new Promise((r) => holder.close(r));
    }
  },
);
