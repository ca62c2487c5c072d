import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { SqliteLogStore } from "../../src/adapters/sqlite/log-store.js";
import type { InvocationRecord } from "../../src/domain/invocation.js";
import { DAY_MS } from "../../src/ports/log-store.js";
import { ManualClock, systemClock } from "../../src/shared/clock.js";
import { LogWriter, RecordChannel, RetentionSweeper } from "../../src/telemetry/index.js";
import { waitFor } from "../helpers/wait.js";

const T0 = Date.UTC(2026, 0, 31, 12, 0, 0);

function record(over: Partial<InvocationRecord> = {}): InvocationRecord {
  return {
    requestId: "11111111-2222-3333-4444-555555555555",
    functionName: "orders",
    functionArn: "arn:aws:lambda:us-east-1:000000000000:function:orders",
    executedVersion: "$LATEST",
    outcome: "ok",
    startedAt: T0,
    durationMs: 12.5,
    billedDurationMs: 13,
    initDurationMs: 150.25,
    memorySizeMb: 128,
    maxMemoryUsedMb: 60,
    instanceId: "0123456789abcdef",
    logStreamName: "2026/01/31/[$LATEST]0123456789abcdef0123456789abcdef",
    timeoutSec: 3,
    initLines: ["init says hi"],
    lines: ["2026-01-31T12:00:00.001Z\t11111111-2222-3333-4444-555555555555\tINFO\thello"],
    ...over,
  };
}

const stores: SqliteLogStore[] = [];
after(async () => {
  for (const s of stores) await s.close();
});
function memoryStore(): SqliteLogStore {
  const s = SqliteLogStore.open({ path: ":memory:" });
  stores.push(s);
  return s;
}

describe("LogWriter", () => {
  test("writes each record's events to its instance's stream in one batch after flushMs of the platform clock", async () => {
    const store = memoryStore();
    const clock = new ManualClock(T0 + 100);
    const writer = new LogWriter({ store, clock, flushMs: 200, onError: (e) => assert.fail(String(e)) });
    const channel = new RecordChannel();
    channel.subscribe(writer.write);
    channel.publish(record());
    channel.publish(
      record({
        requestId: "r2",
        startedAt: T0 + 1000,
        initDurationMs: undefined,
        initLines: [],
        lines: [],
        outcome: "timeout",
        durationMs: 3000,
      }),
    );
    channel.flush();
    assert.equal((await store.listGroups({ limit: 10 })).length, 0, "nothing written before the flush");
    await clock.advanceAsync(200);
    await writer.flush();
    const [group] = await store.listGroups({ limit: 10 });
    assert.equal(group?.name, "/aws/lambda/orders");
    const streams = await store.listStreams("/aws/lambda/orders", { limit: 10 });
    assert.deepEqual(
      streams.map((s) => s.name),
      ["2026/01/31/[$LATEST]0123456789abcdef0123456789abcdef"],
    );
    const events = await store.readEvents({ groupName: "/aws/lambda/orders", limit: 100 });
    const messages = events.map((e) => e.message);
    assert.equal(messages[0], "init says hi");
    assert.equal(messages[1], "START RequestId: 11111111-2222-3333-4444-555555555555 Version: $LATEST");
    assert.match(messages[2] ?? "", /\tINFO\thello$/);
    assert.equal(messages[3], "END RequestId: 11111111-2222-3333-4444-555555555555");
    assert.match(
      messages[4] ?? "",
      /^REPORT RequestId: 1111.*\tDuration: 12\.50 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\tInit Duration: 150\.25 ms\t$/,
    );
    assert.match(messages[6] ?? "", /r2 Task timed out after 3\.00 seconds$/);
    assert.match(messages[8] ?? "", /^REPORT RequestId: r2\t.*\tStatus: timeout\t$/);
    assert.equal(events[0]?.timestamp, T0 - 151, "init lines: when the instance started");
    assert.equal(events[1]?.timestamp, T0);
    assert.equal(events[4]?.timestamp, T0 + 13);
    assert.equal(events[0]?.ingestionTime, T0 + 300);
  });

  test("a record whose instance wrote past its bound shows the dropped lines as a warning before END", async () => {
    const store = memoryStore();
    const writer = new LogWriter({ store, clock: new ManualClock(T0), onError: (e) => assert.fail(String(e)) });
    writer.write(record({ droppedLines: 1234 }));
    await writer.flush();
    const messages = (await store.readEvents({ groupName: "/aws/lambda/orders", limit: 100 })).map((e) => e.message);
    assert.ok(
      messages.some((m) => /^WARNING RequestId: \S+ 1234 log lines dropped/.test(m)),
      messages.join("\n"),
    );
  });

  test("holds at most maxPending events when the store falls behind; the rest are dropped and counted", async () => {
    const store = memoryStore();
    const errors: string[] = [];
    const writer = new LogWriter({ store, clock: new ManualClock(T0), maxPending: 10, onError: (m) => errors.push(m) });
    for (let i = 0; i < 5; i++) writer.write(record({ requestId: `r${i}` }));
    assert.equal(writer.dropped, 3, "two records of 5 events fill the 10");
    assert.equal(errors.length, 1, "said once");
    await writer.flush();
    assert.equal((await store.readEvents({ groupName: "/aws/lambda/orders", limit: 100 })).length, 10);
  });
});

describe("RetentionSweeper", () => {
  test("deletes events past their group's retention as the platform clock passes", async () => {
    const store = memoryStore();
    const clock = new ManualClock(T0);
    await store.append([{ groupName: "/g", streamName: "s", timestamp: T0, message: "old" }], T0, { create: true });
    await store.setRetention("/g", 1);
    const sweeper = new RetentionSweeper({ store, clock, everyMs: 60_000, onError: (e) => assert.fail(String(e)) });
    sweeper.start();
    await clock.advanceAsync(DAY_MS - 60_000);
    await sweeper.stop();
    assert.equal((await store.readEvents({ groupName: "/g", limit: 10 })).length, 1, "a day has not passed");
    sweeper.start();
    await clock.advanceAsync(2 * 60_000);
    await sweeper.stop();
    assert.equal((await store.readEvents({ groupName: "/g", limit: 10 })).length, 0);
  });

  test("in real time too", async () => {
    const store = memoryStore();
    const now = Date.now();
    await store.append(
      [
        { groupName: "/g", streamName: "s", timestamp: now - 2 * DAY_MS, message: "old" },
        { groupName: "/g", streamName: "s", timestamp: now, message: "new" },
      ],
      now,
      { create: true },
    );
    await store.setRetention("/g", 1);
    const sweeper = new RetentionSweeper({
      store,
      clock: systemClock,
      everyMs: 20,
      onError: (e) => assert.fail(String(e)),
    });
    sweeper.start();
    try {
      await waitFor(async () => (await store.readEvents({ groupName: "/g", limit: 10 })).length === 1, "the sweep");
    } finally {
      await sweeper.stop();
    }
    assert.equal((await store.readEvents({ groupName: "/g", limit: 10 }))[0]?.message, "new");
  });
});
