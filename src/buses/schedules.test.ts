/**
 * Scheduler's schedules in simulated time (ManualClock) over a real SQLite store: each templated
 * target kind given what Scheduler gives it, as the schedule's role allows; StartDate and EndDate;
 * FLEXIBLE windows with an injected offset; schedule groups (a group's deletion takes its
 * schedules) and everything kept across a restart of the service.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, test } from "node:test";
import { SqliteBusStore } from "../adapters/sqlite/bus-store.js";
import type { BusStore } from "../ports/bus-store.js";
import { ManualClock } from "../shared/clock.js";
import { randomIds } from "../shared/ids.js";
import { EventBusService } from "./event-bus-service.js";
import { RuleScheduler } from "./rule-scheduler.js";
import { createScheduleGroup, deleteScheduleGroup, scheduleGroup, tagScheduleGroup } from "./schedule-groups.js";
import { getSchedule, listSchedules, saveSchedule, type ScheduleInput } from "./schedules.js";

const T0 = Date.parse("2024-01-01T00:00:00Z");
const ACCOUNT = "123456789012";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/scheduler`;
const WEAK_ROLE = `arn:aws:iam::${ACCOUNT}:role/weak`;
const FN = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:tick`;
const QUEUE = `arn:aws:sqs:us-east-1:${ACCOUNT}:jobs.fifo`;
const TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:news`;
const STREAM = `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/clicks`;
const BUS = `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/app`;

type Sent = { kind: string; arn: string; body: string; extra?: unknown };

const stores: BusStore[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function setup(clock: ManualClock, path = ":memory:") {
  const store = SqliteBusStore.open({ path });
  stores.push(store);
  const sent: Sent[] = [];
  const service = new EventBusService({
    store,
    clock,
    ids: randomIds,
    scope: { region: "us-east-1", accountId: ACCOUNT },
    deliver: (target, payload) => {
      sent.push({ kind: "lambda", arn: target.functionName, body: payload.toString() });
      return Promise.resolve(undefined);
    },
    schedulerSends: {
      sendMessage: (arn, m) => {
        sent.push({ kind: "sqs", arn, body: m.body, extra: m.messageGroupId });
        return Promise.resolve();
      },
      publish: (arn, message) => {
        sent.push({ kind: "sns", arn, body: message });
        return Promise.resolve();
      },
    },
    putRecord: (name, record) => {
      sent.push({ kind: "kinesis", arn: name, body: record.data.toString(), extra: record.partitionKey });
      return Promise.resolve();
    },
    // The role `scheduler` may do anything; `weak` nothing.
    rolePermits: (role) => role === ROLE,
  });
  await service.start();
  const scheduler = new RuleScheduler({ service, clock, flexOffset: (_arn, _tick, windowMs) => windowMs / 2 });
  return { service, scheduler, sent };
}

function schedule(over: Partial<ScheduleInput> & { name: string }): ScheduleInput {
  return {
    groupName: "default",
    scheduleExpression: "rate(1 minute)",
    timezone: "UTC",
    state: "ENABLED",
    target: { arn: FN, roleArn: ROLE, input: '{"n":1}' },
    actionAfterCompletion: "NONE",
    ...over,
  };
}

async function tick(clock: ManualClock, scheduler: RuleScheduler, ms: number): Promise<void> {
  clock.advance(ms);
  await scheduler.runOnce();
}

describe("Scheduler's templated targets", () => {
  test("SQS, SNS, Kinesis and Lambda get the Input with their parameters", async () => {
    const clock = new ManualClock(T0);
    const { service, scheduler, sent } = await setup(clock);
    const targets: ScheduleInput["target"][] = [
      { arn: QUEUE, roleArn: ROLE, input: "plain text", parameters: { messageGroupId: "g1" } },
      { arn: TOPIC, roleArn: ROLE, input: "news!" },
      { arn: STREAM, roleArn: ROLE, input: "click", parameters: { partitionKey: "user-7" } },
      { arn: FN, roleArn: ROLE },
    ];
    for (const [i, target] of targets.entries()) await saveSchedule(service, schedule({ name: `s${i}`, target }), true);
    await tick(clock, scheduler, 60_000);
    assert.deepEqual(
      sent.sort((a, b) => (a.kind < b.kind ? -1 : 1)),
      [
        { kind: "kinesis", arn: "clicks", body: "click", extra: "user-7" },
        { kind: "lambda", arn: "tick", body: "{}" },
        { kind: "sns", arn: TOPIC, body: "news!" },
        { kind: "sqs", arn: QUEUE, body: "plain text", extra: "g1" },
      ],
    );
  });

  test("EventBridge: PutEvents with Source, DetailType, the Input as detail and the schedule as resource", async () => {
    const clock = new ManualClock(T0);
    const { service, scheduler, sent } = await setup(clock);
    await service.createBus({ name: "app" });
    await service.putRule({ busName: "app", name: "orders", eventPattern: '{"source":["shop"]}' });
    await service.putTargets("app", "orders", [{ id: "1", arn: FN }]);
    const arn = await saveSchedule(
      service,
      schedule({
        name: "ping",
        target: {
          arn: BUS,
          roleArn: ROLE,
          input: '{"a":1}',
          parameters: { eventBridge: { source: "shop", detailType: "Tick" } },
        },
      }),
      true,
    );
    await tick(clock, scheduler, 60_000);
    assert.equal(sent.length, 1);
    const event = JSON.parse(sent[0]!.body) as Record<string, unknown>;
    assert.equal(event["source"], "shop");
    assert.equal(event["detail-type"], "Tick");
    assert.deepEqual(event["detail"], { a: 1 });
    assert.deepEqual(event["resources"], [arn]);
    assert.equal(event["time"], "2024-01-01T00:01:00Z");
  });

  test("a role that does not allow the action delivers nothing; bad targets are refused as Scheduler does", async () => {
    const clock = new ManualClock(T0);
    const { service, scheduler, sent } = await setup(clock);
    await saveSchedule(
      service,
      schedule({ name: "weak", target: { arn: TOPIC, roleArn: WEAK_ROLE, input: "x" } }),
      true,
    );
    await tick(clock, scheduler, 60_000);
    assert.equal(sent.length, 0);
    const refused = async (target: ScheduleInput["target"], message: RegExp) =>
      assert.rejects(saveSchedule(service, schedule({ name: "bad", target }), true), message);
    await refused({ arn: STREAM, roleArn: ROLE }, /KinesisParameters.PartitionKey is required/);
    await refused({ arn: BUS, roleArn: ROLE }, /EventBridgeParameters is required/);
    await refused(
      { arn: BUS, roleArn: ROLE, parameters: { eventBridge: { source: "aws.ec2", detailType: "x" } } },
      /at 'target.eventBridgeParameters.source' failed to satisfy constraint/,
    );
    await refused({ arn: FN, roleArn: ROLE, parameters: { messageGroupId: "g" } }, /SqsParameters is not valid/);
    await refused({ arn: FN, roleArn: ROLE, input: "not json" }, /Input must be well-formed JSON/);
    await refused({ arn: FN, roleArn: "role" }, /at 'target.roleArn' failed to satisfy constraint/);
    await refused({ arn: "arn:aws:scheduler:::aws-sdk:sqs:sendMessage", roleArn: ROLE }, /Universal target/);
  });
});

describe("StartDate, EndDate and flexible windows", () => {
  test("a rate fires from its StartDate, every period, up to its EndDate; then DELETE removes it", async () => {
    const clock = new ManualClock(T0);
    const { service, scheduler, sent } = await setup(clock);
    const start = T0 + 10 * 60_000;
    await saveSchedule(
      service,
      schedule({
        name: "window",
        scheduleExpression: "rate(5 minutes)",
        startDate: start,
        endDate: start + 10 * 60_000,
        actionAfterCompletion: "DELETE",
      }),
      true,
    );
    const firedAt: number[] = [];
    for (let i = 0; i < 30; i++) {
      const before = sent.length;
      await tick(clock, scheduler, 60_000);
      if (sent.length > before) firedAt.push((clock.now() - T0) / 60_000);
    }
    assert.deepEqual(firedAt, [10, 15, 20]);
    assert.throws(() => getSchedule(service, "default", "window"), /does not exist/);
  });

  test("a one-time schedule ignores both dates; a StartDate long past and an EndDate before it are refused", async () => {
    const clock = new ManualClock(T0);
    const { service, scheduler, sent } = await setup(clock);
    await saveSchedule(
      service,
      schedule({
        name: "once",
        scheduleExpression: "at(2024-01-01T00:02:00)",
        startDate: T0 + 3_600_000,
        endDate: T0 + 7_200_000,
      }),
      true,
    );
    await tick(clock, scheduler, 120_000);
    assert.equal(sent.length, 1);
    await assert.rejects(
      saveSchedule(service, schedule({ name: "old", startDate: T0 - 6 * 60_000 }), true),
      /The StartDate you specify cannot be earlier than 5 minutes ago\./,
    );
    await assert.rejects(
      saveSchedule(service, schedule({ name: "upside", startDate: T0 + 60_000, endDate: T0 }), true),
      /EndDate/,
    );
  });

  test("FLEXIBLE: each tick delivered at its offset within the window; the window is 1-1440 minutes", async () => {
    const clock = new ManualClock(T0);
    const { service, scheduler, sent } = await setup(clock);
    // Offset: half the window (the test's injected source), so 5 min after each hourly tick.
    await saveSchedule(
      service,
      schedule({ name: "flex", scheduleExpression: "rate(1 hour)", flexibleWindowMinutes: 10 }),
      true,
    );
    await tick(clock, scheduler, 60 * 60_000);
    assert.equal(sent.length, 0, "the tick at 01:00 waits for its offset");
    await tick(clock, scheduler, 5 * 60_000 - 1);
    assert.equal(sent.length, 0);
    await tick(clock, scheduler, 1);
    assert.equal(sent.length, 1, "delivered at 01:05");
    await tick(clock, scheduler, 60 * 60_000);
    assert.equal(sent.length, 2, "and the next at 02:05");
    assert.equal(getSchedule(service, "default", "flex").schedule?.flexibleWindowMinutes, 10);
    for (const w of [0, 1441, 2.5])
      await assert.rejects(
        saveSchedule(service, schedule({ name: "bad", flexibleWindowMinutes: w }), true),
        /maximumWindowInMinutes' failed to satisfy constraint: Member must have value between 1 and 1440/,
      );
  });

  test("FLEXIBLE windows longer than the period: every tick still delivered once, in order", async () => {
    const clock = new ManualClock(T0);
    const { service, scheduler, sent } = await setup(clock);
    await saveSchedule(service, schedule({ name: "dense", flexibleWindowMinutes: 6 }), true);
    for (let i = 0; i < 10; i++) await tick(clock, scheduler, 60_000);
    // Ticks at 1..10 min, each 3 min late: those at 1..7 are due by minute 10.
    assert.equal(sent.length, 7);
  });
});

describe("schedule groups", () => {
  test("schedules in a named group; deleting the group deletes them; all kept across a restart", async () => {
    const dir = mkdtempSync(join(tmpdir(), "haneul-sched-"));
    dirs.push(dir);
    const path = join(dir, "bus.db");
    const clock = new ManualClock(T0);
    const first = await setup(clock, path);
    await assert.rejects(
      saveSchedule(first.service, schedule({ name: "a", groupName: "jobs" }), true),
      /Schedule group jobs does not exist\./,
    );
    assert.equal(
      await createScheduleGroup(first.service, "jobs", { team: "ops" }),
      `arn:aws:scheduler:us-east-1:${ACCOUNT}:schedule-group/jobs`,
    );
    await assert.rejects(createScheduleGroup(first.service, "jobs", {}), /Schedule group jobs already exists\./);
    await tagScheduleGroup(first.service, "jobs", { env: "prod" });
    const arn = await saveSchedule(
      first.service,
      schedule({ name: "a", groupName: "jobs", startDate: T0 + 60_000, flexibleWindowMinutes: 2 }),
      true,
    );
    assert.equal(arn, `arn:aws:scheduler:us-east-1:${ACCOUNT}:schedule/jobs/a`);
    await saveSchedule(first.service, schedule({ name: "a" }), true);

    const second = await setup(clock, path);
    assert.deepEqual(scheduleGroup(second.service, "jobs").tags, { team: "ops", env: "prod" });
    const kept = getSchedule(second.service, "jobs", "a").schedule;
    assert.equal(kept?.startDate, T0 + 60_000);
    assert.equal(kept?.flexibleWindowMinutes, 2);
    await assert.rejects(deleteScheduleGroup(second.service, "default"), /default schedule group cannot be deleted/);
    await deleteScheduleGroup(second.service, "jobs");
    assert.deepEqual(
      listSchedules(second.service).map((r) => [r.schedule?.groupName, r.name]),
      [["default", "a"]],
    );
    const third = await setup(clock, path);
    assert.equal(third.service.cache.groups.has("jobs"), false);
    assert.equal(listSchedules(third.service).length, 1);
    // No schedule group shows through the EventBridge API as a bus.
    assert.deepEqual([...third.service.cache.buses.keys()], ["default"]);
  });
});
