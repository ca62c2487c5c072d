import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { evaluateMath, type MathContext, type MathValue, type Series } from "./math-eval.js";
import { MathSyntaxError, parseMath, referencedIds } from "./math-parser.js";

const s = (pairs: [number, number][]): Series => new Map(pairs);
const ctx = (data: Record<string, Series>, grid = [0, 60, 120, 180]): MathContext => ({
  grid,
  series: (id) => data[id],
  metrics: () => Object.entries(data),
});
const run = (expr: string, c: MathContext): MathValue => evaluateMath(parseMath(expr), c);
const points = (v: MathValue): [number, number][] => {
  assert.equal(v.kind, "series");
  return [...(v as { points: Series }).points];
};

describe("metric math parser", () => {
  it("keeps precedence: * before +, comparison before AND, unary minus", () => {
    const c = ctx({});
    assert.deepEqual(run("1 + 2 * 3", c), { kind: "scalar", value: 7 });
    assert.deepEqual(run("(1 + 2) * 3", c), { kind: "scalar", value: 9 });
    assert.deepEqual(run("-2 ^ 2", c), { kind: "scalar", value: -4 });
    assert.deepEqual(run("1 < 2 AND 3 >= 4", c), { kind: "scalar", value: 0 });
    assert.deepEqual(run("1 < 2 || NOT 1", c), { kind: "scalar", value: 1 });
  });

  it("lists the ids an expression refers to", () => {
    assert.deepEqual(referencedIds(parseMath("100 * errors / FILL(invocations, 0)")), ["errors", "invocations"]);
  });

  it("says where a malformed expression breaks", () => {
    assert.throws(() => parseMath("m1 +"), MathSyntaxError);
    assert.throws(() => parseMath("m1 m2"), /position 4/);
    assert.throws(() => parseMath("SUM(m1"), /Expected "\)"/);
    assert.throws(() => parseMath("m1 $ 2"), /position 4/);
  });
});

describe("metric math evaluation", () => {
  const m1 = s([
    [0, 10],
    [60, 20],
    [120, 30],
  ]);
  const m2 = s([
    [60, 5],
    [120, 0],
    [180, 1],
  ]);

  it("series arithmetic applies where both series have a point", () => {
    assert.deepEqual(points(run("m1 / m2", ctx({ m1, m2 }))), [
      [60, 4],
      [120, Infinity],
    ]);
    assert.deepEqual(points(run("m1 * 2 + 1", ctx({ m1 }))), [
      [0, 21],
      [60, 41],
      [120, 61],
    ]);
  });

  it("SUM of an array is a series, SUM of one series a scalar", () => {
    assert.deepEqual(points(run("SUM(METRICS())", ctx({ m1, m2 }))), [
      [0, 10],
      [60, 25],
      [120, 30],
      [180, 1],
    ]);
    assert.deepEqual(run("SUM(m1)", ctx({ m1 })), { kind: "scalar", value: 60 });
    assert.deepEqual(points(run("m1 / SUM(m1) * 60", ctx({ m1 }))), [
      [0, 10],
      [60, 20],
      [120, 30],
    ]);
    assert.deepEqual(points(run("MAX([m1, m2])", ctx({ m1, m2 }))).at(1), [60, 20]);
    assert.equal(run("METRICS('m2')", ctx({ m1, m2 })).kind, "array");
  });

  it("IF picks per point, with or without an else", () => {
    assert.deepEqual(points(run("IF(m1 > 15, m1, 0)", ctx({ m1 }))), [
      [0, 0],
      [60, 20],
      [120, 30],
    ]);
    assert.deepEqual(points(run("IF(m1 > 15, 1)", ctx({ m1 }))), [
      [60, 1],
      [120, 1],
    ]);
  });

  it("FILL fills the query's empty periods with a value, the last value, or a line", () => {
    const gap = s([
      [0, 10],
      [180, 40],
    ]);
    assert.deepEqual(points(run("FILL(m, 0)", ctx({ m: gap }))), [
      [0, 10],
      [60, 0],
      [120, 0],
      [180, 40],
    ]);
    assert.deepEqual(
      points(run("FILL(m, REPEAT)", ctx({ m: gap }))).map((p) => p[1]),
      [10, 10, 10, 40],
    );
    assert.deepEqual(
      points(run("FILL(m, LINEAR)", ctx({ m: gap }))).map((p) => p[1]),
      [10, 20, 30, 40],
    );
  });

  it("an unknown id or function is an error", () => {
    assert.throws(() => run("m9 + 1", ctx({ m1 })), /Unrecognized metric or expression id: m9/);
    assert.throws(() => run("FOO(m1)", ctx({ m1 })), /Unsupported function: FOO/);
  });
});
