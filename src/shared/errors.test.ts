import assert from "node:assert/strict";
import { test } from "node:test";
import { PlatformError } from "./errors.js";

test("a PlatformError carries its AWS type and status", () => {
  const e = new PlatformError("ERR_TOO_MANY_REQUESTS", "Rate Exceeded.", {
    Reason: "ConcurrentInvocationLimitExceeded",
  });
  assert.equal(e.awsType, "TooManyRequestsException");
  assert.equal(e.status, 429);
  assert.deepEqual(e.fields, { Reason: "ConcurrentInvocationLimitExceeded" });
});
