/**
 * Opens a node's state: SQLite in the data directory (one node), or PostgreSQL shared by every node
 * of a cluster. Both give the same ports; the rest of the node does not know which it runs on.
 */
import { join } from "node:path";
import { FsCodeStore } from "../adapters/fs-code-store.js";
import { PgDatabase } from "../adapters/postgres/database.js";
import { PgApiStore } from "../adapters/postgres/pg-api-store.js";
import { PgIamStore } from "../adapters/postgres/pg-iam-store.js";
import { PgSharedKey } from "../adapters/postgres/pg-shared-key.js";
import { PgLayerStore } from "../adapters/postgres/pg-layer-store.js";
import { PgObjectStore } from "../adapters/postgres/pg-object-store.js";
import { PgStackStore } from "../adapters/postgres/pg-stack-store.js";
import { PgStore } from "../adapters/postgres/pg-store.js";
import { PgZipStore } from "../adapters/postgres/pg-zip-store.js";
import { SqliteApiStore } from "../adapters/sqlite/api-store.js";
import { SqliteIamStore } from "../adapters/sqlite/iam-store.js";
import { SqliteLayerStore } from "../adapters/sqlite/layer-store.js";
import { SqliteObjectStore } from "../adapters/sqlite/object-store.js";
import { SqliteStackStore } from "../adapters/sqlite/stack-store.js";
import { SqliteStore } from "../adapters/sqlite/sqlite-store.js";
import type { ServerConfig } from "../config/server-config.js";
import type { ApiStore } from "../ports/api-store.js";
import type { IamStore } from "../ports/iam-store.js";
import type { LayerStore } from "../ports/layer-store.js";
import type { ObjectStore } from "../ports/object-store.js";
import type { StackStore } from "../ports/stack-store.js";
import type { SharedKeySource, SharedSecretSource } from "../ports/shared-key.js";
import type { Store } from "../ports/store.js";
import type { Clock } from "../shared/clock.js";

/** A node's opened state. */
export interface NodeStores {
  readonly store: Store;
  readonly apiStore: ApiStore;
  readonly iamStore: IamStore;
  readonly stackStore: StackStore;
  /** haneul's S3 (deployment artifacts). */
  readonly objectStore: ObjectStore;
  /** Published Lambda layer versions. */
  readonly layerStore: LayerStore;
  readonly codeStore: FsCodeStore;
  /** Files function instances must not read (the SQLite database). */
  readonly hiddenFiles: readonly string[];
  /** Cluster mode: the shared database (its pool), for the cluster's own services. */
  readonly database: PgDatabase | undefined;
  /** Cluster mode: where the nodes agree on a generated access key. */
  readonly sharedKey: (SharedKeySource & SharedSecretSource) | undefined;
  /** Closes the stores, then the database. */
  close(): Promise<void>;
}

/** Opens (and migrates) the configured store. A PostgreSQL that cannot be opened throws DatabaseOpenError. */
export async function openStores(
  config: ServerConfig,
  o: { readonly clock: Clock; readonly onDatabaseError?: (e: Error) => void },
): Promise<NodeStores> {
  if (config.store.kind === "sqlite") {
    const dbPath = join(config.dataDir, "haneul.db");
    const store = SqliteStore.open({ path: dbPath });
    const apiStore = SqliteApiStore.open({ path: dbPath });
    const iamStore = SqliteIamStore.open({ path: dbPath });
    const stackStore = SqliteStackStore.open({ path: dbPath });
    const objectStore = SqliteObjectStore.open({ path: dbPath });
    const layerStore = SqliteLayerStore.open({ path: dbPath });
    return {
      objectStore,
      layerStore,
      store,
      apiStore,
      iamStore,
      stackStore,
      codeStore: new FsCodeStore({ dataDir: config.dataDir }),
      hiddenFiles: [dbPath, `${dbPath}-wal`, `${dbPath}-shm`],
      database: undefined,
      sharedKey: undefined,
      async close() {
        await layerStore.close();
        await objectStore.close();
        await stackStore.close();
        await iamStore.close();
        await apiStore.close();
        await store.close();
      },
    };
  }
  const database = await PgDatabase.open({
    url: config.store.url,
    poolSize: config.cluster.poolSize,
    now: o.clock.now(),
    onIdleError: o.onDatabaseError,
  });
  // The node holds the pool itself, so that it outlives every part that uses it.
  database.retain();
  const store = new PgStore(database);
  const apiStore = new PgApiStore(database);
  const iamStore = new PgIamStore(database);
  const stackStore = new PgStackStore(database);
  const objectStore = new PgObjectStore(database);
  const layerStore = new PgLayerStore(database);
  return {
    objectStore,
    layerStore,
    store,
    apiStore,
    iamStore,
    stackStore,
    codeStore: new FsCodeStore({
      dataDir: config.dataDir,
      shared: new PgZipStore(database),
      now: () => o.clock.now(),
    }),
    hiddenFiles: [],
    database,
    sharedKey: new PgSharedKey(database, () => o.clock.now()),
    async close() {
      await layerStore.close();
      await objectStore.close();
      await stackStore.close();
      await iamStore.close();
      await apiStore.close();
      await store.close();
      await database.release();
    },
  };
}
