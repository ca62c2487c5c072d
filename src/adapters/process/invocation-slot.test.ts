import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ManualClock } from "../../shared/clock.js";
import { HELD_LINES_MAX, InvocationSlot } from "./invocation-slot.js";

function request(requestId: string, timeoutMs = 60_000) {
  return { requestId, payload: Buffer.from("{}"), timeoutMs, invokedFunctionArn: "arn" };
}

/** A slot on a simulated clock, counting how often it killed its instance. */
function slotOnManualClock() {
  const clock = new ManualClock(1_000_000);
  const killed = { count: 0 };
  const slot = new InvocationSlot(clock, () => killed.count++);
  return { clock, slot, killed };
}

describe("InvocationSlot log lines", () => {
  it("gives init its lines, then opens the next invocation's logs with those written in between", async () => {
    const { slot } = slotOnManualClock();
    slot.log("init line");
    assert.deepEqual(slot.takeHeld(), ["init line"]);

    const first = slot.start(request("a"));
    slot.log("during a");
    slot.finish(slot.current!, { kind: "ok", payload: Buffer.from("1") });
    slot.log("after a's answer");
    assert.deepEqual((await first).logs, ["during a"]);

    const second = slot.start(request("b"));
    slot.log("during b");
    slot.finish(slot.current!, { kind: "ok", payload: Buffer.from("2") });
    assert.deepEqual((await second).logs, ["after a's answer", "during b"]);
    assert.deepEqual(slot.takeHeld(), []);
  });

  it(`holds at most ${HELD_LINES_MAX} lines between invocations, the newest`, () => {
    const { slot } = slotOnManualClock();
    for (let i = 0; i < HELD_LINES_MAX + 5; i++) slot.log(`line ${i}`);
    const held = slot.takeHeld();
    assert.equal(held.length, HELD_LINES_MAX);
    assert.equal(held[0], "line 5");
    assert.equal(held.at(-1), `line ${HELD_LINES_MAX + 4}`);
  });
});

describe("InvocationSlot deadline (simulated clock)", () => {
  it("kills the instance and answers timeout when the deadline passes, not a millisecond before", async () => {
    const { clock, slot, killed } = slotOnManualClock();
    const a = slot.start(request("a", 3_000));
    assert.equal(slot.deadlineAt(), 1_003_000);
    clock.advance(2_999);
    assert.equal(killed.count, 0);
    assert.equal(slot.current?.request.requestId, "a");
    clock.advance(1);
    assert.equal(killed.count, 1);
    const r = await a;
    assert.equal(r.kind, "timeout");
    assert.equal(r.errorType, "Sandbox.Timedout");
    assert.equal(r.durationMs, 3_000);
    assert.match(r.payload.toString(), /Task timed out after 3\.00 seconds/);
  });

  it("an answer in time cancels the deadline; the duration is the instance's own when it reports one", async () => {
    const { clock, slot, killed } = slotOnManualClock();
    const a = slot.start(request("a", 3_000));
    clock.advance(1_200);
    slot.answer("a", { kind: "ok", payload: Buffer.from("1") });
    assert.equal((await a).durationMs, 1_200, "measured by the slot");
    const b = slot.start(request("b", 3_000));
    clock.advance(10);
    slot.answer("b", { kind: "ok", payload: Buffer.from("2"), durationMs: 7.25 });
    assert.equal((await b).durationMs, 7.25, "reported by the instance");
    clock.advance(60_000);
    assert.equal(killed.count, 0);
    assert.equal(clock.pending, 0);
  });
});

