import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  addValue,
  emptyHistogram,
  mergeInto,
  parseHistogram,
  quantile,
  serializeHistogram,
  totalCount,
  trimmedMean,
} from "./histogram.js";

/** The exact pNN of sorted values, as CloudWatch defines it. */
function exactQuantile(sorted: number[], q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] as number;
}

const within1pct = (got: number | undefined, want: number): void => {
  assert.ok(got !== undefined);
  assert.ok(Math.abs(got - want) <= Math.abs(want) * 0.01 + 1e-12, `${got} is not within 1 % of ${want}`);
};

describe("log-bucket histogram", () => {
  it("percentiles of a wide distribution are within 1 % of the exact ones", () => {
    const values: number[] = [];
    let x = 12345;
    for (let k = 0; k < 20_000; k++) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      values.push(0.5 + (x / 2 ** 31) ** 3 * 30_000);
    }
    const h = emptyHistogram();
    for (const v of values) addValue(h, v);
    const sorted = [...values].sort((a, b) => a - b);
    for (const q of [0.01, 0.1, 0.5, 0.9, 0.99, 0.999, 1]) within1pct(quantile(h, q), exactQuantile(sorted, q));
  });

  it("merging histograms gives the percentiles of the union", () => {
    const a = emptyHistogram();
    const b = emptyHistogram();
    for (let v = 1; v <= 100; v++) addValue(v % 2 ? a : b, v);
    mergeInto(a, b);
    assert.equal(totalCount(a), 100);
    within1pct(quantile(a, 0.5), 50);
    within1pct(quantile(a, 0.99), 99);
  });

  it("zeros and negative values keep their order", () => {
    const h = emptyHistogram();
    for (const v of [-10, -1, 0, 0, 1, 10]) addValue(h, v);
    within1pct(quantile(h, 1 / 6), -10);
    assert.equal(quantile(h, 0.5), 0);
    within1pct(quantile(h, 1), 10);
  });

  it("the trimmed mean drops the top 1 %", () => {
    const h = emptyHistogram();
    for (let k = 0; k < 99; k++) addValue(h, 10);
    addValue(h, 1_000_000);
    within1pct(trimmedMean(h, 0, 0.99), 10);
    assert.equal(trimmedMean(emptyHistogram(), 0, 0.99), undefined);
  });

  it("survives serialization", () => {
    const h = emptyHistogram();
    for (const v of [-3, 0, 1.5, 200, 200]) addValue(h, v);
    const back = parseHistogram(serializeHistogram(h));
    assert.deepEqual(back, h);
  });
});
