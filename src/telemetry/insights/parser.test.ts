import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { evaluate, MapRow } from "./evaluate.js";
import { QuerySyntaxError } from "./errors.js";
import { parseQuery } from "./parser.js";
import { discoverFields } from "./record.js";
import { PercentileSketch } from "./sketch.js";
import { show, type Value } from "./values.js";

function syntaxError(q: string): QuerySyntaxError {
  try {
    parseQuery(q);
  } catch (e) {
    assert.ok(e instanceof QuerySyntaxError, String(e));
    return e;
  }
  assert.fail(`parsed: ${q}`);
}

/** The value of a filter expression on a row holding `fields`. */
function value(expr: string, fields: Record<string, Value> = {}): Value {
  const q = parseQuery(`filter ${expr}`);
  const c = q.commands[0];
  assert.equal(c?.k, "filter");
  const row = new MapRow();
  for (const [k, v] of Object.entries(fields)) row.put(k, v);
  return evaluate(row, (c as unknown as { expr: never }).expr);
}

describe("Logs Insights parser", () => {
  test("commands separated by pipes, names and aliases", () => {
    const q = parseQuery(
      "fields @timestamp, @message, strlen(@message) as len # a comment\n| filter len > 3 | sort @timestamp desc | limit 20",
    );
    assert.deepEqual(
      q.commands.map((c) => c.k),
      ["fields", "filter", "sort", "limit"],
    );
    const f = q.commands[0] as unknown as { items: { name: string }[] };
    assert.deepEqual(
      f.items.map((i) => i.name),
      ["@timestamp", "@message", "len"],
    );
  });

  test("stats with aggregates, by fields and bin; unaliased columns are named by their text", () => {
    const q = parseQuery("stats pct(@duration, 99), count(*) as n, avg(@duration) by bin(5m), @logStream");
    const s = q.commands[0] as unknown as { aggs: { name: string }[]; by: { name: string; expr: { k: string } }[] };
    assert.deepEqual(
      s.aggs.map((a) => a.name),
      ["pct(@duration, 99)", "n", "avg(@duration)"],
    );
    assert.deepEqual(
      s.by.map((b) => b.name),
      ["bin(5m)", "@logStream"],
    );
  });

  test("parse: a glob's wildcards and a regex's named groups", () => {
    const g = parseQuery('parse @message "user=* action=*" as user, action').commands[0] as unknown as {
      re: RegExp;
      names: string[];
    };
    assert.deepEqual(g.names, ["user", "action"]);
    assert.deepEqual(g.re.exec("x user=ann action=pay now")?.slice(1), ["ann", "pay now"]);
    const r = parseQuery("parse @message /id=(?<id>\\d+)/").commands[0] as unknown as { names: string[] };
    assert.deepEqual(r.names, ["id"]);
  });

  test("errors name the symbol, line and position, with the offsets", () => {
    const e = syntaxError("fields @message\n| filter = 3");
    assert.equal(e.message, "unexpected symbol found = at line 2 and position 10");
    assert.equal(e.start, 25);
    assert.equal(syntaxError("fieldz @message").message, "unexpected symbol found fieldz at line 1 and position 1");
    assert.match(syntaxError("stats strlen(@message)").message, /unexpected symbol found strlen/);
    assert.match(syntaxError("limit 0").message, /position 7/);
    assert.match(syntaxError("limit 10001").message, /unexpected symbol found 10001/);
    assert.match(syntaxError('parse @message "a=* b=*" as a').message, /2 wildcard/);
    assert.match(syntaxError("filter nosuchfn(@message)").message, /nosuchfn/);
    assert.match(syntaxError("").message, /<EOF>/);
    assert.match(syntaxError("filter @message like 'abc").message, /unexpected symbol/);
    assert.match(syntaxError("fields a |").message, /<EOF>/);
  });
});

