/**
 * Ctrl-C in a terminal sends SIGINT to the node's whole process group. Instances run in sessions
 * of their own, so the signal reaches only the node, which drains: an invocation in flight finishes
 * with its result, then the node stops.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CreateFunctionCommand, InvokeCommand } from "@aws-sdk/client-lambda";
import { zipSync } from "fflate";
import { SERVER_ROLE, startServerNode } from "../helpers/server-node.js";

const slow = zipSync({
  "index.js": new TextEncoder().encode(
    "exports.handler = async (e) => { await new Promise((r) => setTimeout(r, e.ms)); return { done: e.ms }; };",
  ),
});

describe("Ctrl-C (SIGINT to the node's process group)", () => {
  it("lets an invocation in flight finish, then the node exits 0", async () => {
    const node = await startServerNode({ detached: true });
    try {
      await node.client.send(
        new CreateFunctionCommand({
          FunctionName: "slow",
          Runtime: "nodejs20.x",
          Role: SERVER_ROLE,
          Handler: "index.handler",
          Code: { ZipFile: slow },
          Timeout: 10,
        }),
      );
      const payload = new TextEncoder().encode(JSON.stringify({ ms: 10 }));
      await node.client.send(new InvokeCommand({ FunctionName: "slow", Payload: payload }));
      const inFlight = node.client.send(
        new InvokeCommand({ FunctionName: "slow", Payload: new TextEncoder().encode(JSON.stringify({ ms: 1500 })) }),
      );
      await new Promise((r) => setTimeout(r, 400));
      process.kill(-(node.child.pid as number), "SIGINT");
      const r = await inFlight;
      assert.equal(r.FunctionError, undefined, Buffer.from(r.Payload ?? []).toString());
      assert.deepEqual(JSON.parse(Buffer.from(r.Payload ?? []).toString()), { done: 1500 });
      assert.equal(await node.exited, 0, node.output());
      assert.match(node.output(), /SIGINT received, stopping/);
    } finally {
      await node.close();
    }
  });
});
