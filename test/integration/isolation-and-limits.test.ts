/** Isolation between instances and the limits Lambda enforces: timeout, memory, crashes, concurrency. */
import assert from "node:assert/strict";
import { getPriority } from "node:os";
import { after, before, describe, it } from "node:test";
import { fixtureSpec, testEngine, type TestEngine } from "../helpers/engine.js";
import { invocationLogLines } from "../../src/domain/log-lines.js";

describe("isolation and limits", { concurrency: 3 }, () => {
  let engine: TestEngine;
  before(async () => {
    engine = await testEngine([]);
  });
  after(async () => engine.close());

  it("each function sees only its own variables plus the reserved ones", async () => {
    engine.catalog.put(
      fixtureSpec("cjs", "index.readEnv", { functionName: "env-a", environment: { ONLY_A: "a" }, memoryMb: 256 }),
    );
    engine.catalog.put(fixtureSpec("cjs", "index.readEnv", { functionName: "env-b", environment: { ONLY_B: "b" } }));
    process.env["HANEUL_PLATFORM_SECRET"] = "must-not-leak";
    const [a, b] = await Promise.all([engine.call("env-a"), engine.call("env-b")]);
    const envA = a.body as Record<string, string>;
    const envB = b.body as Record<string, string>;
    assert.equal(envA["ONLY_A"], "a");
    assert.equal(envA["ONLY_B"], undefined);
    assert.equal(envB["ONLY_B"], "b");
    assert.equal(envB["ONLY_A"], undefined);
    for (const env of [envA, envB]) {
      assert.equal(env["HANEUL_PLATFORM_SECRET"], undefined);
      assert.equal(env["HANEUL_RUNTIME_CHANNEL"], undefined);
      assert.equal(env["TZ"], "UTC");
      assert.equal(env["AWS_REGION"], "us-east-1");
      assert.equal(env["_HANDLER"], "index.readEnv");
      assert.equal(env["AWS_EXECUTION_ENV"], "AWS_Lambda_nodejs20.x");
    }
    assert.equal(envA["AWS_LAMBDA_FUNCTION_NAME"], "env-a");
    assert.equal(envA["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"], "256");
    // In the sandbox the code is at Lambda's path; without one, where it lies.
    const taskRoot = engine.sandbox.mode === "off" ? /fixtures\/handlers\/cjs$/ : /^\/var\/task$/;
    assert.match(envA["LAMBDA_TASK_ROOT"] ?? "", taskRoot);
  });

  it("each instance has its own /tmp", async () => {
    engine.catalog.put(fixtureSpec("cjs", "index.tmpPut", { functionName: "tmp-put" }));
    engine.catalog.put(fixtureSpec("cjs", "index.tmpGet", { functionName: "tmp-get" }));
    const name = `iso-${process.pid}.txt`;
    await engine.call("tmp-put", { name, content: "secret" });
    const other = await engine.call("tmp-get", { name });
    assert.deepEqual(other.body, { content: null });
    const hostTmp = await import("node:fs").then((fs) => fs.existsSync(`/tmp/${name}`));
    assert.equal(hostTmp, false, "the file must not land in the host's /tmp");
  });

  it("the code directory is read-only", async () => {
    engine.catalog.put(fixtureSpec("cjs", "index.writeCode", { functionName: "write-code" }));
    const r = await engine.call("write-code");
    assert.equal((r.body as { wrote: boolean }).wrote, false);
  });

  it("a timed-out instance is killed and the next call gets a fresh one that works", async () => {
    engine.catalog.put(fixtureSpec("cjs", "index.sleep", { functionName: "slow", timeoutSec: 1 }));
    const t0 = performance.now();
    // The handler would sleep 20 s: an answer well before that is the timeout's (the bound leaves
    // room for a cold start on a loaded machine).
    const r = await engine.call("slow", { ms: 20_000 });
    const took = performance.now() - t0;
    assert.equal(r.outcome.kind, "timeout");
    assert.deepEqual(r.body, {
      errorType: "Sandbox.Timedout",
      errorMessage: `RequestId: ${r.record.requestId} Error: Task timed out after 1.00 seconds`,
    });
    assert.ok(took >= 990 && took < 12_000, `timed out after ${took} ms`);
    assert.ok(
      invocationLogLines(r.record).some((l) => l.endsWith(`${r.record.requestId} Task timed out after 1.00 seconds`)),
    );
    const again = await engine.call("slow", { ms: 10 });
    assert.equal(again.outcome.kind, "ok");
    assert.notEqual(again.record.initDurationMs, undefined, "a fresh instance (cold start) serves the next call");
  });

  it("a function that writes garbage into the runtime's channel crashes its own instance, not the node", async () => {
    engine.catalog.put(fixtureSpec("cjs", "index.breakChannel", { functionName: "break-channel" }));
    const r = await engine.call("break-channel");
    assert.equal(r.outcome.kind, "crashed");
    assert.equal((r.body as { errorType: string }).errorType, "Runtime.ExitError");
    engine.catalog.put(fixtureSpec("cjs", "index.handler", { functionName: "break-channel", revision: "fixed" }));
    assert.equal((await engine.call("break-channel", { after: "garbage" })).outcome.kind, "ok");
  });

  it("a timed-out invocation still reports the memory it used", async () => {
    engine.catalog.put(
      fixtureSpec("cjs", "index.allocateThenSleep", { functionName: "hog-slow", timeoutSec: 1, memoryMb: 256 }),
    );
    const r = await engine.call("hog-slow", { mb: 80, ms: 5000 });
    assert.equal(r.outcome.kind, "timeout");
    assert.ok(r.record.maxMemoryUsedMb >= 80, `Max Memory Used ${r.record.maxMemoryUsedMb} MB after filling 80 MiB`);
    assert.ok(r.record.maxMemoryUsedMb < 256, `Max Memory Used ${r.record.maxMemoryUsedMb} MB`);
    const report = invocationLogLines(r.record).at(-1) ?? "";
    assert.ok(report.includes(`\tMax Memory Used: ${r.record.maxMemoryUsedMb} MB\t`), report);
    assert.ok(report.endsWith("Status: timeout\t"), report);
  });

  it("running out of memory ends the instance with a clear error, and the function recovers", async () => {
    engine.catalog.put(fixtureSpec("oom", "index.handler", { functionName: "oom", timeoutSec: 20 }));
    const r = await engine.call("oom");
    assert.equal(r.outcome.kind, "crashed");
    assert.equal((r.body as { errorType: string }).errorType, "Runtime.OutOfMemory");
    assert.equal(r.record.maxMemoryUsedMb, 128, "Lambda reports the whole memory size as used");
    engine.catalog.put(fixtureSpec("cjs", "index.handler", { functionName: "oom", revision: "fixed" }));
    assert.equal((await engine.call("oom", { after: "oom" })).outcome.kind, "ok");
  });

  it("an uncaught exception still reports the memory the instance used", async () => {
    engine.catalog.put(fixtureSpec("cjs", "index.uncaughtInTimer", { functionName: "thrower" }));
    const r = await engine.call("thrower");
    assert.equal(r.outcome.kind, "crashed");
    assert.ok(r.record.maxMemoryUsedMb > 20, `Max Memory Used ${r.record.maxMemoryUsedMb} MB`);
  });

  it("a crashed instance is discarded and the next call works", async () => {
    engine.catalog.put(fixtureSpec("cjs", "index.exit1", { functionName: "crash" }));
    const r = await engine.call("crash");
    assert.equal(r.outcome.kind, "crashed");
    assert.ok(invocationLogLines(r.record).some((l) => l.includes("REPORT") && l.includes("Status: error")));
    engine.catalog.put(fixtureSpec("cjs", "index.counter", { functionName: "crash", revision: "r2" }));
    assert.deepEqual((await engine.call("crash")).body, { count: 1 });
  });

  it("warm instances are reused: module state survives between calls", async () => {
    engine.catalog.put(fixtureSpec("cjs", "index.counter", { functionName: "counter" }));
    const first = await engine.call("counter");
    const second = await engine.call("counter");
    const third = await engine.call("counter");
    assert.deepEqual([first.body, second.body, third.body], [{ count: 1 }, { count: 2 }, { count: 3 }]);
    assert.notEqual(first.record.initDurationMs, undefined);
    assert.equal(second.record.initDurationMs, undefined);
    assert.ok(invocationLogLines(first.record).at(-1)?.includes("Init Duration:"));
    assert.ok(!invocationLogLines(second.record).at(-1)?.includes("Init Duration:"));
  });
});

