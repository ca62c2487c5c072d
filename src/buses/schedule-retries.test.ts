/**
 * Scheduler's RetryPolicy and DeadLetterConfig in simulated time (ManualClock) over a real SQLite
 * store file: a schedule whose target fails is retried with a growing backoff until delivered, or
 * until its retries or its age run out and its input goes to the DLQ with Scheduler's message
 * attributes, sent as the schedule's role; a role that may not invoke the function never does; a
 * retry stored before a restart is tried once by the service after it.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, test } from "node:test";
import { SqliteBusStore } from "../adapters/sqlite/bus-store.js";
import type { TargetRetryPolicy } from "../ports/bus-store.js";
import { ManualClock } from "../shared/clock.js";
import { randomIds } from "../shared/ids.js";
import { waitFor, waitUntil } from "../../test/helpers/wait.js";
import { EventBusService } from "./event-bus-service.js";
import { RuleScheduler } from "./rule-scheduler.js";
import { saveSchedule, type ScheduleInput } from "./schedules.js";

const T0 = Date.parse("2026-01-01T00:00:00Z");
const ACCOUNT = "123456789012";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/scheduler`;
/** May send to queues (the DLQ too) but not invoke functions. */
const NO_INVOKE_ROLE = `arn:aws:iam::${ACCOUNT}:role/no-invoke`;
/** May send to the target queue but not to the DLQ. */
const NO_DLQ_ROLE = `arn:aws:iam::${ACCOUNT}:role/no-dlq`;
const FN = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:tick`;
const QUEUE = `arn:aws:sqs:us-east-1:${ACCOUNT}:jobs`;
const DLQ = `arn:aws:sqs:us-east-1:${ACCOUNT}:jobs-dlq`;
const SCHEDULE_ARN = `arn:aws:scheduler:us-east-1:${ACCOUNT}:schedule/default/s`;

type Sent = { arn: string; body: string; attributes: Record<string, string | undefined> };

const dirs: string[] = [];
const services: EventBusService[] = [];
const stores: SqliteBusStore[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) await s.stop();
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), "haneul-schedule-retries-"));
  dirs.push(dir);
  return join(dir, "haneul.db");
}

function permits(role: string, request: { action: string; resource: string }): boolean {
  if (role === ROLE) return true;
  if (role === NO_INVOKE_ROLE) return request.action === "sqs:SendMessage";
  if (role === NO_DLQ_ROLE) return request.action === "sqs:SendMessage" && request.resource === QUEUE;
  return false;
}

/** A bus service and scheduler whose queue target fails while `failing()` says so. */
async function node(clock: ManualClock, o: { path: string; failing: () => boolean }) {
  const store = SqliteBusStore.open({ path: o.path });
  const sent: Sent[] = [];
  const invoked: string[] = [];
  const service = new EventBusService({
    store,
    clock,
    ids: randomIds,
    scope: { region: "us-east-1", accountId: ACCOUNT },
    deliver: (target, payload) => {
      invoked.push(`${target.functionName}:${payload.toString()}`);
      return Promise.resolve(undefined);
    },
    schedulerSends: {
      sendMessage: (arn, m) => {
        if (arn === QUEUE && o.failing()) return Promise.reject(new Error("the queue store is busy"));
        const attributes = Object.fromEntries(Object.entries(m.attributes ?? {}).map(([k, v]) => [k, v.StringValue]));
        sent.push({ arn, body: m.body, attributes });
        return Promise.resolve();
      },
      publish: () => Promise.reject(new Error("no topics here")),
    },
    rolePermits: permits,
    random: () => 0.5,
  });
  await service.start();
  services.push(service);
  stores.push(store);
  const scheduler = new RuleScheduler({ service, clock });
  return { service, store, scheduler, sent, invoked };
}

function schedule(target: Partial<ScheduleInput["target"]>, retryPolicy?: TargetRetryPolicy): ScheduleInput {
  return {
    name: "s",
    groupName: "default",
    scheduleExpression: "at(2026-01-01T00:01:00)",
    timezone: "UTC",
    state: "ENABLED",
    target: { arn: QUEUE, roleArn: ROLE, input: "plain text", retryPolicy, deadLetterArn: DLQ, ...target },
    actionAfterCompletion: "NONE",
  };
}

/** Advances the clock by `ms` in steps, letting each pass of the scheduler and the retries finish. */
async function advance(clock: ManualClock, scheduler: RuleScheduler, ms: number, step = 250): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    await clock.advanceAsync(Math.min(step, ms - t));
    await scheduler.runOnce();
  }
}

const toDlq = (sent: Sent[]) => sent.filter((s) => s.arn === DLQ);

test("a failing target is retried with a growing backoff until MaximumRetryAttempts, then dead-lettered", async () => {
  const clock = new ManualClock(T0);
  const n = await node(clock, { path: tempDb(), failing: () => true });
  await saveSchedule(n.service, schedule({}, { maximumRetryAttempts: 2 }), true);
  await advance(clock, n.scheduler, 60_000);
  assert.equal(await n.store.nextRetryDueAt(), T0 + 60_000 + 750, "the first retry after 0.5–1 s");
  await advance(clock, n.scheduler, 750);
  await waitFor(async () => (await n.store.nextRetryDueAt()) === clock.now() + 1500, "the second retry waits 1.5 s");
  assert.equal(toDlq(n.sent).length, 0);
  await advance(clock, n.scheduler, 1500);
  await waitUntil(() => toDlq(n.sent).length === 1, "dead-lettered after the second retry");
  const [letter] = toDlq(n.sent);
  assert.equal(letter!.body, "plain text", "the DLQ gets the target's input");
  assert.equal(letter!.attributes["SCHEDULE_ARN"], SCHEDULE_ARN);
  assert.equal(letter!.attributes["TARGET_ARN"], QUEUE);
  assert.equal(letter!.attributes["ERROR_CODE"], "InternalServerException");
  assert.match(letter!.attributes["ERROR_MESSAGE"] ?? "", /the queue store is busy/);
  assert.equal(letter!.attributes["EXHAUSTED_RETRY_CONDITION"], "MaximumRetryAttempts");
  assert.equal(letter!.attributes["RETRY_ATTEMPTS"], "2");
  assert.match(letter!.attributes["INVOCATION_ID"] ?? "", /\S/);
  assert.equal(await n.store.nextRetryDueAt(), undefined, "nothing left to retry");
  await advance(clock, n.scheduler, 600_000, 10_000);
  assert.equal(n.sent.length, 1, "the one-time schedule fired once and its letter went once");
});

test("a target that recovers gets the input once and nothing is dead-lettered", async () => {
  const clock = new ManualClock(T0);
  let failures = 3;
  const n = await node(clock, { path: tempDb(), failing: () => failures-- > 0 });
  await saveSchedule(n.service, schedule({}), true);
  await advance(clock, n.scheduler, 60_000 + 750 + 1500 + 3000);
  await waitUntil(() => n.sent.length === 1, "delivered on the third retry");
  assert.deepEqual(n.sent[0], { arn: QUEUE, body: "plain text", attributes: {} });
  await advance(clock, n.scheduler, 60_000, 1000);
  assert.equal(n.sent.length, 1);
  assert.equal(await n.store.nextRetryDueAt(), undefined);
});

test("MaximumRetryAttempts 0 dead-letters the first failure at once", async () => {
  const clock = new ManualClock(T0);
  const n = await node(clock, { path: tempDb(), failing: () => true });
  await saveSchedule(n.service, schedule({}, { maximumRetryAttempts: 0 }), true);
  await advance(clock, n.scheduler, 60_000);
  await waitUntil(() => toDlq(n.sent).length === 1, "dead-lettered at once");
  assert.equal(toDlq(n.sent)[0]!.attributes["RETRY_ATTEMPTS"], "0");
  assert.equal(toDlq(n.sent)[0]!.attributes["EXHAUSTED_RETRY_CONDITION"], "MaximumRetryAttempts");
  assert.equal(await n.store.nextRetryDueAt(), undefined);
});

test("MaximumEventAgeInSeconds ends the retries before MaximumRetryAttempts does", async () => {
  const clock = new ManualClock(T0);
  const n = await node(clock, { path: tempDb(), failing: () => true });
  await saveSchedule(n.service, schedule({}, { maximumEventAgeInSeconds: 60 }), true);
  await advance(clock, n.scheduler, 60_000);
  const firedAt = clock.now();
  await advance(clock, n.scheduler, 120_000, 500);
  await waitUntil(() => toDlq(n.sent).length === 1, "dead-lettered when the age ran out");
  const letter = toDlq(n.sent)[0]!;
  assert.equal(letter.attributes["EXHAUSTED_RETRY_CONDITION"], "MaximumEventAgeInSeconds");
  const retries = Number(letter.attributes["RETRY_ATTEMPTS"]);
  assert.ok(retries >= 3 && retries < 185, `some retries within the minute (${retries})`);
  assert.ok(clock.now() - firedAt <= 120_000);
});

test("a role that may not lambda:InvokeFunction never invokes the function; the failure is retried, then dead-lettered", async () => {
  const clock = new ManualClock(T0);
  const n = await node(clock, { path: tempDb(), failing: () => false });
  await saveSchedule(
    n.service,
    schedule({ arn: FN, roleArn: NO_INVOKE_ROLE, input: '{"n":1}' }, { maximumRetryAttempts: 1 }),
    true,
  );
  await advance(clock, n.scheduler, 60_000 + 750);
  await waitUntil(() => toDlq(n.sent).length === 1, "dead-lettered after one retry");
  assert.deepEqual(n.invoked, [], "the function was never invoked");
  const letter = toDlq(n.sent)[0]!;
  assert.equal(letter.body, '{"n":1}');
  assert.equal(letter.attributes["ERROR_CODE"], "AccessDeniedException");
  assert.match(letter.attributes["ERROR_MESSAGE"] ?? "", /may not lambda:InvokeFunction/);
  assert.equal(letter.attributes["RETRY_ATTEMPTS"], "1");
  assert.equal(letter.attributes["TARGET_ARN"], FN);
  // The same schedule with a role that may invoke it does.
  await saveSchedule(
    n.service,
    { ...schedule({ arn: FN, input: '{"n":2}' }), scheduleExpression: "at(2026-01-01T00:05:00)" },
    false,
  );
  await advance(clock, n.scheduler, 240_000, 1000);
  assert.deepEqual(n.invoked, ['tick:{"n":2}']);
});

test("the dead letter is sent as the schedule's role: a role that may not send to the DLQ loses it", async () => {
  const clock = new ManualClock(T0);
  const n = await node(clock, { path: tempDb(), failing: () => true });
  await saveSchedule(n.service, schedule({ roleArn: NO_DLQ_ROLE }, { maximumRetryAttempts: 0 }), true);
  await advance(clock, n.scheduler, 60_000);
  await waitFor(async () => (await n.store.nextRetryDueAt()) === undefined, "no retry left");
  await advance(clock, n.scheduler, 5_000);
  assert.deepEqual(n.sent, []);
});

test("a retry stored before a restart is tried once, by the service after it", async () => {
  const clock = new ManualClock(T0);
  const path = tempDb();
  let failing = true;
  const first = await node(clock, { path, failing: () => failing });
  await saveSchedule(first.service, schedule({}, { maximumRetryAttempts: 5 }), true);
  await advance(clock, first.scheduler, 60_000);
  assert.notEqual(await first.store.nextRetryDueAt(), undefined, "a retry is stored");
  await first.service.stop();
  await first.store.close();
  services.splice(services.indexOf(first.service), 1);
  stores.splice(stores.indexOf(first.store), 1);
  failing = false;
  const second = await node(clock, { path, failing: () => failing });
  await advance(clock, second.scheduler, 5_000);
  await waitUntil(() => second.sent.length === 1, "delivered after the restart");
  await advance(clock, second.scheduler, 60_000, 1000);
  assert.deepEqual(second.sent, [{ arn: QUEUE, body: "plain text", attributes: {} }]);
  assert.deepEqual(first.sent, []);
});
