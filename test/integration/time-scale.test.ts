/**
 * `--time-scale` in real time: a node whose platform clock runs 10 000 times faster reaps an idle
 * instance after a few real milliseconds, while function timeouts and request signatures keep
 * real time (a 300 ms function with a 1 s timeout succeeds; requests signed seconds of scaled
 * hours later are still accepted).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { CreateFunctionCommand, InvokeCommand } from "@aws-sdk/client-lambda";
import { zipSync } from "fflate";
import { NODE_ROLE, startLambdaNode, type LambdaNode } from "../helpers/lambda-node.js";
import { HANDLERS } from "../helpers/paths.js";

describe("a node under --time-scale 10000", () => {
  let node: LambdaNode;
  before(async () => {
    // The idle time is ten platform minutes: 60 real milliseconds.
    node = await startLambdaNode({ env: { HANEUL_TIME_SCALE: "10000", HANEUL_IDLE_TIMEOUT_MS: "600000" } });
    await node.client.send(
      new CreateFunctionCommand({
        FunctionName: "scaled",
        Runtime: "nodejs20.x",
        Role: NODE_ROLE,
        Handler: "index.sleep",
        Timeout: 1,
        Code: { ZipFile: zipSync({ "index.js": readFileSync(join(HANDLERS, "cjs", "index.js")) }) },
      }),
    );
  });
  after(() => node.close());

  const invoke = async (ms: number) => {
    const out = await node.client.send(
      new InvokeCommand({ FunctionName: "scaled", Payload: new TextEncoder().encode(JSON.stringify({ ms })) }),
    );
    assert.equal(out.FunctionError, undefined, Buffer.from(out.Payload ?? []).toString());
    return node.recordOf(out.$metadata.requestId ?? "");
  };

  it("keeps real time for the function: 300 ms under a 1 s timeout is not a timeout", async () => {
    const r = await invoke(300);
    assert.equal(r.outcome, "ok");
    assert.ok(r.durationMs >= 290 && r.durationMs < 1000, `duration ${r.durationMs} ms`);
  });

  it("runs idle reaping on the scaled clock; signatures still check against real time", async () => {
    const warm = await invoke(0);
    assert.equal(warm.outcome, "ok");
    // 400 real milliseconds are more than an hour of platform time: ten idle minutes passed, and
    // a signature checked on the scaled clock would be an hour stale.
    await new Promise((r) => setTimeout(r, 400));
    const next = await invoke(0);
    assert.notEqual(next.initDurationMs, undefined, "the idle instance was reaped: a cold start");
  });
});
