/**
 * What a node's health endpoint answers (`/healthz`): the wire shape the node serves and
 * `haneul nodes` reads.
 */

/** How loaded a node is now. */
export interface NodeLoad {
  /** Invocations running now. */
  readonly inFlight: number;
  /** Event invocations this node has claimed and runs now. */
  readonly events: number;
  /** Function instances started (busy or idle). */
  readonly instances: number;
}

/** Where a node is in its life. */
export type NodeState = "starting" | "ready" | "stopping";

/** One node as `/healthz` lists it. */
export interface NodeHealth {
  readonly nodeId: string;
  readonly name: string;
  readonly address: string;
  readonly version: string;
  readonly uptimeSeconds: number;
  readonly load: NodeLoad;
  readonly alive: boolean;
  readonly leader: boolean;
  readonly lastHeartbeatMsAgo?: number | undefined;
}

/** The body of `/healthz`. */
export interface HealthReport {
  readonly status: NodeState;
  readonly store: "sqlite" | "postgres";
  readonly storeReachable: boolean;
  readonly node: NodeHealth;
  /** Every registered node, this one included (cluster mode); this node alone otherwise. */
  readonly nodes: readonly NodeHealth[];
}
