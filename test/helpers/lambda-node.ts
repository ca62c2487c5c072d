/**
 * A complete node for tests: the composition root's `startNode` in a fresh data directory on
 * port 0, with a signed SDK v3 client and every invocation record collected.
 */
import { LambdaClient } from "@aws-sdk/client-lambda";
import { loadServerConfig } from "../../src/config/server-config.js";
import type { InvocationRecord } from "../../src/domain/invocation.js";
import type { AccessLogRecord } from "../../src/gateway/index.js";
import { startNode } from "../../src/main.js";
import type { Clock } from "../../src/shared/clock.js";
import { tempDir } from "./temp-dir.js";
import { createTestDatabase } from "./postgres.js";
import type { AwsCliTarget } from "./aws-cli.js";

export const NODE_REGION = "us-east-1";
export const NODE_ACCOUNT = "123456789012";
/** The execution role the conformance suites give their functions (haneul records it, as AWS requires one). */
export const NODE_ROLE = `arn:aws:iam::${NODE_ACCOUNT}:role/conformance`;
/** A function's ARN on the test node, with an optional qualifier. */
export const functionArn = (name: string, qualifier?: string): string =>
  `arn:aws:lambda:${NODE_REGION}:${NODE_ACCOUNT}:function:${name}${qualifier ? `:${qualifier}` : ""}`;
export const AKID = "AKIAHANEULCONFORMANCE";
export const SECRET = "conformance/Secret+0123456789abcdefghij";

/** The AWS CLI against `node`'s API with its administrator key. */
export function lambdaCliTarget(node: Pick<LambdaNode, "url" | "accessKeyId" | "secretAccessKey">): AwsCliTarget {
  return {
    endpoint: node.url,
    accessKeyId: node.accessKeyId,
    secretAccessKey: node.secretAccessKey,
    region: NODE_REGION,
  };
}

export interface LambdaNode {
  readonly url: string;
  /** The gateway's base URL. */
  readonly gatewayUrl: string;
  /** The administrator key the client signs with. */
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Every gateway access-log record so far. */
  readonly accessLogs: AccessLogRecord[];
  readonly client: LambdaClient;
  /** Every invocation record so far. */
  readonly records: InvocationRecord[];
  /** Waits until a record with `requestId` exists. */
  recordOf(requestId: string, timeoutMs?: number): Promise<InvocationRecord>;
  /** The first record that matches, as soon as the node emits it (rejects after `timeoutMs`). */
  recordWhere(match: (r: InvocationRecord) => boolean, what: string, timeoutMs?: number): Promise<InvocationRecord>;
  close(): Promise<void>;
}

/**
 * Starts a node in a fresh data directory. `randomSeed` seeds alias weights and canaries
 * (`--random-seed`), so that a split over many calls is the same on every run; `env` adds
 * settings (`HANEUL_TIME_SCALE`…).
 */
export async function startLambdaNode(
  options: {
    accountConcurrency?: number;
    randomSeed?: number;
    env?: Record<string, string>;
    clock?: Clock;
    /** False: `records` and `accessLogs` stay empty (benchmarks: millions of requests, no growing arrays). */
    keepRecords?: boolean;
  } = {},
): Promise<LambdaNode> {
  // A suite re-run on PostgreSQL (test/conformance/postgres/) sets this before it loads the suite.
  const store = process.env["HANEUL_TEST_NODE_STORE"] === "postgres" ? await createTestDatabase() : undefined;
  const dataDir = tempDir("node", { inRepo: true });
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
      ...options.env,
    },
    ["--data", dataDir.path, "--api-port", "0", "--gateway-port", "0", "--spares", "0"],
  );
  const records: InvocationRecord[] = [];
  const watchers = new Set<(r: InvocationRecord) => void>();
  const keep = options.keepRecords ?? true;
  const onRecord = (r: InvocationRecord): void => {
    if (keep) records.push(r);
    for (const watch of watchers) watch(r);
  };
  const accessLogs: AccessLogRecord[] = [];
  const node = await startNode(config, {
    onRecord,
    onAccessLog: (r) => void (keep && accessLogs.push(r)),
    clock: options.clock,
  });
  const recordWhere = (match: (r: InvocationRecord) => boolean, what: string, timeoutMs = 10_000) =>
    new Promise<InvocationRecord>((resolve, reject) => {
      const found = records.find(match);
      if (found) return resolve(found);
      const timer = setTimeout(() => {
        watchers.delete(watch);
        reject(new Error(`no invocation record of ${what}`));
      }, timeoutMs);
      const watch = (r: InvocationRecord): void => {
        if (!match(r)) return;
        clearTimeout(timer);
        watchers.delete(watch);
        resolve(r);
      };
      watchers.add(watch);
    });
  const client = new LambdaClient({
    region: NODE_REGION,
    endpoint: node.apiUrl,
    credentials: { accessKeyId: AKID, secretAccessKey: SECRET },
    maxAttempts: 1,
  });
  return {
    url: node.apiUrl,
    gatewayUrl: node.gatewayUrl ?? "",
    accessKeyId: AKID,
    secretAccessKey: SECRET,
    accessLogs,
    client,
    records,
    recordOf: (requestId, timeoutMs) => recordWhere((r) => r.requestId === requestId, requestId, timeoutMs),
    recordWhere,
    async close() {
      client.destroy();
      await node.stop();
      await dataDir.remove();
    },
  };
}
