/**
 * Kinesis on a node: the stream store on the node's database (the SQLite file, or the cluster's
 * PostgreSQL), the stream service (retention trimmed on the leader) and its API operations.
 */
import { join } from "node:path";
import type { PgDatabase } from "../adapters/postgres/database.js";
import { PgStreamStore } from "../adapters/postgres/pg-stream-store.js";
import { SqliteStreamStore } from "../adapters/sqlite/stream-store.js";
import { createKinesisOperations } from "../api/kinesis/operations.js";
import type { Operation } from "../api/types.js";
import type { ServerConfig } from "../config/server-config.js";
import type { StreamStore } from "../ports/stream-store.js";
import type { Clock } from "../shared/clock.js";
import { StreamService } from "../streams/index.js";

/** A node's streams. */
export interface NodeStreams {
  readonly service: StreamService;
  readonly store: StreamStore;
  readonly operations: Operation[];
  close(): Promise<void>;
}

/** Opens the stream store next to the node's other state, makes the service and starts its retention timer. */
export function createStreams(
  config: ServerConfig,
  o: {
    readonly database: PgDatabase | undefined;
    readonly clock: Clock;
    readonly isLeader?: (() => boolean) | undefined;
    readonly announce?: ((name: string) => void) | undefined;
    readonly log: (message: string, error?: unknown) => void;
  },
): NodeStreams {
  const store: StreamStore = o.database
    ? new PgStreamStore(o.database)
    : SqliteStreamStore.open({ path: join(config.dataDir, "haneul.db") });
  const service = new StreamService({
    store,
    clock: o.clock,
    scope: { region: config.region, accountId: config.accountId },
    onChange: o.announce,
    isLeader: o.isLeader,
    onError: o.log,
  });
  service.start();
  return {
    service,
    store,
    operations: createKinesisOperations(service),
    async close() {
      await service.stop();
      await store.close();
    },
  };
}
