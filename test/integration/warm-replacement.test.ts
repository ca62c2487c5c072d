/**
 * InstancePool.warm (what `haneul dev` does for each function it deploys and after each save): a
 * created or changed function gets an instance of its revision before its next event, which then
 * runs warm on the new code.
 */
import assert from "node:assert/strict";
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { FunctionSpec } from "../../src/domain/function-spec.js";
import { fixtureSpec, testEngine, type TestEngine } from "../helpers/engine.js";
import { tempDir, type TempDir } from "../helpers/temp-dir.js";
import { waitUntil } from "../helpers/wait.js";

let code: TempDir;

before(() => {
  code = tempDir("warm");
  chmodSync(code.path, 0o755); // readable by the sandbox's instance uids
  // A line at init (before any event) and a module-level count.
  writeFileSync(
    join(code.path, "index.js"),
    `console.log("init of " + process.env.AWS_LAMBDA_FUNCTION_NAME);\nlet n = 0;\nexports.handler = async () => ({ count: ++n });\n`,
  );
});

after(async () => {
  await code.remove();
});

async function withEngine(name: string, run: (engine: TestEngine, spec: FunctionSpec) => Promise<void>) {
  const spec = fixtureSpec("cjs", "index.handler", { functionName: name, codeDir: code.path });
  const engine = await testEngine([spec], { idleTimeoutMs: 600_000 });
  try {
    await run(engine, spec);
  } finally {
    await engine.close();
  }
}

describe("warm replacement of a changed function", () => {
  it("starts the new revision's instance before its next event: that event is warm, with the init logs", async () => {
    await withEngine("warm-replaced", async (engine, spec) => {
      await engine.call("warm-replaced");
      assert.deepEqual((await engine.call("warm-replaced")).body, { count: 2 });
      const changed = { ...spec, revision: "r2" };
      engine.catalog.put(changed);
      engine.pool.warm(changed);
      await waitUntil(() => engine.pool.idleCount === 1 && engine.pool.instanceCount === 1, "the new instance");
      const first = await engine.call("warm-replaced");
      assert.deepEqual(first.body, { count: 1 }, "a new instance (module state starts again)");
      assert.equal(first.record.initDurationMs, undefined, "warm: no init in this event");
      assert.ok(
        first.record.initLines.some((l) => l.includes("init of warm-replaced")),
        `the init logs open its first event's logs: ${JSON.stringify(first.record.initLines)}`,
      );
      const second = await engine.call("warm-replaced");
      assert.deepEqual(second.body, { count: 2 });
      assert.deepEqual(second.record.initLines, [], "the init logs are given once");
    });
  });

  it("an event arriving while the new instance starts waits for it instead of starting another", async () => {
    await withEngine("warm-racing", async (engine, spec) => {
      await engine.call("warm-racing");
      const changed = { ...spec, revision: "r2" };
      engine.catalog.put(changed);
      engine.pool.warm(changed);
      const first = await engine.call("warm-racing");
      assert.deepEqual(first.body, { count: 1 });
      assert.equal(first.record.initDurationMs, undefined, "it took the instance started ahead");
      assert.equal(engine.pool.instanceCount, 1, "one instance of the new revision, none of the old");
    });
  });

  it("starts an instance of a function that has none (just deployed): its first event runs warm", async () => {
    await withEngine("warm-new", async (engine, spec) => {
      engine.pool.warm(spec);
      await waitUntil(() => engine.pool.idleCount === 1, "the instance started ahead");
      const first = await engine.call("warm-new");
      assert.deepEqual(first.body, { count: 1 });
      assert.equal(first.record.initDurationMs, undefined, "warm: no init in this event");
      assert.ok(
        first.record.initLines.some((l) => l.includes("init of warm-new")),
        "with its init logs",
      );
    });
  });

  it("starts nothing when the revision has an instance already", async () => {
    await withEngine("warm-twice", async (engine, spec) => {
      await engine.call("warm-twice");
      engine.pool.warm(spec);
      engine.pool.warm(spec);
      assert.equal(engine.pool.instanceCount, 1);
      assert.deepEqual((await engine.call("warm-twice")).body, { count: 2 }, "the same instance serves");
      assert.equal(engine.pool.instanceCount, 1);
    });
  });
});
