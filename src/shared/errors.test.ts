import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { ROOT } from "../../test/helpers/paths.js";
import { ERROR_TABLE, PlatformError } from "./errors.js";

test("docs/errors.md lists every platform error code with its AWS type and status", () => {
  const doc = readFileSync(join(ROOT, "docs", "errors.md"), "utf8");
  for (const [code, { type, status }] of Object.entries(ERROR_TABLE)) {
    const cells = doc
      .split("\n")
      .map((l) => l.split("|").map((c) => c.trim()))
      .find((c) => c[1] === `\`${code}\``);
    assert.ok(cells, `${code} is missing from docs/errors.md`);
    assert.deepEqual([cells[2], cells[3]], [type, String(status)], `${code}: docs say ${cells.join(" | ")}`);
  }
});

test("a PlatformError carries its AWS type and status", () => {
  const e = new PlatformError("ERR_TOO_MANY_REQUESTS", "Rate Exceeded.", {
    Reason: "ConcurrentInvocationLimitExceeded",
  });
  assert.equal(e.awsType, "TooManyRequestsException");
  assert.equal(e.status, 429);
  assert.deepEqual(e.fields, { Reason: "ConcurrentInvocationLimitExceeded" });
});
