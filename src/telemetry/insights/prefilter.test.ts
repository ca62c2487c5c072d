import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseQuery } from "./parser.js";
import { prefilterOf } from "./prefilter.js";
import { requiredLiterals } from "./regex-literals.js";

/** ASCII letters folded, nothing else (what LIKE and ILIKE on the "C" collation fold). */
const fold = (s: string): string => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

const MESSAGES = [
  "ERROR disk full",
  "error: disk",
  "ErRoR",
  "Duration: 12.5 ms",
  "Duration: ms",
  "a.b*c+d?",
  "abbbc",
  "ac",
  "x/y\\z",
  "tab\there",
  "\u212A kelvin",
  "K kelvin",
  "ſtop",
  "STOP",
  "café ÉCHEC 😀",
  '{"level":"ERROR"}',
  "REPORT RequestId: r1\tDuration: 3.00 ms",
  "",
];

const REGEXES = [
  /ERROR/,
  /error/i,
  /err(or)?: disk/,
  /Duration: \d+(\.\d+)? ms/,
  /a\.b\*c\+d\?/,
  /ab+c/,
  /ab*c/,
  /ab{2,}c/,
  /x\/y\\z/,
  /tab\there/,
  /k kelvin/i,
  /s?top/i,
  /ſtop/iu,
  /café|ÉCHEC/,
  /[A-Z]{3} /,
  /^REPORT.*Duration/s,
  /\x41/,
  /(?<q>a)\k<q>/,
  /😀/,
  /./,
];

describe("requiredLiterals", () => {
  test("every match of each regex holds each text found for it (ASCII case folded when it ignores case)", () => {
    for (const re of REGEXES) {
      const { texts, ignoreCase } = requiredLiterals(re);
      for (const m of MESSAGES) {
        if (!re.test(m)) continue;
        for (const t of texts) {
          assert.ok(ignoreCase ? fold(m).includes(fold(t)) : m.includes(t), `${String(re)} matches ${m} without ${t}`);
        }
      }
    }
  });

  test("plain runs are found, quantified atoms left out; what it cannot read yields nothing", () => {
    assert.deepEqual(requiredLiterals(/Duration: \d+(\.\d+)? ms/).texts, ["Duration: ", " ms"]);
    assert.deepEqual(requiredLiterals(/ab+c/).texts, ["ab", "c"]);
    assert.deepEqual(requiredLiterals(/abc?d/).texts, ["ab", "d"]);
    assert.deepEqual(requiredLiterals(/a\.b/).texts, ["a.b"]);
    assert.deepEqual(requiredLiterals(/café|ÉCHEC/).texts, [], "alternation");
    assert.deepEqual(requiredLiterals(/\x41BC/).texts, [], "hex escape");
    assert.deepEqual(requiredLiterals(/error/g).texts, [], "a stateful flag");
    assert.deepEqual(requiredLiterals(/stop/iu).texts, [], "Unicode case folding");
    assert.deepEqual(requiredLiterals(/échec/i).texts, [], "non-ASCII text, ignoring case");
    assert.deepEqual(requiredLiterals(/a{,2}/).texts, [], "a brace that is no quantifier");
  });
});

describe("prefilterOf", () => {
  const of = (q: string) => prefilterOf(parseQuery(q));

  test("leading filters become stream names and message terms", () => {
    assert.deepEqual(of("filter @message like /ERROR/ | stats count(*)"), {
      streamNames: undefined,
      messageTerms: [[{ text: "ERROR" }]],
    });
    assert.deepEqual(of("fields @timestamp, @message | filter @message like 'Task timed out'").messageTerms, [
      [{ text: "Task timed out" }],
    ]);
    assert.deepEqual(of("filter @message like /error/i").messageTerms, [[{ text: "error", ignoreCase: true }]]);
    assert.deepEqual(of("filter @logStream = 's1' and @type = 'REPORT'"), {
      streamNames: ["s1"],
      messageTerms: [[{ text: "REPORT ", atStart: true }, { text: "{" }]],
    });
    assert.deepEqual(of("filter level = 'ERROR'").messageTerms, [[{ text: "{" }]], "a JSON member");
    assert.deepEqual(of("filter @message like /a/ or @message like /b/").messageTerms, [
      [{ text: "a" }, { text: "b" }],
    ]);
    assert.deepEqual(of("filter @logStream in ['a', 'b']").streamNames, ["a", "b"]);
    assert.deepEqual(of("filter @logStream = 'a' | filter @logStream = 'b'"), {
      streamNames: undefined,
      messageTerms: [[]],
    });
  });

  test("nothing is pushed that could drop a matching event", () => {
    for (const q of [
      "filter @message like /a/ or @duration > 5",
      "filter not @message like /a/",
      "filter @message != 'a'",
      "filter @message = '5'",
      "filter @type != 'REPORT'",
      "filter @type > 'A'",
      "filter @duration > 5",
      "limit 5 | filter @message like /a/",
      "parse @message /(?<x>.*)/ | filter x like /a/",
      "fields concat('x', @message) as @message | filter @message like /x/",
      "filter @message like ''",
    ]) {
      assert.deepEqual(of(q), { streamNames: undefined, messageTerms: undefined }, q);
    }
  });
});
