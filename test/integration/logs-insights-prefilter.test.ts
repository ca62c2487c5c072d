/**
 * The Insights pre-filter narrows the store's reads, never the results: each query gives the same
 * rows and matched count with and without it, on SQLite and on PostgreSQL, over messages chosen
 * for the edges (case, Unicode case folding, LIKE wildcards, regex syntax, JSON members, platform lines).
 */
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { PgLogStore } from "../../src/adapters/postgres/pg-log-store.js";
import { SqliteLogStore } from "../../src/adapters/sqlite/log-store.js";
import type { LogStore } from "../../src/ports/log-store.js";
import { insights } from "../../src/telemetry/index.js";
import { pgFixture } from "../helpers/postgres.js";

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const GROUP = "/aws/lambda/f";

const MESSAGES = [
  "ERROR disk full",
  "error: disk",
  "ErRoR mixed",
  "Task timed out after 3.00 seconds",
  "50% done_now",
  "a_b\\c",
  "\u212A kelvin",
  "K kelvin",
  "ſtop",
  "STOP",
  "café ÉCHEC 😀",
  '{"level":"ERROR","@type":"REPORT","ms":12}',
  '{"level":"INFO","@requestId":"r\\u0031"}',
  '2026-01-01T12:00:00.000Z\tr9\tERROR\t{"level":"WARN","code":"E1"}',
  "REPORT RequestId: r1\tDuration: 3.50 ms\tBilled Duration: 4 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\t",
  "START RequestId: r1 Version: $LATEST",
  "END RequestId: r1",
  "x REPORT not a report",
  "5",
  " 5.0 ",
];

const QUERIES = [
  "filter @message like /ERROR/",
  "filter @message like /error/i",
  "filter @message like 'ERROR'",
  "filter @message =~ /k kelvin/i",
  "filter @message like /stop/i",
  "filter @message like /ſtop/iu",
  "filter @message like /café|ÉCHEC/",
  "filter @message like '%'",
  "filter @message like '_b\\\\'",
  "filter @message like /Duration: \\d+(\\.\\d+)? ms/",
  "filter @message like /^REPORT/ | stats count(*) as n",
  "filter @type = 'REPORT' | stats count(*) as n, max(@duration) as d",
  "filter @type = 'START' or @type = 'END'",
  "filter @requestId = 'r1'",
  "filter level = 'ERROR' or code = 'E1'",
  "filter ms > 10",
  "filter @message = '5'",
  "filter @message = 'STOP'",
  "filter @logStream = 's1' and @message like /e/",
  "filter @logStream in ['s2']",
  "filter @logStream = 's1' | filter @logStream = 's2'",
  "fields @timestamp, @message | filter @message like /timed out/ | sort @timestamp desc | limit 2",
  "filter @message like /o/ or @duration > 1",
  "filter not @message like /ERROR/",
];

async function seed(store: LogStore): Promise<void> {
  const events = [];
  for (let round = 0; round < 3; round++) {
    for (const [i, message] of MESSAGES.entries()) {
      const t = T0 + (round * MESSAGES.length + i) * 1000;
      events.push({ groupName: GROUP, streamName: i % 2 ? "s1" : "s2", timestamp: t, message });
    }
  }
  await store.append(events, T0, { create: true });
}

async function run(store: LogStore, q: string, prefilter: boolean) {
  const statistics = { recordsMatched: 0, recordsScanned: 0, bytesScanned: 0 };
  const rows = await insights.runQuery(insights.parseQuery(q), {
    ...{ store, groups: [GROUP], startTime: T0, endTime: T0 + 3600_000, limit: 100, statistics, prefilter },
  });
  return { rows, statistics };
}

/** The same store, counting the events its reads return. */
function countingReads(store: LogStore): { store: LogStore; read: () => number } {
  let read = 0;
  const readEvents: LogStore["readEvents"] = async (q) => {
    const events = await store.readEvents(q);
    read += events.length;
    return events;
  };
  const counted = new Proxy(store, {
    get: (target, key) => {
      if (key === "readEvents") return readEvents;
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store: counted, read: () => read };
}

function suite(name: string, open: () => Promise<LogStore>): void {
  describe(`Insights pre-filter on ${name}`, { concurrency: false }, () => {
    let store: LogStore | undefined;
    after(async () => store?.close());

    test("every query: the same rows and matched count with and without the pre-filter", async () => {
      store = await open();
      await seed(store);
      for (const q of QUERIES) {
        const plain = await run(store, q, false);
        const narrowed = await run(store, q, true);
        assert.deepEqual(narrowed.rows, plain.rows, q);
        assert.equal(narrowed.statistics.recordsMatched, plain.statistics.recordsMatched, q);
        assert.equal(plain.statistics.recordsScanned, MESSAGES.length * 3, q);
        // A narrowed read still reports the whole range as scanned, as AWS counts it.
        assert.equal(narrowed.statistics.recordsScanned, plain.statistics.recordsScanned, q);
        assert.equal(narrowed.statistics.bytesScanned, plain.statistics.bytesScanned, q);
      }
      const bytes = MESSAGES.reduce((n, m) => n + Buffer.byteLength(m), 0) * 3;
      assert.equal((await run(store, "filter @message like /ERROR/", true)).statistics.bytesScanned, bytes);
    });

    test("the store reads only what can match", async () => {
      assert.ok(store);
      const counted = countingReads(store);
      const { rows } = await run(counted.store, "filter @message like /timed out/", true);
      assert.equal(rows.length, 3);
      assert.equal(counted.read(), 3);
      const json = await run(counted.store, "filter level = 'ERROR'", true);
      assert.equal(json.rows.length, 3);
      assert.equal(counted.read(), 3 + 9, "the JSON messages only");
    });
  });
}

suite("SQLite", () => Promise.resolve(SqliteLogStore.open({ path: ":memory:" })));
suite(
  "PostgreSQL",
  pgFixture((db) => new PgLogStore(db)),
);
