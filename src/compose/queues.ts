/**
 * SQS on a node: the queue store on the node's database (the SQLite file, or the cluster's
 * PostgreSQL), the queue service, its API operations and the runner of message move tasks.
 */
import { join } from "node:path";
import type { PgDatabase } from "../adapters/postgres/database.js";
import { PgQueueStore } from "../adapters/postgres/pg-queue-store.js";
import { SqliteQueueStore } from "../adapters/sqlite/queue-store.js";
import { createSqsOperations } from "../api/sqs/operations.js";
import type { Operation } from "../api/types.js";
import type { ServerConfig } from "../config/server-config.js";
import type { QueueStore } from "../ports/queue-store.js";
import { MoveTaskRunner, QueueService } from "../queues/index.js";
import type { Clock } from "../shared/clock.js";
import type { IdSource } from "../shared/ids.js";

/** A node's queues. */
export interface NodeQueues {
  readonly service: QueueService;
  readonly operations: Operation[];
  /** Starts moving messages of move tasks (in a cluster, only while `isLeader`); stopped by close. */
  startMoveTasks(o: { readonly isLeader?: (() => boolean) | undefined; readonly log: (m: string) => void }): void;
  close(): Promise<void>;
}

/** Opens the queue store next to the node's other state and makes the SQS service. */
export function createQueues(
  config: ServerConfig,
  o: {
    readonly database: PgDatabase | undefined;
    readonly clock: Clock;
    readonly realClock: Clock;
    readonly ids: IdSource;
  },
): NodeQueues {
  const store: QueueStore = o.database
    ? new PgQueueStore(o.database)
    : SqliteQueueStore.open({ path: join(config.dataDir, "haneul.db") });
  const service = new QueueService({
    store,
    clock: o.clock,
    waitClock: o.realClock,
    ids: o.ids,
    region: config.region,
    accountId: config.accountId,
  });
  let runner: MoveTaskRunner | undefined;
  return {
    service,
    operations: createSqsOperations(service),
    startMoveTasks(s) {
      runner = new MoveTaskRunner({ store, clock: o.clock, isLeader: s.isLeader, onError: s.log });
      runner.start();
    },
    async close() {
      await runner?.stop();
      await store.close();
    },
  };
}
