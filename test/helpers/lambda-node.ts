/**
 * A complete Lambda node for tests, wired the way the composition root wires it: SQLite store,
 * file code store, control plane (the catalog), the invocation engine with real child processes,
 * the async runner and the SigV4 HTTP API on port 0.
 */
import { mkdirSync, mkdtempSync } from "node:fs";
import { join } from "node:path";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { FsCodeStore, removeTree } from "../../src/adapters/fs-code-store.js";
import { SqliteStore } from "../../src/adapters/sqlite/sqlite-store.js";
import { createApiServer, type ApiServer } from "../../src/api/http-server.js";
import { createLambdaOperations } from "../../src/api/lambda/index.js";
import { createSigV4Verifier } from "../../src/api/sigv4.js";
import { createEngine, type Engine } from "../../src/compose/engine.js";
import { LambdaControlPlane } from "../../src/control/index.js";
import type { InvocationRecord } from "../../src/domain/invocation.js";
import { AsyncInvoker } from "../../src/events/async-invoker.js";
import { systemClock } from "../../src/shared/clock.js";
import { randomIds } from "../../src/shared/ids.js";
import { ROOT } from "./paths.js";

export const NODE_REGION = "us-east-1";
export const NODE_ACCOUNT = "123456789012";
const AKID = "AKIAHANEULCONFORMANCE";
const SECRET = "conformance/Secret+0123456789abcdefghij";

export interface LambdaNode {
  readonly url: string;
  readonly client: LambdaClient;
  readonly control: LambdaControlPlane;
  readonly store: SqliteStore;
  readonly engine: Engine;
  readonly events: AsyncInvoker;
  /** Every invocation record so far. */
  readonly records: InvocationRecord[];
  /** Waits until a record with `requestId` exists. */
  recordOf(requestId: string, timeoutMs?: number): Promise<InvocationRecord>;
  close(): Promise<void>;
}

/** Starts a node in a fresh data directory. */
export async function startLambdaNode(options: { accountConcurrency?: number } = {}): Promise<LambdaNode> {
  // Not under /tmp: instances get a private /tmp, which would hide a code tree kept there.
  mkdirSync(join(ROOT, ".haneul"), { recursive: true });
  const dataDir = mkdtempSync(join(ROOT, ".haneul", "test-node-"));
  const store = SqliteStore.open({ path: join(dataDir, "haneul.db") });
  const codeStore = new FsCodeStore({ dataDir });
  const accountConcurrency = options.accountConcurrency ?? 1000;
  const control = await LambdaControlPlane.open({
    store,
    codeStore,
    clock: systemClock,
    ids: randomIds,
    region: NODE_REGION,
    accountId: NODE_ACCOUNT,
    accountConcurrency,
  });
  const records: InvocationRecord[] = [];
  const engine = await createEngine({
    catalog: control,
    scratchDir: join(dataDir, "scratch"),
    readOnlyDirs: [join(dataDir, "code")],
    path: process.env["PATH"] ?? "/usr/bin:/bin",
    sparesPerHeap: 0,
    accountConcurrency,
    onRecord: (r) => records.push(r),
  });
  const events = new AsyncInvoker({ store, invoker: engine.invoker, clock: systemClock, ids: randomIds });
  await events.start();
  const api: ApiServer = createApiServer({
    operations: createLambdaOperations({ control, invoker: engine.invoker, events }),
    verify: createSigV4Verifier((id) => (id === AKID ? SECRET : undefined)),
    ids: randomIds,
    clock: systemClock,
  });
  const url = await api.listen(0, "127.0.0.1");
  const client = new LambdaClient({
    region: NODE_REGION,
    endpoint: url,
    credentials: { accessKeyId: AKID, secretAccessKey: SECRET },
    maxAttempts: 1,
  });
  return {
    url,
    client,
    control,
    store,
    engine,
    events,
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
      await api.close();
      await events.stop();
      await engine.close();
      await store.close();
      await removeTree(dataDir);
    },
  };
}
