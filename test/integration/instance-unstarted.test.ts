/**
 * The InstanceLauncher port's promise (src/ports/instance-launcher.ts): an instance that cannot
 * take an event — it has stopped, or it is busy and takes none ahead — answers `unstarted` at
 * once instead of throwing, over both channels, with real processes.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { InstanceInvokeRequest } from "../../src/ports/instance-launcher.js";
import { fixtureSpec, testEngine } from "../helpers/engine.js";

const request = (requestId: string, ms: number): InstanceInvokeRequest => ({
  requestId,
  payload: Buffer.from(JSON.stringify({ ms })),
  timeoutMs: 3_000,
  invokedFunctionArn: "arn:aws:lambda:us-east-1:000000000000:function:unstarted",
});

describe("Instance.invoke on an instance that cannot take the event", () => {
  for (const nodeChannel of ["ipc", "runtime-api"] as const) {
    it(`answers unstarted, never throws (${nodeChannel} channel)`, async () => {
      const spec = fixtureSpec("cjs", "index.sleep", { functionName: `unstarted-${nodeChannel}` });
      const engine = await testEngine([spec], { nodeChannel });
      try {
        const launch = await engine.launcher.launch(spec);
        assert.ok(launch.ok);
        const instance = launch.instance;
        const running = instance.invoke(request("first", 100));
        if (!instance.takesEventAhead) {
          const busy = await instance.invoke(request("second", 0));
          assert.equal(busy.kind, "unstarted", "busy, and it takes no event ahead");
        }
        assert.equal((await running).kind, "ok");
        await instance.stop();
        const stopped = await instance.invoke(request("third", 0));
        assert.equal(stopped.kind, "unstarted");
        assert.equal(stopped.errorType, "Runtime.ExitError");
        assert.equal(stopped.durationMs, 0);
      } finally {
        await engine.close();
      }
    });
  }
});
