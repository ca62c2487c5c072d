/**
 * The contract every LogStore adapter passes (SQLite file and memory; PostgreSQL runs it too).
 * `open` gives a fresh, empty store per test.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import type { InvocationRecord } from "../domain/invocation.js";
import { eachInvocationEvent, LogBatchBuilder, recordStreamName, type LogBatch } from "../domain/log-batch.js";
import {
  DAY_MS,
  type EventCursor,
  type EventQuery,
  type StoredLogEvent,
  type LogEventInput,
  type LogGroupRecord,
  type LogStore,
  type SubscriptionFilterRecord,
} from "./log-store.js";

const T0 = 1_700_000_000_000;

/** A group record; fields overridable. */
export function sampleGroup(name: string, over: Partial<LogGroupRecord> = {}): LogGroupRecord {
  return { name, createdAt: T0, tags: {}, logGroupClass: "STANDARD", ...over };
}

function ev(streamName: string, timestamp: number, message: string, groupName = "/aws/lambda/f"): LogEventInput {
  return { groupName, streamName, timestamp, message };
}

/** A cold start, a timeout and a JSON-format call of one function on two instances. */
function sampleRecords(): InvocationRecord[] {
  const base = {
    requestId: "r1",
    functionName: "f",
    functionArn: "arn:aws:lambda:us-east-1:000000000000:function:f",
    executedVersion: "$LATEST",
    outcome: "ok",
    startedAt: T0,
    durationMs: 12.5,
    billedDurationMs: 13,
    memorySizeMb: 128,
    maxMemoryUsedMb: 60,
    logStreamName: "2023/11/14/[$LATEST]aaaa",
    timeoutSec: 3,
    initLines: [],
    lines: ["hello"],
  } satisfies InvocationRecord;
  return [
    { ...base, initDurationMs: 150.25, initLines: ["init"] },
    { ...base, requestId: "r2", logStreamName: "2023/11/14/[$LATEST]bbbb", outcome: "timeout", durationMs: 3000 },
    { ...base, requestId: "r3", startedAt: T0 + 5, logging: { format: "JSON", group: "/aws/lambda/f" } },
  ];
}