describe("InvocationSlot with an event waiting ahead", () => {
  const exit = { code: null, signal: "SIGKILL" as const, outOfMemory: false };

  it("starts the waiting event when the running one is answered, with its own logs and duration", async () => {
    const { clock, slot } = slotOnManualClock();
    const a = slot.start(request("a"));
    const b = slot.start(request("b"));
    assert.equal(slot.current?.request.requestId, "a");
    assert.equal(slot.waiting, 1);
    slot.log("a's line");
    clock.advance(30);
    slot.finish(slot.current, { kind: "ok", payload: Buffer.from("1") });
    assert.equal(slot.current?.request.requestId, "b");
    assert.equal(slot.waiting, 0);
    slot.log("b's line");
    clock.advance(4);
    slot.finish(slot.current, { kind: "ok", payload: Buffer.from("2") });
    const [ra, rb] = await Promise.all([a, b]);
    assert.deepEqual(ra.logs, ["a's line"]);
    assert.deepEqual(rb.logs, ["b's line"]);
    assert.equal(ra.durationMs, 30);
    assert.equal(rb.durationMs, 4, "b counts from its own start");
  });

  it("the waiting event's deadline starts when it begins, with its whole timeout", async () => {
    const { clock, slot, killed } = slotOnManualClock();
    const a = slot.start(request("a", 60_000));
    const b = slot.start(request("b", 1_000));
    clock.advance(50_000);
    assert.equal(killed.count, 0, "b's second does not run while it waits");
    slot.answer("a", { kind: "ok", payload: Buffer.from("1") });
    assert.equal(slot.deadlineAt(), 1_051_000);
    clock.advance(999);
    assert.equal(killed.count, 0);
    clock.advance(1);
    assert.equal(killed.count, 1);
    assert.equal((await a).kind, "ok");
    assert.equal((await b).kind, "timeout");
  });

  it("answers the waiting event unstarted when the instance dies during the running one", async () => {
    const { slot } = slotOnManualClock();
    const a = slot.start(request("a"));
    const b = slot.start(request("b"));
    slot.crash(exit, undefined);
    assert.equal((await a).kind, "crashed");
    const rb = await b;
    assert.equal(rb.kind, "unstarted");
    assert.equal(rb.durationMs, 0);
  });

  it("after a timeout, the waiting event is unstarted unless the late answer shows it may have begun", async () => {
    for (const late of [false, true]) {
      const { clock, slot, killed } = slotOnManualClock();
      const a = slot.start(request("a", 20));
      const b = slot.start(request("b"));
      clock.advance(20);
      assert.equal((await a).kind, "timeout");
      assert.equal(killed.count, 1);
      assert.equal(slot.current, undefined, "the waiting event does not start on a dying instance");
      if (late) slot.answer("a", { kind: "ok", payload: Buffer.from("late") });
      slot.crash(exit, undefined);
      assert.equal((await b).kind, late ? "crashed" : "unstarted");
    }
  });
});

describe("InvocationSlot with several events waiting ahead", () => {
  const exit = { code: null, signal: "SIGKILL" as const, outOfMemory: false };

  it("runs them in order; after a timeout, answers still in the channel count and the next may have begun", async () => {
    const { clock, slot } = slotOnManualClock();
    const a = slot.start(request("a", 20));
    const [b, c, d] = ["b", "c", "d"].map((id) => slot.start(request(id)));
    assert.equal(slot.waiting, 3);
    clock.advance(20);
    assert.equal((await a).kind, "timeout");
    // The instance had answered a (too late), then b, and was running c when it was killed.
    slot.answer("a", { kind: "ok", payload: Buffer.from("late a") });
    slot.answer("b", { kind: "ok", payload: Buffer.from("b's answer"), durationMs: 1.5 });
    slot.crash(exit, undefined);
    const rb = await b!;
    assert.equal(rb.kind, "ok");
    assert.equal(rb.payload.toString(), "b's answer");
    assert.equal(rb.durationMs, 1.5);
    assert.equal((await c!).kind, "crashed");
    assert.equal((await d!).kind, "unstarted");
  });

  it("a crash while the first runs leaves every waiting event unstarted", async () => {
    const { slot } = slotOnManualClock();
    const all = ["a", "b", "c"].map((id) => slot.start(request(id)));
    slot.answer("b", { kind: "ok", payload: Buffer.from("not b's turn") });
    slot.crash(exit, undefined);
    assert.deepEqual(
      (await Promise.all(all)).map((r) => r.kind),
      ["crashed", "unstarted", "unstarted"],
    );
  });
});

describe("InvocationSlot line budget", () => {
  it("drops and counts the lines past the instance's rate, and lets lines through again as time passes", async () => {
    const clock = new ManualClock(1_000_000);
    const slot = new InvocationSlot(clock, () => undefined, {
      lineBudget: { linesPerSecond: 10, bytesPerSecond: 1_000_000, burstSeconds: 1 },
    });
    const run = slot.start(request("a"));
    for (let i = 0; i < 25; i++) slot.log(`burst ${i}`);
    clock.advance(500);
    for (let i = 0; i < 10; i++) slot.log(`later ${i}`);
    slot.finish(slot.current!, { kind: "ok", payload: Buffer.from("1") });
    const result = await run;
    assert.equal(result.logs.length, 15, "10 of the burst, 5 refilled in half a second");
    assert.equal(result.logs[9], "burst 9");
    assert.equal(result.logs[10], "later 0");
    assert.equal(result.droppedLines, 20);
  });

  it("bounds bytes as well as lines: a few huge lines use the budget up", async () => {
    const clock = new ManualClock(0);
    const slot = new InvocationSlot(clock, () => undefined, {
      lineBudget: { linesPerSecond: 1000, bytesPerSecond: 1000, burstSeconds: 1 },
    });
    const run = slot.start(request("a"));
    slot.log("x".repeat(600));
    slot.log("y".repeat(600));
    slot.log("small");
    slot.finish(slot.current!, { kind: "ok", payload: Buffer.from("1") });
    const result = await run;
    assert.deepEqual(
      result.logs.map((l) => l.slice(0, 5)),
      ["xxxxx", "small"],
    );
    assert.equal(result.droppedLines, 1);
  });
});
