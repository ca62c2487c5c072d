/**
 * Ports of cluster mode: what several nodes sharing one database use to stay in step. The
 * database is the only coordination service: a change log with notifications (configuration
 * reaches every node), node registrations with heartbeats, named leases (one leader at a time),
 * and leases of concurrency slots (limits hold across nodes). Each has a contract suite in
 * cluster.contract.ts. Times are epoch milliseconds of the caller's clock.
 */

/** What changed: a function (code, configuration, versions, aliases, concurrency…) or an API. */
import type { NodeLoad } from "../domain/node-health.js";

export type { NodeLoad } from "../domain/node-health.js";
/**
 * Every kind of cached configuration a node announces to the others (kept in step with the
 * `cluster_changes_kind_check` constraint of the PostgreSQL migrations).
 */
export const CHANGE_KINDS = [
  "function",
  "api",
  "iam",
  "events",
  "deployments",
  "topics",
  "streams",
  "mappings",
  "layers",
  "logs",
  "usageplans",
] as const;

export interface ConfigChange {
  readonly kind: (typeof CHANGE_KINDS)[number];
  /** The function name or the API id. */
  readonly key: string;
}

/** A change as recorded: numbered in commit order (with possible gaps), with the node that made it. */
export interface ChangeRecord extends ConfigChange {
  readonly seq: number;
  readonly origin: string;
}

/** Receives what the change feed hears. */
export interface ChangeListener {
  /** A change was recorded (by any node, this one included). */
  onChange(record: ChangeRecord): void;
  /** A short-lived signal, not recorded (e.g. "give back idle slots of this pool"). */
  onSignal(kind: string, key: string): void;
  /** Listening started, or resumed after a lost connection: changes may have been missed meanwhile. */
  onConnected(): void;
  /** The listening connection was lost; it is being re-established. */
  onDisconnected(error: Error): void;
}

/** The change log and its notifications (PostgreSQL: a table and LISTEN/NOTIFY). */
export interface ChangeFeed {
  /** Records a change and notifies every listening node; resolves to its sequence number. */
  publish(change: ConfigChange, origin: string, at: number): Promise<number>;
  /** Sends a signal to every listening node (not recorded, may be lost). */
  signal(kind: string, key: string): Promise<void>;
  /** Changes numbered above `seq`, oldest first, at most `limit`. */
  readSince(seq: number, limit: number): Promise<ChangeRecord[]>;
  /** The highest sequence number recorded (0 when none) and the lowest still kept (0 when none). */
  bounds(): Promise<{ readonly oldest: number; readonly latest: number }>;
  /** Deletes changes recorded before `before`; resolves to how many. */
  trim(before: number): Promise<number>;
  /** Starts listening (resolves once it does, or rejects when the first connection fails). */
  listen(listener: ChangeListener): Promise<void>;
  /** Stops listening. */
  close(): Promise<void>;
}

/** How busy a node is, as it reports with each heartbeat. */

/** One node of the cluster as it registered. */
export interface NodeRecord {
  readonly nodeId: string;
  /** The host name of its machine (or pod). */
  readonly name: string;
  /** Its gateway address (`host:port`) as other nodes and operators reach it. */
  readonly address: string;
  readonly apiUrl: string;
  /** haneul's version. */
  readonly version: string;
  readonly startedAt: number;
  readonly heartbeatAt: number;
  readonly load: NodeLoad;
}

/** Node registrations (PostgreSQL: table cluster_nodes). */
export interface NodeRegistry {
  /** Inserts or refreshes a node's registration. */
  heartbeat(node: NodeRecord): Promise<void>;
  /** Every registered node, by start time. */
  list(): Promise<NodeRecord[]>;
  /** Removes a node (it stopped). */
  remove(nodeId: string): Promise<void>;
  /** Removes nodes whose last heartbeat is older than `before`; resolves to how many. */
  removeStale(before: number): Promise<number>;
}

/** Who holds a named lease, until when. */
export interface LeaseHolder {
  readonly owner: string;
  readonly expiresAt: number;
}

/** Named leases, each held by one owner at a time (PostgreSQL: table cluster_leases). */
export interface LeaseStore {
  /**
   * Takes the lease `name` for `owner` until `until` if it is free, expired at `now`, or already
   * `owner`'s (then it is renewed). Resolves to true when `owner` holds it afterwards.
   */
  acquire(name: string, owner: string, at: { readonly now: number; readonly until: number }): Promise<boolean>;
  /** Gives the lease up if `owner` holds it. */
  release(name: string, owner: string): Promise<boolean>;
  /** The current holder (an expired lease still shows, with its expiry), or undefined. */
  holder(name: string): Promise<LeaseHolder | undefined>;
}

/** A request for concurrency slots of one pool. */
export interface SlotRequest {
  /** `*` for the unreserved pool, else a function name (its reserved concurrency). */
  readonly pool: string;
  readonly node: string;
  /** Below this the grant is refused and the holding stays as it was. */
  readonly min: number;
  /** As many as this if the pool has them. */
  readonly want: number;
  /** The pool's size across the cluster. */
  readonly limit: number;
  readonly now: number;
  /** The grant expires then unless renewed. */
  readonly until: number;
}

/** Leases of concurrency slots, per pool and node (PostgreSQL: table concurrency_slots). */
export interface SlotLeases {
  /**
   * In one atomic step: counts the slots other nodes hold unexpired at `now`; if at least `min`
   * are free sets this node's holding to min(`want`, free) and resolves to it, else leaves it as it
   * was and resolves to -1.
   */
  grant(request: SlotRequest): Promise<number>;
  /** Sets a node's holding of a pool (to give slots back); 0 removes it. */
  set(pool: string, node: string, hold: { readonly slots: number; readonly until: number }): Promise<void>;
  /** Extends every holding of `node` to `until`. */
  renew(node: string, until: number): Promise<void>;
  /** Drops every holding of `node`. */
  releaseAll(node: string): Promise<void>;
  /** Unexpired slots held per pool at `now` (all nodes together). */
  held(now: number): Promise<ReadonlyMap<string, number>>;
}
