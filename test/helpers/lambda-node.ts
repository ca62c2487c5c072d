/**
 * A complete node for tests: the composition root's `startNode` in a fresh data directory on
 * port 0, with a signed SDK v3 client and every invocation record collected.
 */
import { mkdirSync, mkdtempSync } from "node:fs";
import { join } from "node:path";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { removeTree } from "../../src/adapters/fs-code-store.js";
import { loadServerConfig } from "../../src/config/server-config.js";
import type { InvocationRecord } from "../../src/domain/invocation.js";
import { startNode } from "../../src/main.js";
import { ROOT } from "./paths.js";
import { createTestDatabase } from "./postgres.js";

export const NODE_REGION = "us-east-1";
export const NODE_ACCOUNT = "123456789012";
/** The execution role the conformance suites give their functions (haneul records it, as AWS requires one). */
export const NODE_ROLE = `arn:aws:iam::${NODE_ACCOUNT}:role/conformance`;
/** A function's ARN on the test node, with an optional qualifier. */
export const functionArn = (name: string, qualifier?: string): string =>
  `arn:aws:lambda:${NODE_REGION}:${NODE_ACCOUNT}:function:${name}${qualifier ? `:${qualifier}` : ""}`;
const AKID = "AKIAHANEULCONFORMANCE";
const SECRET = "conformance/Secret+0123456789abcdefghij";

export interface LambdaNode {
  readonly url: string;
  readonly client: LambdaClient;
  /** Every invocation record so far. */
  readonly records: InvocationRecord[];
  /** Waits until a record with `requestId` exists. */
  recordOf(requestId: string, timeoutMs?: number): Promise<InvocationRecord>;
  close(): Promise<void>;
}

/**
 * Starts a node in a fresh data directory. `randomSeed` seeds alias weights and canaries
 * (`--random-seed`), so that a split over many calls is the same on every run.
 */
export async function startLambdaNode(
  options: { accountConcurrency?: number; randomSeed?: number } = {},
): Promise<LambdaNode> {
  // A suite re-run on PostgreSQL (test/conformance/postgres/) sets this before it loads the suite.
  const store = process.env["HANEUL_TEST_NODE_STORE"] === "postgres" ? await createTestDatabase() : undefined;
  mkdirSync(join(ROOT, ".haneul"), { recursive: true });
  const dataDir = mkdtempSync(join(ROOT, ".haneul", "test-node-"));
  const config = loadServerConfig(
    {
      HANEUL_ACCESS_KEY_ID: AKID,
      HANEUL_SECRET_ACCESS_KEY: SECRET,
      HANEUL_REGION: NODE_REGION,
      HANEUL_ACCOUNT_ID: NODE_ACCOUNT,
      HANEUL_CONCURRENCY: String(options.accountConcurrency ?? 1000),
      HANEUL_RANDOM_SEED: options.randomSeed === undefined ? undefined : String(options.randomSeed),
      HANEUL_STORE: store,
      PATH: process.env["PATH"],
    },
    ["--data", dataDir, "--api-port", "0", "--gateway-port", "0", "--spares", "0"],
  );
  const records: InvocationRecord[] = [];
  const node = await startNode(config, { onRecord: (r) => records.push(r) });
  const client = new LambdaClient({
    region: NODE_REGION,
    endpoint: node.apiUrl,
    credentials: { accessKeyId: AKID, secretAccessKey: SECRET },
    maxAttempts: 1,
  });
  return {
    url: node.apiUrl,
    client,
    records,
    async recordOf(requestId, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = records.find((r) => r.requestId === requestId);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no invocation record for ${requestId}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    async close() {
      client.destroy();
      await node.stop();
      await removeTree(dataDir);
    },
  };
}