/** Runs the LogStore contract against the adapter `open` makes. */
export function runLogStoreContract(name: string, open: () => Promise<LogStore>): void {
  void describe(`LogStore contract: ${name}`, () => {
    let store: LogStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    void test("groups: created once, listed by name with a prefix and pages, retention and tags kept", async () => {
      assert.equal(await store.createGroup(sampleGroup("/aws/lambda/b")), true);
      assert.equal(await store.createGroup(sampleGroup("/aws/lambda/b")), false);
      await store.createGroup(sampleGroup("/aws/lambda/a", { tags: { team: "x" } }));
      await store.createGroup(sampleGroup("/other"));
      const page1 = await store.listGroups({ prefix: "/aws/", limit: 1 });
      assert.deepEqual(
        page1.map((g) => g.name),
        ["/aws/lambda/a"],
      );
      const page2 = await store.listGroups({ prefix: "/aws/", after: "/aws/lambda/a", limit: 10 });
      assert.deepEqual(
        page2.map((g) => g.name),
        ["/aws/lambda/b"],
      );
      assert.deepEqual((await store.getGroup("/aws/lambda/a"))?.tags, { team: "x" });
      assert.equal(await store.getGroup("/AWS/lambda/a"), undefined, "names are exact");
      assert.equal(await store.setRetention("/aws/lambda/a", 7), true);
      assert.equal((await store.getGroup("/aws/lambda/a"))?.retentionDays, 7);
      assert.equal(await store.setRetention("/aws/lambda/a", null), true);
      assert.equal((await store.getGroup("/aws/lambda/a"))?.retentionDays, undefined);
      assert.equal(await store.setRetention("/missing", 7), false);
      assert.equal(await store.setTags("/aws/lambda/a", { a: "1" }), true);
      assert.deepEqual((await store.getGroup("/aws/lambda/a"))?.tags, { a: "1" });
      assert.equal(await store.deleteGroup("/aws/lambda/a"), true);
      assert.equal(await store.deleteGroup("/aws/lambda/a"), false);
      assert.equal(await store.getGroup("/aws/lambda/a"), undefined);
    });

    void test("streams: need their group, are created once and listed by name", async () => {
      assert.equal(await store.createStream("/g", "s1", T0), "no-group");
      await store.createGroup(sampleGroup("/g"));
      assert.equal(await store.createStream("/g", "s2", T0), "created");
      assert.equal(await store.createStream("/g", "s2", T0), "exists");
      await store.createStream("/g", "s1", T0 + 1);
      await store.createStream("/g", "t1", T0 + 1);
      const listed = await store.listStreams("/g", { prefix: "s", limit: 10 });
      assert.deepEqual(
        listed.map((s) => s.name),
        ["s1", "s2"],
      );
      assert.equal(listed[0]?.createdAt, T0 + 1);
      assert.equal(listed[0]?.lastEventAt, undefined);
      assert.equal(await store.deleteStream("/g", "s1"), true);
      assert.equal(await store.getStream("/g", "s1"), undefined);
      assert.equal((await store.getStream("/g", "s2"))?.groupName, "/g");
    });

    void test("append with create makes the group and stream; events come back in order with their times", async () => {
      await store.append([ev("a", T0 + 2, "two"), ev("a", T0 + 1, "one"), ev("b", T0 + 1, "b-one")], T0 + 10, {
        create: true,
      });
      assert.equal((await store.getGroup("/aws/lambda/f"))?.logGroupClass, "STANDARD");
      const stream = await store.getStream("/aws/lambda/f", "a");
      assert.equal(stream?.firstEventAt, T0 + 1);
      assert.equal(stream?.lastEventAt, T0 + 2);
      assert.equal(stream?.lastIngestionAt, T0 + 10);
      const all = await store.readEvents({ groupName: "/aws/lambda/f", limit: 10 });
      assert.deepEqual(
        all.map((e) => [e.streamName, e.timestamp, e.message, e.ingestionTime]),
        [
          ["a", T0 + 1, "one", T0 + 10],
          ["b", T0 + 1, "b-one", T0 + 10],
          ["a", T0 + 2, "two", T0 + 10],
        ],
      );
      const onlyA = await store.readEvents({ groupName: "/aws/lambda/f", streamNames: ["a"], limit: 10 });
      assert.deepEqual(
        onlyA.map((e) => e.message),
        ["one", "two"],
      );
      const byPrefix = await store.readEvents({ groupName: "/aws/lambda/f", streamPrefix: "b", limit: 10 });
      assert.deepEqual(
        byPrefix.map((e) => e.message),
        ["b-one"],
      );
    });

    void test("append without create refuses a stream that does not exist, and stores nothing of the batch", async () => {
      await store.createGroup(sampleGroup("/aws/lambda/f"));
      await store.createStream("/aws/lambda/f", "a", T0);
      await assert.rejects(store.append([ev("a", T0, "kept?"), ev("missing", T0, "x")], T0));
      assert.deepEqual(await store.readEvents({ groupName: "/aws/lambda/f", limit: 10 }), []);
    });

    void test("reads page by cursor both ways, within a time range", async () => {
      const batch = Array.from({ length: 50 }, (_, i) => ev("s", T0 + Math.floor(i / 2), `m${i}`));
      await store.append(batch, T0, { create: true });
      const seen: string[] = [];
      let after: { timestamp: number; id: number } | undefined;
      for (;;) {
        const page = await store.readEvents({ groupName: "/aws/lambda/f", after, limit: 7 });
        if (page.length === 0) break;
        seen.push(...page.map((e) => e.message));
        const last = page.at(-1);
        after = last && { timestamp: last.timestamp, id: last.id };
      }
      assert.deepEqual(
        seen,
        batch.map((e) => e.message),
      );
      const newest = await store.readEvents({ groupName: "/aws/lambda/f", descending: true, limit: 3 });
      assert.deepEqual(
        newest.map((e) => e.message),
        ["m49", "m48", "m47"],
      );
      const ranged = await store.readEvents({
        groupName: "/aws/lambda/f",
        startTime: T0 + 3,
        endTime: T0 + 5,
        limit: 99,
      });
      assert.deepEqual(
        ranged.map((e) => e.message),
        ["m6", "m7", "m8", "m9"],
      );
    });

    void test("one stream of several, paged both ways: its events only, in (timestamp, id) order", async () => {
      const batch = Array.from({ length: 60 }, (_, i) => ev(`s${i % 3}`, T0 + Math.floor(i / 4), `m${i}`));
      await store.append(batch, T0, { create: true });
      const mine = batch.filter((e) => e.streamName === "s1").map((e) => e.message);
      for (const descending of [false, true]) {
        const seen: string[] = [];
        let after: { timestamp: number; id: number } | undefined;
        for (;;) {
          const page = await store.readEvents({
            groupName: "/aws/lambda/f",
            streamNames: ["s1"],
            after,
            descending,
            limit: 6,
          });
          if (page.length === 0) break;
          assert.ok(page.every((e) => e.streamName === "s1"));
          seen.push(...page.map((e) => e.message));
          const last = page.at(-1);
          after = last && { timestamp: last.timestamp, id: last.id };
        }
        assert.deepEqual(seen, descending ? [...mine].reverse() : mine);
      }
      assert.deepEqual(await store.readEvents({ groupName: "/aws/lambda/f", streamNames: ["none"], limit: 5 }), []);
    });

    void test("a range's measure: its events and their messages' UTF-8 bytes, end exclusive", async () => {
      const messages = ["plain", "ünï 😀", "", "x".repeat(1000)];
      await store.append(
        messages.map((m, i) => ev(i % 2 ? "a" : "b", T0 + i, m)),
        T0,
        { create: true },
      );
      await store.append([ev("a", T0 + 1, "other group", "/aws/lambda/g")], T0, { create: true });
      const bytes = (ms: string[]) => ms.reduce((n, m) => n + Buffer.byteLength(m), 0);
      const range = { groupName: "/aws/lambda/f", startTime: T0, endTime: T0 + 4 };
      assert.deepEqual(await store.measureRange(range), { records: 4, bytes: bytes(messages) });
      assert.deepEqual(await store.measureRange({ ...range, startTime: T0 + 1, endTime: T0 + 3 }), {
        records: 2,
        bytes: bytes(messages.slice(1, 3)),
      });
      assert.deepEqual(await store.measureRange({ ...range, groupName: "/aws/lambda/none" }), { records: 0, bytes: 0 });
    });

    void test("message terms narrow a read: anywhere, at the start, ASCII case folded, LIKE's wildcards literal", async () => {
      const messages = ["ERROR disk", "error net", "50% done", "a_b", "back\\slash", "REPORT RequestId: r1"];
      messages.push("x REPORT y", "ÉCHEC ünïcode 😀", "Ünï", "ab");
      await store.append(
        messages.map((m, i) => ev(i % 2 ? "s1" : "s2", T0 + i, m)),
        T0,
        { create: true },
      );
      const read = async (messageTerms: NonNullable<EventQuery["messageTerms"]>, more: Partial<EventQuery> = {}) =>
        (await store.readEvents({ groupName: "/aws/lambda/f", messageTerms, limit: 100, ...more })).map(
          (e) => e.message,
        );
      assert.deepEqual(await read([[{ text: "ERROR" }]]), ["ERROR disk"]);
      assert.deepEqual(await read([[{ text: "error", ignoreCase: true }]]), ["ERROR disk", "error net"]);
      assert.deepEqual(await read([[{ text: "%" }]]), ["50% done"]);
      assert.deepEqual(await read([[{ text: "% d", ignoreCase: true }]]), ["50% done"]);
      assert.deepEqual(await read([[{ text: "_", ignoreCase: true }]]), ["a_b"]);
      assert.deepEqual(await read([[{ text: "\\", ignoreCase: true }]]), ["back\\slash"]);
      assert.deepEqual(await read([[{ text: "REPORT ", atStart: true }]]), ["REPORT RequestId: r1"]);
      assert.deepEqual(await read([[{ text: "report r", atStart: true, ignoreCase: true }]]), ["REPORT RequestId: r1"]);
      assert.deepEqual(await read([[{ text: "ünï" }]]), ["ÉCHEC ünïcode 😀"], "case-sensitive beyond ASCII");
      assert.deepEqual(await read([[{ text: "ÉCHEC ünïcode 😀", atStart: true }]]), ["ÉCHEC ünïcode 😀"]);
      assert.deepEqual(
        await read([[{ text: "disk" }, { text: "net" }]]),
        ["ERROR disk", "error net"],
        "one of a clause",
      );
      assert.deepEqual(await read([[{ text: "ERROR" }], [{ text: "net" }]]), [], "every clause");
      assert.deepEqual(await read([[]]), [], "an empty clause admits nothing");
      assert.deepEqual(await read([[{ text: "r" }]], { streamNames: ["s1"], descending: true, limit: 1 }), [
        "REPORT RequestId: r1",
      ]);
      const first = await store.readEvents({ groupName: "/aws/lambda/f", messageTerms: [[{ text: "b" }]], limit: 1 });
      const after = first[0] && { timestamp: first[0].timestamp, id: first[0].id };
      assert.deepEqual(await read([[{ text: "b" }]], { after }), ["back\\slash", "ab"], "pages by cursor");
    });

    void test("expire deletes the events older than each group's retention, and only those", async () => {
      await store.append([ev("s", T0, "old"), ev("s", T0 + 2 * DAY_MS, "new")], T0, { create: true });
      await store.append([ev("s", T0, "kept forever", "/keep")], T0, { create: true });
      assert.equal(await store.expire(T0 + 3 * DAY_MS), 0, "no retention: nothing expires");
      await store.setRetention("/aws/lambda/f", 1);
      assert.equal(await store.expire(T0 + 3 * DAY_MS - 1), 1);
      const left = await store.readEvents({ groupName: "/aws/lambda/f", limit: 10 });
      assert.deepEqual(
        left.map((e) => e.message),
        ["new"],
      );
      assert.equal((await store.readEvents({ groupName: "/keep", limit: 10 })).length, 1);
    });

    void test("deleting a group deletes its events; a group made again is empty", async () => {
      await store.append([ev("s", T0, "x")], T0, { create: true });
      await store.deleteGroup("/aws/lambda/f");
      await store.append([ev("s", T0, "y")], T0, { create: true });
      const events = await store.readEvents({ groupName: "/aws/lambda/f", limit: 10 });
      assert.deepEqual(
        events.map((e) => e.message),
        ["y"],
      );
    });

    void test("a large batch across many streams arrives whole", async () => {
      const batch = Array.from({ length: 5000 }, (_, i) => ev(`s${i % 20}`, T0 + i, `line ${i} ünïcode`));
      await store.append(batch, T0, { create: true });
      const events = await store.readEvents({ groupName: "/aws/lambda/f", limit: 10_000 });
      assert.equal(events.length, 5000);
      assert.equal(events[4999]?.message, "line 4999 ünïcode");
      assert.equal((await store.listStreams("/aws/lambda/f", { limit: 100 })).length, 20);
    });

    void test("subscription filters: two per group, replaced by name, start after the group's last event", async () => {
      const filter = (name: string, over: Partial<SubscriptionFilterRecord> = {}): SubscriptionFilterRecord => ({
        ...{ groupName: "/aws/lambda/f", name, filterPattern: "ERROR", distribution: "ByLogStream", createdAt: T0 },
        destinationArn: "arn:aws:lambda:us-east-1:000000000000:function:sink",
        ...over,
      });
      assert.equal(await store.putSubscriptionFilter(filter("a"), 2), "no-group");
      await store.append([ev("s", T0, "before")], T0, { create: true });
      assert.equal(await store.putSubscriptionFilter(filter("a"), 2), "ok");
      assert.equal(await store.putSubscriptionFilter(filter("b", { roleArn: "arn:aws:iam::0:role/r" }), 2), "ok");
      assert.equal(await store.putSubscriptionFilter(filter("c"), 2), "limit");
      const [a] = await store.listSubscriptionFilters("/aws/lambda/f");
      assert.ok(a);
      assert.deepEqual(await store.readEventsSince(a.groupName, a.cursor, { limit: 10, ingestedBefore: T0 + 10 }), []);
      await store.append([ev("s", T0 + 1, "one"), ev("t", T0, "two")], T0 + 5, { create: true });
      await store.append([ev("s", T0, "elsewhere", "/other")], T0 + 5, { create: true });
      const since = await store.readEventsSince(a.groupName, a.cursor, { limit: 10, ingestedBefore: T0 + 10 });
      assert.deepEqual(
        since.map((e) => [e.streamName, e.message, e.timestamp]),
        [
          ["s", "one", T0 + 1],
          ["t", "two", T0],
        ],
        "in arrival order, only this group's",
      );
      assert.deepEqual(await store.readEventsSince(a.groupName, a.cursor, { limit: 10, ingestedBefore: T0 + 5 }), []);
      const last = since[1]?.id ?? 0;
      assert.equal(await store.advanceSubscriptionCursor(a.groupName, "a", a.cursor, last), true);
      assert.equal(await store.advanceSubscriptionCursor(a.groupName, "a", a.cursor, last), false, "moved once");
      assert.equal(await store.putSubscriptionFilter(filter("a", { filterPattern: "WARN" }), 2), "ok");
      const all = await store.listSubscriptionFilters();
      assert.deepEqual(
        all.map((f) => [f.name, f.filterPattern, f.cursor === last, f.roleArn]),
        [
          ["a", "WARN", true, undefined],
          ["b", "ERROR", false, "arn:aws:iam::0:role/r"],
        ],
        "a replaced filter keeps its cursor",
      );
      assert.equal(await store.deleteSubscriptionFilter("/aws/lambda/f", "b"), true);
      assert.equal(await store.deleteSubscriptionFilter("/aws/lambda/f", "b"), false);
      await store.deleteGroup("/aws/lambda/f");
      assert.deepEqual(await store.listSubscriptionFilters(), [], "a deleted group's filters go with it");
    });
    void test("appendBatch stores a writer's batch as append stores the events its records and events make", async () => {
      const records = sampleRecords();
      const b = new LogBatchBuilder();
      b.addEvent("/aws/lambda/f", "notices", T0 - 1, "a notice");
      for (const r of records) b.addInvocation(r, "/aws/lambda/f");
      await store.appendBatch(b.take() as NonNullable<ReturnType<LogBatchBuilder["take"]>>, T0 + 100);
      const want: [string, number, string][] = [["notices", T0 - 1, "a notice"]];
      for (const r of records) eachInvocationEvent(r, (t, m) => want.push([recordStreamName(r), t, m]));
      want.sort((x, y) => x[1] - y[1]);
      const got = await store.readEvents({ groupName: "/aws/lambda/f", limit: 100 });
      assert.deepEqual(
        got.map((e) => [e.streamName, e.timestamp, e.message]),
        want,
      );
      assert.ok(got.every((e) => e.ingestionTime === T0 + 100));
      assert.equal(got[2]?.message, "START RequestId: r1 Version: $LATEST");
      assert.equal((await store.getStream("/aws/lambda/f", "2023/11/14/[$LATEST]bbbb"))?.lastEventAt, T0 + 3000);
    });
    void test("a batch of many calls on one instance reads back whole, in pages both ways", async () => {
      const b = new LogBatchBuilder();
      const want: string[] = [];
      for (let n = 0; n < 300; n++) {
        const r = { ...sampleRecords()[0]!, requestId: `many-${n}`, startedAt: T0 + n * 20, initLines: [] };
        b.addInvocation({ ...r, initDurationMs: undefined, lines: [`line ${n}`] }, "/aws/lambda/f");
        eachInvocationEvent({ ...r, initDurationMs: undefined, lines: [`line ${n}`] }, (t, m) =>
          want.push(`${t} ${m}`),
        );
      }
      await store.appendBatch(b.take()!, T0);
      const read = async (descending: boolean): Promise<string[]> => {
        const got: string[] = [];
        for (let after: EventCursor | undefined; ;) {
          const page = await store.readEvents({ groupName: "/aws/lambda/f", limit: 37, after, descending });
          got.push(...page.map((e) => `${e.timestamp} ${e.message}`));
          if (page.length < 37) return got;
          after = page.at(-1);
        }
      };
      assert.deepEqual(await read(false), want);
      assert.deepEqual(await read(true), [...want].reverse());
      const since = await store.readEventsSince("/aws/lambda/f", 0, { limit: 2000, ingestedBefore: T0 + 1 });
      assert.equal(since.length, want.length);
      assert.deepEqual(await store.measureRange({ groupName: "/aws/lambda/f", startTime: T0, endTime: T0 + 6000 }), {
        records: want.length,
        bytes: want.reduce((n, l) => n + Buffer.byteLength(l.slice(l.indexOf(" ") + 1)), 0),
      });
    });
    void test("a batch's records read as the events they make, through every read: pages both ways, ranges, terms, measures, ids", async () => {
      const { batches, events } = recordBatches();
      // The same events appended as text to another group: what every read of the records must equal.
      for (const [i, batch] of batches.entries()) {
        await store.appendBatch(batch, T0 + 10_000 + i);
        await store.append(
          events[i]!.map((e) => ({ ...e, groupName: "/oracle" })),
          T0 + 10_000 + i,
          { create: true },
        );
      }
      const seen = (list: StoredLogEvent[]): string[] => list.map((e) => `${e.streamName} ${e.timestamp} ${e.message}`);
      const pages = async (q: Omit<EventQuery, "groupName">, group: string): Promise<StoredLogEvent[]> => {
        const all: StoredLogEvent[] = [];
        for (let after: EventCursor | undefined; ;) {
          const page = await store.readEvents({ ...q, groupName: group, after });
          all.push(...page);
          if (page.length < q.limit) return all;
          after = page.at(-1);
        }
      };
      const both = async (q: Omit<EventQuery, "groupName">, what: string): Promise<StoredLogEvent[]> => {
        const got = await pages(q, "/aws/lambda/f");
        assert.deepEqual(seen(got), seen(await pages(q, "/oracle")), what);
        return got;
      };
      const all = await both({ limit: 10_000 }, "everything");
      assert.equal(all.length, events.flat().length);
      assert.equal(new Set(all.map((e) => e.id)).size, all.length, "one id per event");
      assert.deepEqual(seen(await both({ limit: 7 }, "pages of 7")), seen(all));
      assert.deepEqual(
        seen(await both({ limit: 5, descending: true }, "pages of 5, newest first")),
        seen(all).reverse(),
      );
      await both({ limit: 3, startTime: T0 + 1_000, endTime: T0 + 2_500 }, "a range that cuts records");
      await both({ limit: 4, startTime: T0 + 1_000, endTime: T0 + 2_500, descending: true }, "the range newest first");
      await both({ limit: 6, streamNames: ["s/b"], descending: true }, "one stream, newest first");
      await both({ limit: 6, streamNames: ["s/a", "s/c"] }, "two streams");
      await both({ limit: 2, streamPrefix: "s/c", startTime: T0 + 900 }, "a prefix and a start");
      const report = [[{ text: "REPORT", atStart: true }]];
      const hits = await both({ limit: 9, messageTerms: report }, "a term at the start");
      assert.ok(hits.length > 0 && hits.every((e) => e.message.startsWith("REPORT")));
      await both({ limit: 4, messageTerms: [[{ text: "error", ignoreCase: true }, { text: "timed out" }]] }, "terms");
      await both({ limit: 3, descending: true, messageTerms: [[{ text: "Duration" }], [{ text: "Init" }]] }, "clauses");
      for (const [from, to] of [
        [T0, T0 + 1],
        [T0 + 1_000, T0 + 2_500],
        [T0 - 1_000, T0 + 100_000],
        [T0 + 3_001, T0 + 3_002],
      ] as const) {
        const range = { startTime: from, endTime: to };
        assert.deepEqual(
          await store.measureRange({ groupName: "/aws/lambda/f", ...range }),
          await store.measureRange({ groupName: "/oracle", ...range }),
          `measure ${from - T0}..${to - T0}`,
        );
      }
      const since = async (group: string): Promise<StoredLogEvent[]> => {
        const got: StoredLogEvent[] = [];
        for (let cursor = 0; ;) {
          const page = await store.readEventsSince(group, cursor, { limit: 5, ingestedBefore: T0 + 20_000 });
          got.push(...page);
          if (page.length === 0) return got;
          assert.ok(page.length <= 5);
          cursor = page.at(-1)!.id;
        }
      };
      // Ids follow arrival, though a store may number a batch's streams in turn: the same events, ids rising.
      const arrived = await since("/aws/lambda/f");
      assert.deepEqual(seen(arrived).sort(), seen(await since("/oracle")).sort(), "events since a cursor");
      assert.deepEqual(
        arrived.map((e) => e.id),
        all.map((e) => e.id).sort((a, b) => a - b),
      );
      const streams = await store.listStreams("/aws/lambda/f", { limit: 10 });
      const oracle = await store.listStreams("/oracle", { limit: 10 });
      assert.deepEqual(
        streams.map((x) => [x.name, x.firstEventAt, x.lastEventAt]),
        oracle.map((x) => [x.name, x.firstEventAt, x.lastEventAt]),
        "streams' first and last event times",
      );
      await store.setRetention("/aws/lambda/f", 1);
      await store.setRetention("/oracle", 1);
      const expired = await store.expire(T0 + 100_000 + DAY_MS);
      assert.equal(expired, 2 * all.length, "every event of both groups, counted one by one");
      assert.deepEqual(await store.readEvents({ groupName: "/aws/lambda/f", limit: 10 }), []);
    });
  });
}

