import type { HealthReport, NodeHealth } from "../domain/node-health.js";
import { ConfigError } from "../config/server-config.js";
import { NODES_USAGE, parseNodesOptionsFromProcess, type NodesCommandOptions } from "../config/nodes-options.js";

/** `haneul nodes`: prints the cluster as a node's health endpoint reports it; resolves to the exit status. */
export async function runNodesCommand(args: string[]): Promise<number> {
  let options: NodesCommandOptions;
  try {
    options = parseNodesOptionsFromProcess(args);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`haneul nodes: ${e.message}\n\n${NODES_USAGE}`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(NODES_USAGE);
    return 0;
  }
  let report: HealthReport;
  try {
    const res = await fetch(`${options.url}/healthz`, { signal: AbortSignal.timeout(10_000) });
    report = (await res.json()) as HealthReport;
    if (!Array.isArray(report.nodes)) throw new Error(`unexpected answer (HTTP ${res.status})`);
  } catch (e) {
    process.stderr.write(`haneul nodes: cannot read ${options.url}/healthz: ${(e as Error).message}\n`);
    return 1;
  }
  process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatNodes(report));
  return 0;
}

/** The report as a table, one line per node. */
export function formatNodes(report: HealthReport): string {
  const header = ["NODE", "NAME", "ADDRESS", "VERSION", "UPTIME", "IN-FLIGHT", "EVENTS", "INSTANCES", "STATE"];
  const rows = report.nodes.map((n) => [
    n.nodeId,
    n.name,
    n.address,
    n.version,
    uptime(n.uptimeSeconds),
    String(n.load.inFlight),
    String(n.load.events),
    String(n.load.instances),
    state(n, report.node.nodeId),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  const store = report.store === "postgres" ? `PostgreSQL${report.storeReachable ? "" : " (unreachable)"}` : "SQLite";
  return (
    [
      `${report.nodes.length} node(s), store ${store}, answered by ${report.node.nodeId} (${report.status})`,
      line(header),
      ...rows.map(line),
    ].join("\n") + "\n"
  );
}

function state(n: NodeHealth, self: string): string {
  const parts = [n.alive ? "alive" : "down"];
  if (n.leader) parts.push("leader");
  if (n.nodeId === self) parts.push("answered");
  return parts.join(", ");
}

function uptime(seconds: number): string {
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (d > 0) return `${d}d${String(h).padStart(2, "0")}h`;
  if (h > 0) return `${h}h${String(m).padStart(2, "0")}m`;
  if (m > 0) return `${m}m${String(s).padStart(2, "0")}s`;
  return `${s}s`;
}
