/**
 * Source maps in stack traces, as Lambda users turn them on: `NODE_OPTIONS=--enable-source-maps` in
 * the function's environment (what `sam build` sets for esbuild's Sourcemap). The instance started
 * before its function's environment was known, so the runtime applies the flag itself.
 */
import assert from "node:assert/strict";
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { build } from "esbuild";
import { fixtureSpec, testEngine, type TestEngine } from "../helpers/engine.js";
import { tempDir, type TempDir } from "../helpers/temp-dir.js";

let dir: TempDir;
let engine: TestEngine;
const plain = "maps-off";
const mapped = "maps-on";

before(async () => {
  dir = tempDir("source-maps", { inRepo: true });
  chmodSync(dir.path, 0o755); // sandboxed instances run as another uid
  writeFileSync(
    join(dir.path, "handler.ts"),
    [
      "type Order = { id: string };",
      "export const handler = async (order: Order): Promise<string> => {",
      "  if (order.id === 'bad') {",
      "    throw new Error('bad order');",
      "  }",
      "  return order.id;",
      "};",
      "",
    ].join("\n"),
  );
  await build({
    entryPoints: [join(dir.path, "handler.ts")],
    outfile: join(dir.path, "index.js"),
    bundle: true,
    platform: "node",
    format: "cjs",
    sourcemap: "inline",
    logLevel: "silent",
  });
  const spec = (name: string, environment: Record<string, string>) =>
    fixtureSpec("cjs", "index.handler", { functionName: name, codeDir: dir.path, environment });
  engine = await testEngine([spec(plain, {}), spec(mapped, { NODE_OPTIONS: "--enable-source-maps" })]);
});

after(async () => {
  await engine.close();
  await dir.remove();
});

const trace = async (name: string): Promise<string> => {
  const r = await engine.call(name, { id: "bad" });
  assert.equal(r.outcome.kind, "function-error", JSON.stringify(r.body));
  return ((r.body as { trace?: string[] }).trace ?? []).join("\n");
};

test("with --enable-source-maps in NODE_OPTIONS, a stack trace names the TypeScript source and its line", async () => {
  assert.match(await trace(mapped), /handler\.ts:4:/);
});

test("without it, the trace names the bundle, as on Lambda", async () => {
  const t = await trace(plain);
  assert.match(t, /index\.js:\d+:/);
  assert.doesNotMatch(t, /handler\.ts/);
});