describe("Logs Insights expressions", () => {
  test("comparison, and/or/not, in, like with strings and regexes, =~", () => {
    assert.equal(value("a > 2 and b = 'x'", { a: 3, b: "x" }), true);
    assert.equal(value("a > 2 and not b = 'x'", { a: 3, b: "x" }), false);
    assert.equal(value("a < 2 or b != 'y'", { a: 3, b: "x" }), true);
    assert.equal(value("a in [1, 2, 3]", { a: 2 }), true);
    assert.equal(value("a not in ['x', 'y']", { a: "x" }), false);
    assert.equal(value("@message like 'pay'", { "@message": "payment failed" }), true);
    assert.equal(value("@message like /^PAY/i", { "@message": "payment failed" }), true);
    assert.equal(value("@message not like /fail/", { "@message": "payment failed" }), false);
    assert.equal(value("@message =~ /ment\\s+f/", { "@message": "payment failed" }), true);
    assert.equal(value("missing = 1"), false);
    assert.equal(value("a = '10'", { a: 10 }), true);
  });

  test("arithmetic and precedence", () => {
    assert.equal(value("1 + 2 * 3 - 4 / 2"), 5);
    assert.equal(value("(1 + 2) * 3 % 5"), 4);
    assert.equal(value("2 ^ 3 ^ 2"), 512);
    assert.equal(value("-a + 1", { a: 3 }), -2);
    assert.equal(value("@maxMemoryUsed / 1000 / 1000", { "@maxMemoryUsed": 64_000_000 }), 64);
  });

  test("functions", () => {
    assert.equal(value("strlen('héllo')"), 5);
    assert.equal(value("toupper('ab')"), "AB");
    assert.equal(value("tolower('AB')"), "ab");
    assert.equal(value("concat('a', 1, 'b')"), "a1b");
    assert.equal(value("abs(-2.5)"), 2.5);
    assert.equal(value("floor(2.5) + ceil(2.5)"), 5);
    assert.equal(value("ispresent(a)", { a: 0 }), true);
    assert.equal(value("ispresent(b)"), false);
    assert.equal(value("isempty(a)", { a: "" }), true);
    assert.equal(value("isempty(a)", { a: "x" }), false);
    assert.equal(
      show(value("datefloor(@timestamp, 1h)", { "@timestamp": new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)) })),
      "2026-01-02 03:00:00.000",
    );
    assert.equal(
      show(value("bin(5m)", { "@timestamp": new Date(Date.UTC(2026, 0, 2, 3, 7, 5)) })),
      "2026-01-02 03:05:00.000",
    );
    assert.equal(value("toMillis(fromMillis(1700000000123))"), 1700000000123);
    assert.equal(value("trim('  x ')"), "x");
  });
});

describe("discovered fields", () => {
  test("a REPORT line: @type, @requestId, durations in ms, memory in bytes", () => {
    const f = discoverFields(
      "REPORT RequestId: 8f5-aa\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 51 MB\tInit Duration: 101.50 ms\t",
    );
    assert.equal(f.get("@type"), "REPORT");
    assert.equal(f.get("@requestId"), "8f5-aa");
    assert.equal(f.get("@duration"), 12.34);
    assert.equal(f.get("@billedDuration"), 13);
    assert.equal(f.get("@memorySize"), 128_000_000);
    assert.equal(f.get("@maxMemoryUsed"), 51_000_000);
    assert.equal(f.get("@initDuration"), 101.5);
  });

  test("JSON members as a.b.c, START and END lines", () => {
    const f = discoverFields('{"level":"ERROR","req":{"id":"r1","ms":5},"tags":["a"]}');
    assert.equal(f.get("level"), "ERROR");
    assert.equal(f.get("req.id"), "r1");
    assert.equal(f.get("req.ms"), 5);
    assert.equal(f.get("tags.0"), "a");
    assert.equal(discoverFields("START RequestId: abc Version: $LATEST").get("@requestId"), "abc");
    assert.equal(discoverFields("END RequestId: abc").get("@type"), "END");
    assert.equal(discoverFields("{not json").size, 0);
  });
});

describe("percentiles", () => {
  test("exact while small, within 2 % once folded into the sketch", () => {
    const small = new PercentileSketch();
    for (let i = 1; i <= 100; i++) small.add(i);
    assert.equal(small.quantile(99), 99);
    assert.equal(small.quantile(50), 50);
    const big = new PercentileSketch();
    for (let i = 1; i <= 100_000; i++) big.add(i);
    const p99 = big.quantile(99) as number;
    assert.ok(Math.abs(p99 - 99_000) / 99_000 < 0.02, String(p99));
  });
});
