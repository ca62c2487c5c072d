import assert from "node:assert/strict";
import { test } from "node:test";
import { isPlatformError } from "../../shared/errors.js";
import { rangeOf } from "./wire.js";

test("Range: first-last (clamped to the end), first-, -suffix; none or unreadable is the whole object", () => {
  assert.deepEqual(rangeOf("bytes=0-9", 100), { start: 0, end: 9 });
  assert.deepEqual(rangeOf("bytes=90-200", 100), { start: 90, end: 99 });
  assert.deepEqual(rangeOf("bytes=95-", 100), { start: 95, end: 99 });
  assert.deepEqual(rangeOf("bytes=-5", 100), { start: 95, end: 99 });
  assert.deepEqual(rangeOf("bytes=-500", 100), { start: 0, end: 99 });
  for (const whole of [undefined, "bytes=5-2", "bytes=0-1,5-6", "items=0-1", "bytes=-"]) {
    assert.equal(rangeOf(whole, 100), undefined, String(whole));
  }
});

test("Range starting past the end (or an empty suffix) is InvalidRange", () => {
  const invalid = (e: unknown) => isPlatformError(e) && e.code === "ERR_S3_INVALID_RANGE" && e.status === 416;
  assert.throws(() => rangeOf("bytes=100-", 100), invalid);
  assert.throws(() => rangeOf("bytes=100-200", 100), invalid);
  assert.throws(() => rangeOf("bytes=-0", 100), invalid);
});
