/**
 * Kinesis alone, in process: the API server with the Kinesis operations over a StreamService on
 * a real store (SQLite in a temporary file, or PostgreSQL when HANEUL_TEST_NODE_STORE=postgres) and
 * a ManualClock, so that tests drive iterator expiry and retention in simulated time. Signatures
 * are checked against the real clock, as on a node.
 */
import { createApiServer, type ApiServer } from "../../src/api/http-server.js";
import { createKinesisOperations } from "../../src/api/kinesis/operations.js";
import { PgDatabase } from "../../src/adapters/postgres/database.js";
import { PgStreamStore } from "../../src/adapters/postgres/pg-stream-store.js";
import { SqliteStreamStore } from "../../src/adapters/sqlite/stream-store.js";
import type { StreamStore } from "../../src/ports/stream-store.js";
import { ManualClock, systemClock } from "../../src/shared/clock.js";
import { randomIds } from "../../src/shared/ids.js";
import { StreamService } from "../../src/streams/index.js";
import { adminKey } from "./api-server.js";
import { createTestDatabase } from "./postgres.js";
import { tempDir } from "./temp-dir.js";

export const KINESIS_KEY = {
  accessKeyId: "AKIAKINESISTEST00001",
  secretAccessKey: "kinesis/Test+Secret0123456789abcdefghijk",
};
export const KINESIS_ACCOUNT = "123456789012";
export const KINESIS_REGION = "us-east-1";

/** A running Kinesis endpoint. */
export interface KinesisNode {
  readonly url: string;
  readonly clock: ManualClock;
  readonly service: StreamService;
  readonly store: StreamStore;
  readonly storeKind: "sqlite" | "postgres";
  close(): Promise<void>;
}

/** Starts the endpoint on port 0. */
export async function startKinesisNode(): Promise<KinesisNode> {
  const clock = new ManualClock(Date.now());
  const postgres = process.env["HANEUL_TEST_NODE_STORE"] === "postgres";
  const dir = postgres ? undefined : tempDir("kinesis");
  let db: PgDatabase | undefined;
  let store: StreamStore;
  if (postgres) {
    db = await PgDatabase.open({ url: await createTestDatabase(), poolSize: 4 });
    store = new PgStreamStore(db);
  } else {
    store = SqliteStreamStore.open({ path: `${dir!.path}/haneul.db` });
  }
  const service = new StreamService({ store, clock, scope: { region: KINESIS_REGION, accountId: KINESIS_ACCOUNT } });
  service.start();
  const api: ApiServer = createApiServer({
    operations: createKinesisOperations(service),
    credentials: adminKey(KINESIS_KEY.accessKeyId, KINESIS_KEY.secretAccessKey, KINESIS_ACCOUNT),
    regions: [KINESIS_REGION],
    ids: randomIds,
    clock: systemClock,
  });
  const url = await api.listen(0, "127.0.0.1");
  return {
    url,
    clock,
    service,
    store,
    storeKind: postgres ? "postgres" : "sqlite",
    async close() {
      await api.close();
      await service.stop();
      await store.close();
      await db?.end();
      await dir?.remove();
    },
  };
}
