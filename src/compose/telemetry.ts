/**
 * Telemetry of a node: the channel every invocation record goes through, and its subscribers: the
 * log store's writer (CloudWatch Logs), the retention sweeper, and whoever else listens (metrics,
 * `haneul server`'s lines, tests). Without subscribers, records cost nothing beyond their fields.
 */
import { join } from "node:path";
import { PgLogStore } from "../adapters/postgres/pg-log-store.js";
import { SqliteLogStore } from "../adapters/sqlite/log-store.js";
import type { ServerConfig } from "../config/server-config.js";
import type { InvocationRecord } from "../domain/invocation.js";
import type { LogStore } from "../ports/log-store.js";
import type { Clock } from "../shared/clock.js";
import { LogWriter, RecordChannel, RetentionSweeper } from "../telemetry/index.js";
import type { NodeStores } from "./stores.js";

/** A node's telemetry parts. */
export interface NodeTelemetry {
  /** Where the invoker publishes; subscribe with `records.subscribe((record) => …)`. */
  readonly records: RecordChannel;
  readonly logStore: LogStore;
  readonly logWriter: LogWriter;
  /** Writes what is queued, stops the sweeper and closes the log store. */
  close(): Promise<void>;
}

/** Builds the telemetry of a node; `onRecord` (a test, `haneul server`'s lines) is one more subscriber. */
export function createTelemetry(o: {
  readonly config: ServerConfig;
  readonly stores: NodeStores;
  readonly clock: Clock;
  readonly onRecord?: ((record: InvocationRecord) => void) | undefined;
  readonly log: (message: string, error?: unknown) => void;
}): NodeTelemetry {
  const records = new RecordChannel({ onListenerError: (e) => o.log("a telemetry subscriber failed", e) });
  const logStore: LogStore = o.stores.database
    ? new PgLogStore(o.stores.database)
    : SqliteLogStore.open({
        path: join(o.config.dataDir, "haneul.db"),
        // The inserts leave the gateway's event loop; a crash of the thread is logged, its batches kept.
        appendThread: { onCrash: (e) => o.log("the log store's append thread stopped; appending in process", e) },
      });
  const logWriter = new LogWriter({ store: logStore, clock: o.clock, onError: o.log });
  records.subscribe(logWriter.write);
  const sweeper = new RetentionSweeper({ store: logStore, clock: o.clock, onError: (e) => o.log("log retention", e) });
  sweeper.start();
  if (o.onRecord) records.subscribe(o.onRecord);
  return {
    records,
    logStore,
    logWriter,
    async close() {
      records.flush();
      await logWriter.flush();
      await sweeper.stop();
      await logStore.close();
    },
  };
}
