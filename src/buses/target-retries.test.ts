/**
 * Failed deliveries to rule targets in simulated time (ManualClock) over a real SQLite store
 * file: retried with a growing backoff until delivered, or until the RetryPolicy runs out and the
 * event goes to the DLQ with EventBridge's attributes; a failure that is not retried goes there at
 * once; a retry stored before a restart is tried once by the node after it.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, test } from "node:test";
import { SqliteBusStore } from "../adapters/sqlite/bus-store.js";
import { ManualClock } from "../shared/clock.js";
import { PlatformError } from "../shared/errors.js";
import { randomIds } from "../shared/ids.js";
import { waitFor, waitUntil } from "../../test/helpers/wait.js";
import { EventBusService, type QueueDelivery, type RuleCount } from "./event-bus-service.js";
import { putEvents } from "./put-events.js";

const T0 = Date.parse("2026-01-01T00:00:00Z");
const QUEUE = "arn:aws:sqs:us-east-1:123456789012:orders";
const DLQ = "arn:aws:sqs:us-east-1:123456789012:orders-dlq";

const dirs: string[] = [];
const services: EventBusService[] = [];
const stores: SqliteBusStore[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) await s.stop();
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

interface Node {
  readonly service: EventBusService;
  readonly store: SqliteBusStore;
  readonly sent: { arn: string; m: QueueDelivery }[];
  readonly counts: RuleCount["name"][];
}

/** A bus service whose queue target fails while `failing()` says so (with `error`). */
async function node(
  clock: ManualClock,
  o: { path: string; failing: () => boolean; error?: () => Error; owner?: string },
): Promise<Node> {
  const store = SqliteBusStore.open({ path: o.path });
  const sent: { arn: string; m: QueueDelivery }[] = [];
  const counts: RuleCount["name"][] = [];
  const service = new EventBusService({
    store,
    clock,
    ids: randomIds,
    scope: { region: "us-east-1", accountId: "123456789012" },
    deliver: () => Promise.resolve(undefined),
    sendToQueue: (arn, m) => {
      if (arn === QUEUE && o.failing()) return Promise.reject(o.error?.() ?? new Error("the store is busy"));
      sent.push({ arn, m });
      return Promise.resolve(true);
    },
    onCount: (c) => {
      if (c.ruleName === "r") counts.push(c.name);
    },
    owner: o.owner,
    random: () => 0.5,
  });
  await service.start();
  services.push(service);
  stores.push(store);
  return { service, store, sent, counts };
}

async function ruleWithTarget(svc: EventBusService, retryPolicy?: object): Promise<void> {
  await svc.putRule({ busName: "default", name: "r", eventPattern: '{"source":["shop"]}' });
  await svc.putTargets("default", "r", [{ id: "q", arn: QUEUE, retryPolicy, deadLetterConfig: { arn: DLQ } }]);
}

function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), "haneul-retries-"));
  dirs.push(dir);
  return join(dir, "haneul.db");
}

async function publish(svc: EventBusService): Promise<void> {
  await putEvents(svc, [{ Source: "shop", DetailType: "order", Detail: '{"n":1}' }]);
}

/** Advances the clock by `ms` in steps, letting each retry pass finish. */
async function advance(clock: ManualClock, ms: number, step = 250): Promise<void> {
  for (let t = 0; t < ms; t += step) await clock.advanceAsync(Math.min(step, ms - t));
}

const toDlq = (n: Node) => n.sent.filter((s) => s.arn === DLQ);
const attributesOf = (m: QueueDelivery) =>
  Object.fromEntries(Object.entries(m.attributes ?? {}).map(([k, v]) => [k, v.StringValue]));

test("a retryable failure is retried with a growing backoff, then delivered once", async () => {
  const clock = new ManualClock(T0);
  let failures = 3;
  const n = await node(clock, { path: tempDb(), failing: () => failures-- > 0 });
  await ruleWithTarget(n.service);
  await publish(n.service);
  assert.equal(n.sent.length, 0);
  assert.equal(await n.store.nextRetryDueAt(), T0 + 750, "the first retry after 0.5–1 s");
  await advance(clock, 749);
  assert.equal(n.sent.length, 0);
  await advance(clock, 1);
  await waitFor(async () => (await n.store.nextRetryDueAt()) === clock.now() + 1500, "the second retry waits 1.5 s");
  await advance(clock, 1500);
  await waitFor(async () => (await n.store.nextRetryDueAt()) === clock.now() + 3000, "the third retry waits 3 s");
  await advance(clock, 3000);
  await waitUntil(() => n.sent.length === 1, "delivered on the third retry");
  assert.equal(n.sent[0]!.arn, QUEUE);
  assert.equal(await n.store.nextRetryDueAt(), undefined, "nothing left stored");
  await advance(clock, 600_000, 60_000);
  assert.equal(n.sent.length, 1, "delivered once");
  assert.equal(n.counts.filter((c) => c === "RetryInvocationAttempts").length, 3);
  assert.equal(n.counts.filter((c) => c === "Invocations").length, 1);
  assert.equal(n.counts.filter((c) => c === "FailedInvocations").length, 0);
});

