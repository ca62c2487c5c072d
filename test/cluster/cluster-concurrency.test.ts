/**
 * Concurrency limits across nodes: two ClusterConcurrency instances (two nodes) on one PostgreSQL
 * database. A limit holds across them, a node with slots takes them without a round trip, idle
 * slots move to the node that needs them, and a dead node's slots come back after its lease.
 */
import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import type { PgDatabase } from "../../src/adapters/postgres/database.js";
import { PgSlotLeases } from "../../src/adapters/postgres/pg-cluster.js";
import { ClusterConcurrency } from "../../src/cluster/cluster-concurrency.js";
import { ManualClock, systemClock, type Clock } from "../../src/shared/clock.js";
import { pgFixture } from "../helpers/postgres.js";

const open = pgFixture((db: PgDatabase) => {
  db.retain();
  return { slots: new PgSlotLeases(db), close: () => db.release() };
});

type Node = ClusterConcurrency;

describe("ClusterConcurrency", () => {
  // Each test's nodes stop before the next test empties the database under them.
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of closers.splice(0).reverse()) await c();
  });

  async function cluster(options: { accountLimit?: number; leaseMs?: number; clocks?: Clock[] } = {}) {
    const { slots, close } = await open();
    closers.push(close);
    const nodes: Node[] = [];
    const clocks = options.clocks ?? [systemClock, systemClock];
    for (const [i, clock] of clocks.entries()) {
      const node = new ClusterConcurrency({
        slots,
        nodeId: `node-${i}`,
        clock,
        accountLimit: options.accountLimit ?? 1000,
        leaseMs: options.leaseMs ?? 5000,
        // The signal another node would send over the change feed, delivered directly.
        askOthers: (pool) => nodes.forEach((n) => n !== node && n.onPressure(pool)),
        waitMs: 200,
        trimAfterMs: 100,
      });
      nodes.push(node);
      closers.push(() => node.stop());
    }
    return { nodes, slots };
  }

  const acquire = async (n: Node, fn: string, reserved?: number, reservedTotal = 0) =>
    await n.tryAcquire(fn, reserved, reservedTotal);

  test("reserved concurrency holds across nodes; a freed slot moves to the node that asks", async () => {
    const { nodes } = await cluster();
    const [a, b] = nodes as [Node, Node];
    assert.equal(await acquire(a, "fn", 2), undefined);
    assert.equal(await acquire(a, "fn", 2), undefined);
    assert.equal(await acquire(b, "fn", 2), "ReservedFunctionConcurrentInvocationLimitExceeded");
    assert.equal(await acquire(a, "fn", 2), "ReservedFunctionConcurrentInvocationLimitExceeded");
    a.release("fn", 2);
    // a still holds the freed slot, idle: b's request makes it give the slot back.
    assert.equal(await acquire(b, "fn", 2), undefined);
    assert.deepEqual([a.held().get("fn"), b.held().get("fn")], [1, 1]);
    assert.equal(await acquire(a, "fn", 2), "ReservedFunctionConcurrentInvocationLimitExceeded");
    assert.deepEqual([a.inFlight, b.inFlight], [1, 1]);
  });

  test("the unreserved pool is the account limit less all reservations, across nodes", async () => {
    const { nodes, slots } = await cluster({ accountLimit: 10 });
    const [a, b] = nodes as [Node, Node];
    for (let i = 0; i < 6; i++) assert.equal(await acquire(a, `f${i}`, undefined, 4), undefined);
    assert.equal(await acquire(b, "g", undefined, 4), "ConcurrentInvocationLimitExceeded");
    a.release("f0", undefined);
    assert.equal(await acquire(b, "g", undefined, 4), undefined);
    const held = await slots.held(Date.now());
    assert.ok((held.get("*") ?? 0) <= 6, `at most 6 slots held in all: ${String(held.get("*"))}`);
  });

  test("with slots in hand, a call takes one without a round trip", async () => {
    const { nodes } = await cluster({ accountLimit: 1000 });
    const a = nodes[0] as Node;
    assert.equal(await acquire(a, "fn"), undefined);
    assert.equal(a.held().get("*"), 101, "one for the call and a margin of a tenth of the pool (at most 100)");
    for (let i = 0; i < 100; i++) {
      const taken = a.tryAcquire("fn", undefined, 0);
      assert.equal(taken, undefined, "answered synchronously, from memory");
    }
    assert.equal(a.inFlight, 101);
  });

  test("a node that stops renewing (killed) loses its slots when its lease runs out", async () => {
    // The dead node's clock never fires its timers: it renews nothing after its first grant.
    const dead = new ManualClock(Date.now());
    const { nodes } = await cluster({ leaseMs: 1000, clocks: [dead, systemClock] });
    const [a, b] = nodes as [Node, Node];
    assert.equal(await acquire(a, "fn", 1), undefined);
    assert.equal(await acquire(b, "fn", 1), "ReservedFunctionConcurrentInvocationLimitExceeded");
    await new Promise((r) => setTimeout(r, Math.max(0, dead.now() + 1000 - Date.now()) + 50));
    assert.equal(await acquire(b, "fn", 1), undefined);
  });
});
