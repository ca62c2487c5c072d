/**
 * docs/errors.md is the error catalogue: every platform error code with its AWS type and status
 * (codes nothing raises are marked reserved, and stay unraised), and every answer the gateway
 * gives itself, for REST and HTTP APIs. This test keeps the page and the code in step.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { GATEWAY_ERROR_KINDS, gatewayError } from "../../src/gateway/gateway-errors.js";
import { ERROR_TABLE, RESERVED_CODES, type ErrorCode } from "../../src/shared/errors.js";
import { ROOT } from "../helpers/paths.js";

const doc = readFileSync(join(ROOT, "docs", "errors.md"), "utf8");

/** The cells of every table row of the page, trimmed and without code backticks. */
const rows = doc
  .split("\n")
  .filter((l) => l.startsWith("|"))
  .map((l) =>
    l
      .split("|")
      .slice(1, -1)
      .map((c) => c.trim().replace(/^`(.*)`$/, "$1")),
  );

const row = (key: string) => rows.find((cells) => cells[0] === key);

/** How many times each code appears as a string literal in the server's own source (tests excluded). */
function raisedCodes(): Map<string, number> {
  const counts = new Map<string, number>();
  const src = join(ROOT, "src");
  for (const file of readdirSync(src, { recursive: true, encoding: "utf8" })) {
    if (!file.endsWith(".ts") || file.endsWith(".test.ts") || file === join("shared", "errors.ts")) continue;
    for (const m of readFileSync(join(src, file), "utf8").matchAll(/"(ERR_[A-Z0-9_]+)"/g)) {
      counts.set(m[1]!, (counts.get(m[1]!) ?? 0) + 1);
    }
  }
  return counts;
}

describe("docs/errors.md, platform errors", () => {
  it("lists every code with its AWS type and status, and no code the table lacks", () => {
    for (const [code, { type, status }] of Object.entries(ERROR_TABLE)) {
      const cells = row(code);
      assert.ok(cells, `${code} is missing from docs/errors.md`);
      assert.deepEqual([cells[1], cells[2]], [type, String(status)], `${code}: docs say ${cells.join(" | ")}`);
    }
    const documented = rows.filter((c) => /^ERR_[A-Z0-9_]+$/.test(c[0] ?? "")).map((c) => c[0]);
    assert.deepEqual(
      documented.filter((code) => !(code! in ERROR_TABLE)),
      [],
      "documented codes the table does not have",
    );
  });

  it("every code is raised somewhere, or marked reserved in the table and on the page", () => {
    const raised = raisedCodes();
    for (const code of Object.keys(ERROR_TABLE) as ErrorCode[]) {
      const reserved = RESERVED_CODES.has(code);
      const says = row(code)?.[3] ?? "";
      if (reserved) {
        assert.equal(raised.get(code), undefined, `${code} is raised now: drop it from RESERVED_CODES and the page`);
        assert.match(says, /^reserved: /, `${code} is reserved; docs/errors.md must say so`);
      } else {
        assert.ok(raised.has(code), `nothing raises ${code}: remove it or mark it reserved`);
        assert.doesNotMatch(says, /reserved/, `${code} is raised; the page calls it reserved`);
      }
    }
  });
});

describe("docs/errors.md, gateway answers", () => {
  it("lists every answer the gateway gives, with its status, error type and body for REST and HTTP APIs", () => {
    for (const kind of GATEWAY_ERROR_KINDS) {
      const cells = row(kind);
      assert.ok(cells, `gateway answer ${kind} is missing from docs/errors.md`);
      const rest = gatewayError("REST", kind);
      const http = gatewayError("HTTP", kind);
      assert.deepEqual(
        cells.slice(1, 6),
        [String(rest.status), rest.errorType ?? "", rest.body.toString(), String(http.status), http.body.toString()],
        `${kind}: docs say ${cells.join(" | ")}`,
      );
      assert.equal(http.errorType, undefined, "HTTP APIs send no x-amzn-ErrorType");
    }
    const documented = rows
      .filter((c) => c.length === 7 && /^[a-z]+-?[a-z-]*$/.test(c[0] ?? "") && c[0] !== "kind")
      .map((c) => c[0]);
    assert.deepEqual(new Set(documented), new Set(GATEWAY_ERROR_KINDS));
  });
});
