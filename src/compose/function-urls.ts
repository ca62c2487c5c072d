/**
 * Function URLs on a node: the URL store (SQLite beside the Lambda store, or the cluster's
 * PostgreSQL), the service behind the Lambda API's URL operations, and the server that answers
 * URL requests on the gateway's port (mounted with the gateway's `serveFirst`).
 */
import { join } from "node:path";
import type { PgDatabase } from "../adapters/postgres/database.js";
import { PgFunctionUrlStore } from "../adapters/postgres/pg-function-url-store.js";
import { SqliteFunctionUrlStore } from "../adapters/sqlite/function-url-store.js";
import { FunctionUrlServer, functionUrls } from "../api/function-urls/index.js";
import type { CredentialLookup } from "../api/sigv4.js";
import type { Caller } from "../api/types.js";
import type { ServerConfig } from "../config/server-config.js";
import { FunctionUrlService, type LambdaControlPlane } from "../control/index.js";
import type { InvokeService } from "../ports/invoke-service.js";
import type { Clock } from "../shared/clock.js";
import type { IdSource } from "../shared/ids.js";

export interface FunctionUrlsOptions {
  readonly config: ServerConfig;
  readonly database: PgDatabase | undefined;
  readonly clock: Clock;
  /** Real time: signatures and event timestamps. */
  readonly realClock: Clock;
  readonly ids: IdSource;
  readonly control: LambdaControlPlane;
  readonly invoker: InvokeService;
  readonly credentials: CredentialLookup<Caller>;
  /** Announces a change of a function's URLs to the other nodes (cluster mode). */
  readonly announce: (functionName: string) => void;
}

/** A node's function URLs. */
export interface NodeFunctionUrls {
  readonly service: FunctionUrlService;
  readonly server: FunctionUrlServer;
  /** The gateway's port, once it listens: URLs name it. */
  setPort(port: number): void;
  /** A function changed (here or on another node): its URLs and policies are re-read. */
  functionChanged(functionName: string): Promise<void>;
  reloadAll(): Promise<void>;
  close(): Promise<void>;
}

/** Opens the URL store and builds the service and the server. */
export async function createFunctionUrls(o: FunctionUrlsOptions): Promise<NodeFunctionUrls> {
  const store = o.database
    ? new PgFunctionUrlStore(o.database)
    : SqliteFunctionUrlStore.open({ path: join(o.config.dataDir, "haneul.db") });
  const { region, accountId } = o.config;
  let port = o.config.gatewayPort;
  const service = await FunctionUrlService.open({
    ...{ store, catalog: o.control, clock: o.clock, ids: o.ids, region, accountId },
    urlOf: (urlId) => functionUrls(urlId, region, port).hostBased,
    onChange: o.announce,
  });
  const server = new FunctionUrlServer({
    ...{ urls: service, invoker: o.invoker, credentials: o.credentials, clock: o.realClock, ids: o.ids },
    ...{ region, accountId, regions: [region, ...o.config.extraRegions] },
    policyText: (name, qualifier) =>
      o.control.getPolicy(name, qualifier).then(
        (p) => String(p["Policy"]),
        () => undefined,
      ),
  });
  return {
    service,
    server,
    setPort: (p) => void (port = p),
    functionChanged(name) {
      server.forget(name);
      return service.reload(name);
    },
    reloadAll: () => service.reloadAll(),
    close: () => store.close(),
  };
}
