import assert from "node:assert/strict";
import { test } from "node:test";
import { pgFixture } from "../../../test/helpers/postgres.js";
import { recorder, runClusterContract } from "../../ports/cluster.contract.js";
import { CHANGE_KINDS } from "../../ports/cluster.js";
import { systemClock } from "../../shared/clock.js";
import { PgChangeFeed } from "./pg-change-feed.js";
import { PgLeaseStore, PgNodeRegistry, PgSlotLeases } from "./pg-cluster.js";
import type { PgDatabase } from "./database.js";

const open = pgFixture((db: PgDatabase) => {
  db.retain();
  const feed = new PgChangeFeed(db, { clock: systemClock });
  const otherFeed = new PgChangeFeed(db, { clock: systemClock });
  return {
    db,
    feed,
    otherFeed,
    nodes: new PgNodeRegistry(db),
    leases: new PgLeaseStore(db),
    slots: new PgSlotLeases(db),
    async close() {
      await feed.close();
      await otherFeed.close();
      await db.release();
    },
  };
});

runClusterContract("PostgreSQL", open);

test("PgChangeFeed: a listening connection cut by the server is re-established, and the listener told", async () => {
  const ports = await open();
  const heard = recorder();
  const lost: Error[] = [];
  await ports.feed.listen({ ...heard.listener, onDisconnected: (e) => void lost.push(e) });
  assert.equal(heard.connected(), 1);
  const cut = await ports.db.rows(
    `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
      WHERE application_name = 'haneul-listen' AND datname = current_database() AND pid <> pg_backend_pid()`,
  );
  assert.equal(cut.length, 1);
  await heard.until("the reconnection", () => heard.connected() === 2);
  assert.equal(lost.length, 1);
  await ports.otherFeed.publish({ kind: "function", key: "after" }, "n2", 1);
  await heard.until("a change after reconnecting", () => heard.changes.length === 1);
  assert.equal(heard.changes[0]?.key, "after");
  await ports.close();
});

test("PgChangeFeed: every declared change kind is stored and heard by the other nodes", async () => {
  const ports = await open();
  const heard = recorder();
  await ports.feed.listen(heard.listener);
  for (const kind of CHANGE_KINDS) await ports.otherFeed.publish({ kind, key: `k-${kind}` }, "n2", 1);
  await heard.until("every kind", () => heard.changes.length === CHANGE_KINDS.length);
  assert.deepEqual(
    heard.changes.map((c) => c.kind),
    [...CHANGE_KINDS],
  );
  await ports.close();
});
