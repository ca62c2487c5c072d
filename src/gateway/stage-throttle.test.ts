import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { StageThrottle } from "./stage-throttle.js";

// Simulated time: `now` is the monotonic clock in ms, advanced by hand.
describe("StageThrottle", () => {
  it("gives each route its own bucket of the stage default, refilled at the rate", () => {
    const t = new StageThrottle({ all: { rateLimit: 2, burstLimit: 2 }, routes: {} });
    assert.deepEqual([t.take("GET /a", 0), t.take("GET /a", 0), t.take("GET /a", 0)], [true, true, false]);
    assert.equal(t.take("GET /b", 0), true, "another route is not throttled by the first's traffic");
    assert.equal(t.take("GET /a", 499), false, "just under one token after 499 ms at 2/s");
    assert.equal(t.take("GET /a", 500), true);
    assert.equal(t.take("GET /a", 500), false);
    assert.deepEqual(
      [t.take("GET /a", 10_000), t.take("GET /a", 10_000), t.take("GET /a", 10_000)],
      [true, true, false],
    );
  });

  it("a route's own limits win over the default; a route with none and no default is not throttled", () => {
    const t = new StageThrottle({
      all: { rateLimit: 1, burstLimit: 1 },
      routes: { "POST /x": { rateLimit: 1, burstLimit: 3 } },
    });
    assert.deepEqual(
      [1, 2, 3, 4].map(() => t.take("POST /x", 0)),
      [true, true, true, false],
    );
    const only = new StageThrottle({ routes: { "GET /limited": { rateLimit: 0, burstLimit: 1 } } });
    assert.deepEqual(
      [1, 2, 3].map(() => only.take("GET /free", 0)),
      [true, true, true],
    );
    assert.deepEqual([only.take("GET /limited", 0), only.take("GET /limited", 60_000)], [true, false]);
  });

  it("a limit left unset is API Gateway's account limit (burst 5,000, rate 10,000/s)", () => {
    const t = new StageThrottle({ all: { rateLimit: 1 }, routes: {} });
    let taken = 0;
    while (t.take("GET /", 0)) taken++;
    assert.equal(taken, 5000);
  });
});
