/**
 * Scheduled rules in simulated time (ManualClock) over a real SQLite store: one firing per tick
 * with AWS's Scheduled Event, only on the leader, disabled rules silent, and after a stop only the
 * latest missed tick fires, once, also when two schedulers (a restart, a new leader) look at it.
 */
import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import { SqliteBusStore } from "../adapters/sqlite/bus-store.js";
import type { BusStore } from "../ports/bus-store.js";
import { ManualClock } from "../shared/clock.js";
import { randomIds } from "../shared/ids.js";
import { EventBusService } from "./event-bus-service.js";
import type { FunctionTarget } from "./names.js";
import { RuleScheduler } from "./rule-scheduler.js";
import { getSchedule, saveSchedule } from "./schedules.js";

const T0 = Date.parse("2024-01-01T00:00:00Z");
const FN = "arn:aws:lambda:us-east-1:123456789012:function:tick";

const ROLE = "arn:aws:iam::123456789012:role/r";

interface Delivery {
  readonly target: FunctionTarget;
  readonly event: Record<string, unknown>;
}

const stores: BusStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

async function setup(clock: ManualClock, store: BusStore = SqliteBusStore.open({ path: ":memory:" })) {
  stores.push(store);
  const delivered: Delivery[] = [];
  const service = new EventBusService({
    store,
    clock,
    ids: randomIds,
    scope: { region: "us-east-1", accountId: "123456789012" },
    deliver: (target, payload) => {
      delivered.push({ target, event: JSON.parse(payload.toString()) as Record<string, unknown> });
      return Promise.resolve(undefined);
    },
    // Schedules invoke their functions as their role: this one may (the role check has its own tests).
    rolePermits: (roleArn, { action }) => roleArn === ROLE && action === "lambda:InvokeFunction",
  });
  await service.start();
  return { service, store, delivered };
}

async function scheduledRule(service: EventBusService, expression: string) {
  await service.putRule({ busName: "default", name: "tick", scheduleExpression: expression });
  await service.putTargets("default", "tick", [{ id: "1", arn: FN }]);
}

describe("scheduled rules in simulated time", () => {
  test("rate(1 minute): one Scheduled Event per tick, counted from the rule's creation", async () => {
    const clock = new ManualClock(T0 + 30_000);
    const { service, delivered } = await setup(clock);
    await scheduledRule(service, "rate(1 minute)");
    const scheduler = new RuleScheduler({ service, clock });
    await scheduler.runOnce();
    assert.equal(delivered.length, 0);
    clock.advance(60_000);
    await scheduler.runOnce();
    await scheduler.runOnce();
    assert.equal(delivered.length, 1);
    const e = delivered[0]!.event;
    assert.deepEqual(Object.keys(e).sort(), [
      "account",
      "detail",
      "detail-type",
      "id",
      "region",
      "resources",
      "source",
      "time",
      "version",
    ]);
    assert.equal(e["detail-type"], "Scheduled Event");
    assert.equal(e["source"], "aws.events");
    assert.equal(e["time"], "2024-01-01T00:01:30Z");
    assert.deepEqual(e["resources"], ["arn:aws:events:us-east-1:123456789012:rule/tick"]);
    assert.deepEqual(e["detail"], {});
    assert.deepEqual(delivered[0]!.target, { functionName: "tick", qualifier: undefined });
    clock.advance(60_000);
    await scheduler.runOnce();
    assert.equal(delivered.length, 2);
  });

  test("the scheduler's own timer fires the ticks as the clock advances", async () => {
    const clock = new ManualClock(T0);
    const { service, delivered } = await setup(clock);
    await scheduledRule(service, "cron(0/5 * * * ? *)");
    const scheduler = new RuleScheduler({ service, clock });
    scheduler.start();
    for (let i = 0; i < 15; i++) await clock.advanceAsync(60_000);
    await scheduler.stop();
    assert.deepEqual(
      delivered.map((d) => d.event["time"]),
      ["2024-01-01T00:05:00Z", "2024-01-01T00:10:00Z", "2024-01-01T00:15:00Z"],
    );
  });

  test("a disabled rule does not fire; enabled again, it counts from then", async () => {
    const clock = new ManualClock(T0);
    const { service, delivered } = await setup(clock);
    await scheduledRule(service, "rate(1 minute)");
    const scheduler = new RuleScheduler({ service, clock });
    await service.setRuleState("default", "tick", "DISABLED");
    clock.advance(5 * 60_000);
    await scheduler.runOnce();
    assert.equal(delivered.length, 0);
    await service.setRuleState("default", "tick", "ENABLED");
    await scheduler.runOnce();
    assert.equal(delivered.length, 0, "ticks missed while disabled are not fired");
    clock.advance(60_000);
    await scheduler.runOnce();
    assert.equal(delivered.length, 1);
  });

  test("only the leader fires", async () => {
    const clock = new ManualClock(T0);
    const { service, delivered } = await setup(clock);
    await scheduledRule(service, "rate(1 minute)");
    let leader = false;
    const scheduler = new RuleScheduler({ service, clock, isLeader: () => leader });
    clock.advance(60_000);
    await scheduler.runOnce();
    assert.equal(delivered.length, 0);
    leader = true;
    await scheduler.runOnce();
    assert.equal(delivered.length, 1);
  });

  test("after a stop: only the latest missed tick fires, once, whoever looks at it", async () => {
    const clock = new ManualClock(T0);
    const store = SqliteBusStore.open({ path: ":memory:" });
    const first = await setup(clock, store);
    await scheduledRule(first.service, "rate(1 minute)");
    clock.advance(60_000);
    await new RuleScheduler({ service: first.service, clock }).runOnce();
    assert.equal(first.delivered.length, 1);
    // Down for ten minutes; then two schedulers over the same store (a restarted node and a new
    // leader that had cached the rule before) look at it at the same time.
    clock.advance(10 * 60_000 + 5_000);
    const restarted = await setup(clock, { ...wrap(store), close: () => Promise.resolve() });
    await Promise.all([
      new RuleScheduler({ service: first.service, clock }).runOnce(),
      new RuleScheduler({ service: restarted.service, clock }).runOnce(),
    ]);
    const late = [...first.delivered.slice(1), ...restarted.delivered];
    assert.equal(late.length, 1, "one late firing");
    assert.equal(late[0]!.event["time"], "2024-01-01T00:11:00Z", "the latest missed tick");
    await Promise.all([
      new RuleScheduler({ service: first.service, clock }).runOnce(),
      new RuleScheduler({ service: restarted.service, clock }).runOnce(),
    ]);
    assert.equal(first.delivered.length + restarted.delivered.length, 2, "never again");
  });
});

