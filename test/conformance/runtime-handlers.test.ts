/**
 * The Node.js runtime contract, run over both channels an instance can speak: the private frame
 * channel (built-in Node.js runtime) and the Lambda Runtime API over HTTP. Every case must give
 * the caller the same answer on both.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { FunctionSpec } from "../../src/domain/function-spec.js";
import { fixtureSpec, testEngine, type TestEngine } from "../helpers/engine.js";
import { invocationLogLines } from "../../src/domain/log-lines.js";

type Call = Awaited<ReturnType<TestEngine["call"]>>;
interface Case {
  readonly name: string;
  readonly dir: string;
  readonly handler: string;
  readonly event?: unknown;
  readonly overrides?: Partial<FunctionSpec>;
  check(r: Call): void;
}

function errorOf(r: Call): { errorType: string; errorMessage: string; trace?: string[] } {
  assert.notEqual(r.outcome.kind, "ok", `expected a failure, got ${JSON.stringify(r.body)}`);
  return r.body as { errorType: string; errorMessage: string; trace?: string[] };
}

const ok = (expected: unknown) => (r: Call) => {
  assert.equal(r.outcome.kind, "ok", JSON.stringify(r.body));
  assert.deepEqual(r.body, expected);
};

const CASES: Case[] = [
  { name: "async handler", dir: "cjs", handler: "index.handler", event: { a: 1 }, check: ok({ echo: { a: 1 } }) },
  {
    name: "callback handler",
    dir: "cjs",
    handler: "index.callbackEcho",
    event: { b: 2 },
    check: ok({ echo: { b: 2 }, via: "callback" }),
  },
  { name: "dotted export path", dir: "cjs", handler: "index.nested.a.b", check: ok("nested.a.b") },
  {
    name: "ESM via type:module with top-level await",
    dir: "esm-type-module",
    handler: "index.handler",
    check: (r) => assert.equal(r.outcome.kind, "ok"),
  },
  { name: ".mjs module", dir: "mjs", handler: "app.handler", check: (r) => assert.equal(r.outcome.kind, "ok") },
  { name: ".cjs module", dir: "cjs-ext", handler: "app.handler", check: (r) => assert.equal(r.outcome.kind, "ok") },
  {
    name: "extensionless module",
    dir: "extensionless",
    handler: "app.handler",
    check: (r) => assert.equal(r.outcome.kind, "ok"),
  },
  {
    name: "module in a sub-directory",
    dir: "nested",
    handler: "src/handlers/app.handler",
    check: (r) => assert.equal(r.outcome.kind, "ok"),
  },
  {
    name: "async throw → errorType, errorMessage, trace",
    dir: "cjs",
    handler: "index.throwError",
    check: (r) => {
      const e = errorOf(r);
      assert.equal(r.outcome.kind, "function-error");
      assert.equal(e.errorType, "Error");
      assert.equal(e.errorMessage, "boom");
      assert.ok(Array.isArray(e.trace) && e.trace[0]?.startsWith("Error: boom"));
    },
  },
  {
    name: "sync throw keeps the error name",
    dir: "cjs",
    handler: "index.throwSync",
    check: (r) => assert.equal(errorOf(r).errorType, "TypeError"),
  },
  {
    name: "rejecting with a string",
    dir: "cjs",
    handler: "index.rejectString",
    check: (r) => {
      const e = errorOf(r);
      assert.equal(e.errorType, "string");
      assert.equal(e.errorMessage, "plain string rejection");
    },
  },
  {
    name: "callback(err)",
    dir: "cjs",
    handler: "index.callbackError",
    check: (r) => assert.equal(errorOf(r).errorMessage, "callback failed"),
  },
  { name: "context.succeed", dir: "cjs", handler: "index.contextSucceed", check: ok({ via: "succeed" }) },
  {
    name: "context.fail",
    dir: "cjs",
    handler: "index.contextFail",
    check: (r) => assert.equal(errorOf(r).errorMessage, "failed via context.fail"),
  },
  { name: "first completion wins", dir: "cjs", handler: "index.callbackTwice", check: ok("first") },
  {
    name: "non-async handler that never calls back → null",
    dir: "cjs",
    handler: "index.neverCallsBack",
    check: ok(null),
  },
  { name: "async handler returning undefined → null", dir: "cjs", handler: "index.returnsUndefined", check: ok(null) },
  {
    name: "async handler that never settles",
    dir: "cjs",
    handler: "index.neverSettles",
    check: (r) => assert.equal(errorOf(r).errorType, "Runtime.NodeJsExit"),
  },
  {
    name: "unhandled rejection",
    dir: "cjs",
    handler: "index.unhandledRejection",
    check: (r) => assert.equal(errorOf(r).errorType, "Runtime.UnhandledPromiseRejection"),
  },
  {
    name: "uncaught exception in a timer",
    dir: "cjs",
    handler: "index.uncaughtInTimer",
    check: (r) => assert.notEqual(r.outcome.kind, "ok"),
  },
  {
    name: "process.exit(1) → Runtime.ExitError",
    dir: "cjs",
    handler: "index.exit1",
    check: (r) => {
      assert.equal(r.outcome.kind, "crashed");
      const e = errorOf(r);
      assert.equal(e.errorType, "Runtime.ExitError");
      assert.match(e.errorMessage, /Runtime exited with error: exit status 1/);
    },
  },
  {
    name: "circular result",
    dir: "cjs",
    handler: "index.circular",
    check: (r) => assert.match(errorOf(r).errorMessage, /Unable to stringify/),
  },
  {
    name: "syntax error",
    dir: "syntax-error",
    handler: "bad.handler",
    check: (r) => assert.equal(errorOf(r).errorType, "Runtime.UserCodeSyntaxError"),
  },
  {
    name: "missing package",
    dir: "import-error",
    handler: "index.handler",
    check: (r) => assert.equal(errorOf(r).errorType, "Runtime.ImportModuleError"),
  },
  {
    name: "missing module",
    dir: "cjs",
    handler: "nope.handler",
    check: (r) => assert.equal(errorOf(r).errorType, "Runtime.ImportModuleError"),
  },
  {
    name: "throw at init",
    dir: "throws-at-init",
    handler: "index.handler",
    check: (r) => {
      assert.equal(r.outcome.kind, "init-error");
      assert.equal(errorOf(r).errorMessage, "init exploded");
    },
  },
  {
    name: "export is not a function",
    dir: "not-a-function",
    handler: "index.handler",
    check: (r) => {
      const e = errorOf(r);
      assert.equal(e.errorType, "Runtime.HandlerNotFound");
      assert.match(e.errorMessage, /is not a function/);
    },
  },
  {
    name: "export missing",
    dir: "not-a-function",
    handler: "index.missing",
    check: (r) => assert.match(errorOf(r).errorMessage, /is undefined or not exported/),
  },
  {
    name: "handler with ..",
    dir: "cjs",
    handler: "../cjs/index.handler",
    check: (r) => assert.equal(errorOf(r).errorType, "Runtime.MalformedHandlerName"),
  },
  {
    name: "handler without a dot",
    dir: "cjs",
    handler: "index",
    check: (r) => assert.equal(errorOf(r).errorType, "Runtime.MalformedHandlerName"),
  },
  {
    name: "TZ is UTC",
    dir: "cjs",
    handler: "index.timeZone",
    check: (r) => {
      const b = r.body as { tz: string; resolved: string; offsetMinutes: number };
      assert.equal(b.tz, "UTC");
      assert.equal(b.resolved, "UTC");
      assert.equal(b.offsetMinutes, 0);
    },
  },
];

for (const channel of ["ipc", "runtime-api"] as const) {
  describe(`Node.js runtime over ${channel}`, { concurrency: 4 }, () => {
    let engine: TestEngine;
    const specs = CASES.map((c, i) => fixtureSpec(c.dir, c.handler, { functionName: `case-${i}`, ...c.overrides }));
    before(async () => {
      engine = await testEngine(specs, { nodeChannel: channel });
    });
    after(async () => engine.close());

    CASES.forEach((c, i) => {
      it(c.name, async () => {
        const r = await engine.call(`case-${i}`, c.event ?? {});
        c.check(r);
      });
    });

    it("context carries the function's identity and a working getRemainingTimeInMillis()", async () => {
      const spec = fixtureSpec("cjs", "index.contextEcho", { functionName: "ctx", memoryMb: 256, timeoutSec: 5 });
      engine.catalog.put(spec);
      const r = await engine.call("ctx", {});
      const b = r.body as Record<string, unknown>;
      assert.equal(b["awsRequestId"], r.record.requestId);
      assert.equal(b["functionName"], "ctx");
      assert.equal(b["functionVersion"], "$LATEST");
      assert.equal(b["invokedFunctionArn"], spec.functionArn);
      assert.equal(b["memoryLimitInMB"], "256");
      assert.equal(b["logGroupName"], "/aws/lambda/ctx");
      assert.match(String(b["logStreamName"]), /^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
      assert.equal(b["callbackWaitsForEmptyEventLoop"], true);
      const remaining = Number(b["remainingTimeInMillis"]);
      assert.ok(remaining > 4000 && remaining <= 5000, `remaining ${remaining}`);
    });

    it("_X_AMZN_TRACE_ID follows each invocation's trace id, reaches child processes, and is gone without one", async () => {
      engine.catalog.put(fixtureSpec("cjs", "index.traceEnv", { functionName: "trace-env" }));
      const call = async (traceId?: string): Promise<Record<string, unknown>> => {
        const r = await engine.invoker.invoke(
          { functionName: "trace-env" },
          Buffer.from("{}"),
          traceId === undefined ? {} : { traceId },
        );
        assert.equal(r.outcome.kind, "ok");
        return JSON.parse((r.outcome as { payload: Buffer }).payload.toString("utf8")) as Record<string, unknown>;
      };
      const first = "Root=1-67a0b1c2-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=0";
      const second = "Root=1-67a0b1c3-fedcba9876543210fedcba98;Sampled=1";
      assert.deepEqual(await call(first), { value: first, present: true, listed: true, child: first });
      assert.deepEqual(await call(second), { value: second, present: true, listed: true, child: second });
      assert.deepEqual(await call(), { value: null, present: false, listed: false, child: "<unset>" });
    });

    it("a line logged after the answer is kept: it opens the next invocation's logs if it missed its own", async () => {
      engine.catalog.put(fixtureSpec("cjs", "index.logAfterAnswer", { functionName: "log-after" }));
      const first = await engine.call("log-after", { n: 1 });
      assert.deepEqual(first.body, { answered: true });
      // No wait: the instance wrote the line before it asked for (IPC: read) the next event, so the
      // line reaches the node before the second answer, in either invocation's logs.
      const second = await engine.call("log-after", { n: 2 });
      const all = [...invocationLogLines(first.record), ...invocationLogLines(second.record)];
      assert.equal(all.filter((l) => l.endsWith("\tINFO\tlogged after the answer 1")).length, 1, all.join("\n"));
      const secondStart = invocationLogLines(second.record).findIndex((l) => l.startsWith("START RequestId:"));
      const firstLine = all.findIndex((l) => l.endsWith("logged after the answer 1"));
      // In the first invocation's logs, or right after the second one's START line.
      assert.ok(
        firstLine < invocationLogLines(first.record).length ||
          firstLine === invocationLogLines(first.record).length + secondStart + 1,
        all.join("\n"),
      );
    });

    if (channel === "ipc") {
      it("an instance that exits on its own still reports its peak memory", async () => {
        engine.catalog.put(fixtureSpec("cjs", "index.exit1", { functionName: "exits" }));
        const r = await engine.call("exits");
        assert.equal(r.outcome.kind, "crashed");
        assert.ok(r.record.maxMemoryUsedMb >= 20, `Max Memory Used ${r.record.maxMemoryUsedMb} MB`);
        assert.match(invocationLogLines(r.record).at(-1) ?? "", /\tMax Memory Used: [1-9]\d* MB\t/);
      });

      it("an idle instance is frozen: timers left by one invocation run only once the next has arrived", async () => {
        engine.catalog.put(fixtureSpec("cjs", "index.background", { functionName: "frozen" }));
        const first = await engine.call("frozen", { schedule: 200 });
        assert.deepEqual(first.body, { atStart: 0, after: 0 });
        await new Promise((r) => setTimeout(r, 700)); // the timer is long due
        const second = await engine.call("frozen", { wait: 30 });
        // Not fired while idle; fired during the second invocation, whose logs carry its line.
        assert.deepEqual(second.body, { atStart: 0, after: 1 });
        assert.ok(
          invocationLogLines(second.record).some((l) => l.endsWith("\tINFO\tbackground timer fired")),
          invocationLogLines(second.record).join("\n"),
        );
      });
    }

    it("callbackWaitsForEmptyEventLoop: waits for pending timers unless set to false", async () => {
      engine.catalog.put(fixtureSpec("cjs", "index.waitsForEmptyLoop", { functionName: "waits" }));
      engine.catalog.put(fixtureSpec("cjs", "index.noWaitForEmptyLoop", { functionName: "nowait" }));
      await Promise.all([engine.call("waits"), engine.call("nowait")]); // cold starts out of the way
      let t0 = performance.now();
      await engine.call("waits");
      const waited = performance.now() - t0;
      t0 = performance.now();
      await engine.call("nowait");
      const immediate = performance.now() - t0;
      assert.ok(waited >= 180, `waited ${waited} ms`);
      assert.ok(immediate < 150, `answered after ${immediate} ms`);
    });

    it("console output is captured per invocation in the Lambda text format", async () => {
      engine.catalog.put(fixtureSpec("cjs", "index.logs", { functionName: "logs" }));
      const r = await engine.call("logs");
      const id = r.record.requestId;
      const app = invocationLogLines(r.record).filter((l) => l.includes(`\t${id}\t`));
      assert.match(app[0] ?? "", new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\t${id}\\tINFO\\tlog line \\{ a: 1 \\}$`));
      for (const level of ["WARN", "ERROR", "DEBUG"])
        assert.ok(
          app.some((l) => l.includes(`\t${level}\t`)),
          level,
        );
      assert.ok(app.some((l) => l.endsWith("\tINFO\tanswer is 42")));
      assert.equal(invocationLogLines(r.record)[0], `START RequestId: ${id} Version: $LATEST`);
      assert.ok(invocationLogLines(r.record).includes(`END RequestId: ${id}`));
      assert.match(
        invocationLogLines(r.record).at(-1) ?? "",
        /^REPORT RequestId: .*\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB\t/,
      );
    });
  });
}
