import { spawn } from "node:child_process";
import { CLI } from "./paths.js";
import { SERVER_KEY } from "./server-node.js";

/** Runs the `haneul` command in `cwd` against a node (its API and gateway), signed with SERVER_KEY. */
export function haneulCli(
  node: { readonly apiUrl: string; readonly gatewayUrl: string },
  cwd: string,
  ...args: string[]
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args, "--endpoint", node.apiUrl, "--gateway", node.gatewayUrl], {
      cwd,
      env: {
        PATH: "/usr/bin:/bin",
        HANEUL_ACCESS_KEY_ID: SERVER_KEY.accessKeyId,
        HANEUL_SECRET_ACCESS_KEY: SERVER_KEY.secretAccessKey,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
