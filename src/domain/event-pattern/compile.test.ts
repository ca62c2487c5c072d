import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { compileEventPattern, InvalidEventPattern } from "./index.js";

/** The EC2 state-change event of AWS's "Amazon EventBridge event patterns" page. */
const EC2_EVENT = {
  version: "0",
  id: "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
  "detail-type": "EC2 Instance State-change Notification",
  source: "aws.ec2",
  account: "111122223333",
  time: "2017-12-22T18:43:48Z",
  region: "us-west-1",
  resources: ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],
  detail: {
    "instance-id": "i-1234567890abcdef0",
    state: "terminated",
    "source-ip": "10.0.0.42",
    c_count: 5,
    d_count: 2.4e-7,
    x_limit: 301.8,
    location: "us-east-1a",
    "mixed-case": "AbC",
    tags: ["prod", "web"],
    filename: "image.png",
    empty: [],
    nested: { a: { b: "deep" } },
    items: [
      { kind: "book", price: 10 },
      { kind: "pen", price: 2 },
    ],
    nothing: null,
  },
};

function matches(pattern: object, event: unknown = EC2_EVENT): boolean {
  return compileEventPattern(JSON.stringify(pattern))(event);
}

const d = (detail: object) => ({ detail });

describe("event patterns: matching", () => {
  const cases: [string, object, boolean][] = [
    ["exact source", { source: ["aws.ec2"] }, true],
    ["one of several values", { source: ["aws.s3", "aws.ec2"] }, true],
    ["exact is case-sensitive", { source: ["AWS.EC2"] }, false],
    ["nested field", d({ state: ["terminated"] }), true],
    ["nested field, other value", d({ state: ["running"] }), false],
    ["several fields are ANDed", { source: ["aws.ec2"], detail: { state: ["running"] } }, false],
    ["deeply nested", d({ nested: { a: { b: ["deep"] } } }), true],
    ["number exact", d({ c_count: [5] }), true],
    ["string does not equal number", d({ c_count: ["5"] }), false],
    ["null exact", d({ nothing: [null] }), true],
    ["null does not match a missing field", d({ absent: [null] }), false],
    ["event array: any element", d({ tags: ["web"] }), true],
    ["event array: none", d({ tags: ["dev"] }), false],
    ["resources array", { resources: ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"] }, true],
    ["prefix", { time: [{ prefix: "2017-12-22" }] }, true],
    ["prefix miss", { time: [{ prefix: "2018" }] }, false],
    ["prefix ignore case", d({ "mixed-case": [{ prefix: { "equals-ignore-case": "ab" } }] }), true],
    ["suffix", d({ filename: [{ suffix: ".png" }] }), true],
    ["suffix ignore case", d({ filename: [{ suffix: { "equals-ignore-case": ".PNG" } }] }), true],
    ["suffix miss", d({ filename: [{ suffix: ".jpg" }] }), false],
    ["equals-ignore-case", d({ "mixed-case": [{ "equals-ignore-case": "abc" }] }), true],
    ["equals-ignore-case miss", d({ "mixed-case": [{ "equals-ignore-case": "abd" }] }), false],
    ["anything-but value", d({ state: [{ "anything-but": "initializing" }] }), true],
    ["anything-but same value", d({ state: [{ "anything-but": "terminated" }] }), false],
    ["anything-but list", d({ state: [{ "anything-but": ["stopped", "terminated"] }] }), false],
    ["anything-but numbers", d({ c_count: [{ "anything-but": [1, 2, 3] }] }), true],
    ["anything-but number equal", d({ c_count: [{ "anything-but": 5 }] }), false],
    ["anything-but prefix", d({ state: [{ "anything-but": { prefix: "init" } }] }), true],
    ["anything-but prefix hit", d({ state: [{ "anything-but": { prefix: "term" } }] }), false],
    ["anything-but suffix", d({ filename: [{ "anything-but": { suffix: ".png" } }] }), false],
    ["anything-but wildcard", d({ filename: [{ "anything-but": { wildcard: "*.jpg" } }] }), true],
    ["anything-but wildcard hit", d({ filename: [{ "anything-but": { wildcard: "*.png" } }] }), false],
    ["anything-but ignore case", d({ state: [{ "anything-but": { "equals-ignore-case": ["TERMINATED"] } }] }), false],
    ["anything-but never matches a missing field", d({ absent: [{ "anything-but": "x" }] }), false],
    ["numeric range", d({ c_count: [{ numeric: [">", 0, "<=", 5] }] }), true],
    ["numeric range excludes", d({ c_count: [{ numeric: [">", 5] }] }), false],
    ["numeric small", d({ d_count: [{ numeric: ["<", 10] }] }), true],
    ["numeric equals", d({ x_limit: [{ numeric: ["=", 301.8] }] }), true],
    ["numeric >= on the bound", d({ c_count: [{ numeric: [">=", 5] }] }), true],
    ["numeric on a string", d({ state: [{ numeric: [">", 0] }] }), false],
    ["exists true", d({ state: [{ exists: true }] }), true],
    ["exists true on null", d({ nothing: [{ exists: true }] }), true],
    ["exists true missing", d({ absent: [{ exists: true }] }), false],
    ["exists false missing", d({ absent: [{ exists: false }] }), true],
    ["exists false present", d({ state: [{ exists: false }] }), false],
    ["exists only sees leaves (object)", d({ nested: [{ exists: true }] }), false],
    ["exists false on an object", d({ nested: [{ exists: false }] }), true],
    ["exists false on an empty array", d({ empty: [{ exists: false }] }), true],
    ["value or missing", d({ absent: ["x", { exists: false }] }), true],
    ["wildcard", d({ filename: [{ wildcard: "*.png" }] }), true],
    ["wildcard in the middle", { source: [{ wildcard: "aws.*2" }] }, true],
    ["wildcard miss", d({ filename: [{ wildcard: "*.jpg" }] }), false],
    ["wildcard escaped star", d({ filename: [{ wildcard: "image\\*png" }] }), false],
    ["cidr", d({ "source-ip": [{ cidr: "10.0.0.0/24" }] }), true],
    ["cidr outside", d({ "source-ip": [{ cidr: "10.0.1.0/24" }] }), false],
    ["cidr on a non-IP", d({ state: [{ cidr: "10.0.0.0/8" }] }), false],
    ["$or: one alternative", { $or: [{ source: ["aws.s3"] }, { detail: { c_count: [5] } }] }, true],
    ["$or: none", { $or: [{ source: ["aws.s3"] }, { detail: { c_count: [6] } }] }, false],
    ["$or with other fields", { source: ["aws.ec2"], $or: [{ region: ["x"] }, { region: ["us-west-1"] }] }, true],
    ["$or nested", d({ $or: [{ state: ["x"] }, { location: [{ prefix: "us-" }] }] }), true],
    ["array of objects: one element matches", d({ items: { kind: ["pen"], price: [2] } }), true],
    ["array of objects: fields from different elements", d({ items: { kind: ["pen"], price: [10] } }), false],
    ["nested pattern over a missing object", d({ absent: { a: ["x"] } }), false],
    ["nested pattern over a leaf", d({ state: { a: ["x"] } }), false],
  ];
  for (const [name, pattern, expected] of cases) {
    test(name, () => assert.equal(matches(pattern), expected, JSON.stringify(pattern)));
  }

  test("ipv6 cidr", () => {
    assert.equal(matches({ ip: [{ cidr: "2001:db8::/32" }] }, { ip: "2001:db8::1" }), true);
    assert.equal(matches({ ip: [{ cidr: "2001:db8::/32" }] }, { ip: "2001:db9::1" }), false);
  });
  test("booleans match exactly", () => {
    assert.equal(matches({ ok: [true] }, { ok: true }), true);
    assert.equal(matches({ ok: [true] }, { ok: "true" }), false);
  });
  test("a non-object event never matches", () => assert.equal(matches({ a: ["x"] }, "x"), false));
});

describe("event patterns: validation (InvalidEventPatternException)", () => {
  const refused: [string, string, RegExp][] = [
    ["not JSON", "{", /not valid JSON/],
    ["not an object", "[]", /Filter is not an object/],
    ["empty object", "{}", /Empty objects/],
    ["a bare value", '{"source":"aws.ec2"}', /"source" must be an object or an array/],
    ["an empty array", '{"source":[]}', /Empty arrays are not allowed/],
    ["an unknown match type", '{"a":[{"regex":"x"}]}', /Unrecognized match type regex/],
    ["two keys in a match", '{"a":[{"prefix":"x","suffix":"y"}]}', /exactly one key/],
    ["a nested array value", '{"a":[["x"]]}', /Match value must be String, number, true, false, or null/],
    ["prefix not a string", '{"a":[{"prefix":1}]}', /prefix match pattern must be a string/],
    ["exists not boolean", '{"a":[{"exists":"yes"}]}', /exists match pattern must be either true or false/],
    ["numeric not an array", '{"a":[{"numeric":5}]}', /Value of numeric must be an array/],
    ["numeric bad operator", '{"a":[{"numeric":["!=",5]}]}', /Unrecognized numeric range operator/],
    ["numeric bound not a number", '{"a":[{"numeric":[">","5"]}]}', /Value of > must be numeric/],
    ["numeric range reversed", '{"a":[{"numeric":["<",5,">",1]}]}', /Bad numeric range/],
    ["numeric range empty", '{"a":[{"numeric":[">",9,"<",1]}]}', /Bottom must be less than top/],
    ["anything-but mixed list", '{"a":[{"anything-but":["x",1]}]}', /all strings or all numbers/],
    ["anything-but unknown", '{"a":[{"anything-but":{"numeric":[">",1]}}]}', /Unsupported anything-but pattern/],
    ["wildcard with two stars", '{"a":[{"wildcard":"a**b"}]}', /Consecutive wildcard characters at pos 2/],
    ["cidr without a slash", '{"a":[{"cidr":"10.0.0.0"}]}', /Malformed CIDR/],
    ["cidr too long a prefix", '{"a":[{"cidr":"10.0.0.0/33"}]}', /Invalid CIDR/],
    ["$or with one alternative", '{"$or":[{"a":["x"]}]}', /at least two/],
  ];
  for (const [name, text, reason] of refused) {
    test(name, () => {
      assert.throws(
        () => compileEventPattern(text),
        (e: unknown) =>
          e instanceof InvalidEventPattern &&
          /^Event pattern is not valid\. Reason: /.test(e.message) &&
          reason.test(e.message),
      );
    });
  }
});
