/** Idle reaping (simulated and real time), spare processes, and the Python custom runtime. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ManualClock } from "../../src/shared/clock.js";
import { fixtureSpec, testEngine } from "../helpers/engine.js";
import { waitUntil } from "../helpers/wait.js";
import { invocationLogLines } from "../../src/domain/log-lines.js";

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
      const idleSince = performance.now();
      assert.equal(engine.pool.idleCount, 1);
      await waitUntil(() => engine.pool.idleCount === 0, "the idle instance to be reaped");
      const idleFor = performance.now() - idleSince;
      assert.ok(idleFor >= 140, `reaped after ${idleFor} ms idle, before the idle time`);
    } finally {
      await engine.close();
    }
  });

  it("stops the idle instances of a revision once a newer revision starts, without waiting to reap them", async () => {
    const spec = fixtureSpec("cjs", "index.counter", { functionName: "superseded" });
    const engine = await testEngine([spec], { idleTimeoutMs: 600_000 });
    try {
      await engine.call("superseded");
      await engine.call("superseded");
      assert.equal(engine.pool.idleCount, 1);
      engine.catalog.put({ ...spec, revision: "r2" });
      assert.deepEqual((await engine.call("superseded")).body, { count: 1 }, "the new revision starts cold");
      assert.equal(engine.pool.idleCount, 1, "only the new revision's instance is kept");
      assert.deepEqual((await engine.call("superseded")).body, { count: 2 }, "and it stays warm");
    } finally {
      await engine.close();
    }
  });

  it("stops an instance of a superseded revision when its event ends instead of keeping it idle", async () => {
    const spec = fixtureSpec("cjs", "index.sleep", { functionName: "superseded-busy" });
    const engine = await testEngine([spec], { idleTimeoutMs: 600_000 });
    try {
      const old = engine.call("superseded-busy", { ms: 300 });
      await waitUntil(() => engine.pool.instanceCount === 1, "the first instance to start");
      engine.catalog.put({ ...spec, revision: "r2" });
      await engine.call("superseded-busy", { ms: 0 });
      assert.equal((await old).outcome.kind, "ok");
      assert.equal(engine.pool.idleCount, 1, "the old revision's instance is not kept");
    } finally {
      await engine.close();
    }
  });

  it("a cold start takes a spare process and the pool refills it", async () => {
    const engine = await testEngine([fixtureSpec("cjs", "index.handler", { functionName: "spare" })], {
      sparesPerHeap: 1,
    });
    try {
      await waitUntil(() => engine.launcher.spareCount === 1, "the first spare");
      assert.equal(engine.launcher.sparesTaken, 0);
      const r = await engine.call("spare", { x: 1 });
      assert.deepEqual(r.body, { echo: { x: 1 } });
      assert.ok(r.record.initDurationMs !== undefined, "a cold start");
      assert.equal(engine.launcher.sparesTaken, 1, "the cold start took the spare");
      await waitUntil(() => engine.launcher.spareCount === 1, "the spare to be refilled");
    } finally {
      await engine.close();
    }
  });

  it("prestart starts one spare per function about to be deployed; each taken is not replaced", async () => {
    const specs = [0, 1, 2].map((i) => fixtureSpec("cjs", "index.handler", { functionName: `pre-${i}` }));
    const engine = await testEngine(specs, { sparesPerHeap: 1 });
    try {
      await waitUntil(() => engine.launcher.spareCount === 1, "the stock");
      // Three functions of the default shape, one of a runtime that takes no spare.
      engine.launcher.prestart([...specs, { runtime: "provided.al2023", memoryMb: 128 }]);
      await waitUntil(() => engine.launcher.spareCount === 4, "the stock and three reserved", 30_000);
      for (const spec of specs) {
        const r = await engine.call(spec.functionName, { x: 1 });
        assert.deepEqual(r.body, { echo: { x: 1 } });
      }
      assert.equal(engine.launcher.spareCount, 1, "the reserved spares were taken, the stock kept");
      // A replacement would be spawned 25 ms after each take and be ready well within this.
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(engine.launcher.spareCount, 1, "and not replaced");
    } finally {
      await engine.close();
    }
  });

  it("cold starts arriving while reserved spares start wait for them instead of starting more", async () => {
    const specs = [0, 1, 2].map((i) => fixtureSpec("cjs", "index.handler", { functionName: `early-${i}` }));
    const engine = await testEngine(specs, { sparesPerHeap: 1 });
    try {
      await waitUntil(() => engine.launcher.spareCount === 1, "the stock");
      engine.launcher.prestart(specs);
      const answers = await Promise.all(specs.map((spec) => engine.call(spec.functionName, { x: 1 })));
      for (const r of answers) assert.deepEqual(r.body, { echo: { x: 1 } });
      // Had they started their own processes, the reserved spares would be left over in stock.
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(engine.launcher.spareCount, 1, "the stock only: every reserved spare served a cold start");
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
  it("counts the busy instances of all a function's versions: two versions start no more than one would, plus the other's first", async () => {
    const v1 = fixtureSpec("cjs", "index.sleep", { functionName: "versions", version: "1" });
    const v2 = { ...v1, version: "2" };
    // A wait far longer than the events it waits for, so that no event scales out on a loaded machine.
    const engine = await testEngine([v1, v2], { scaleOutAfter: 2, scaleOutWaitMs: 60_000, aheadMaxMs: 0 });
    try {
      const first = Array.from({ length: 4 }, () => engine.call("versions", { ms: 300 }, "1"));
      await waitUntil(() => engine.pool.instanceCount === 2, "version 1's two instances to start");
      const second = Array.from({ length: 4 }, () => engine.call("versions", { ms: 300 }, "2"));
      const results = await Promise.all([...first, ...second]);
      assert.ok(results.every((r) => r.outcome.kind === "ok"));
      const cold = (from: number, to: number) =>
        results.slice(from, to).filter((r) => r.record.initDurationMs !== undefined).length;
      assert.equal(cold(0, 4), 2, "version 1 scaled out to the limit");
      assert.equal(cold(4, 8), 1, "version 2 started its first instance at once, then waited for it");
      assert.equal(engine.pool.instanceCount, 3, "three instances, not two per version");
    } finally {
      await engine.close();
    }
  });
});

describe("events handed ahead to a busy instance (burst smoothing)", () => {
  interface Ahead {
    instance: string;
    served: number;
    overlapped: boolean;
    remaining: number;
    n?: number;
  }
  const smoothing = { scaleOutAfter: 1, scaleOutWaitMs: 5000, aheadMaxMs: 200 };

  it("one event at a time per instance, each with its whole timeout and its own duration", async () => {
    const engine = await testEngine(
      [fixtureSpec("cjs", "index.ahead", { functionName: "ahead", timeoutSec: 3 })],
      smoothing,
    );
    try {
      await engine.call("ahead");
      const results = await Promise.all(Array.from({ length: 40 }, (_, n) => engine.call("ahead", { n, ms: 20 })));
      assert.ok(results.every((r) => r.outcome.kind === "ok"));
      assert.ok(engine.pool.handedAhead >= 30, `handed ahead: ${engine.pool.handedAhead}`);
      const bodies = results.map((r) => r.body as Ahead);
      assert.equal(new Set(bodies.map((b) => b.instance)).size, 1, "one instance served them all");
      assert.ok(
        bodies.every((b) => !b.overlapped),
        "never two events at once in the instance",
      );
      assert.deepEqual(
        bodies.map((b) => b.served).sort((a, b) => a - b),
        Array.from({ length: 40 }, (_, i) => i + 2),
      );
      // The 40th event waited about 800 ms, yet got its whole 3 s and reports its own 20 ms.
      assert.ok(
        bodies.every((b) => b.remaining > 2900),
        `remaining: ${Math.min(...bodies.map((b) => b.remaining))}`,
      );
      for (const r of results) {
        assert.ok(r.record.durationMs >= 19 && r.record.durationMs < 200, `duration ${r.record.durationMs}`);
        assert.equal(invocationLogLines(r.record).filter((l) => l.startsWith("START ")).length, 1);
      }
    } finally {
      await engine.close();
    }
  });

  it("holds at most aheadDepth events ahead in one instance", async () => {
    const engine = await testEngine([fixtureSpec("cjs", "index.ahead", { functionName: "depth" })], {
      ...smoothing,
      aheadDepth: 2,
    });
    try {
      await engine.call("depth");
      // Events are placed as they are invoked (the pool decides before its first await).
      const calls = Array.from({ length: 10 }, (_, n) => engine.call("depth", { n, ms: 50 }));
      assert.equal(engine.pool.handedAhead, 2, "two ahead, the other seven wait in the pool");
      const results = await Promise.all(calls);
      assert.ok(results.every((r) => r.outcome.kind === "ok" && !(r.body as Ahead).overlapped));
      assert.equal(engine.pool.handedAhead, 9, "each answer let one more go ahead");
    } finally {
      await engine.close();
    }
  });

  it("at the limit, a busy instance takes events ahead before an idle one is woken", async () => {
    const engine = await testEngine([fixtureSpec("cjs", "index.ahead", { functionName: "spread" })], {
      scaleOutAfter: 1,
      scaleOutWaitMs: 50,
      aheadMaxMs: 200,
    });
    try {
      // Two instances: the second event waits 50 ms behind a 300 ms one, then scales out.
      const two = await Promise.all([engine.call("spread", { ms: 300 }), engine.call("spread", { ms: 300 })]);
      assert.equal(new Set(two.map((r) => (r.body as Ahead).instance)).size, 2);
      await engine.call("spread", { ms: 5 }); // The instance on top of the idle stack: last event 5 ms.
      assert.equal(engine.pool.idleCount, 2);
      const results = await Promise.all(Array.from({ length: 4 }, (_, n) => engine.call("spread", { n, ms: 20 })));
      assert.ok(results.every((r) => r.outcome.kind === "ok" && !(r.body as Ahead).overlapped));
      assert.equal(
        new Set(results.map((r) => (r.body as Ahead).instance)).size,
        1,
        "one instance took all four (three ahead); the idle one was not woken",
      );
      assert.equal(engine.pool.handedAhead, 3);
      assert.equal(engine.pool.idleCount, 2);
    } finally {
      await engine.close();
    }
  });

  it("hands no event ahead of a slow one: it waits for a free instance, or a new one starts", async () => {
    const engine = await testEngine([fixtureSpec("cjs", "index.ahead", { functionName: "slow" })], {
      scaleOutAfter: 1,
      scaleOutWaitMs: 100,
      aheadMaxMs: 5,
    });
    try {
      await engine.call("slow", { ms: 50 });
      const [a, b] = await Promise.all([engine.call("slow", { ms: 400 }), engine.call("slow", { ms: 0 })]);
      const [ba, bb] = [a.body as Ahead, b.body as Ahead];
      assert.notEqual(ba.instance, bb.instance, "the second event did not wait behind the 400 ms one");
      assert.equal(engine.pool.handedAhead, 0);
      assert.ok(b.record.initDurationMs !== undefined, "a new instance started after the 100 ms wait");
    } finally {
      await engine.close();
    }
  });

  it("an event waiting behind one that kills its instance runs on another instance", async () => {
    const engine = await testEngine([fixtureSpec("cjs", "index.ahead", { functionName: "crash" })], smoothing);
    try {
      const first = (await engine.call("crash")).body as Ahead;
      // The pool places an event as it is invoked: the next one is handed ahead behind this one.
      const dying = engine.call("crash", { ms: 100, exit: true });
      const t0 = Date.now();
      const behind = engine.call("crash", { n: 2 });
      const [d, b] = await Promise.all([dying, behind]);
      assert.equal(engine.pool.handedAhead, 1);
      assert.ok(Date.now() - t0 < 2000, "it did not wait out the 5 s for a free instance");
      assert.equal(d.outcome.kind, "crashed");
      assert.equal(b.outcome.kind, "ok");
      const body = b.body as Ahead;
      assert.notEqual(body.instance, first.instance, "it ran on a new instance");
      assert.equal(body.served, 1);
      assert.ok(b.record.initDurationMs !== undefined);
      assert.equal(invocationLogLines(b.record).filter((l) => l.startsWith("START ")).length, 1);
    } finally {
      await engine.close();
    }
  });

  it("under load with instances dying, exactly the events that killed them fail", async () => {
    const engine = await testEngine([fixtureSpec("cjs", "index.ahead", { functionName: "churn" })], {
      ...smoothing,
      scaleOutAfter: 2,
      sparesPerHeap: 1,
    });
    try {
      await Promise.all([engine.call("churn"), engine.call("churn")]);
      const events = Array.from({ length: 300 }, (_, n) => ({ n, exit: n % 25 === 7 }));
      const results = await Promise.all(events.map((e) => engine.call("churn", e)));
      const wrong = results.filter((r, i) => r.outcome.kind !== (events[i]!.exit ? "crashed" : "ok"));
      assert.deepEqual(
        wrong.map((r) => r.outcome.kind),
        [],
      );
      assert.deepEqual(
        results.filter((r) => r.outcome.kind === "ok").map((r) => (r.body as Ahead).n),
        events.filter((e) => !e.exit).map((e) => e.n),
        "every other event answered once, with its own result",
      );
      assert.ok(engine.pool.handedAhead > 0);
    } finally {
      await engine.close();
    }
  });

  it("an event waiting behind one that times out runs on another instance", async () => {
    const engine = await testEngine(
      [fixtureSpec("cjs", "index.ahead", { functionName: "late", timeoutSec: 1 })],
      smoothing,
    );
    try {
      const first = (await engine.call("late")).body as Ahead;
      const slow = engine.call("late", { ms: 5000 });
      const behind = engine.call("late", { n: 2 });
      const [s, b] = await Promise.all([slow, behind]);
      assert.equal(engine.pool.handedAhead, 1);
      assert.equal(s.outcome.kind, "timeout");
      assert.equal(b.outcome.kind, "ok");
      const body = b.body as Ahead;
      assert.notEqual(body.instance, first.instance);
      assert.ok(body.remaining > 900, `remaining ${body.remaining}`);
      assert.ok(b.record.durationMs < 500, `duration ${b.record.durationMs}`);
    } finally {
      await engine.close();
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
        invocationLogLines(first.record).includes(
          `provided-python got request ${first.record.requestId} (handler bootstrap)`,
        ),
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
