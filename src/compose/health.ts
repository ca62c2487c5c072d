/**
 * The health endpoint, served unsigned on the gateway's port (where load balancers and
 * orchestrators probe): `/healthz/live` (the process answers), `/healthz/ready` (started, not
 * stopping) and `/healthz` (the same status with this node and, in a cluster, every node). Every
 * answer comes from memory: a probe never waits on the database.
 */
import type { ServerResponse } from "node:http";
import type { ClusterSnapshot } from "../cluster/index.js";
import type { HealthReport, NodeHealth, NodeState } from "../domain/node-health.js";
import type { NodeLoad } from "../ports/cluster.js";
import type { Clock } from "../shared/clock.js";

export type { HealthReport, NodeHealth, NodeState } from "../domain/node-health.js";

/** What the health endpoint reports from. */
export interface HealthSource {
  readonly nodeId: string;
  readonly name: string;
  /** The gateway's address as advertised (known once it listens). */
  address(): string;
  readonly version: string;
  readonly startedAt: number;
  readonly store: "sqlite" | "postgres";
  readonly clock: Clock;
  state(): NodeState;
  load(): NodeLoad;
  /** Cluster mode only. */
  readonly cluster?:
    | {
        /** The cluster as last read, its age, and whether this node's store answers. */
        snapshot(): ClusterSnapshot;
        storeReachable(): boolean;
        isLeader(): boolean;
        /** A node whose last heartbeat is older than this is down. */
        readonly leaseMs: number;
      }
    | undefined;
}

/** Builds the report from memory. */
export function healthReport(src: HealthSource): HealthReport {
  const now = src.clock.now();
  const self: NodeHealth = {
    nodeId: src.nodeId,
    name: src.name,
    address: src.address(),
    version: src.version,
    uptimeSeconds: Math.floor((now - src.startedAt) / 1000),
    load: src.load(),
    alive: true,
    leader: src.cluster ? src.cluster.isLeader() : true,
  };
  const c = src.cluster;
  if (!c) return { status: src.state(), store: src.store, storeReachable: true, node: self, nodes: [self] };
  const snap = c.snapshot();
  const leader = snap.leaderUntil > now ? snap.leader : undefined;
  const nodes = snap.nodes.map((n): NodeHealth => {
    if (n.nodeId === src.nodeId) return self;
    return {
      nodeId: n.nodeId,
      name: n.name,
      address: n.address,
      version: n.version,
      uptimeSeconds: Math.floor((n.heartbeatAt - n.startedAt) / 1000),
      load: n.load,
      alive: now - n.heartbeatAt < c.leaseMs,
      leader: n.nodeId === leader,
      lastHeartbeatMsAgo: Math.max(0, now - n.heartbeatAt),
    };
  });
  if (!nodes.includes(self)) nodes.unshift(self);
  return { status: src.state(), store: src.store, storeReachable: c.storeReachable(), node: self, nodes };
}

/** The gateway's `health` option: answers the three paths, false for any other. */
export function healthHandler(src: HealthSource): (path: string, res: ServerResponse) => boolean {
  return (path, res) => {
    if (path === "/healthz/live") {
      send(res, 200, { status: "alive" });
      return true;
    }
    if (path === "/healthz/ready") {
      const state = src.state();
      send(res, state === "ready" ? 200 : 503, { status: state });
      return true;
    }
    if (path === "/healthz" || path === "/healthz/") {
      const report = healthReport(src);
      send(res, report.status === "ready" ? 200 : 503, report);
      return true;
    }
    return false;
  };
}

function send(res: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(text),
    "Cache-Control": "no-store",
  });
  res.end(text);
}