test("MaximumRetryAttempts run out: the event goes to the DLQ with EventBridge's attributes", async () => {
  const clock = new ManualClock(T0);
  const n = await node(clock, { path: tempDb(), failing: () => true });
  await ruleWithTarget(n.service, { maximumRetryAttempts: 2 });
  await publish(n.service);
  await advance(clock, 10_000);
  await waitUntil(() => toDlq(n).length === 1, "dead-lettered");
  const [dead] = toDlq(n);
  assert.deepEqual(attributesOf(dead!.m), {
    RULE_ARN: "arn:aws:events:us-east-1:123456789012:rule/r",
    TARGET_ARN: QUEUE,
    ERROR_CODE: "INTERNAL_ERROR",
    ERROR_MESSAGE: "the store is busy",
    EXHAUSTED_RETRY_CONDITION: "MaximumRetryAttempts",
    RETRY_ATTEMPTS: "2",
  });
  const event = JSON.parse(dead!.m.body) as Record<string, unknown>;
  assert.deepEqual([event["source"], event["detail"]], ["shop", { n: 1 }], "the event as the bus had it");
  assert.equal(await n.store.nextRetryDueAt(), undefined);
  assert.deepEqual(
    n.counts.filter((c) => c !== "InvocationAttempts"),
    [
      "MatchedEvents",
      "TriggeredRules",
      "RetryInvocationAttempts",
      "RetryInvocationAttempts",
      "Invocations",
      "InvocationsSentToDlq",
    ],
  );
});

test("MaximumEventAgeInSeconds runs out before the retries do", async () => {
  const clock = new ManualClock(T0);
  const n = await node(clock, { path: tempDb(), failing: () => true });
  await ruleWithTarget(n.service, { maximumEventAgeInSeconds: 60 });
  await publish(n.service);
  await advance(clock, 120_000, 500);
  await waitUntil(() => toDlq(n).length === 1, "dead-lettered");
  const attributes = attributesOf(toDlq(n)[0]!.m);
  assert.equal(attributes["EXHAUSTED_RETRY_CONDITION"], "MaximumEventAgeInSeconds");
  // Waits of 0.75, 1.5, 3, 6, 12, 24 s make 47.25 s; the next (48 s) would pass 60 s.
  assert.equal(attributes["RETRY_ATTEMPTS"], "6");
});

test("a target that does not exist is not retried: the DLQ at once, without EXHAUSTED_RETRY_CONDITION", async () => {
  const clock = new ManualClock(T0);
  const gone = () => new PlatformError("ERR_SQS_QUEUE_DOES_NOT_EXIST", "The specified queue does not exist.");
  const n = await node(clock, { path: tempDb(), failing: () => true, error: gone });
  await ruleWithTarget(n.service);
  await publish(n.service);
  assert.equal(toDlq(n).length, 1);
  assert.deepEqual(attributesOf(toDlq(n)[0]!.m), {
    RULE_ARN: "arn:aws:events:us-east-1:123456789012:rule/r",
    TARGET_ARN: QUEUE,
    ERROR_CODE: "NO_RESOURCE",
    ERROR_MESSAGE: "The specified queue does not exist.",
    RETRY_ATTEMPTS: "0",
  });
  assert.equal(await n.store.nextRetryDueAt(), undefined, "nothing stored");
});

test("without a DLQ an event whose retries ran out is dropped and counted as a failed invocation", async () => {
  const clock = new ManualClock(T0);
  const n = await node(clock, { path: tempDb(), failing: () => true });
  await n.service.putRule({ busName: "default", name: "r", eventPattern: '{"source":["shop"]}' });
  await n.service.putTargets("default", "r", [{ id: "q", arn: QUEUE, retryPolicy: { maximumRetryAttempts: 0 } }]);
  await publish(n.service);
  assert.equal(n.sent.length, 0);
  assert.deepEqual(
    n.counts.filter((c) => c !== "InvocationAttempts"),
    ["MatchedEvents", "TriggeredRules", "Invocations", "FailedInvocations"],
  );
  assert.equal(await n.store.nextRetryDueAt(), undefined);
});

test("a retry stored before a restart is tried once, by the node after it", async () => {
  const clock = new ManualClock(T0);
  const path = tempDb();
  let down = true;
  const first = await node(clock, { path, failing: () => down, owner: "node-a" });
  await ruleWithTarget(first.service);
  await publish(first.service);
  assert.equal(await first.store.nextRetryDueAt(), T0 + 750);
  await first.service.stop();
  services.splice(services.indexOf(first.service), 1);
  stores.splice(stores.indexOf(first.store), 1);
  await first.store.close();
  down = false;
  const second = await node(clock, { path, failing: () => down, owner: "node-b" });
  await advance(clock, 1000);
  await waitUntil(() => second.sent.length === 1, "delivered after the restart");
  assert.equal(await second.store.nextRetryDueAt(), undefined);
  await advance(clock, 120_000, 10_000);
  assert.equal(second.sent.length + first.sent.length, 1, "once");
});
