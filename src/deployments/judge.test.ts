import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { judge, testAlpha } from "./judge.js";
import { countedQuantile, fisherGreater, logGamma, mannWhitneyGreater, normalUpper } from "./statistics.js";

void describe("canary judge statistics", () => {
  void test("ln Γ matches factorials", () => {
    assert.ok(Math.abs(logGamma(11) - Math.log(3628800)) < 1e-9);
    assert.ok(Math.abs(logGamma(0.5) - Math.log(Math.sqrt(Math.PI))) < 1e-9);
  });

  void test("Fisher exact: the lady tasting tea, and the edges", () => {
    assert.ok(Math.abs(fisherGreater(3, 4, 1, 4) - 17 / 70) < 1e-9);
    assert.ok(Math.abs(fisherGreater(4, 4, 0, 4) - 1 / 70) < 1e-9);
    assert.equal(fisherGreater(0, 10, 0, 10), 1);
    assert.ok(fisherGreater(0, 10, 5, 10) > 0.99, "fewer errors on the new version is not worse");
    assert.ok(fisherGreater(30, 100, 5, 900) < 1e-15);
  });

  void test("normal tail and Mann-Whitney U over counted samples", () => {
    assert.ok(Math.abs(normalUpper(1.959964) - 0.025) < 1e-6);
    assert.ok(Math.abs(normalUpper(-1.959964) - 0.975) < 1e-6);
    assert.ok(mannWhitneyGreater([[10, 30]], [[5, 30]]) < 1e-9, "every new value larger");
    assert.ok(mannWhitneyGreater([[5, 30]], [[10, 30]]) > 0.999, "every new value smaller");
    const same = mannWhitneyGreater(
      [
        [1, 10],
        [2, 10],
      ],
      [
        [1, 20],
        [2, 20],
      ],
    );
    assert.ok(same > 0.4 && same < 0.6, `same distribution: ${same}`);
    assert.equal(mannWhitneyGreater([[1, 10]], [[1, 10]]), 1, "all tied: no evidence");
    assert.equal(
      countedQuantile(
        [
          [1, 98],
          [50, 2],
        ] as const,
        0.99,
      ),
      50,
    );
  });
});

const steady = (
  n: number,
  errors: number,
  ms: number,
): { invocations: number; errors: number; durations: [number, number][] } => ({
  invocations: n,
  errors,
  durations: [
    [ms, n - 1],
    [ms * 2, 1],
  ],
});

void describe("canary judge verdicts", () => {
  const base = { newVersion: "2", oldVersion: "1", minSamples: 50, judgedSteps: 1 };

  void test("not enough data while either version served fewer than the minimum", () => {
    const v = judge({ ...base, next: steady(49, 49, 10), old: steady(1000, 0, 10) });
    assert.equal(v.verdict, "NotEnoughData", "even 49 errors of 49 decide nothing below the minimum");
    assert.match(v.reasons[0] ?? "", /version 2 served 49 and version 1 1000 invocations/);
  });

  void test("a higher error rate fails, an equal one passes", () => {
    const bad = judge({ ...base, next: steady(100, 20, 10), old: steady(900, 9, 10) });
    assert.equal(bad.verdict, "Fail");
    assert.match(bad.reasons[0] ?? "", /error rate 20\.0% \(20\/100\) on version 2 vs 1\.0% \(9\/900\) on version 1/);
    const good = judge({ ...base, next: steady(100, 1, 10), old: steady(900, 9, 10) });
    assert.equal(good.verdict, "Pass");
  });

  void test("a slower version fails on duration; a significant shift under the tolerance passes", () => {
    const slow = judge({ ...base, next: steady(200, 0, 30), old: steady(900, 0, 10) });
    assert.equal(slow.verdict, "Fail");
    assert.match(slow.reasons[1] ?? "", /p99 duration 30\.0 ms on version 2 vs 10\.0 ms.*slower/);
    const slightly = judge({ ...base, next: steady(200, 0, 11), old: steady(900, 0, 10) });
    assert.equal(slightly.verdict, "Pass", "10 % slower is within the tolerance");
  });

  void test("the deployment's alpha is split over its judged steps", () => {
    assert.equal(testAlpha(1), 0.025);
    assert.ok(Math.abs(testAlpha(9) - 0.05 / 18) < 1e-12);
  });
});
