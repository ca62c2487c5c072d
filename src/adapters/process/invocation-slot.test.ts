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
