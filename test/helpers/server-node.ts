/**
 * A `haneul server` process in a fresh data directory under the repository (instances cannot see
 * /tmp), with a signed SDK v3 client: for tests that need the node's own process (signals, its
 * environment, its pid, kill -9) as well as its API. Killed and removed when the test process
 * ends, however it ends.
 */
import { LambdaClient } from "@aws-sdk/client-lambda";
import type { AwsCliTarget } from "./aws-cli.js";
import { killOnExit, removeOnExit } from "./children.js";
import { startServerProcess, type ServerProcess } from "./server-process.js";
import { tempDir } from "./temp-dir.js";

export const SERVER_REGION = "us-east-1";
export const SERVER_ACCOUNT = "123456789012";
export const SERVER_ROLE = `arn:aws:iam::${SERVER_ACCOUNT}:role/test`;
/** The key the helper's nodes are configured with (unless `withKey: false`). */
export const SERVER_KEY = {
  accessKeyId: "AKIAHANEULSERVERPROC",
  secretAccessKey: "server/Process+Secret0123456789abcdefghij",
};

/** The AWS CLI against `node`'s API with SERVER_KEY. */
export function serverCliTarget(node: { readonly apiUrl: string }): AwsCliTarget {
  return { endpoint: node.apiUrl, ...SERVER_KEY, region: SERVER_REGION };
}

export interface ServerNode extends ServerProcess {
  readonly dataDir: string;
  /** An SDK v3 client signed with SERVER_KEY. */
  readonly client: LambdaClient;
  readonly accessKeyId: string;
  /** The node's secret access key (in its environment: what an attacker would look for). */
  readonly secret: string;
  /** SIGKILL (a crash: the node cleans nothing up); resolves once it is gone. */
  kill(): Promise<void>;
  /** SIGTERM, wait for the exit, remove the data directory. */
  close(): Promise<void>;
}

/** Options of `startServerNode`. */
export interface ServerNodeOptions {
  /** Extra flags (`--store`, `--lease-ms`, …); the ports are 0 (any free port) and spares 0 unless given. */
  readonly args?: readonly string[];
  /** Extra environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** Configure SERVER_KEY (default true); false lets the node make (or, in a cluster, share) one. */
  readonly withKey?: boolean;
  /** A process group of its own (to signal the whole group, as a terminal's Ctrl-C does). */
  readonly detached?: boolean;
  readonly timeoutMs?: number;
}

/** Starts `haneul server` on ports the OS picks, account SERVER_ACCOUNT, no spare processes. */
export async function startServerNode(options: ServerNodeOptions = {}): Promise<ServerNode> {
  const dir = tempDir("server", { inRepo: true });
  const cleanup = removeOnExit(dir.path);
  const key: Record<string, string> =
    options.withKey === false
      ? {}
      : { HANEUL_ACCESS_KEY_ID: SERVER_KEY.accessKeyId, HANEUL_SECRET_ACCESS_KEY: SERVER_KEY.secretAccessKey };
  let server: ServerProcess;
  try {
    server = await startServerProcess({
      args: [
        ...["--data", dir.path, "--api-port", "0", "--gateway-port", "0", "--spares", "0"],
        ...["--account-id", SERVER_ACCOUNT, ...(options.args ?? [])],
      ],
      env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", ...key, ...options.env },
      detached: options.detached,
      timeoutMs: options.timeoutMs ?? 30_000,
    });
  } catch (e) {
    await dir.remove();
    cleanup.forget();
    throw e;
  }
  killOnExit(server.child);
  const client = new LambdaClient({
    region: SERVER_REGION,
    endpoint: server.apiUrl,
    credentials: SERVER_KEY,
    maxAttempts: 1,
  });
  const running = () => server.child.exitCode === null && server.child.signalCode === null;
  const stop = async (): Promise<number | null> => {
    client.destroy();
    if (!running()) return server.exited;
    // A node that has not stopped after this long is killed: a test never leaves one behind.
    const timer = setTimeout(() => running() && server.child.kill("SIGKILL"), 20_000);
    const code = await server.stop();
    clearTimeout(timer);
    return code;
  };
  return {
    ...server,
    dataDir: dir.path,
    client,
    accessKeyId: SERVER_KEY.accessKeyId,
    secret: SERVER_KEY.secretAccessKey,
    stop,
    async kill() {
      client.destroy();
      if (running()) server.child.kill("SIGKILL");
      await server.exited;
    },
    async close() {
      await stop();
      await dir.remove();
      cleanup.forget();
    },
  };
}
