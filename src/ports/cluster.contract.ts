import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import type { ChangeFeed, ChangeRecord, LeaseStore, NodeRecord, NodeRegistry, SlotLeases } from "./cluster.js";

/** One fresh set of cluster ports on an empty database. */
export interface ClusterPorts {
  readonly feed: ChangeFeed;
  /** A second feed on its own connection (another node). */
  readonly otherFeed: ChangeFeed;
  readonly nodes: NodeRegistry;
  readonly leases: LeaseStore;
  readonly slots: SlotLeases;
  close(): Promise<void>;
}

/** What a listener heard, with a way to wait for more. */
export function recorder() {
  const changes: ChangeRecord[] = [];
  const signals: string[] = [];
  let connected = 0;
  const listener = {
    onChange: (r: ChangeRecord) => void changes.push(r),
    onSignal: (kind: string, key: string) => void signals.push(`${kind}:${key}`),
    onConnected: () => void connected++,
    onDisconnected: () => undefined,
  };
  const until = async (what: string, cond: () => boolean, timeoutMs = 5000) => {
    const deadline = Date.now() + timeoutMs;
    while (!cond()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  return { changes, signals, connected: () => connected, listener, until };
}

const node = (nodeId: string, over: Partial<NodeRecord> = {}): NodeRecord => ({
  nodeId,
  name: `host-${nodeId}`,
  address: `${nodeId}:3000`,
  apiUrl: `http://${nodeId}:3001`,
  version: "0.1.0",
  startedAt: 1000,
  heartbeatAt: 1000,
  load: { inFlight: 0, events: 0, instances: 0 },
  ...over,
});

/** Registers the cluster ports' contract as node:test tests; `make` opens them on an empty database. */
export function runClusterContract(name: string, make: () => Promise<ClusterPorts>): void {
  void describe(`Cluster contract: ${name}`, () => {
    let ports: ClusterPorts | undefined;
    beforeEach(async () => {
      ports = await make();
    });
    afterEach(async () => {
      await ports?.close();
      ports = undefined;
    });
    const p = (): ClusterPorts => {
      if (!ports) throw new Error("not open");
      return ports;
    };
    registerFeedContract(p);
    registerNodeContract(p);
    registerLeaseContract(p);
    registerSlotContract(p);
  });
}

function registerFeedContract(p: () => ClusterPorts): void {
  void test("changes: recorded in order, heard by every listening node, read back since a number", async () => {
    const { feed, otherFeed } = p();
    const here = recorder();
    const there = recorder();
    await feed.listen(here.listener);
    await otherFeed.listen(there.listener);
    assert.equal(here.connected(), 1);
    assert.deepEqual(await feed.bounds(), { oldest: 0, latest: 0 });
    const a = await feed.publish({ kind: "function", key: "fn-a" }, "node-1", 1000);
    const b = await otherFeed.publish({ kind: "api", key: "abcdefghij" }, "node-2", 1001);
    assert.ok(b > a);
    await there.until("both changes", () => there.changes.length === 2);
    await here.until("both changes", () => here.changes.length === 2);
    assert.deepEqual(there.changes, [
      { seq: a, kind: "function", key: "fn-a", origin: "node-1" },
      { seq: b, kind: "api", key: "abcdefghij", origin: "node-2" },
    ]);
    assert.deepEqual(await feed.readSince(a, 10), [there.changes[1]]);
    assert.deepEqual(await feed.bounds(), { oldest: a, latest: b });
    assert.equal(await feed.trim(1001), 1);
    assert.deepEqual(await feed.bounds(), { oldest: b, latest: b });
    assert.equal(await feed.trim(5000), 1);
    assert.deepEqual(await feed.bounds(), { oldest: 0, latest: b }, "the latest number survives a trim");
  });

  void test("signals: heard by every listening node, never recorded", async () => {
    const { feed, otherFeed } = p();
    const there = recorder();
    await otherFeed.listen(there.listener);
    await feed.signal("slots", "*");
    await there.until("the signal", () => there.signals.length === 1);
    assert.deepEqual(there.signals, ["slots:*"]);
    assert.deepEqual(await feed.readSince(0, 10), []);
  });
}

function registerNodeContract(p: () => ClusterPorts): void {
  void test("nodes: a heartbeat registers or refreshes a node; stale ones are removed", async () => {
    const { nodes } = p();
    await nodes.heartbeat(node("b", { startedAt: 2000, heartbeatAt: 2000 }));
    await nodes.heartbeat(node("a"));
    const load = { inFlight: 3, events: 1, instances: 2 };
    await nodes.heartbeat(node("a", { heartbeatAt: 5000, load }));
    assert.deepEqual(await nodes.list(), [
      node("a", { heartbeatAt: 5000, load }),
      node("b", { startedAt: 2000, heartbeatAt: 2000 }),
    ]);
    assert.equal(await nodes.removeStale(3000), 1);
    assert.deepEqual(
      (await nodes.list()).map((n) => n.nodeId),
      ["a"],
    );
    await nodes.remove("a");
    assert.deepEqual(await nodes.list(), []);
  });
}

function registerLeaseContract(p: () => ClusterPorts): void {
  void test("leases: one holder until it expires; the holder renews; a release frees it at once", async () => {
    const { leases } = p();
    assert.equal(await leases.acquire("leader", "n1", { now: 1000, until: 2000 }), true);
    assert.equal(await leases.acquire("leader", "n2", { now: 1999, until: 2999 }), false);
    assert.equal(await leases.acquire("leader", "n1", { now: 1500, until: 2500 }), true, "renewed");
    assert.deepEqual(await leases.holder("leader"), { owner: "n1", expiresAt: 2500 });
    assert.equal(await leases.acquire("leader", "n2", { now: 2499, until: 3499 }), false);
    assert.equal(await leases.acquire("leader", "n2", { now: 2500, until: 3500 }), true, "taken once expired");
    assert.equal(await leases.acquire("leader", "n1", { now: 2600, until: 3600 }), false);
    assert.equal(await leases.release("leader", "n1"), false, "only the holder releases");
    assert.equal(await leases.release("leader", "n2"), true);
    assert.equal(await leases.holder("leader"), undefined);
    assert.equal(await leases.acquire("leader", "n1", { now: 2700, until: 3700 }), true);
    assert.equal(await leases.acquire("other", "n2", { now: 2700, until: 3700 }), true, "leases are independent");
  });

  void test("leases: of many owners trying at once, exactly one wins", async () => {
    const { leases } = p();
    const owners = Array.from({ length: 8 }, (_, i) => `n${i}`);
    const won = await Promise.all(owners.map((o) => leases.acquire("leader", o, { now: 1000, until: 2000 })));
    assert.equal(won.filter(Boolean).length, 1);
  });
}

function registerSlotContract(p: () => ClusterPorts): void {
  const req = (node: string, o: { min: number; want: number; now?: number; limit?: number }) => ({
    pool: "*",
    node,
    limit: o.limit ?? 10,
    now: o.now ?? 1000,
    until: (o.now ?? 1000) + 1000,
    min: o.min,
    want: o.want,
  });

  void test("slots: a grant is what the pool has left after the other nodes' unexpired holdings", async () => {
    const { slots } = p();
    assert.equal(await slots.grant(req("a", { min: 1, want: 7 })), 7);
    assert.equal(await slots.grant(req("b", { min: 1, want: 7 })), 3);
    assert.equal(await slots.grant(req("c", { min: 1, want: 1 })), -1, "nothing left");
    assert.equal(
      await slots.grant(req("a", { min: 8, want: 9 })),
      -1,
      "a's own holding does not count against it, b's does",
    );
    assert.deepEqual(await slots.held(1000), new Map([["*", 10]]));
    await slots.set("*", "a", { slots: 2, until: 2000 });
    assert.equal(await slots.grant(req("c", { min: 1, want: 4 })), 4);
    assert.equal(
      await slots.grant(req("c", { min: 6, want: 6, now: 2000 })),
      6,
      "a's and b's holdings expired at 2000",
    );
    await slots.renew("c", 9000);
    assert.equal(await slots.grant(req("a", { min: 4, want: 5, now: 3000 })), 4, "c renewed its 6");
    await slots.releaseAll("c");
    assert.deepEqual(await slots.held(3000), new Map([["*", 4]]));
    assert.equal(await slots.grant({ ...req("a", { min: 1, want: 1 }), pool: "fn" }), 1, "pools are independent");
  });

  void test("slots: grants racing on one pool never hand out more than its limit", async () => {
    const { slots } = p();
    const nodes = Array.from({ length: 10 }, (_, i) => `n${i}`);
    const grants = await Promise.all(nodes.map((n) => slots.grant(req(n, { min: 1, want: 3 }))));
    const total = grants.filter((g) => g > 0).reduce((a, b) => a + b, 0);
    assert.equal(total, 10);
    assert.deepEqual(await slots.held(1000), new Map([["*", 10]]));
  });
}
