/**
 * A cluster for end-to-end tests: `haneul server` processes sharing one PostgreSQL database, and
 * the AWS CLI v2 (/usr/bin/aws) as users run it against any of them or the balancer.
 */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { zipSync } from "fflate";
import { SERVER_KEY, SERVER_REGION, startServerNode, type ServerNode } from "./server-node.js";

export const AWS_CLI = "/usr/bin/aws";

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
export function aws(endpoint: string, args: readonly string[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn(AWS_CLI, [...args, "--endpoint-url", endpoint, "--output", "json"], {
      env: {
        PATH: "/usr/bin:/bin",
        AWS_ACCESS_KEY_ID: SERVER_KEY.accessKeyId,
        AWS_SECRET_ACCESS_KEY: SERVER_KEY.secretAccessKey,
        AWS_DEFAULT_REGION: SERVER_REGION,
        AWS_CONFIG_FILE: "/dev/null",
        AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
        AWS_MAX_ATTEMPTS: "1",
        AWS_EC2_METADATA_DISABLED: "true",
        AWS_PAGER: "",
      },
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`aws ${args.join(" ")} exited ${code}: ${err}`));
      try {
        resolve(out.trim() === "" ? undefined : JSON.parse(out));
      } catch {
        resolve(out);
      }
    });
  });
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
