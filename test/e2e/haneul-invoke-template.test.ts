/**
 * `haneul invoke <LogicalId> --event <file>` with no `haneul dev` running: a temporary node builds
 * and deploys the template (TypeScript through esbuild), invokes once with an event from
 * `haneul generate-event`, prints the result and the log, and leaves no node data behind.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cpSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { after, before, test } from "node:test";
import { CLI, ROOT } from "../helpers/paths.js";
import { tempDir, type TempDir } from "../helpers/temp-dir.js";

const run = promisify(execFile);
let app: TempDir;

before(() => {
  app = tempDir("invoke-template", { inRepo: true });
  cpSync(join(ROOT, "examples", "dev-app"), app.path, { recursive: true });
});

after(() => app.remove());

test("a template's function runs on a temporary node with a generated event", async () => {
  const event = await run(process.execPath, [
    CLI,
    "generate-event",
    "apigateway",
    "http-api-proxy",
    "--query",
    "name=sam",
  ]);
  writeFileSync(join(app.path, "event.json"), event.stdout);
  const out = await run(process.execPath, [CLI, "invoke", "GreeterFunction", "--event", "event.json"], {
    cwd: app.path,
  });
  assert.deepEqual(JSON.parse(out.stdout), { statusCode: 200, body: "hello, sam" });
  assert.match(out.stderr, /REPORT RequestId: .*\tInit Duration/);
  assert.match(out.stderr, /greeting sam/);
  assert.deepEqual(readdirSync(join(app.path, ".haneul")), ["build"], "only the build cache is left");
});

test("an unknown logical id and a missing event file are refused", async () => {
  const unknown = await run(process.execPath, [CLI, "invoke", "Nope"], { cwd: app.path }).catch((e: unknown) => e);
  assert.equal((unknown as { code: number }).code, 1);
  assert.match((unknown as { stderr: string }).stderr, /has no function Nope/);
  const missing = await run(process.execPath, [CLI, "invoke", "GreeterFunction", "--event", "no.json"], {
    cwd: app.path,
  }).catch((e: unknown) => e);
  assert.equal((missing as { code: number }).code, 2);
  assert.match((missing as { stderr: string }).stderr, /--event: ENOENT/);
});