describe("instance CPU priority", () => {
  it("instances run the configured nice steps below the node, and so do the processes they start", async () => {
    const own = getPriority();
    const lowered = await testEngine([fixtureSpec("cjs", "index.priority", { functionName: "lowered" })], {
      instanceNice: 5,
    });
    const same = await testEngine([fixtureSpec("cjs", "index.priority", { functionName: "same" })]);
    try {
      const expected = Math.min(19, own + 5);
      assert.deepEqual((await lowered.call("lowered")).body, { nice: expected, childNice: expected });
      assert.deepEqual((await same.call("same")).body, { nice: own, childNice: own });
    } finally {
      await Promise.all([lowered.close(), same.close()]);
    }
  });
});

describe("instance start failures", () => {
  it("a runtime process that cannot start is an init error, not a platform failure", async () => {
    // Without the sandbox, a read-only directory that cannot be mounted; in it, a missing code directory.
    const unsandboxed = await testEngine([fixtureSpec("cjs", "index.handler", { functionName: "no-start" })], {
      readOnlyDirs: ["/nonexistent/haneul-code-root"],
      sandbox: "off",
    });
    const sandboxed = await testEngine([
      fixtureSpec("cjs", "index.handler", { functionName: "no-start", codeDir: "/nonexistent/haneul-code-root" }),
    ]);
    try {
      for (const engine of [unsandboxed, sandboxed]) {
        const r = await engine.call("no-start");
        assert.equal(r.outcome.kind, "init-error");
        assert.equal((r.body as { errorType: string }).errorType, "Runtime.ExitError");
      }
    } finally {
      await Promise.all([unsandboxed.close(), sandboxed.close()]);
    }
  });
});

