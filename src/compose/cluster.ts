/**
 * Cluster mode's services, wired over the shared PostgreSQL database: configuration sync
 * (change log + LISTEN/NOTIFY + catch-up), cluster-wide concurrency slots, the leader lease with
 * its housekeeping, and this node's registration with heartbeats.
 */
import { hostname } from "node:os";
import type { PgDatabase } from "../adapters/postgres/database.js";
import { PgChangeFeed } from "../adapters/postgres/pg-change-feed.js";
import { PgLeaseStore, PgNodeRegistry, PgSlotLeases } from "../adapters/postgres/pg-cluster.js";
import {
  ClusterConcurrency,
  ClusterHousekeeping,
  ConfigSync,
  LeaderLease,
  NodeHeartbeat,
  type ClusterSnapshot,
} from "../cluster/index.js";
import type { ServerConfig } from "../config/server-config.js";
import type { ChangeRecord, ConfigChange, NodeLoad } from "../ports/cluster.js";
import type { Clock } from "../shared/clock.js";
import { HANEUL_VERSION } from "./version.js";

/** The name of the lease that makes a node the cluster's leader. */
export const LEADER_LEASE = "leader";

/** What the cluster services act on. */
export interface ClusterHooks {
  /** Re-reads one function or API (another node changed it). */
  apply(change: ConfigChange): Promise<void>;
  /** Re-reads everything. */
  reloadAll(): Promise<void>;
  /** This node's load now. */
  load(): NodeLoad;
  /** Told when another node's change has been applied here. */
  onApplied?: ((record: ChangeRecord) => void) | undefined;
}

/** A node's cluster services. */
export interface ClusterServices {
  readonly nodeId: string;
  readonly sync: ConfigSync;
  readonly concurrency: ClusterConcurrency;
  readonly leader: LeaderLease;
  /** Notes where the change log stands (before the node loads its configuration). */
  begin(): Promise<void>;
  /** Starts listening, catching up, heartbeats and the leader lease (the node is loaded and listening). */
  start(hooks: ClusterHooks, self: { readonly apiUrl: string; readonly address: string }): Promise<void>;
  /** The cluster as this node's last heartbeat read it. */
  snapshot(): ClusterSnapshot;
  /** False while this node's heartbeats fail (its database cannot be reached). */
  storeReachable(): boolean;
  stop(): Promise<void>;
}

/** Builds the services; nothing talks to the database before `begin()`. */
export function createClusterServices(o: {
  readonly database: PgDatabase;
  readonly config: ServerConfig;
  readonly clock: Clock;
  readonly nodeId: string;
  readonly startedAt: number;
  readonly log: (message: string, error?: unknown) => void;
}): ClusterServices {
  const { database, config, clock, nodeId } = o;
  const { leaseMs, catchUpMs } = config.cluster;
  const feed = new PgChangeFeed(database, { clock });
  const leases = new PgLeaseStore(database);
  const registry = new PgNodeRegistry(database);
  const onError = (message: string, error: unknown) => o.log(message, error);
  let hooks: ClusterHooks | undefined;
  const concurrency = new ClusterConcurrency({
    slots: new PgSlotLeases(database),
    nodeId,
    clock,
    accountLimit: config.concurrency,
    leaseMs,
    askOthers: (pool) => void feed.signal("slots", pool).catch((e: unknown) => onError("signalling slots", e)),
    onError,
  });
  const sync = new ConfigSync({
    feed,
    nodeId,
    clock,
    catchUpMs,
    apply: (change) => (hooks ? hooks.apply(change) : Promise.resolve()),
    reloadAll: () => (hooks ? hooks.reloadAll() : Promise.resolve()),
    onSignal: (kind, key) => {
      if (kind === "slots") concurrency.onPressure(key);
    },
    onApplied: (r) => hooks?.onApplied?.(r),
    onError,
  });
  const leader = new LeaderLease({
    leases,
    name: LEADER_LEASE,
    owner: nodeId,
    clock,
    leaseMs,
    onChange: (isLeader) =>
      o.log(isLeader ? "this node is now the cluster's leader" : "this node is no longer the leader"),
    onError,
  });
  let heartbeat: NodeHeartbeat | undefined;
  const housekeeping = new ClusterHousekeeping({
    feed,
    registry,
    clock,
    isLeader: () => leader.isLeader,
    everyMs: Math.max(catchUpMs, 10_000),
    keepChangesMs: 15 * 60_000,
    keepDeadNodesMs: 10 * 60_000,
    onError,
  });
  const services: ClusterServices = {
    nodeId,
    sync,
    concurrency,
    leader,
    begin: () => sync.begin(),
    async start(h, self) {
      hooks = h;
      heartbeat = new NodeHeartbeat({
        registry,
        node: {
          nodeId,
          name: hostname(),
          address: self.address,
          apiUrl: self.apiUrl,
          version: HANEUL_VERSION,
          startedAt: o.startedAt,
        },
        load: () => h.load(),
        clock,
        everyMs: Math.max(100, Math.floor(leaseMs / 5)),
        leases,
        leaderLease: LEADER_LEASE,
        onReachability: (reachable, e) =>
          o.log(reachable ? "the database answers again" : "the database cannot be reached", e),
      });
      await sync.start();
      await leader.start();
      await heartbeat.start();
      housekeeping.start();
    },
    snapshot: () => heartbeat?.snapshot ?? { nodes: [], leader: undefined, leaderUntil: 0, at: 0 },
    storeReachable: () => heartbeat?.storeReachable ?? true,
    async stop() {
      housekeeping.stop();
      await heartbeat?.stop();
      await leader.stop();
      await sync.stop();
      await concurrency.stop();
    },
  };
  return services;
}
