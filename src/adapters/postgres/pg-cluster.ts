/** The small cluster ports on PostgreSQL: node registrations, named leases, concurrency slot leases. */
import type {
  LeaseHolder,
  LeaseStore,
  NodeRecord,
  NodeRegistry,
  SlotLeases,
  SlotRequest,
} from "../../ports/cluster.js";
import type { PgDatabase } from "./database.js";
import * as leases from "./sql/cluster-leases.js";
import * as nodes from "./sql/cluster-nodes.js";
import * as slots from "./sql/concurrency-slots.js";

/** Node registrations in table cluster_nodes. */
export class PgNodeRegistry implements NodeRegistry {
  readonly #db: PgDatabase;
  constructor(db: PgDatabase) {
    this.#db = db;
  }
  heartbeat(node: NodeRecord): Promise<void> {
    return nodes.upsertNode(this.#db, node);
  }
  list(): Promise<NodeRecord[]> {
    return nodes.selectNodes(this.#db);
  }
  remove(nodeId: string): Promise<void> {
    return nodes.deleteNode(this.#db, nodeId);
  }
  removeStale(before: number): Promise<number> {
    return nodes.deleteStaleNodes(this.#db, before);
  }
}

/** Named leases in table cluster_leases: each taken or renewed by one statement. */
export class PgLeaseStore implements LeaseStore {
  readonly #db: PgDatabase;
  constructor(db: PgDatabase) {
    this.#db = db;
  }
  acquire(name: string, owner: string, at: { now: number; until: number }): Promise<boolean> {
    return leases.acquireLease(this.#db, { name, owner, ...at });
  }
  release(name: string, owner: string): Promise<boolean> {
    return leases.releaseLease(this.#db, name, owner);
  }
  holder(name: string): Promise<LeaseHolder | undefined> {
    return leases.selectLease(this.#db, name);
  }
}

/** Concurrency slot leases in table concurrency_slots; grants of one pool hold its advisory lock. */
export class PgSlotLeases implements SlotLeases {
  readonly #db: PgDatabase;
  constructor(db: PgDatabase) {
    this.#db = db;
  }
  grant(r: SlotRequest): Promise<number> {
    const db = this.#db;
    return db.transaction(async (tx) => {
      await slots.lockPool(db, tx, r.pool);
      const free = r.limit - (await slots.sumOthersSlots(db, tx, r));
      if (free < r.min) return -1;
      const granted = Math.max(r.min, Math.min(r.want, free));
      await slots.upsertSlots(db, { pool: r.pool, node: r.node, slots: granted, until: r.until }, tx);
      return granted;
    });
  }
  async set(pool: string, node: string, hold: { slots: number; until: number }): Promise<void> {
    if (hold.slots <= 0) return slots.deleteSlots(this.#db, pool, node);
    return slots.upsertSlots(this.#db, { pool, node, ...hold });
  }
  renew(node: string, until: number): Promise<void> {
    return slots.renewSlots(this.#db, node, until);
  }
  releaseAll(node: string): Promise<void> {
    return slots.deleteNodeSlots(this.#db, node);
  }
  held(now: number): Promise<ReadonlyMap<string, number>> {
    return slots.sumSlotsByPool(this.#db, now);
  }
}
