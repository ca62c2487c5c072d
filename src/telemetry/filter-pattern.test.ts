import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { FilterPatternError, parseFilterPattern } from "./filter-pattern.js";
import { messageFields } from "./filter-space.js";

function matches(pattern: string, messages: readonly string[]): string[] {
  const m = parseFilterPattern(pattern);
  return messages.filter((x) => m(x));
}

const LINES = [
  "2026-01-31T12:00:00.000Z\tabc\tERROR\tInvoke Error: payment failed",
  "2026-01-31T12:00:00.001Z\tabc\tWARN\tretrying payment",
  "2026-01-31T12:00:00.002Z\tabc\tINFO\tpayment accepted",
  "START RequestId: abc Version: $LATEST",
];

describe("term patterns", () => {
  test("empty matches everything", () => {
    assert.equal(matches("", LINES).length, 4);
    assert.equal(matches("   ", LINES).length, 4);
  });
  test("every plain term must occur, case-sensitively", () => {
    assert.deepEqual(matches("ERROR", LINES), [LINES[0]]);
    assert.deepEqual(matches("error", LINES), []);
    assert.deepEqual(matches("payment abc", LINES), LINES.slice(0, 3));
    assert.deepEqual(matches("payment failed", LINES), [LINES[0]]);
  });
  test("a quoted phrase must occur whole", () => {
    assert.deepEqual(matches('"payment failed"', LINES), [LINES[0]]);
    assert.deepEqual(matches('"failed payment"', LINES), []);
    assert.deepEqual(matches('"Version: $LATEST"', LINES), [LINES[3]]);
  });
  test("? terms: at least one", () => {
    assert.deepEqual(matches("?ERROR ?WARN", LINES), LINES.slice(0, 2));
    assert.deepEqual(matches('?"accepted" ?START', LINES), [LINES[2], LINES[3]]);
  });
  test("- terms exclude", () => {
    assert.deepEqual(matches("payment -ERROR", LINES), LINES.slice(1, 3));
    assert.deepEqual(matches('payment -"retrying payment" -ERROR', LINES), [LINES[2]]);
    assert.deepEqual(matches("?ERROR ?WARN -retrying", LINES), [LINES[0]]);
  });
  test("unbalanced quotes are refused", () => {
    assert.throws(() => parseFilterPattern('"open'), FilterPatternError);
  });
});

const JSON_LINES = [
  '{"level":"ERROR","latency":250,"user":{"id":7,"name":"kim"},"tags":["a","b"],"ok":false,"gone":null}',
  '{"level":"INFO","latency":12,"user":{"id":8,"name":"lee"},"tags":["x"],"ok":true}',
  '2026-01-31T12:00:00.000Z\tabc\tINFO\t{"level":"WARN","latency":100}',
  "not json at all",
];

