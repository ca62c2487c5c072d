/**
 * The leader's sweep on PostgreSQL: it trims change-log rows older than it keeps and forgets nodes
 * silent for longer than it shows them; a node that does not lead sweeps nothing.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { PgDatabase } from "../../src/adapters/postgres/database.js";
import { PgChangeFeed } from "../../src/adapters/postgres/pg-change-feed.js";
import { PgNodeRegistry } from "../../src/adapters/postgres/pg-cluster.js";
import { ClusterHousekeeping } from "../../src/cluster/housekeeping.js";
import { ManualClock } from "../../src/shared/clock.js";
import { pgFixture } from "../helpers/postgres.js";

const open = pgFixture((db: PgDatabase) => {
  db.retain();
  return { db, close: () => db.release() };
});

test("only the leader sweeps: old change-log rows and long-dead nodes go, recent ones stay", async () => {
  const { db, close } = await open();
  const clock = new ManualClock(1_000_000);
  const feed = new PgChangeFeed(db, { clock });
  const registry = new PgNodeRegistry(db);
  let leader = false;
  const sweeper = new ClusterHousekeeping({
    feed,
    registry,
    clock,
    isLeader: () => leader,
    everyMs: 10_000,
    keepChangesMs: 60_000,
    keepDeadNodesMs: 120_000,
  });
  await feed.publish({ kind: "function", key: "old" }, "n1", 900_000);
  const recent = await feed.publish({ kind: "function", key: "recent" }, "n1", 990_000);
  const load = { inFlight: 0, events: 0, instances: 0 };
  const node = (nodeId: string, heartbeatAt: number) => ({
    nodeId,
    name: "h",
    address: "h:3000",
    apiUrl: "http://h:3001",
    version: "0.1.0",
    startedAt: 0,
    heartbeatAt,
    load,
  });
  await registry.heartbeat(node("dead-long-ago", 800_000));
  await registry.heartbeat(node("dead-recently", 950_000));
  await sweeper.sweep();
  assert.equal((await feed.readSince(0, 10)).length, 2, "not the leader: nothing trimmed");
  leader = true;
  await sweeper.sweep();
  assert.deepEqual(
    (await feed.readSince(0, 10)).map((c) => c.seq),
    [recent],
  );
  assert.deepEqual(
    (await registry.list()).map((n) => n.nodeId),
    ["dead-recently"],
  );
  await feed.close();
  await close();
});
