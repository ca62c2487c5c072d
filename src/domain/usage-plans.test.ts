import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { quotaWindow } from "./usage-plans.js";

describe("quotaWindow", () => {
  const at = Date.UTC(2026, 0, 7, 15); // Wednesday 7 January 2026
  it("a day is the day", () => {
    assert.deepEqual(quotaWindow({ limit: 1, period: "DAY", offset: 0 }, at), { from: "2026-01-07", to: "2026-01-07" });
  });
  it("a week starts on Sunday plus the offset", () => {
    assert.deepEqual(quotaWindow({ limit: 1, period: "WEEK", offset: 0 }, at), {
      from: "2026-01-04",
      to: "2026-01-10",
    });
    assert.deepEqual(quotaWindow({ limit: 1, period: "WEEK", offset: 4 }, at), {
      from: "2026-01-01",
      to: "2026-01-07",
    });
  });
  it("a month starts on day 1 plus the offset, across a year's end", () => {
    assert.deepEqual(quotaWindow({ limit: 1, period: "MONTH", offset: 0 }, at), {
      from: "2026-01-01",
      to: "2026-01-31",
    });
    assert.deepEqual(quotaWindow({ limit: 1, period: "MONTH", offset: 9 }, at), {
      from: "2025-12-10",
      to: "2026-01-09",
    });
  });
});
