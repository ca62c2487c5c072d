/**
 * `haneul server` as a child process, the way an operator runs it: started with flags and
 * environment, ready once it prints its endpoints, stopped with SIGTERM or killed with SIGKILL.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import { join } from "node:path";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { removeTree } from "../../src/adapters/fs-code-store.js";
import { killOnExit, removeOnExit } from "./children.js";
import { CLI, ROOT } from "./paths.js";

/** The account and key the helper's nodes use unless told otherwise. */
export const SERVER_ACCOUNT = "123456789012";
export const SERVER_REGION = "us-east-1";
export const SERVER_KEY = {
  accessKeyId: "AKIAHANEULCLUSTER001",
  secretAccessKey: "cluster/Secret+0123456789abcdefghijklm",
};
export const SERVER_ROLE = `arn:aws:iam::${SERVER_ACCOUNT}:role/cluster`;

/** A running `haneul server` process. */
export interface ServerProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly apiUrl: string;
  readonly gatewayUrl: string;
  readonly dataDir: string;
  /** An SDK v3 client for this node (the helper's key unless `withKey: false` was asked). */
  readonly lambda: LambdaClient;
  output(): string;
  /** Resolves once the output matches `re`. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<void>;
  /** SIGTERM; resolves to the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL (a crash: nothing is cleaned up by the node). */
  kill(): Promise<void>;
  /** Stops it (if running) and removes its data directory. */
  destroy(): Promise<void>;
}

/** Options of `startServerProcess`. */
export interface ServerProcessOptions {
  /** Extra flags (`--store`, `--lease-ms`, …); the ports default to 0 (any free port). */
  readonly args?: readonly string[];
  /** Extra environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** Configure the helper's access key (default true); false lets the node make or share one. */
  readonly withKey?: boolean;
  readonly timeoutMs?: number;
}

/** Starts `haneul server` in a fresh data directory under the repository (instances cannot see /tmp). */
export async function startServerProcess(options: ServerProcessOptions = {}): Promise<ServerProcess> {
  mkdirSync(join(ROOT, ".haneul"), { recursive: true });
  const dataDir = mkdtempSync(join(ROOT, ".haneul", "test-server-"));
  const cleanup = removeOnExit(dataDir);
  const key =
    options.withKey === false
      ? {}
      : {
          HANEUL_ACCESS_KEY_ID: SERVER_KEY.accessKeyId,
          HANEUL_SECRET_ACCESS_KEY: SERVER_KEY.secretAccessKey,
        };
  const args = [CLI, "server", "--data", dataDir, "--api-port", "0", "--gateway-port", "0", "--spares", "0"];
  const child = spawn(process.execPath, [...args, "--account-id", SERVER_ACCOUNT, ...(options.args ?? [])], {
    env: { PATH: "/usr/bin:/bin", ...key, ...options.env },
  });
  killOnExit(child);
  let out = "";
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  child.stdout.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr.on("data", (c: Buffer) => (out += c.toString()));
  const waitFor = (re: RegExp, timeoutMs = 20_000) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!re.test(out)) return;
        clearTimeout(timer);
        child.stdout.off("data", check);
        resolve();
      };
      const timer = setTimeout(() => {
        child.stdout.off("data", check);
        reject(new Error(`no ${String(re)} in the server's output:\n${out}`));
      }, timeoutMs);
      child.stdout.on("data", check);
      check();
    });
  const ready = waitFor(/Gateway\s+http:\/\/\S+[\s\S]*Access key/, options.timeoutMs ?? 30_000);
  const failed = exited.then((code) => Promise.reject(new Error(`server exited with ${code}:\n${out}`)));
  try {
    await Promise.race([ready, failed]);
  } catch (e) {
    child.kill("SIGKILL");
    await removeTree(dataDir);
    throw e;
  }
  failed.catch(() => undefined);
  const apiUrl = /Lambda API\s+(http:\/\/\S+)/.exec(out)?.[1] as string;
  const gatewayUrl = /Gateway\s+(http:\/\/\S+)/.exec(out)?.[1] as string;
  const lambda = new LambdaClient({
    region: SERVER_REGION,
    endpoint: apiUrl,
    credentials: SERVER_KEY,
    maxAttempts: 1,
  });
  const running = () => child.exitCode === null && child.signalCode === null;
  const stop = async () => {
    lambda.destroy();
    if (!running()) return exited;
    child.kill("SIGTERM");
    // A node that has not stopped after this long is killed: a test never leaves one behind.
    const timer = setTimeout(() => running() && child.kill("SIGKILL"), 20_000);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  return {
    child,
    apiUrl,
    gatewayUrl,
    dataDir,
    lambda,
    output: () => out,
    waitFor,
    stop,
    async kill() {
      lambda.destroy();
      if (running()) child.kill("SIGKILL");
      await exited;
    },
    async destroy() {
      await stop();
      await removeTree(dataDir);
      cleanup.forget();
    },
  };
}
