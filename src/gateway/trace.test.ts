import assert from "node:assert/strict";
import { test } from "node:test";
import { requestTime, shortRequestId, traceRoot } from "./trace.js";

test("requestTime is API Gateway's CLF-style time", () => {
  assert.equal(requestTime(Date.UTC(2015, 3, 9, 12, 34, 56)), "09/Apr/2015:12:34:56 +0000");
  assert.equal(requestTime(Date.UTC(2024, 11, 31, 0, 0, 5)), "31/Dec/2024:00:00:05 +0000");
});

test("traceRoot keeps a valid caller root and makes one otherwise", () => {
  const hex = "0123456789abcdef01234567";
  assert.equal(traceRoot(undefined, 1_700_000_000_000, hex), `1-6553f100-${hex}`);
  assert.equal(
    traceRoot("Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1", 0, hex),
    "1-5759e988-bd862e3fe1be46a994272793",
  );
  assert.equal(traceRoot("Root=garbage", 0, hex), `1-00000000-${hex}`);
});

test("shortRequestId is 16 characters of base64", () => {
  assert.match(shortRequestId("00112233445566778899aa"), /^[A-Za-z0-9+/]{15}=$/);
});
