import { parseArgs } from "node:util";
import { ConfigError } from "./server-config.js";

/** Options of `haneul nodes`, validated. */
export interface NodesCommandOptions {
  /** The gateway URL of any node (its `/healthz` lists the cluster). */
  readonly url: string;
  readonly json: boolean;
  readonly help: boolean;
}

export const NODES_USAGE = `usage: haneul nodes [--url <gateway url>] [--json]

Lists the nodes of a cluster (or the one node) with their address, version, uptime and load,
as any node's health endpoint reports them (GET <gateway url>/healthz, unsigned).

options:
  --url <url>   a node's gateway (HANEUL_URL, default http://127.0.0.1:<HANEUL_GATEWAY_PORT or 3000>);
                behind a load balancer, its address
  --json        print the health report as JSON
`;

/**
 * Reads `haneul nodes` options from `argv` and `env`; throws ConfigError naming a bad flag.
 * @example parseNodesOptions({}, ["--url", "http://lb:8080"]).url // "http://lb:8080"
 */
export function parseNodesOptions(
  env: Readonly<Record<string, string | undefined>>,
  argv: readonly string[],
): NodesCommandOptions {
  let values: { url?: string | undefined; json?: boolean | undefined; help?: boolean | undefined };
  try {
    values = parseArgs({
      args: [...argv],
      options: { url: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
  const port = env["HANEUL_GATEWAY_PORT"] || "3000";
  const url = (values.url ?? (env["HANEUL_URL"] || `http://127.0.0.1:${port}`)).replace(/\/+$/, "");
  try {
    const u = new URL(url);
    if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error("not http");
  } catch {
    throw new ConfigError(`invalid --url '${url}': must be an http:// or https:// URL`);
  }
  return Object.freeze({ url, json: values.json ?? false, help: values.help ?? false });
}

/** `parseNodesOptions` over this process's environment. */
export function parseNodesOptionsFromProcess(argv: readonly string[]): NodesCommandOptions {
  return parseNodesOptions(process.env, argv);
}
