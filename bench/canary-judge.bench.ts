/**
 * The canary judge's error rates, measured on simulated traffic: a 10 % canary step (one judged
 * step, minimum 50 invocations per version) at several numbers of calls through the alias. Each
 * trial draws every call (error or not, a lognormal duration, median 20 ms) and records durations
 * in the metric store's histogram, as the node does, then asks the judge. Reported per traffic
 * level: how often two equal versions fail (false positives), how often a bad version (5 % errors
 * against 1 %) or a slow one (durations × 1.5) is caught, and how often the judge has not enough data.
 * A second table names two metrics (haneul:judgeMetric tags): a checkout latency each call emits
 * (p95, higher is worse) and orders placed (SampleCount per invocation, lower is worse), four tests
 * in all; equal versions, a 1.3× slower checkout, and 20 % fewer orders per call.
 * Seeded, so the figures repeat. Run: npm run build && node dist/bench/canary-judge.bench.js
 */
import { addValue, emptyHistogram, orderedBuckets } from "../src/domain/metrics/histogram.js";
import { addSample, emptyAggregate, statisticValue, type Aggregate } from "../src/domain/metrics/aggregate.js";
import { parseJudgeMetric } from "../src/deployments/judge-metrics.js";
import { judge, type MetricSample, type VersionStats } from "../src/deployments/index.js";
import { seededRandom, type RandomSource } from "../src/shared/random.js";

const TRIALS = 1000;
const CANARY = 0.1;
const MIN_SAMPLES = 50;
const BASE_ERROR_RATE = 0.01;
const TRAFFIC = [200, 500, 1000, 2000, 5000, 20000];

interface Behaviour {
  readonly errorRate: number;
  readonly slowdown: number;
}

function normal(random: RandomSource): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

function served(random: RandomSource, calls: number, b: Behaviour): VersionStats {
  const h = emptyHistogram();
  let errors = 0;
  for (let i = 0; i < calls; i++) {
    if (random() < b.errorRate) errors++;
    addValue(h, b.slowdown * Math.exp(Math.log(20) + 0.5 * normal(random)));
  }
  return { invocations: calls, errors, durations: orderedBuckets(h) };
}

/** The share of trials ending in each verdict when the new version behaves as `next`. */
function rates(random: RandomSource, traffic: number, next: Behaviour): Record<string, number> {
  const counts: Record<string, number> = { Pass: 0, Fail: 0, NotEnoughData: 0 };
  const old = { errorRate: BASE_ERROR_RATE, slowdown: 1 };
  for (let t = 0; t < TRIALS; t++) {
    // Each call goes to the new version with the canary's probability, as the alias routes it.
    let toNew = 0;
    for (let i = 0; i < traffic; i++) if (random() < CANARY) toNew++;
    const v = judge({
      ...{ newVersion: "2", oldVersion: "1", minSamples: MIN_SAMPLES, judgedSteps: 1 },
      next: served(random, toNew, next),
      old: served(random, traffic - toNew, old),
    });
    counts[v.verdict] = (counts[v.verdict] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).map(([k, n]) => [k, n / TRIALS]));
}

const pct = (x: number | undefined): string => `${((x ?? 0) * 100).toFixed(1)} %`.padStart(8);

const random = seededRandom(17);
console.log(`canary judge: ${TRIALS} trials per cell, 10 % canary, minimum ${MIN_SAMPLES} invocations per version`);
console.log("calls/step  equal: fail  no data | 5% errors: caught  no data | 1.5x slower: caught  no data");
for (const traffic of TRAFFIC) {
  const equal = rates(random, traffic, { errorRate: BASE_ERROR_RATE, slowdown: 1 });
  const errors = rates(random, traffic, { errorRate: 0.05, slowdown: 1 });
  const slow = rates(random, traffic, { errorRate: BASE_ERROR_RATE, slowdown: 1.5 });
  console.log(
    `${String(traffic).padStart(10)}  ${pct(equal["Fail"])} ${pct(equal["NotEnoughData"])} | ${pct(errors["Fail"])} ${pct(errors["NotEnoughData"])} | ${pct(slow["Fail"])} ${pct(slow["NotEnoughData"])}`,
  );
}

const CHECKOUT = parseJudgeMetric("haneul:judgeMetric:checkout", "Shop CheckoutMs p95 higher Version=@version");
const ORDERS = parseJudgeMetric("haneul:judgeMetric:orders", "Shop OrderPlaced SampleCount lower Version=@version");
const BASE_ORDER_RATE = 0.5;

interface Shop {
  readonly checkoutSlowdown: number;
  readonly orderRate: number;
}

const sampleOf = (a: Aggregate, statistic: string): MetricSample => ({
  ...{ count: a.count, sum: a.sum, value: statisticValue(a, statistic) },
  values: orderedBuckets(a.histogram),
});

/** One version's calls: each emits a checkout latency (lognormal, median 100 ms) and, at its rate, an order. */
function shopServed(
  random: RandomSource,
  calls: number,
  b: Shop,
): { stats: VersionStats; checkout: MetricSample; orders: MetricSample } {
  const checkout = emptyAggregate();
  const orders = emptyAggregate();
  const stats = served(random, calls, { errorRate: BASE_ERROR_RATE, slowdown: 1 });
  for (let i = 0; i < calls; i++) {
    addSample(checkout, b.checkoutSlowdown * Math.exp(Math.log(100) + 0.5 * normal(random)));
    if (random() < b.orderRate) addSample(orders, 1);
  }
  return { stats, checkout: sampleOf(checkout, "p95"), orders: sampleOf(orders, "SampleCount") };
}

function namedRates(random: RandomSource, traffic: number, next: Shop): Record<string, number> {
  const counts: Record<string, number> = { Pass: 0, Fail: 0, NotEnoughData: 0 };
  for (let t = 0; t < TRIALS; t++) {
    let toNew = 0;
    for (let i = 0; i < traffic; i++) if (random() < CANARY) toNew++;
    const n = shopServed(random, toNew, next);
    const o = shopServed(random, traffic - toNew, { checkoutSlowdown: 1, orderRate: BASE_ORDER_RATE });
    const exposure = { next: toNew, old: traffic - toNew };
    const v = judge({
      ...{ newVersion: "2", oldVersion: "1", minSamples: MIN_SAMPLES, judgedSteps: 1 },
      ...{ next: n.stats, old: o.stats },
      metrics: [
        { metric: CHECKOUT, next: n.checkout, old: o.checkout, exposure },
        { metric: ORDERS, next: n.orders, old: o.orders, exposure },
      ],
    });
    counts[v.verdict] = (counts[v.verdict] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).map(([k, n]) => [k, n / TRIALS]));
}

console.log("\nwith two named metrics (checkout p95 higher, orders per call lower): four tests at 0.0125");
console.log("calls/step  equal: fail  no data | checkout 1.3x: caught  no data | orders -20%: caught  no data");
for (const traffic of TRAFFIC) {
  const equal = namedRates(random, traffic, { checkoutSlowdown: 1, orderRate: BASE_ORDER_RATE });
  const slow = namedRates(random, traffic, { checkoutSlowdown: 1.3, orderRate: BASE_ORDER_RATE });
  const fewer = namedRates(random, traffic, { checkoutSlowdown: 1, orderRate: 0.8 * BASE_ORDER_RATE });
  console.log(
    `${String(traffic).padStart(10)}  ${pct(equal["Fail"])} ${pct(equal["NotEnoughData"])} | ${pct(slow["Fail"])} ${pct(slow["NotEnoughData"])} | ${pct(fewer["Fail"])} ${pct(fewer["NotEnoughData"])}`,
  );
}
