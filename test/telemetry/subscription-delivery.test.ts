/**
 * SubscriptionDelivery on a real SQLite log store in simulated time: a destination that keeps
 * failing is sent the same batch again every round for 24 hours and then dropped; one that fails for
 * a reason retrying cannot mend (UndeliverableError) is dropped at once; the metrics CloudWatch Logs
 * reports (ForwardedLogEvents, ForwardedBytes, DeliveryErrors) count each attempt.
 */
import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { after, test } from "node:test";
import { SqliteLogStore } from "../../src/adapters/sqlite/log-store.js";
import { ManualClock } from "../../src/shared/clock.js";
import {
  SUBSCRIPTION_RETRY_MS,
  SubscriptionDelivery,
  UndeliverableError,
  type SubscriptionBatch,
} from "../../src/telemetry/index.js";

const T0 = Date.UTC(2026, 5, 1, 8, 0, 0);
const stores: SqliteLogStore[] = [];
after(async () => {
  for (const s of stores) await s.close();
});

/** A store with group /g, its stream s and a filter f (destination `arn`), and a deliverer whose send `fails` decides. */
async function setUp(fails: (batch: SubscriptionBatch) => Error | undefined) {
  const store = SqliteLogStore.open({ path: ":memory:" });
  stores.push(store);
  const clock = new ManualClock(T0);
  await store.createGroup({ name: "/g", createdAt: T0, tags: {}, logGroupClass: "STANDARD" });
  await store.createStream("/g", "s", T0);
  const filter = {
    groupName: "/g",
    name: "f",
    filterPattern: "",
    destinationArn: "arn:x",
    distribution: "ByLogStream",
  };
  assert.equal(await store.putSubscriptionFilter({ ...filter, createdAt: T0 }, 2), "ok");
  const sent: string[][] = [];
  const metrics: Record<string, number> = {};
  const delivery = new SubscriptionDelivery({
    ...{ store, clock, accountId: "123456789012", onError: () => undefined },
    send: (batch) => {
      const error = fails(batch);
      if (error) return Promise.reject(error);
      const message = JSON.parse(gunzipSync(batch.data).toString()) as { logEvents: { message: string }[] };
      sent.push(message.logEvents.map((e) => e.message));
      return Promise.resolve();
    },
    onMetric: (_f, m) => (metrics[m.name] = (metrics[m.name] ?? 0) + m.value),
  });
  // Events are read once ingested before the round's time (a moment later).
  const append = async (message: string) => {
    await store.append([{ groupName: "/g", streamName: "s", timestamp: clock.now(), message }], clock.now());
    clock.advance(1);
  };
  const cursor = async () => (await store.listSubscriptionFilters("/g"))[0]?.cursor;
  return { store, clock, delivery, sent, metrics, append, cursor };
}

test("a failing destination gets the same batch every round for 24 hours, then the batch is dropped", async () => {
  let down = true;
  const t = await setUp(() => (down ? new Error("ServiceUnavailable") : undefined));
  await t.append("one");
  const start = await t.cursor();
  await t.delivery.deliverNow();
  t.clock.advance(SUBSCRIPTION_RETRY_MS - 1000);
  await t.delivery.deliverNow();
  assert.equal(await t.cursor(), start, "still retried just under 24 hours");
  assert.equal(t.metrics.DeliveryErrors, 2);
  t.clock.advance(2000);
  await t.delivery.deliverNow();
  assert.notEqual(await t.cursor(), start, "dropped after 24 hours");
  down = false;
  await t.append("two");
  await t.delivery.deliverNow();
  assert.deepEqual(t.sent, [["two"]]);
  assert.equal(t.metrics.ForwardedLogEvents, 1);
  assert.ok((t.metrics.ForwardedBytes ?? 0) > 0);
});

test("an undeliverable batch is dropped at once; a retryable one is kept", async () => {
  let error: Error | undefined = new UndeliverableError("AccessDenied");
  const t = await setUp(() => error);
  await t.append("denied");
  await t.delivery.deliverNow();
  error = new Error("Throttled");
  await t.append("throttled");
  await t.delivery.deliverNow();
  error = undefined;
  await t.delivery.deliverNow();
  assert.deepEqual(t.sent, [["throttled"]]);
  assert.equal(t.metrics.DeliveryErrors, 2);
});