describe("JSON patterns", () => {
  test("string equality, with and without quotes, and wildcards", () => {
    assert.deepEqual(matches('{ $.level = "ERROR" }', JSON_LINES), [JSON_LINES[0]]);
    assert.deepEqual(matches("{ $.level = ERROR }", JSON_LINES), [JSON_LINES[0]]);
    assert.deepEqual(matches('{ $.user.name = "l*" }', JSON_LINES), [JSON_LINES[1]]);
    assert.deepEqual(matches('{ $.level != "ERROR" }', JSON_LINES), JSON_LINES.slice(1, 3));
  });
  test("numeric comparisons", () => {
    assert.deepEqual(matches("{ $.latency > 100 }", JSON_LINES), [JSON_LINES[0]]);
    assert.deepEqual(matches("{ $.latency >= 100 }", JSON_LINES), [JSON_LINES[0], JSON_LINES[2]]);
    assert.deepEqual(matches("{ $.latency < 100 }", JSON_LINES), [JSON_LINES[1]]);
    assert.deepEqual(matches("{ $.latency <= 12 }", JSON_LINES), [JSON_LINES[1]]);
    assert.deepEqual(matches("{ $.user.id = 7 }", JSON_LINES), [JSON_LINES[0]]);
  });
  test("array indexes, IS TRUE/FALSE/NULL, NOT EXISTS", () => {
    assert.deepEqual(matches('{ $.tags[1] = "b" }', JSON_LINES), [JSON_LINES[0]]);
    assert.deepEqual(matches("{ $.ok IS TRUE }", JSON_LINES), [JSON_LINES[1]]);
    assert.deepEqual(matches("{ $.ok IS FALSE }", JSON_LINES), [JSON_LINES[0]]);
    assert.deepEqual(matches("{ $.gone IS NULL }", JSON_LINES), [JSON_LINES[0]]);
    assert.deepEqual(matches("{ $.user NOT EXISTS }", JSON_LINES), [JSON_LINES[2]]);
  });
  test("&&, || and parentheses", () => {
    assert.deepEqual(matches('{ $.level = "ERROR" || $.latency < 50 }', JSON_LINES), JSON_LINES.slice(0, 2));
    assert.deepEqual(matches('{ $.latency > 10 && $.level = "INFO" }', JSON_LINES), [JSON_LINES[1]]);
    assert.deepEqual(matches('{ ($.level = "ERROR" || $.level = "WARN") && $.latency >= 100 }', JSON_LINES), [
      JSON_LINES[0],
      JSON_LINES[2],
    ]);
  });
  test("the JSON of a Lambda text line (after its prefix) is read; other messages never match", () => {
    assert.deepEqual(matches('{ $.level = "WARN" }', JSON_LINES), [JSON_LINES[2]]);
    assert.deepEqual(matches("{ $.x NOT EXISTS }", ["not json", "{broken"]), []);
  });
  test("malformed patterns are refused", () => {
    for (const bad of ["{ $.a = 1", "{ level = 1 }", "{ $.a 1 }", "{ ($.a = 1 }", "{ $.a IS MAYBE }", "{ $.a > x }"]) {
      assert.throws(() => matches(bad, JSON_LINES), FilterPatternError, bad);
    }
  });
});

const ACCESS = [
  '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 200 1534',
  '10.0.0.2 - - [10/Oct/2000:13:25:16 -0700] "GET /missing HTTP/1.0" 404 0',
  '10.0.0.3 - bob [10/Oct/2000:13:25:17 -0700] "POST /api HTTP/1.1" 503 99',
];

describe("space-delimited patterns", () => {
  test("messages split on spaces; quoted and bracketed fields stay whole", () => {
    assert.deepEqual(messageFields(ACCESS[0] as string), [
      "127.0.0.1",
      "-",
      "frank",
      "10/Oct/2000:13:25:15 -0700",
      "GET /apache_pb.gif HTTP/1.0",
      "200",
      "1534",
    ]);
  });
  test("every field named: the counts must agree", () => {
    assert.equal(matches("[ip, identity, user, timestamp, request, status, bytes]", ACCESS).length, 3);
    assert.equal(matches("[ip, identity, user, timestamp, request, status]", ACCESS).length, 0);
  });
  test("conditions on fields: numbers, strings, wildcards", () => {
    assert.deepEqual(matches("[ip, identity, user, timestamp, request, status = 404, bytes]", ACCESS), [ACCESS[1]]);
    assert.deepEqual(matches("[ip, identity, user = frank, timestamp, request, status, bytes]", ACCESS), [ACCESS[0]]);
    assert.deepEqual(matches('[ip, identity, user, timestamp, request = "POST *", status, bytes]', ACCESS), [
      ACCESS[2],
    ]);
    assert.deepEqual(matches("[ip, identity, user, timestamp, request, status = 5*, bytes]", ACCESS), [ACCESS[2]]);
    assert.deepEqual(matches("[ip, identity, user, timestamp, request, status != 200, bytes > 50]", ACCESS), [
      ACCESS[2],
    ]);
  });
  test("&& and || within a field, and ... for any number of fields", () => {
    assert.deepEqual(matches("[..., status >= 400 && status < 500, bytes]", ACCESS), [ACCESS[1]]);
    assert.deepEqual(matches("[..., status = 404 || status = 503, bytes]", ACCESS), ACCESS.slice(1));
    assert.deepEqual(matches("[ip = 10.*, ...]", ACCESS), ACCESS.slice(1));
    assert.deepEqual(matches("[ip, ..., bytes = 0]", ACCESS), [ACCESS[1]]);
  });
  test("malformed patterns are refused", () => {
    for (const bad of ["[ip, status = ]", "[ip", '[ip = "x]', "[, x]", "[a = 1 && ]"]) {
      assert.throws(() => matches(bad, ACCESS), FilterPatternError, bad);
    }
  });
});
