import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ManualClock } from "../shared/clock.js";
import { ExecutionLog, javaMap } from "./execution-log.js";

describe("ExecutionLog", () => {
  it("stamps each step as Java's Date.toString() in UTC, after the request line", () => {
    const clock = new ManualClock(Date.UTC(2026, 11, 6, 7, 5, 9));
    const log = new ExecutionLog(clock, "req-1");
    log.add("Starting execution for request: req-1");
    clock.advance(61_000);
    log.add("Method completed with status: 200");
    assert.equal(
      log.text(),
      "Execution log for request req-1\n" +
        "Sun Dec 06 07:05:09 UTC 2026 : Starting execution for request: req-1\n" +
        "Sun Dec 06 07:06:10 UTC 2026 : Method completed with status: 200\n",
    );
  });

  it("prints maps as Java does, list values joined by commas", () => {
    assert.equal(javaMap(undefined), "{}");
    assert.equal(javaMap({ id: "7", tags: ["a", "b"], n: 3 }), "{id=7, tags=a,b, n=3}");
  });
});
