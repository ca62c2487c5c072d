/** Idle reaping (simulated and real time), spare processes, and the Python custom runtime. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ManualClock } from "../../src/shared/clock.js";
import { fixtureSpec, testEngine } from "../helpers/engine.js";

describe("instance pool", () => {
  it("reaps idle instances after the idle time (simulated clock)", async () => {
    const clock = new ManualClock(1_000_000);
    const engine = await testEngine([fixtureSpec("cjs", "index.counter", { functionName: "reap" })], {
      clock,
      idleTimeoutMs: 60_000,
    });
    try {
      await engine.call("reap");
      assert.equal(engine.pool.idleCount, 1);
      clock.advance(30_000);
      assert.equal(engine.pool.idleCount, 1, "not idle long enough yet");
      assert.deepEqual((await engine.call("reap")).body, { count: 2 }, "still warm");
      clock.advance(61_000);
      assert.equal(engine.pool.idleCount, 0);
      assert.deepEqual((await engine.call("reap")).body, { count: 1 }, "a new instance after reaping");
    } finally {
      await engine.close();
    }
  });

  it("reaps idle instances in real time with short intervals", async () => {
    const engine = await testEngine([fixtureSpec("cjs", "index.counter", { functionName: "reap-rt" })], {
      idleTimeoutMs: 150,
    });
    try {
      await engine.call("reap-rt");
      assert.equal(engine.pool.idleCount, 1);
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(engine.pool.idleCount, 0);
    } finally {
      await engine.close();
    }
  });

  it("a cold start takes a spare process and the pool refills it", async () => {
    const engine = await testEngine([fixtureSpec("cjs", "index.handler", { functionName: "spare" })], {
      sparesPerHeap: 1,
    });
    try {
      const deadline = Date.now() + 5000;
      while (engine.launcher.spareCount < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      assert.equal(engine.launcher.spareCount, 1);
      const r = await engine.call("spare", { x: 1 });
      assert.deepEqual(r.body, { echo: { x: 1 } });
      assert.ok((r.record.initDurationMs ?? 999) < 100, `init took ${r.record.initDurationMs} ms with a spare`);
      while (engine.launcher.spareCount < 1 && Date.now() < deadline + 5000)
        await new Promise((r) => setTimeout(r, 10));
      assert.equal(engine.launcher.spareCount, 1, "refilled");
    } finally {
      await engine.close();
    }
  });
});

describe("burst smoothing", () => {
  it("with it on, events wait briefly for a busy instance instead of starting more", async () => {
    const engine = await testEngine([fixtureSpec("cjs", "index.sleep", { functionName: "smooth" })], {
      scaleOutAfter: 1,
      scaleOutWaitMs: 5000,
    });
    try {
      const results = await Promise.all(Array.from({ length: 4 }, () => engine.call("smooth", { ms: 100 })));
      assert.deepEqual(
        results.map((r) => r.outcome.kind),
        ["ok", "ok", "ok", "ok"],
      );
      assert.equal(results.filter((r) => r.record.initDurationMs !== undefined).length, 1, "one cold start");
      assert.equal(engine.pool.idleCount, 1, "one instance served all four, one event at a time");
    } finally {
      await engine.close();
    }
  });

  it("scales out once the wait runs out, and is off by default (one instance per concurrent event)", async () => {
    const spec = fixtureSpec("cjs", "index.sleep", { functionName: "scale" });
    const smoothing = await testEngine([spec], { scaleOutAfter: 1, scaleOutWaitMs: 50 });
    const lambdaLike = await testEngine([{ ...spec }]);
    try {
      for (const engine of [smoothing, lambdaLike]) {
        const results = await Promise.all(Array.from({ length: 3 }, () => engine.call("scale", { ms: 600 })));
        assert.ok(results.every((r) => r.outcome.kind === "ok"));
        assert.equal(engine.pool.idleCount, 3);
      }
    } finally {
      await smoothing.close();
      await lambdaLike.close();
    }
  });
});

describe("custom runtime through the Runtime API", () => {
  it("runs a Python bootstrap: events, logs, errors, warm reuse", async () => {
    const spec = fixtureSpec("provided-python", "bootstrap", { functionName: "py", runtime: "provided.al2023" });
    const engine = await testEngine([spec]);
    try {
      const first = await engine.call("py", { hello: "world" });
      assert.deepEqual(first.body, { hello: "world", handledBy: "provided-python" });
      assert.ok(
        first.record.logs.includes(`provided-python got request ${first.record.requestId} (handler bootstrap)`),
      );
      assert.notEqual(first.record.initDurationMs, undefined);
      const second = await engine.call("py", { n: 2 });
      assert.equal(second.record.initDurationMs, undefined, "warm");
      const failed = await engine.call("py", { fail: true });
      assert.equal(failed.outcome.kind, "function-error");
      assert.equal(failed.outcome.kind === "function-error" && failed.outcome.errorType, "FixtureError");
      assert.equal((failed.body as { errorType: string }).errorType, "FixtureError");
      assert.ok(second.record.maxMemoryUsedMb > 0);
    } finally {
      await engine.close();
    }
  });

  it("a provided runtime without an executable bootstrap fails init as Lambda does", async () => {
    const engine = await testEngine([
      fixtureSpec("cjs", "bootstrap", { functionName: "nobs", runtime: "provided.al2" }),
    ]);
    try {
      const r = await engine.call("nobs");
      assert.equal(r.outcome.kind, "init-error");
      assert.equal((r.body as { errorType: string }).errorType, "Runtime.InvalidEntrypoint");
    } finally {
      await engine.close();
    }
  });
});
