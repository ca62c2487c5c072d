import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { invocationLogLines } from "../../src/domain/log-lines.js";
import { fixtureSpec, testEngine, type TestEngine } from "../helpers/engine.js";

describe("the log flood bound (real instances, real time)", () => {
  let engine: TestEngine;
  before(async () => {
    engine = await testEngine([fixtureSpec("cjs", "index.flood", { functionName: "flood", timeoutSec: 10 })]);
  });
  after(() => engine.close());

  test("a function printing tens of MB/s has its lines past the instance's rate dropped and counted", async () => {
    const r = await engine.call("flood", { ms: 1500 });
    assert.equal(r.outcome.kind, "ok", JSON.stringify(r.body));
    const printed = (r.body as { bytes: number }).bytes;
    const kept = r.record.lines.reduce((n, l) => n + l.length + 1, 0);
    assert.ok(printed > 10 * kept, `printed ${printed} bytes, kept ${kept}`);
    // 4 s of burst plus 1.5 s at 1 MiB/s (and the init's refill): what the node holds is bounded.
    assert.ok(kept <= 7 * 1024 * 1024, `kept ${kept} bytes`);
    assert.ok((r.record.droppedLines ?? 0) > 0);
    const log = invocationLogLines(r.record);
    assert.match(
      log.at(-3) ?? "",
      new RegExp(`^WARNING RequestId: ${r.record.requestId} ${r.record.droppedLines} log lines dropped`),
    );
    assert.match(log.at(-1) ?? "", /^REPORT RequestId: /);
  });
});
