import type { NodeLoad, NodeRecord } from "../../../ports/cluster.js";
import type { PgDatabase } from "../database.js";

interface NodeRow {
  node_id: string;
  name: string;
  address: string;
  api_url: string;
  version: string;
  started_at: string;
  heartbeat_at: string;
  load: string;
}

/** INSERT or UPDATE a node's registration. */
export async function upsertNode(db: PgDatabase, n: NodeRecord): Promise<void> {
  const sql = `INSERT INTO cluster_nodes (node_id, name, address, api_url, version, started_at, heartbeat_at, load)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
    ON CONFLICT (node_id) DO UPDATE SET name = excluded.name, address = excluded.address, api_url = excluded.api_url,
      version = excluded.version, heartbeat_at = excluded.heartbeat_at, load = excluded.load`;
  const load = JSON.stringify(n.load);
  await db.run(sql, [n.nodeId, n.name, n.address, n.apiUrl, n.version, n.startedAt, n.heartbeatAt, load]);
}

/** SELECT every node, by start time. */
export async function selectNodes(db: PgDatabase): Promise<NodeRecord[]> {
  const rows = await db.rows<NodeRow>("SELECT * FROM cluster_nodes ORDER BY started_at, node_id");
  return rows.map((r) => ({
    nodeId: r.node_id,
    name: r.name,
    address: r.address,
    apiUrl: r.api_url,
    version: r.version,
    startedAt: Number(r.started_at),
    heartbeatAt: Number(r.heartbeat_at),
    load: JSON.parse(r.load) as NodeLoad,
  }));
}

/** DELETE one node. */
export async function deleteNode(db: PgDatabase, nodeId: string): Promise<void> {
  await db.run("DELETE FROM cluster_nodes WHERE node_id = $1", [nodeId]);
}

/** DELETE nodes whose last heartbeat is older than `before`. */
export function deleteStaleNodes(db: PgDatabase, before: number): Promise<number> {
  return db.run("DELETE FROM cluster_nodes WHERE heartbeat_at < $1", [before]);
}
