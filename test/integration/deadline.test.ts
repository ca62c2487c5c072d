/**
 * Deadlines on an injected clock, with real instances and no real waiting: a function's timeout
 * (over both channels) and the gateway's integration limit are one mechanism, `Deadline`, and pass
 * exactly when the simulated clock says so.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ManualClock } from "../../src/shared/clock.js";
import { fixtureSpec, testEngine } from "../helpers/engine.js";
import { appSpec, restApi, route, send, startGateway } from "../gateway/helpers.js";

/** Lets pending I/O and promise callbacks run once. */
const turn = () => new Promise((r) => setImmediate(r));

describe("a function's timeout on a simulated clock", () => {
  for (const nodeChannel of ["ipc", "runtime-api"] as const) {
    it(`passes when the clock has advanced by the timeout, not before (${nodeChannel} channel)`, async () => {
      const clock = new ManualClock(Date.now());
      const spec = fixtureSpec("cjs", "index.sleep", { functionName: `sim-${nodeChannel}`, timeoutSec: 3 });
      // Without the sandbox: its freezer sweeps idle instances on the same (real) clock, and this
      // test counts the clock's timers to know when the deadline is set.
      const engine = await testEngine([spec], { realClock: clock, nodeChannel, sandbox: "off" });
      try {
        // Warm: whatever the start set on the clock (an init limit) is over.
        assert.equal((await engine.call(spec.functionName, { ms: 0 })).outcome.kind, "ok");
        assert.equal(clock.pending, 0);
        let settled = false;
        const call = engine.call(spec.functionName, { ms: 600_000 });
        void call.finally(() => (settled = true));
        await clock.waitForTimers(1);
        clock.advance(2_999);
        await turn();
        assert.equal(settled, false, "still running a millisecond before its deadline");
        clock.advance(1);
        const r = await call;
        assert.equal(r.outcome.kind, "timeout");
        assert.equal(r.record.durationMs, 3_000);
        assert.deepEqual(r.body, {
          errorType: "Sandbox.Timedout",
          errorMessage: `RequestId: ${r.record.requestId} Error: Task timed out after 3.00 seconds`,
        });
        const next = await engine.call(spec.functionName, { ms: 0 });
        assert.notEqual(next.record.initDurationMs, undefined, "the timed-out instance was not reused");
      } finally {
        await engine.close();
      }
    });
  }
});

describe("the gateway's integration limit on a simulated clock", () => {
  it("answers 504 when the clock passes the limit, not before", async () => {
    const clock = new ManualClock(Date.now());
    const h = await startGateway(
      [appSpec("slow", "gateway-handlers.slow", { timeoutSec: 10 })],
      [restApi("rest", [route("GET /slow", "slow", { timeoutMs: 29_000 })])],
      { clock },
    );
    try {
      let answered = false;
      const answer = send(h.port, "/Prod/slow", { api: "rest" });
      void answer.finally(() => (answered = true));
      await clock.waitForTimers(1);
      clock.advance(28_999);
      await turn();
      assert.equal(answered, false);
      clock.advance(1);
      const res = await answer;
      assert.equal(res.status, 504);
      assert.equal(res.text, '{"message": "Endpoint request timed out"}');
    } finally {
      await h.close();
    }
  });
});
