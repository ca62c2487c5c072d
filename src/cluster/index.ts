export { ChangeCursor } from "./change-cursor.js";
export { ClusterConcurrency, type ClusterConcurrencyOptions } from "./cluster-concurrency.js";
export { ConfigSync, type ConfigSyncOptions } from "./config-sync.js";
export { ClusterHousekeeping, type ClusterHousekeepingOptions } from "./housekeeping.js";
export { LeaderLease, type LeaderLeaseOptions } from "./leader-lease.js";
export { type ClusterSnapshot, NodeHeartbeat, type NodeHeartbeatOptions } from "./node-heartbeat.js";
