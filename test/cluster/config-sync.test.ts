/**
 * ConfigSync on PostgreSQL's change log and LISTEN/NOTIFY: another node's change is applied at
 * once; a change whose notification never came is found by the periodic catch-up; a node that
 * fell behind what the log keeps reloads everything; so does a node whose listening connection was
 * lost and restored.
 */
import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import type { PgDatabase } from "../../src/adapters/postgres/database.js";
import { PgChangeFeed } from "../../src/adapters/postgres/pg-change-feed.js";
import { ConfigSync } from "../../src/cluster/config-sync.js";
import type { ConfigChange } from "../../src/ports/cluster.js";
import { ManualClock, systemClock, type Clock } from "../../src/shared/clock.js";
import { pgFixture } from "../helpers/postgres.js";

const open = pgFixture((db: PgDatabase) => {
  db.retain();
  return { db, close: () => db.release() };
});

async function until(what: string, cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe("ConfigSync", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function node(db: PgDatabase, nodeId: string, clock: Clock = systemClock) {
    const applied: string[] = [];
    let reloads = 0;
    const sync = new ConfigSync({
      feed: new PgChangeFeed(db, { clock }),
      nodeId,
      clock,
      catchUpMs: 1000,
      apply: (c: ConfigChange) => {
        applied.push(`${c.kind}:${c.key}`);
        return Promise.resolve();
      },
      reloadAll: () => {
        reloads++;
        return Promise.resolve();
      },
    });
    cleanups.push(() => sync.stop());
    await sync.begin();
    return { sync, applied, reloads: () => reloads };
  }

  test("a change made on one node is applied on the others, not on its own", async () => {
    const { db, close } = await open();
    cleanups.push(close);
    const a = await node(db, "a");
    const b = await node(db, "b");
    await a.sync.start();
    await b.sync.start();
    a.sync.publish({ kind: "function", key: "fn" });
    a.sync.publish({ kind: "api", key: "apiid00001" });
    await until("b applied both", () => b.applied.length === 2);
    assert.deepEqual(b.applied.sort(), ["api:apiid00001", "function:fn"]);
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(a.applied, []);
  });

  test("a change whose notification was missed is applied by the next catch-up", async () => {
    const { db, close } = await open();
    cleanups.push(close);
    const clock = new ManualClock(Date.now());
    const b = await node(db, "b", clock);
    await b.sync.start();
    await b.sync.settled();
    // Recorded without a notification: as if b's connection had dropped it.
    await db.run("INSERT INTO cluster_changes (kind, key, origin, at) VALUES ('function', 'quiet', 'a', 1)");
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(b.applied, []);
    clock.advance(1000);
    await until("the catch-up", () => b.applied.length === 1);
    assert.deepEqual(b.applied, ["function:quiet"]);
    clock.advance(1000);
    await b.sync.settled();
    assert.deepEqual(b.applied, ["function:quiet"], "applied once");
  });

  test("a node behind what the log still holds reloads everything", async () => {
    const { db, close } = await open();
    cleanups.push(close);
    const b = await node(db, "b");
    const feed = new PgChangeFeed(db, { clock: systemClock });
    for (const key of ["x", "y", "z"]) await feed.publish({ kind: "function", key }, "a", 1);
    await feed.trim(2);
    await b.sync.start();
    await b.sync.settled();
    assert.equal(b.reloads(), 1);
    assert.deepEqual(b.applied, []);
  });

  test("a lost listening connection comes back; the node reloads all, then hears new changes", async () => {
    const { db, close } = await open();
    cleanups.push(close);
    const a = await node(db, "a");
    const b = await node(db, "b");
    await b.sync.start();
    await a.sync.start();
    await db.rows(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE application_name = 'haneul-listen' AND datname = current_database()`,
    );
    a.sync.publish({ kind: "function", key: "during" });
    // What happened while it was away is covered by reloading everything (or applied, if heard).
    await until("b reloaded after reconnecting", () => b.reloads() === 1);
    a.sync.publish({ kind: "function", key: "after" });
    await until("b hears new changes", () => b.applied.includes("function:after"));
  });
});
