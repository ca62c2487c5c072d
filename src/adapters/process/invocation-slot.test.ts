import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HELD_LINES_MAX, InvocationSlot } from "./invocation-slot.js";

function request(requestId: string) {
  return { requestId, payload: Buffer.from("{}"), deadlineMs: Date.now() + 60_000, invokedFunctionArn: "arn" };
}

describe("InvocationSlot log lines", () => {
  it("gives init its lines, then opens the next invocation's logs with those written in between", async () => {
    const slot = new InvocationSlot(() => undefined);
    slot.log("init line");
    assert.deepEqual(slot.takeHeld(), ["init line"]);

    const first = slot.start(request("a"), 60);
    slot.log("during a");
    slot.finish(slot.current!, { kind: "ok", payload: Buffer.from("1") });
    slot.log("after a's answer");
    assert.deepEqual((await first).logs, ["during a"]);

    const second = slot.start(request("b"), 60);
    slot.log("during b");
    slot.finish(slot.current!, { kind: "ok", payload: Buffer.from("2") });
    assert.deepEqual((await second).logs, ["after a's answer", "during b"]);
    assert.deepEqual(slot.takeHeld(), []);
  });

  it(`holds at most ${HELD_LINES_MAX} lines between invocations, the newest`, () => {
    const slot = new InvocationSlot(() => undefined);
    for (let i = 0; i < HELD_LINES_MAX + 5; i++) slot.log(`line ${i}`);
    const held = slot.takeHeld();
    assert.equal(held.length, HELD_LINES_MAX);
    assert.equal(held[0], "line 5");
    assert.equal(held.at(-1), `line ${HELD_LINES_MAX + 4}`);
  });
});

describe("InvocationSlot with an event waiting ahead", () => {
  const exit = { code: null, signal: "SIGKILL" as const, outOfMemory: false };

  it("starts the waiting event when the running one is answered, with its own logs and duration", async () => {
    const slot = new InvocationSlot(() => undefined);
    const a = slot.start(request("a"), 60);
    const b = slot.start(request("b"), 60);
    assert.equal(slot.current?.request.requestId, "a");
    assert.equal(slot.waiting, 1);
    slot.log("a's line");
    await new Promise((r) => setTimeout(r, 30));
    slot.finish(slot.current, { kind: "ok", payload: Buffer.from("1") });
    assert.equal(slot.current?.request.requestId, "b");
    assert.equal(slot.waiting, 0);
    slot.log("b's line");
    slot.finish(slot.current, { kind: "ok", payload: Buffer.from("2") });
    const [ra, rb] = await Promise.all([a, b]);
    assert.deepEqual(ra.logs, ["a's line"]);
    assert.deepEqual(rb.logs, ["b's line"]);
    assert.ok(ra.durationMs >= 25, `a took ${ra.durationMs} ms`);
    assert.ok(rb.durationMs < 25, `b counts from its own start: ${rb.durationMs} ms`);
  });

  it("answers the waiting event unstarted when the instance dies during the running one", async () => {
    const slot = new InvocationSlot(() => undefined);
    const a = slot.start(request("a"), 60);
    const b = slot.start(request("b"), 60);
    slot.crash(exit, undefined);
    assert.equal((await a).kind, "crashed");
    const rb = await b;
    assert.equal(rb.kind, "unstarted");
    assert.equal(rb.durationMs, 0);
  });

  it("after a timeout, the waiting event is unstarted unless the late answer shows it may have begun", async () => {
    for (const late of [false, true]) {
      let killed = 0;
      const slot = new InvocationSlot(() => killed++);
      const a = slot.start({ ...request("a"), deadlineMs: Date.now() + 20 }, 0.02);
      const b = slot.start(request("b"), 60);
      assert.equal((await a).kind, "timeout");
      assert.equal(killed, 1);
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
    const slot = new InvocationSlot(() => undefined);
    const a = slot.start({ ...request("a"), deadlineMs: Date.now() + 20 }, 0.02);
    const [b, c, d] = ["b", "c", "d"].map((id) => slot.start(request(id), 60));
    assert.equal(slot.waiting, 3);
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
    const slot = new InvocationSlot(() => undefined);
    const all = ["a", "b", "c"].map((id) => slot.start(request(id), 60));
    slot.answer("b", { kind: "ok", payload: Buffer.from("not b's turn") });
    slot.crash(exit, undefined);
    assert.deepEqual(
      (await Promise.all(all)).map((r) => r.kind),
      ["crashed", "unstarted", "unstarted"],
    );
  });
});
