/**
 * PutEvents → rule → SQS queue target, with and without a RetryPolicy and DeadLetterConfig on the
 * target, in alternating rounds of the same run: the bus service in-process over an SQLite store
 * file, each queue send counted (not queued), so the difference is what the retry configuration
 * costs a delivery that succeeds (nothing is stored for it). Also, for scale, a target whose every
 * first try fails with a retryable error: each event then writes one retry row.
 * Run: npm run build && node dist/bench/event-target-retries.bench.js
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteBusStore } from "../src/adapters/sqlite/bus-store.js";
import { EventBusService, putEvents, type PutEventsEntry } from "../src/buses/index.js";
import type { RuleTargetRecord } from "../src/ports/bus-store.js";
import { systemClock } from "../src/shared/clock.js";
import { randomIds } from "../src/shared/ids.js";
import { fmt, median } from "./stats.js";

const QUEUE = "arn:aws:sqs:us-east-1:123456789012:orders";
const DLQ = "arn:aws:sqs:us-east-1:123456789012:orders-dlq";
const ENTRY: PutEventsEntry = { Source: "shop", DetailType: "order", Detail: '{"amount":150}' };
const dir = mkdtempSync(join(tmpdir(), "haneul-bench-retries-"));

async function service(
  name: string,
  target: RuleTargetRecord,
  fail = false,
): Promise<{ svc: EventBusService; store: SqliteBusStore; sent: () => number }> {
  let sent = 0;
  const store = SqliteBusStore.open({ path: join(dir, `${name}.db`) });
  const svc = new EventBusService({
    store,
    clock: systemClock,
    ids: randomIds,
    scope: { region: "us-east-1", accountId: "123456789012" },
    deliver: () => Promise.resolve(undefined),
    sendToQueue: () => {
      if (fail) return Promise.reject(new Error("busy"));
      sent++;
      return Promise.resolve(true);
    },
    retryPollMs: 3_600_000,
  });
  await svc.start();
  await svc.putRule({ busName: "default", name: "r", eventPattern: '{"source":["shop"]}' });
  await svc.putTargets("default", "r", [target]);
  return { svc, store, sent: () => sent };
}

/** µs per PutEvents call of one entry over `per` calls. */
async function round(svc: EventBusService, per: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < per; i++) await putEvents(svc, [ENTRY]);
  return ((performance.now() - t0) * 1000) / per;
}

const plain = await service("plain", { id: "q", arn: QUEUE });
const configured = await service("configured", {
  id: "q",
  arn: QUEUE,
  retryPolicy: { maximumRetryAttempts: 4, maximumEventAgeInSeconds: 600 },
  deadLetterConfig: { arn: DLQ },
});
const failing = await service("failing", { id: "q", arn: QUEUE, deadLetterConfig: { arn: DLQ } }, true);
await round(plain.svc, 500); // warm-up
await round(configured.svc, 500);
const a: number[] = [];
const b: number[] = [];
const c: number[] = [];
for (let r = 0; r < 9; r++) {
  a.push(await round(plain.svc, 3000));
  b.push(await round(configured.svc, 3000));
  c.push(await round(failing.svc, 300));
}
if (plain.sent() === 0 || configured.sent() !== plain.sent()) throw new Error("the targets did not deliver as meant");
if ((await failing.store.nextRetryDueAt()) === undefined) throw new Error("no retry was stored");
const [base, withPolicy, withFailure] = [median(a), median(b), median(c)];
console.log("PutEvents → rule → queue target, one entry per call (µs per event, median of 9 alternating rounds):");
console.log(`  no RetryPolicy / DLQ (baseline)        ${fmt(base)} µs`);
console.log(`  RetryPolicy + DeadLetterConfig         ${fmt(withPolicy)} µs   (${fmt(withPolicy / base)} × baseline)`);
console.log(
  `  every first try fails (retry stored)   ${fmt(withFailure)} µs   (${fmt(withFailure / base)} × baseline)`,
);
for (const s of [plain, configured, failing]) {
  await s.svc.stop();
  await s.store.close();
}
rmSync(dir, { recursive: true, force: true });