/**
 * Three batches of a writer: invocations of one function on three instances that overlap in time
 * (cold starts, long calls, timeouts, JSON records, SystemLogLevel WARN, dropped lines, lines that
 * say "error"), and plain events between them; with the events each batch makes, in its order.
 */
function recordBatches(): { batches: LogBatch[]; events: LogEventInput[][] } {
  const batches: LogBatch[] = [];
  const events: LogEventInput[][] = [];
  let n = 0;
  for (let batch = 0; batch < 3; batch++) {
    const b = new LogBatchBuilder();
    const made: LogEventInput[] = [];
    for (let i = 0; i < 14; i++, n++) {
      const stream = `s/${"abc"[n % 3]}`;
      if (n % 5 === 4) {
        const e = ev(stream, T0 + n * 97, `a plain line ${n} with Error`);
        b.addEvent(e.groupName, e.streamName, e.timestamp, e.message);
        made.push(e);
        continue;
      }
      const r: InvocationRecord = {
        requestId: `req-${n}`,
        functionName: "f",
        functionArn: "arn:aws:lambda:us-east-1:000000000000:function:f",
        executedVersion: n % 4 === 0 ? "$LATEST" : "3",
        outcome: n % 7 === 3 ? "timeout" : n % 11 === 5 ? "function-error" : "ok",
        errorType: n % 11 === 5 ? "Error" : undefined,
        startedAt: T0 + n * 97,
        // Every time of stream s is s modulo 3: no two streams' events tie (ids may order them differently).
        durationMs: n % 7 === 3 ? 3000 : ((n * 37) % 300) * 3,
        billedDurationMs: 1,
        initDurationMs: n < 3 ? 248.5 : undefined,
        memorySizeMb: 128,
        maxMemoryUsedMb: 64,
        logStreamName: stream,
        timeoutSec: 3,
        droppedLines: n % 9 === 8 ? 12 : undefined,
        logging:
          n % 6 === 1
            ? { format: "JSON", group: "/aws/lambda/f", systemLevel: n % 12 === 7 ? "WARN" : undefined }
            : undefined,
        initLines: n < 3 ? [`init ${n}`] : [],
        lines: Array.from({ length: n % 4 }, (_, k) => (k === 1 ? `line ${n} ERROR here` : `line ${n}.${k}`)),
      };
      b.addInvocation(r, "/aws/lambda/f");
      eachInvocationEvent(r, (timestamp, message) => made.push(ev(stream, timestamp, message)));
    }
    batches.push(b.take()!);
    events.push(made);
  }
  return { batches, events };
}
