/**
 * A cluster for end-to-end tests: `haneul server` processes sharing one PostgreSQL database, and
 * the AWS CLI v2 (/usr/bin/aws) as users run it against any of them or the balancer.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { zipSync } from "fflate";
import { SERVER_KEY, SERVER_REGION, startServerNode, type ServerNode } from "./server-node.js";
import { runAwsCli } from "./aws-cli.js";

/** Starts `count` nodes on `url`, one after another (the first becomes the leader). */
export async function startCluster(
  url: string,
  count: number,
  extraArgs: readonly string[] = [],
): Promise<ServerNode[]> {
  const nodes: ServerNode[] = [];
  try {
    for (let i = 0; i < count; i++) {
      nodes.push(await startServerNode({ args: ["--store", url, ...extraArgs] }));
    }
  } catch (e) {
    for (const n of nodes) await n.close();
    throw e;
  }
  return nodes;
}

/** Runs the AWS CLI v2 against `endpoint`; resolves to its parsed JSON output (or throws with its stderr). */
export async function aws(endpoint: string, args: readonly string[]): Promise<unknown> {
  const r = await runAwsCli({ endpoint, ...SERVER_KEY, region: SERVER_REGION }, args);
  if (r.code !== 0) throw new Error(`aws ${args.join(" ")} exited ${String(r.code)}: ${r.stderr}`);
  try {
    return r.stdout.trim() === "" ? undefined : JSON.parse(r.stdout);
  } catch {
    return r.stdout;
  }
}

/** Writes a one-file Node.js package to `dir/name.zip`; resolves to its path. */
export function writeZip(dir: string, name: string, source: string): string {
  const path = join(dir, `${name}.zip`);
  writeFileSync(path, zipSync({ "index.js": new TextEncoder().encode(source) }));
  return path;
}

/** Polls `probe` until it returns a value, or fails after `timeoutMs`. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
