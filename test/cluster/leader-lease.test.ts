/**
 * The leader lease on PostgreSQL, in simulated time: one leader at a time; when the leader dies
 * (its clock stops: it renews nothing) another node takes over once the lease has run out, within
 * the lease time plus one try interval; a leader that stops on purpose hands over at once.
 */
import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import type { PgDatabase } from "../../src/adapters/postgres/database.js";
import { PgLeaseStore } from "../../src/adapters/postgres/pg-cluster.js";
import { LeaderLease } from "../../src/cluster/leader-lease.js";
import { ManualClock } from "../../src/shared/clock.js";
import { pgFixture } from "../helpers/postgres.js";

const open = pgFixture((db: PgDatabase) => {
  db.retain();
  return { leases: new PgLeaseStore(db), close: () => db.release() };
});

const LEASE_MS = 3000;

describe("LeaderLease", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function nodes(n: number) {
    const { leases, close } = await open();
    cleanups.push(close);
    const start = Date.now();
    return Array.from({ length: n }, (_, i) => {
      const clock = new ManualClock(start);
      const changes: boolean[] = [];
      const lease = new LeaderLease({
        leases,
        name: "leader",
        owner: `n${i}`,
        clock,
        leaseMs: LEASE_MS,
        onChange: (l) => changes.push(l),
      });
      cleanups.push(() => lease.stop());
      return { lease, clock, changes };
    });
  }

  /** Moves every live node's clock forward in try-interval steps, letting each try finish. */
  async function run(live: { lease: LeaderLease; clock: ManualClock }[], ms: number) {
    for (let t = 0; t < ms; t += LEASE_MS / 3) {
      for (const n of live) n.clock.advance(LEASE_MS / 3);
      for (const n of live) await n.lease.tick();
    }
  }

  test("one leader at a time; a dead leader's lease is taken over once it runs out", async () => {
    const [a, b, c] = await nodes(3);
    if (!a || !b || !c) throw new Error("three nodes");
    await a.lease.start();
    await b.lease.start();
    await c.lease.start();
    assert.deepEqual([a.lease.isLeader, b.lease.isLeader, c.lease.isLeader], [true, false, false]);
    await run([a, b, c], 3 * LEASE_MS);
    assert.deepEqual([a.lease.isLeader, b.lease.isLeader, c.lease.isLeader], [true, false, false], "a renews");
    // a is killed: its clock stops, it renews nothing. Its last renewal holds until lastRenewal + LEASE_MS.
    const killedAt = b.clock.now();
    let takeover: number | undefined;
    for (let t = 0; t <= 2 * LEASE_MS && takeover === undefined; t += LEASE_MS / 3) {
      await run([b, c], LEASE_MS / 3);
      if (b.lease.isLeader || c.lease.isLeader) takeover = b.clock.now() - killedAt;
    }
    assert.ok(takeover !== undefined, "another node took over");
    assert.ok(takeover <= LEASE_MS + LEASE_MS / 3, `took over after ${takeover} ms`);
    assert.equal([b.lease.isLeader, c.lease.isLeader].filter(Boolean).length, 1, "exactly one new leader");
    // a's own view: its lease has run out by its own clock too once it moves again.
    a.clock.advance(LEASE_MS);
    assert.equal(a.lease.isLeader, false);
  });

  test("a leader that stops hands over at the next try of another node", async () => {
    const [a, b] = await nodes(2);
    if (!a || !b) throw new Error("two nodes");
    await a.lease.start();
    await b.lease.start();
    await a.lease.stop();
    assert.deepEqual(a.changes, [true, false]);
    await run([b], LEASE_MS / 3);
    assert.equal(b.lease.isLeader, true);
  });
});
