/**
 * Event source mappings on a node: the mapping store (SQLite beside the Lambda store, or the
 * cluster's PostgreSQL), the service behind the Lambda API's mapping operations, and the runner
 * that consumes the enabled mappings (in cluster mode under a lease per mapping). Source kinds:
 * SQS queues and Kinesis streams (whose checkpoints are stored beside the mappings).
 */
import { join } from "node:path";
import type { PgDatabase } from "../adapters/postgres/database.js";
import { PgLeaseStore } from "../adapters/postgres/pg-cluster.js";
import { PgMappingStore } from "../adapters/postgres/pg-mapping-store.js";
import { SqliteMappingStore } from "../adapters/sqlite/mapping-store.js";
import { createMappingOperations } from "../api/lambda/mapping-operations.js";
import type { Operation } from "../api/types.js";
import type { ServerConfig } from "../config/server-config.js";
import type { LambdaControlPlane } from "../control/index.js";
import { PgStreamCheckpointStore } from "../adapters/postgres/pg-stream-checkpoint-store.js";
import { SqliteStreamCheckpointStore } from "../adapters/sqlite/stream-checkpoint-store.js";
import {
  KinesisSourceKind,
  MappingRunner,
  MappingService,
  SqsSourceKind,
  type MappingFunctions,
  type WorkerContext,
} from "../mappings/index.js";
import type { StreamStore } from "../ports/stream-store.js";
import type { InvokeService } from "../ports/invoke-service.js";
import type { QueueService } from "../queues/index.js";
import type { Clock } from "../shared/clock.js";
import type { IdSource } from "../shared/ids.js";

export interface MappingsOptions {
  readonly config: ServerConfig;
  readonly database: PgDatabase | undefined;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly control: LambdaControlPlane;
  readonly invoker: InvokeService;
  readonly queues: QueueService;
  /** The stream store stream mappings read (Kinesis). */
  readonly streams: StreamStore;
  readonly nodeId: string;
  /** Announces a change to the other nodes (cluster mode). */
  readonly announce?: ((uuid: string) => void) | undefined;
  readonly log: (message: string, error?: unknown) => void;
  /** Told when a queue's messages are not handed to a function because their chain loops. */
  readonly onRecursionStopped?: ((o: { functionName: string; messages: number }) => void) | undefined;
  /** Sends a stream mapping's batch-info record to its OnFailure queue or topic. */
  readonly sendToDestination?: WorkerContext["sendToDestination"];
  /** Stream batches' IteratorAge data points. */
  readonly onIteratorAge?: WorkerContext["onIteratorAge"];
}

/** A node's event source mappings; `start()` once functions are loaded, `stop()` before the invoker stops. */
export interface NodeMappings {
  readonly service: MappingService;
  readonly runner: MappingRunner;
  readonly operations: Operation[];
  start(): Promise<void>;
  /** Another node changed a mapping. */
  reload(): Promise<void>;
  stop(): Promise<void>;
}

/** The control plane's view of the functions mappings invoke. */
export function mappingFunctions(control: LambdaControlPlane): MappingFunctions {
  return {
    resolve(name) {
      try {
        const t = control.resolveInvocation(name);
        const spec = control.version(t.functionName, "$LATEST");
        return { ...t, timeoutSec: spec?.timeoutSec ?? 3, roleArn: spec?.role };
      } catch {
        return undefined;
      }
    },
    reservedConcurrency: (name) => control.version(name, "$LATEST")?.reservedConcurrency,
    recursiveLoop: (name) => control.recursiveLoop(name),
  };
}

/** Opens the mapping store and builds the service, runner and operations. */
export function createMappings(o: MappingsOptions): NodeMappings {
  const store = o.database
    ? new PgMappingStore(o.database)
    : SqliteMappingStore.open({ path: join(o.config.dataDir, "haneul.db") });
  const functions = mappingFunctions(o.control);
  const checkpoints = o.database
    ? new PgStreamCheckpointStore(o.database)
    : SqliteStreamCheckpointStore.open({ path: join(o.config.dataDir, "haneul.db") });
  const scope = { region: o.config.region, accountId: o.config.accountId };
  const kinds = [new SqsSourceKind(o.queues), new KinesisSourceKind({ store: o.streams, checkpoints, scope })];
  const runner = new MappingRunner({
    store,
    kinds,
    context: {
      ...{ clock: o.clock, invoker: o.invoker, functions, region: o.config.region, log: o.log },
      ...{ onRecursionStopped: o.onRecursionStopped, requestId: () => o.ids.requestId() },
      ...{ sendToDestination: o.sendToDestination, onIteratorAge: o.onIteratorAge },
    },
    leases: o.database && new PgLeaseStore(o.database),
    owner: o.nodeId,
    leaseMs: o.config.cluster.leaseMs,
  });
  const service = new MappingService({
    store,
    clock: o.clock,
    ids: o.ids,
    region: o.config.region,
    accountId: o.config.accountId,
    functions,
    kinds,
    onChange: (uuid) => {
      void runner.refresh();
      o.announce?.(uuid);
    },
  });
  return {
    service,
    runner,
    operations: createMappingOperations(service),
    start: () => runner.start(),
    reload: () => runner.refresh(),
    async stop() {
      await runner.stop();
      await store.close();
      await checkpoints.close();
    },
  };
}