describe("concurrency limits", () => {
  it("reserved concurrency throttles the calls beyond it, with AWS's reason", async () => {
    const engine = await testEngine([
      fixtureSpec("cjs", "index.sleep", { functionName: "reserved", reservedConcurrency: 2 }),
    ]);
    try {
      const results = await Promise.all(Array.from({ length: 8 }, () => engine.call("reserved", { ms: 400 })));
      const kinds = results.map((r) => r.outcome);
      assert.equal(kinds.filter((k) => k.kind === "ok").length, 2);
      const throttled = kinds.filter((k) => k.kind === "throttled");
      assert.equal(throttled.length, 6);
      for (const t of throttled)
        assert.equal(t.kind === "throttled" && t.reason, "ReservedFunctionConcurrentInvocationLimitExceeded");
      assert.equal((await engine.call("reserved", { ms: 1 })).outcome.kind, "ok", "slots come back");
    } finally {
      await engine.close();
    }
  });

  it("reserved concurrency 0 throttles every call", async () => {
    const engine = await testEngine([
      fixtureSpec("cjs", "index.handler", { functionName: "zero", reservedConcurrency: 0 }),
    ]);
    try {
      const r = await engine.call("zero");
      assert.deepEqual(r.outcome, { kind: "throttled", reason: "ReservedFunctionConcurrentInvocationLimitExceeded" });
    } finally {
      await engine.close();
    }
  });

  it("the account limit bounds unreserved functions and the number of processes", async () => {
    const engine = await testEngine([fixtureSpec("cjs", "index.sleep", { functionName: "shared" })], {
      accountConcurrency: 3,
      maxConcurrentStarts: 2,
    });
    try {
      const results = await Promise.all(Array.from({ length: 10 }, () => engine.call("shared", { ms: 300 })));
      assert.equal(results.filter((r) => r.outcome.kind === "ok").length, 3);
      for (const r of results.filter((x) => x.outcome.kind === "throttled")) {
        assert.deepEqual(r.outcome, { kind: "throttled", reason: "ConcurrentInvocationLimitExceeded" });
      }
      assert.equal(engine.pool.idleCount, 3, "no more instances than the limit were started");
    } finally {
      await engine.close();
    }
  });
});
