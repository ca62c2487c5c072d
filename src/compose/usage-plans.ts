/**
 * API Gateway API keys and usage plans on a node: the usage plan store (SQLite beside the Lambda
 * store, or the cluster's PostgreSQL), the control-plane service, its API operations and the quota
 * ledger the gateway counts requests with. Every change is handed to the gateway and announced
 * (kind `usageplans`) so that every node's gateway enforces the same keys and plans.
 */
import { join } from "node:path";
import type { PgDatabase } from "../adapters/postgres/database.js";
import { PgUsagePlanStore } from "../adapters/postgres/pg-usage-plan-store.js";
import { SqliteUsagePlanStore } from "../adapters/sqlite/usage-plan-store.js";
import { createUsagePlanOperations } from "../api/apigateway/index.js";
import type { Operation } from "../api/types.js";
import type { ServerConfig } from "../config/server-config.js";
import { UsagePlanService } from "../control/index.js";
import type { UsageSnapshot } from "../domain/usage-plans.js";
import { QuotaLedger } from "../gateway/index.js";
import type { ApiStore } from "../ports/api-store.js";
import type { Clock } from "../shared/clock.js";
import type { IdSource } from "../shared/ids.js";

export interface NodeUsagePlansOptions {
  readonly config: ServerConfig;
  readonly database: PgDatabase | undefined;
  readonly apiStore: ApiStore;
  readonly clock: Clock;
  readonly ids: IdSource;
  /** The gateway's `setUsage` (called once `start()` runs, then after every change). */
  readonly publish: (snapshot: UsageSnapshot) => void;
  readonly announce?: (() => void) | undefined;
  readonly log: (message: string, error?: unknown) => void;
}

/** A node's API keys and usage plans; `start()` once the gateway exists, `stop()` before the database closes. */
export interface NodeUsagePlans {
  readonly service: UsagePlanService;
  readonly operations: Operation[];
  /** The gateway's quota counter (GatewayOptions.quota). */
  readonly ledger: QuotaLedger;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Opens the usage plan store and builds the service, operations and quota ledger. */
export function createUsagePlans(o: NodeUsagePlansOptions): NodeUsagePlans {
  const store = o.database
    ? new PgUsagePlanStore(o.database)
    : SqliteUsagePlanStore.open({ path: join(o.config.dataDir, "haneul.db") });
  const service = new UsagePlanService({
    store,
    apis: o.apiStore,
    clock: o.clock,
    ids: o.ids,
    publish: (snapshot) => o.publish(snapshot),
    onChange: o.announce,
  });
  const ledger = new QuotaLedger({ store, clock: o.clock, onError: o.log });
  return {
    service,
    operations: createUsagePlanOperations(service),
    ledger,
    async start() {
      await service.reload();
      ledger.start();
    },
    async stop() {
      await ledger.stop().catch((e: unknown) => o.log("usage plan quota counts could not be written", e));
      await store.close();
    },
  };
}
