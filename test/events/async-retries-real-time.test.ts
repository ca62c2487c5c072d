/**
 * Lambda's async retry schedule in real time, on a node under --time-scale 600: a platform minute
 * is a real 100 ms. A failing function runs three times (at 0, about 1 and 3 platform minutes);
 * MaximumRetryAttempts 0 runs it once; reserved concurrency 0 never runs it.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  CreateFunctionCommand,
  InvokeCommand,
  PutFunctionConcurrencyCommand,
  PutFunctionEventInvokeConfigCommand,
} from "@aws-sdk/client-lambda";
import { zipSync } from "fflate";
import { NODE_ROLE, startLambdaNode, type LambdaNode } from "../helpers/lambda-node.js";
import { HANDLERS } from "../helpers/paths.js";

const SCALE = 600;
const MINUTE_REAL_MS = 60_000 / SCALE;

describe("async retries under --time-scale 600 (real time)", () => {
  let node: LambdaNode;
  before(async () => {
    node = await startLambdaNode({ env: { HANEUL_TIME_SCALE: String(SCALE) } });
    const zip = zipSync({ "index.js": readFileSync(join(HANDLERS, "cjs", "index.js")) });
    for (const name of ["fails", "fails-once", "closed"]) {
      await node.client.send(
        new CreateFunctionCommand({
          FunctionName: name,
          Runtime: "nodejs20.x",
          Role: NODE_ROLE,
          Handler: "index.throwError",
          Code: { ZipFile: zip },
        }),
      );
    }
    await node.client.send(
      new PutFunctionEventInvokeConfigCommand({ FunctionName: "fails-once", MaximumRetryAttempts: 0 }),
    );
    await node.client.send(
      new PutFunctionConcurrencyCommand({ FunctionName: "closed", ReservedConcurrentExecutions: 0 }),
    );
  });
  after(() => node.close());

  const invokeEvent = async (name: string) => {
    const out = await node.client.send(new InvokeCommand({ FunctionName: name, InvocationType: "Event" }));
    assert.equal(out.StatusCode, 202);
    return out.$metadata.requestId ?? "";
  };

  it("retries a function error twice, about 1 and 2 platform minutes apart, with one request id", async () => {
    const requestId = await invokeEvent("fails");
    const deadline = Date.now() + 15_000;
    while (node.records.filter((r) => r.requestId === requestId).length < 3 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 6 * MINUTE_REAL_MS));
    const runs = node.records.filter((r) => r.requestId === requestId);
    assert.equal(runs.length, 3, "one attempt and two retries, no more");
    assert.ok(runs.every((r) => r.outcome === "function-error"));
    const gaps = runs.slice(1).map((r, i) => r.startedAt - runs[i]!.startedAt);
    // Record times are on the platform clock: a retry waits at least its 1 or 2 minutes after the
    // attempt started (plus the attempt's own run: a cold start is a few platform minutes here).
    assert.ok(gaps[0]! >= 60_000 && gaps[0]! < 100 * 60_000, `first gap ${gaps[0]} ms`);
    assert.ok(gaps[1]! >= 120_000 && gaps[1]! < 100 * 60_000, `second gap ${gaps[1]} ms`);
  });

  it("runs once with MaximumRetryAttempts 0, never with reserved concurrency 0", async () => {
    const once = await invokeEvent("fails-once");
    const never = await invokeEvent("closed");
    await node.recordOf(once);
    await new Promise((r) => setTimeout(r, 4 * MINUTE_REAL_MS));
    assert.equal(node.records.filter((r) => r.requestId === once).length, 1);
    assert.equal(node.records.filter((r) => r.requestId === never).length, 0);
  });
});
