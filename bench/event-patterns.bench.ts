/**
 * PutEvents with 100 rules matching each event against a baseline of 1 rule, in the same run:
 * the bus service in-process over an in-memory SQLite store, deliveries counted but not queued,
 * so the difference is the matching (pattern evaluation, target input) per event. Also the bare
 * pattern evaluation (compiled predicates only) and 100 rules none of which match.
 * Run: npm run build && node dist/bench/event-patterns.bench.js
 */
import { SqliteBusStore } from "../src/adapters/sqlite/bus-store.js";
import { EventBusService, putEvents, type PutEventsEntry } from "../src/buses/index.js";
import { compileEventPattern } from "../src/domain/event-pattern/index.js";
import { systemClock } from "../src/shared/clock.js";
import { randomIds } from "../src/shared/ids.js";
import { fmt, median } from "./stats.js";

const FN = "arn:aws:lambda:us-east-1:123456789012:function:f";
const ENTRY: PutEventsEntry = {
  Source: "shop.orders",
  DetailType: "Order Placed",
  Detail: JSON.stringify({
    amount: 150,
    currency: "EUR",
    customer: { tier: "gold", ip: "10.1.2.3" },
    items: ["a", "b", "c"],
  }),
  Resources: ["arn:aws:s3:::bucket/key.png"],
};

/** 100 different patterns that all match ENTRY (every operator in turn). */
function matchingPatterns(n: number): string[] {
  const shapes = [
    (i: number) => ({ source: ["shop.orders"], detail: { amount: [{ numeric: [">", i % 100] }] } }),
    (i: number) => ({
      source: [{ prefix: "shop." }],
      "detail-type": [{ suffix: "Placed" }],
      detail: { x: [{ exists: false }], n: [`${i}`, { exists: false }] },
    }),
    (i: number) => ({
      detail: {
        currency: [{ "anything-but": ["USD", `X${i}`] }],
        customer: { tier: [{ "equals-ignore-case": "GOLD" }] },
      },
    }),
    (i: number) => ({ resources: [{ wildcard: "arn:aws:s3:::*.png" }], detail: { items: ["c", `z${i}`] } }),
    (i: number) => ({
      detail: { customer: { ip: [{ cidr: "10.0.0.0/8" }] } },
      $or: [{ source: [`nope${i}`] }, { "detail-type": ["Order Placed"] }],
    }),
  ];
  return Array.from({ length: n }, (_, i) => JSON.stringify(shapes[i % shapes.length]!(i)));
}

const missingPatterns = (n: number) => Array.from({ length: n }, (_, i) => JSON.stringify({ source: [`other.${i}`] }));

async function service(patterns: readonly string[]): Promise<{ svc: EventBusService; delivered: () => number }> {
  let count = 0;
  const svc = new EventBusService({
    store: SqliteBusStore.open({ path: ":memory:" }),
    clock: systemClock,
    ids: randomIds,
    scope: { region: "us-east-1", accountId: "123456789012" },
    deliver: () => {
      count++;
      return Promise.resolve(undefined);
    },
  });
  await svc.start();
  for (const [i, p] of patterns.entries()) {
    await svc.putRule({ busName: "default", name: `r${i}`, eventPattern: p });
    await svc.putTargets("default", `r${i}`, [{ id: "t", arn: FN }]);
  }
  return { svc, delivered: () => count };
}

/** Median µs per PutEvents call of one entry, over rounds of `per` calls. */
async function perEvent(svc: EventBusService, per = 2000, rounds = 7): Promise<number> {
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < per; i++) await putEvents(svc, [ENTRY]);
    samples.push(((performance.now() - t0) * 1000) / per);
  }
  return median(samples);
}

function bareEvaluation(patterns: readonly string[], per = 20_000, rounds = 7): number {
  const predicates = patterns.map(compileEventPattern);
  const event = {
    version: "0",
    id: "x",
    "detail-type": ENTRY.DetailType,
    source: ENTRY.Source,
    account: "1",
    time: "t",
    region: "r",
    resources: ENTRY.Resources,
    detail: JSON.parse(ENTRY.Detail as string) as unknown,
  };
  const samples: number[] = [];
  let hits = 0;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < per; i++) for (const p of predicates) if (p(event)) hits++;
    samples.push(((performance.now() - t0) * 1000) / per);
  }
  if (hits !== rounds * per * patterns.filter((_, i) => predicates[i]!(event)).length)
    throw new Error("unexpected matches");
  return median(samples);
}

const one = await service(matchingPatterns(1));
const hundred = await service(matchingPatterns(100));
const none = await service(missingPatterns(100));
await perEvent(one.svc, 500, 1); // warm-up
await perEvent(hundred.svc, 200, 1);
const base = await perEvent(one.svc);
const all = await perEvent(hundred.svc, 500);
const miss = await perEvent(none.svc);
if (hundred.delivered() === 0 || none.delivered() !== 0) throw new Error("the rules did not match as meant");
const bare1 = bareEvaluation(matchingPatterns(1));
const bare100 = bareEvaluation(matchingPatterns(100), 2000);
console.log("PutEvents, one entry per call (µs per event, median of 7 rounds):");
console.log(`  1 rule matching (baseline)   ${fmt(base)} µs`);
console.log(
  `  100 rules matching           ${fmt(all)} µs   (${fmt(all / base)} × baseline, ${fmt((all - base) / 99)} µs per extra matching rule)`,
);
console.log(`  100 rules, none matching     ${fmt(miss)} µs   (${fmt(miss / base)} × baseline)`);
console.log("Compiled predicates alone (µs per event):");
console.log(`  1 pattern                    ${fmt(bare1, 3)} µs`);
console.log(`  100 patterns                 ${fmt(bare100, 3)} µs   (${fmt(bare100 / 100, 3)} µs per pattern)`);
