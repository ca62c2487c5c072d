import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
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

test("shortRequestId is the 16 characters of base64 of its 11 bytes", () => {
  assert.match(shortRequestId("00112233445566778899aa"), /^[A-Za-z0-9+/]{15}=$/);
  for (const hex of [
    "00112233445566778899aa",
    "ffffffffffffffffffffff",
    "0000000000000000000000",
    "fbefbe3f00ff10a5c3d2e1",
  ]) {
    assert.equal(shortRequestId(hex), Buffer.from(hex, "hex").toString("base64"), hex);
  }
  for (let i = 0; i < 200; i++) {
    const hex = randomBytes(11).toString("hex");
    assert.equal(shortRequestId(hex), Buffer.from(hex, "hex").toString("base64"), hex);
  }
});

test("requestTime and the trace root's epoch follow the clock from one second to the next", () => {
  const t = Date.UTC(2024, 11, 31, 23, 59, 59);
  assert.equal(requestTime(t), "31/Dec/2024:23:59:59 +0000");
  assert.equal(requestTime(t + 999), "31/Dec/2024:23:59:59 +0000");
  assert.equal(requestTime(t + 1000), "01/Jan/2025:00:00:00 +0000");
  assert.equal(requestTime(t), "31/Dec/2024:23:59:59 +0000");
  const hex = "0123456789abcdef01234567";
  assert.equal(traceRoot(undefined, 1_700_000_000_999, hex), `1-6553f100-${hex}`);
  assert.equal(traceRoot(undefined, 1_700_000_001_000, hex), `1-6553f101-${hex}`);
  assert.equal(traceRoot(undefined, 1_700_000_000_000, hex), `1-6553f100-${hex}`);
});
