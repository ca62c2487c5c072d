/**
 * Random numbers for traffic splits (alias weights, stage canaries). By default Math.random;
 * `haneul server --random-seed` replaces it with a seeded sequence so that a test run splits
 * traffic the same way every time.
 */

/** Numbers in [0, 1). */
export type RandomSource = () => number;

/**
 * mulberry32: a small, fast PRNG with a 32-bit state; the same seed gives the same sequence.
 * Not for secrets (ids and keys come from node:crypto).
 * @example const r = seededRandom(42); r() // 0.6011037519201636, on every run
 */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
