/**
 * A `haneul server` process in a fresh data directory, with a signed SDK v3 client: for tests that
 * need the node's own process (signals, its environment, its pid) as well as its API.
 */
import { LambdaClient } from "@aws-sdk/client-lambda";
import { startServerProcess, type ServerProcess } from "./server-process.js";
import { tempDir } from "./temp-dir.js";

export const SERVER_REGION = "us-east-1";
export const SERVER_ACCOUNT = "000000000000";
export const SERVER_ROLE = `arn:aws:iam::${SERVER_ACCOUNT}:role/test`;
const AKID = "AKIAHANEULSERVERPROC";
const SECRET = "server/Process+Secret0123456789abcdefghij";

export interface ServerNode extends ServerProcess {
  readonly dataDir: string;
  readonly client: LambdaClient;
  /** The node's access key id (its administrator's). */
  readonly accessKeyId: string;
  /** The node's secret access key (in its environment: what an attacker would look for). */
  readonly secret: string;
  /** SIGTERM, wait for the exit, remove the data directory. */
  close(): Promise<void>;
}

/** Starts `haneul server` with `args` on ports the OS picks; `detached` gives it a process group of its own. */
export async function startServerNode(options: { args?: string[]; detached?: boolean } = {}): Promise<ServerNode> {
  const dir = tempDir("server", { inRepo: true });
  let server: ServerProcess;
  try {
    server = await startServerProcess({
      args: ["--data", dir.path, "--api-port", "0", "--gateway-port", "0", ...(options.args ?? [])],
      env: {
        PATH: process.env["PATH"] ?? "/usr/bin:/bin",
        HANEUL_ACCESS_KEY_ID: AKID,
        HANEUL_SECRET_ACCESS_KEY: SECRET,
      },
      detached: options.detached,
      timeoutMs: 30_000,
    });
  } catch (e) {
    await dir.remove();
    throw e;
  }
  const client = new LambdaClient({
    region: SERVER_REGION,
    endpoint: server.apiUrl,
    credentials: { accessKeyId: AKID, secretAccessKey: SECRET },
    maxAttempts: 1,
  });
  return {
    ...server,
    dataDir: dir.path,
    client,
    accessKeyId: AKID,
    secret: SECRET,
    async close() {
      client.destroy();
      await server.stop();
      await dir.remove();
    },
  };
}
