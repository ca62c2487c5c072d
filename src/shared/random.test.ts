import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { seededRandom } from "./random.js";

const draw = (seed: number, n: number): number[] => Array.from({ length: n }, seededRandom(seed));

describe("seededRandom", () => {
  it("gives the same sequence for the same seed, and another for another seed", () => {
    assert.deepEqual(draw(42, 50), draw(42, 50));
    assert.equal(draw(42, 1)[0], 0.6011037519201636);
    assert.notDeepEqual(draw(42, 50), draw(43, 50));
    // Seeds are taken as 32-bit unsigned integers.
    assert.deepEqual(draw(2 ** 32 + 7, 5), draw(7, 5));
  });

  it("draws numbers in [0, 1) spread evenly enough for traffic splits", () => {
    const values = draw(1, 100_000);
    assert.ok(values.every((v) => v >= 0 && v < 1));
    const deciles = new Array<number>(10).fill(0);
    for (const v of values) deciles[Math.floor(v * 10)]!++;
    for (const count of deciles) assert.ok(Math.abs(count - 10_000) < 500, `decile counts ${deciles.join(", ")}`);
  });
});
