/**
 * `haneul dev` as a developer runs it, on a temp copy of examples/dev-app (a JavaScript counter
 * and a TypeScript greeter behind one HTTP API): the API answers at the root; a saved TypeScript
 * edit is answered by the new code within a bound while the counter's instance stays warm (its
 * module-level count goes on); a JavaScript edit gives the counter new instances; a template edit
 * adds a route through a change set; broken edits (JavaScript syntax, TypeScript build) are shown
 * with file and line while the last good code keeps answering.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { startDev, type DevLine, type RunningDev } from "../helpers/haneul-dev.js";
import { CLI, ROOT } from "../helpers/paths.js";
import { tempDir, type TempDir } from "../helpers/temp-dir.js";
import { waitUntil } from "../helpers/wait.js";

let app: TempDir;
let dev: RunningDev;
let lines: DevLine[] = [];
let root = "";

/** Where reloads must have answered by: generous for a loaded 2-core machine; the benchmark gives the real figure. */
const RELOAD_BOUND_MS = 3_000;

async function get(path: string): Promise<{ status: number; body: string }> {
  const res = await fetch(new URL(path, root));
  return { status: res.status, body: await res.text() };
}

async function untilAnswer(path: string, wanted: (body: string) => boolean, what: string): Promise<number> {
  const started = performance.now();
  for (;;) {
    const { body } = await get(path);
    if (wanted(body)) return performance.now() - started;
    if (performance.now() - started > RELOAD_BOUND_MS * 3) throw new Error(`timed out waiting for ${what}: ${body}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function edit(file: string, change: (text: string) => string): void {
  const path = join(app.path, file);
  writeFileSync(path, change(readFileSync(path, "utf8")));
}

const invocations = (fn: string) => dev.invocations(fn);

before(async () => {
  app = tempDir("dev", { inRepo: true });
  cpSync(join(ROOT, "examples", "dev-app"), app.path, { recursive: true });
  dev = await startDev(app.path);
  lines = dev.lines;
  root = dev.root;
});

after(async () => {
  await dev?.stop();
  await app.remove();
});

test("the single API answers at the root and every invocation is logged with its function and cold/warm", async () => {
  const routes = lines.find((l) => l.type === "routes") as {
    apis: { routes: { path: string; functionId: string }[] }[];
  };
  assert.deepEqual(
    routes?.apis?.[0]?.routes.map((r) => `${r.path} ${r.functionId}`),
    ["/count CounterFunction", "/greet GreeterFunction"],
  );
  assert.deepEqual(JSON.parse((await get("/count")).body), { calls: 1 });
  assert.deepEqual(JSON.parse((await get("/count")).body), { calls: 2 });
  assert.equal((await get("/greet?name=dev")).body, "hello, dev");
  await waitUntil(() => invocations("CounterFunction").length === 2, "the counter's records");
  const [first, second] = invocations("CounterFunction");
  assert.equal(first?.cold, false, "warm: its instance was started when the function was deployed");
  assert.equal(second?.cold, false);
  assert.equal(second?.instanceId, first?.instanceId, "one instance serves both");
  assert.equal(second?.version, "$LATEST");
  assert.ok(
    (second?.lines ?? []).some((l) => l.includes("counter call 2")),
    "the function's own output",
  );
});

test("a TypeScript edit is answered by the new code while the other function stays warm", async (t) => {
  const counterBefore = invocations("CounterFunction").at(-1);
  edit("greeter/greeting.ts", (t) => t.replace("hello, ", "hi, "));
  const ms = await untilAnswer("/greet", (b) => b === "hi, world", "the new greeting");
  assert.ok(ms < RELOAD_BOUND_MS, `the new code answered after ${ms.toFixed(0)} ms`);
  assert.deepEqual(JSON.parse((await get("/count")).body), { calls: 3 }, "the counter kept its module state");
  await waitUntil(() => invocations("CounterFunction").length === 3, "the counter's record");
  const counterAfter = invocations("CounterFunction").at(-1);
  assert.equal(counterAfter?.cold, false);
  assert.equal(counterAfter?.instanceId, counterBefore?.instanceId, "the same instance served");
  const reload = lines.find((l) => l.type === "reload" && (l.functions ?? []).includes("GreeterFunction"));
  assert.ok(reload, "a reload line");
  t.diagnostic(`reload ${JSON.stringify(reload)}; answered after ${ms.toFixed(0)} ms`);
});

test("a JavaScript edit gives that function new instances", async () => {
  edit("counter/index.js", (t) => t.replace("JSON.stringify({ calls })", "JSON.stringify({ calls, edited: true })"));
  const ms = await untilAnswer("/count", (b) => b.includes("edited"), "the edited counter");
  assert.ok(ms < RELOAD_BOUND_MS, `the new code answered after ${ms.toFixed(0)} ms`);
  assert.deepEqual(JSON.parse((await get("/count")).body), { calls: 2, edited: true });
});

test("after a reload the function's new instance is started before its first request, which runs warm", async () => {
  const before = invocations("CounterFunction").at(-1);
  const reloads = () => lines.filter((l) => l.type === "reload" && (l.functions ?? []).includes("CounterFunction"));
  const reloaded = reloads().length;
  edit("counter/index.js", (t) => t.replace("edited: true", "edited: 2"));
  await waitUntil(() => reloads().length > reloaded, "the counter's reload", RELOAD_BOUND_MS * 3);
  assert.deepEqual(JSON.parse((await get("/count")).body), { calls: 1, edited: 2 }, "a new instance");
  await waitUntil(() => invocations("CounterFunction").at(-1) !== before, "the counter's record");
  const first = invocations("CounterFunction").at(-1);
  assert.equal(first?.cold, false, "warm: started right after the reload");
  assert.notEqual(first?.instanceId, before?.instanceId);
  assert.ok(
    (first?.lines ?? []).some((l) => l.includes("counter call 1")),
    "the function's own output",
  );
});

test("a template edit adds a route through a change set", async () => {
  edit("template.yaml", (t) =>
    t.replace(
      "            Path: /count\n            Method: get\n",
      "            Path: /count\n            Method: get\n        Total:\n          Type: HttpApi\n          Properties:\n            Path: /total\n            Method: get\n",
    ),
  );
  await untilAnswer("/total", (b) => b.includes("calls"), "the new route");
  // The route answers as soon as the change set is applied; its log lines follow.
  const added = (l: (typeof lines)[number]) =>
    l.type === "deploy" &&
    (l as { changes?: { action: string; logicalId: string }[] }).changes?.some(
      (c) => c.action === "Add" && c.logicalId === "CounterFunctionTotalPermission",
    ) === true;
  const printed = () => lines.some(added) && lines.some((l) => l.type === "routes" && hasTotal(l));
  const hasTotal = (l: (typeof lines)[number]) =>
    (l as { apis?: { routes: { path: string }[] }[] }).apis?.[0]?.routes.some((r) => r.path === "/total") === true;
  for (let waited = 0; !printed() && waited < RELOAD_BOUND_MS * 3; waited += 20) {
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.ok(lines.some(added), "the change set that added the route is printed");
  assert.ok(hasTotal(lines.filter((l) => l.type === "routes").at(-1)!), "the route table lists /total");
});

test("haneul invoke <LogicalId> goes through the running dev node: the warm counter goes on counting", async () => {
  const run = promisify(execFile);
  const event = await run(process.execPath, [CLI, "generate-event", "apigateway", "http-api-proxy", "--path", "total"]);
  writeFileSync(join(app.path, "event.json"), event.stdout);
  const before = JSON.parse((await get("/count")).body) as { calls: number };
  const out = await run(process.execPath, [CLI, "invoke", "CounterFunction", "--event", "event.json"], {
    cwd: app.path,
  });
  const result = JSON.parse(out.stdout) as { statusCode: number; body: string };
  assert.equal(result.statusCode, 200);
  assert.equal((JSON.parse(result.body) as { calls: number }).calls, before.calls + 1);
  assert.match(out.stderr, /counter call/);
});

test("broken edits are shown with file and line and the last good code keeps answering", async () => {
  const failures = () => lines.filter((l) => l.type === "reload-failed");
  const before = failures().length;
  writeFileSync(join(app.path, "counter", "index.js"), 'exports.handler = async () => {\n  return { body: "x" ;\n};\n');
  await waitUntil(() => failures().length > before, "the syntax error", 10_000);
  assert.match(String(failures().at(-1)?.message), /counter\/index\.js:2:\d+: Expected "}"/);
  assert.ok((await get("/count")).body.includes("edited"), "the last good counter answers");

  edit("greeter/app.ts", (t) => t.replace("statusCode: 200,", "statusCode: 200 as,"));
  await waitUntil(() => failures().length > before + 1, "the build error", 10_000);
  assert.match(String(failures().at(-1)?.message), /greeter\/app\.ts:\d+:\d+/);
  assert.equal((await get("/greet")).body, "hi, world");
});
