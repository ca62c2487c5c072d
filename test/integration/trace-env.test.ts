/**
 * _X_AMZN_TRACE_ID is set anew for every invocation; held in the C environment it would grow a warm
 * instance by every value it was ever given (glibc's setenv() keeps them all). Measured in a real
 * node process: RSS growth over 300 000 fresh trace ids, after a warm-up and a full GC.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ROOT } from "../helpers/paths.js";

const MODULE = join(ROOT, "dist", "runtime", "src", "trace-env.js");

function growthMiB(install: boolean): number {
  const script = `
    import { installTraceEnv } from ${JSON.stringify(MODULE)};
    if (${install}) installTraceEnv();
    let n = 0;
    const run = (count) => {
      for (let i = 0; i < count; i++) process.env._X_AMZN_TRACE_ID = "Root=1-67a0b1c2-" + String(n++).padStart(24, "0") + ";Sampled=0";
      globalThis.gc();
      return process.memoryUsage().rss;
    };
    const before = run(200000);
    const after = run(300000);
    process.stdout.write(String((after - before) / 1048576));`;
  return Number(execFileSync(process.execPath, ["--expose-gc", "--input-type=module", "-e", script]).toString());
}

describe("_X_AMZN_TRACE_ID in the instance's environment", () => {
  it("does not grow the process with every trace id it is given", () => {
    const held = growthMiB(true);
    const plain = growthMiB(false);
    // Plain process.env keeps ~130 bytes per value (≈ 38 MiB here); the slot keeps none.
    assert.ok(held < 16, `grew ${held.toFixed(1)} MiB over 300 000 trace ids`);
    assert.ok(plain > held * 2, `control: plain environment grew ${plain.toFixed(1)} MiB, slot ${held.toFixed(1)} MiB`);
  });
});
