/**
 * `haneul server` as a real child process for tests that need the node's own process (signals,
 * its environment, its pid): started in a fresh data directory on ports chosen by the OS.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import { join } from "node:path";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { removeTree } from "../../src/adapters/fs-code-store.js";
import { CLI, ROOT } from "./paths.js";

export const SERVER_REGION = "us-east-1";
export const SERVER_ACCOUNT = "000000000000";
export const SERVER_ROLE = `arn:aws:iam::${SERVER_ACCOUNT}:role/test`;
const AKID = "AKIAHANEULSERVERPROC";
const SECRET = "server/Process+Secret0123456789abcdefghij";

export interface ServerProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly dataDir: string;
  readonly apiUrl: string;
  readonly gatewayUrl: string;
  readonly client: LambdaClient;
  /** The node's secret access key (in its environment: what an attacker would look for). */
  readonly secret: string;
  output(): string;
  /** Resolves to the exit code once the process has exited. */
  readonly exited: Promise<number | null>;
  /** SIGTERM, wait for the exit, remove the data directory. */
  close(): Promise<void>;
}

/** Starts `haneul server` with `args`; `detached` gives it a process group of its own (to signal the group). */
export async function startServerProcess(
  options: { args?: string[]; detached?: boolean } = {},
): Promise<ServerProcess> {
  mkdirSync(join(ROOT, ".haneul"), { recursive: true });
  const dataDir = mkdtempSync(join(ROOT, ".haneul", "server-"));
  const child = spawn(
    process.execPath,
    [CLI, "server", "--data", dataDir, "--api-port", "0", "--gateway-port", "0", ...(options.args ?? [])],
    {
      env: {
        PATH: process.env["PATH"] ?? "/usr/bin:/bin",
        HANEUL_ACCESS_KEY_ID: AKID,
        HANEUL_SECRET_ACCESS_KEY: SECRET,
      },
      detached: options.detached ?? false,
    },
  );
  let out = "";
  child.stdout.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr.on("data", (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start:\n${out}`)), 30_000);
    const check = () => {
      if (!/Lambda API\s+http:\/\/\S+[\s\S]*Access key/.test(out)) return;
      clearTimeout(timer);
      child.stdout.off("data", check);
      resolve();
    };
    child.stdout.on("data", check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code}:\n${out}`));
    });
  });
  try {
    await ready;
  } catch (e) {
    child.kill("SIGKILL");
    await removeTree(dataDir);
    throw e;
  }
  const apiUrl = /Lambda API\s+(http:\/\/\S+)/.exec(out)?.[1] as string;
  const gatewayUrl = /Gateway\s+(http:\/\/\S+)/.exec(out)?.[1] as string;
  const client = new LambdaClient({
    region: SERVER_REGION,
    endpoint: apiUrl,
    credentials: { accessKeyId: AKID, secretAccessKey: SECRET },
    maxAttempts: 1,
  });
  return {
    child,
    dataDir,
    apiUrl,
    gatewayUrl,
    client,
    secret: SECRET,
    output: () => out,
    exited,
    async close() {
      client.destroy();
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
      await removeTree(dataDir);
    },
  };
}