/** The same store under a second service (its close left to the first). */
function wrap(store: BusStore): BusStore {
  return {
    insertBus: (b) => store.insertBus(b),
    updateBus: (b) => store.updateBus(b),
    listBuses: () => store.listBuses(),
    deleteBus: (n) => store.deleteBus(n),
    saveRule: (r) => store.saveRule(r),
    getRule: (b, n) => store.getRule(b, n),
    listRules: () => store.listRules(),
    deleteRule: (b, n) => store.deleteRule(b, n),
    claimFiring: (b, n, p, f) => store.claimFiring(b, n, p, f),
    insertRetry: (r) => store.insertRetry(r),
    claimRetries: (c) => store.claimRetries(c),
    updateRetry: (r, o) => store.updateRetry(r, o),
    deleteRetry: (i, o) => store.deleteRetry(i, o),
    nextRetryDueAt: () => store.nextRetryDueAt(),
    close: () => store.close(),
  };
}

describe("EventBridge Scheduler schedules in simulated time", () => {
  const target = { arn: FN, roleArn: ROLE, input: '{"hello":"world"}' };

  test("a one-time at() schedule in its time zone fires once with its Input, then is deleted (ActionAfterCompletion DELETE)", async () => {
    const clock = new ManualClock(T0);
    const { service, delivered } = await setup(clock);
    const scheduler = new RuleScheduler({ service, clock });
    await saveSchedule(
      service,
      {
        name: "once",
        groupName: "default",
        scheduleExpression: "at(2024-01-01T09:30:00)",
        timezone: "Asia/Seoul",
        state: "ENABLED",
        target,
        actionAfterCompletion: "DELETE",
      },
      true,
    );
    clock.advance(29 * 60_000);
    await scheduler.runOnce();
    assert.equal(delivered.length, 0, "09:30 in Seoul is 00:30 UTC");
    clock.advance(60_000);
    await scheduler.runOnce();
    await scheduler.runOnce();
    assert.deepEqual(
      delivered.map((d) => d.event),
      [{ hello: "world" }],
    );
    assert.throws(() => getSchedule(service, "default", "once"), /Schedule once does not exist/);
  });

  test("a recurring cron schedule in a time zone; NONE keeps it", async () => {
    const clock = new ManualClock(Date.parse("2024-07-01T00:00:00Z"));
    const { service, delivered } = await setup(clock);
    const scheduler = new RuleScheduler({ service, clock });
    await saveSchedule(
      service,
      {
        name: "daily",
        groupName: "default",
        scheduleExpression: "cron(0 9 * * ? *)",
        timezone: "America/New_York",
        state: "ENABLED",
        target,
        actionAfterCompletion: "NONE",
      },
      true,
    );
    clock.advance(13 * 3_600_000 - 1);
    await scheduler.runOnce();
    assert.equal(delivered.length, 0);
    clock.advance(1);
    await scheduler.runOnce();
    assert.equal(delivered.length, 1, "09:00 EDT is 13:00 UTC");
    assert.equal(getSchedule(service, "default", "daily").schedule?.timezone, "America/New_York");
    await assert.rejects(
      saveSchedule(
        service,
        {
          name: "daily",
          groupName: "default",
          scheduleExpression: "rate(1 hour)",
          timezone: "UTC",
          state: "ENABLED",
          target,
          actionAfterCompletion: "NONE",
        },
        true,
      ),
      /Schedule daily already exists/,
    );
  });
});
