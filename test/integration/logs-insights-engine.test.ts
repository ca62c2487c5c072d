/**
 * The Logs Insights engine reads through the LogStore port: the same queries over the same events
 * on SQLite and on PostgreSQL, the time range, several groups, a stop between chunks, and the
 * node's query registry (a query stopped before its scan starts never scans).
 */
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { PgLogStore } from "../../src/adapters/postgres/pg-log-store.js";
import { SqliteLogStore } from "../../src/adapters/sqlite/log-store.js";
import { InsightsQueries } from "../../src/api/logs/insights.js";
import type { LogStore } from "../../src/ports/log-store.js";
import { ManualClock } from "../../src/shared/clock.js";
import { insights } from "../../src/telemetry/index.js";
import { pgFixture } from "../helpers/postgres.js";

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const COUNT = 5000;

async function seed(store: LogStore): Promise<void> {
  for (const g of ["/a", "/b"]) {
    await store.createGroup({ name: g, createdAt: T0, tags: {}, logGroupClass: "STANDARD" });
    await store.createStream(g, "s", T0);
  }
  const events = [];
  for (let i = 0; i < COUNT; i++) {
    const message =
      i % 2
        ? JSON.stringify({ level: i % 10 === 1 ? "ERROR" : "INFO", ms: i })
        : `REPORT RequestId: r${i}\tDuration: ${i % 100}.50 ms\tBilled Duration: ${(i % 100) + 1} ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\t`;
    events.push({ groupName: i < 4000 ? "/a" : "/b", streamName: "s", timestamp: T0 + i * 100, message });
  }
  await store.append(events, T0 + COUNT * 100);
}

async function run(store: LogStore, q: string, o: { groups?: string[]; end?: number; stopAfter?: number } = {}) {
  const statistics = { recordsMatched: 0, recordsScanned: 0, bytesScanned: 0 };
  const rows = await insights.runQuery(insights.parseQuery(q), {
    store,
    groups: o.groups ?? ["/a", "/b"],
    startTime: T0,
    endTime: o.end ?? T0 + COUNT * 100,
    limit: insights.DEFAULT_LIMIT,
    statistics,
    stopped: o.stopAfter === undefined ? undefined : () => statistics.recordsScanned >= (o.stopAfter as number),
  });
  return { rows: rows.map((r) => Object.fromEntries(r.map((c) => [c.field, c.value]))), statistics };
}

function suite(name: string, open: () => Promise<LogStore>): void {
  describe(`Logs Insights engine on ${name}`, { concurrency: false }, () => {
    let store: LogStore;
    after(async () => store?.close());

    test("stats over REPORT lines and JSON lines across groups", async () => {
      store = await open();
      await seed(store);
      const { rows, statistics } = await run(
        store,
        "filter @type = 'REPORT' | stats count(*) as n, avg(@duration) as avg, pct(@duration, 90) as p90, max(@memorySize) as mem",
      );
      assert.deepEqual(rows, [{ n: "2500", avg: "49.5", p90: "88.5", mem: "128000000" }]);
      assert.equal(statistics.recordsScanned, COUNT);
      assert.equal(statistics.recordsMatched, 2500);
      const errors = await run(
        store,
        "filter level = 'ERROR' | stats count(*) as n by bin(1m) | sort n desc | limit 2",
      );
      assert.deepEqual(
        errors.rows.map((r) => r["n"]),
        ["60", "60"],
      );
    });

    test("time range, one group, sort with a bounded keep, limit", async () => {
      const { rows } = await run(store, "filter ispresent(ms) | sort ms desc | limit 3 | display ms", {
        groups: ["/a"],
        end: T0 + 1000 * 100,
      });
      assert.deepEqual(
        rows.map((r) => r["ms"]),
        ["999", "997", "995"],
      );
    });

    test("a stop between chunks ends the scan", async () => {
      const { statistics } = await run(store, "stats count(*)", { stopAfter: 1 });
      assert.ok(statistics.recordsScanned < COUNT, String(statistics.recordsScanned));
    });

    test("the registry: a query stopped before its scan never runs; one left alone completes; 30 at once at most", async () => {
      const queries = new InsightsQueries();
      const ctx = { store, clock: new ManualClock(T0), groupArn: (n: string) => n, queries };
      const q = {
        query: insights.parseQuery("stats count(*) as n"),
        queryString: "q",
        groups: ["/a"],
        range: [T0, T0 + COUNT * 100] as [number, number],
        limit: 10,
      };
      const stopped = queries.start(ctx, q);
      queries.get(stopped).status = "Cancelled";
      const done = queries.start(ctx, q);
      // One scheduled (the other stopped); 29 more reach the quota of 30, the 31st is refused as AWS refuses it.
      const more = Array.from({ length: 29 }, () => queries.start(ctx, q));
      assert.throws(() => queries.start(ctx, q), {
        code: "ERR_LOGS_LIMIT_EXCEEDED",
        message: "Account maximum query concurrency limit of [30] reached.",
      });
      for (const id of more) queries.get(id).status = "Cancelled";
      await Promise.all(queries.running);
      assert.equal(queries.get(stopped).statistics.recordsScanned, 0);
      assert.equal(queries.get(done).status, "Complete");
      assert.deepEqual(queries.get(done).results, [[{ field: "n", value: "4000" }]]);
    });
  });
}

suite("SQLite", () => Promise.resolve(SqliteLogStore.open({ path: ":memory:" })));
suite(
  "PostgreSQL",
  pgFixture((db) => new PgLogStore(db)),
);
