import type { IncomingMessage, ServerResponse } from "node:http";
import type { InvokeService } from "../ports/invoke-service.js";
import type { LogEventInput } from "../ports/log-store.js";
import type { Clock } from "../shared/clock.js";
import type { OutboundPolicy } from "../shared/outbound-policy.js";
import type { IdSource } from "../shared/ids.js";
import type { RandomSource } from "../shared/random.js";
import type { GatewayErrorKind } from "./gateway-errors.js";
import type { ResilienceListener } from "./resilience/target-resilience.js";
import type { QuotaGate } from "./usage-limits.js";

/** One access-log record per request, as API Gateway's access logs carry it. */
export interface AccessLogRecord {
  readonly requestId: string;
  readonly apiId: string | undefined;
  readonly stage: string | undefined;
  readonly method: string;
  /** The request path as sent (without the query string). */
  readonly path: string;
  readonly routeKey: string | undefined;
  readonly status: number;
  readonly latencyMs: number;
  /** Time from handing the request to the integration to its answer, when one was called. */
  readonly integrationLatencyMs?: number | undefined;
  readonly functionName: string | undefined;
  readonly executedVersion: string | undefined;
  /** Why the gateway answered itself (no route, an authorizer's denial, a malformed proxy response…). */
  readonly error?: GatewayErrorKind | undefined;
  /** On a stage with a canary: the deployment that served the request (the stage's or the canary's). */
  readonly deploymentId?: string | undefined;
}

export interface GatewayOptions {
  readonly invoker: InvokeService;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly region: string;
  readonly accountId: string;
  /** Numbers in [0, 1) for stage canary splits (default Math.random). */
  readonly random?: RandomSource | undefined;
  readonly onAccessLog?: ((record: AccessLogRecord) => void) | undefined;
  /**
   * Receives the access log lines of stages that have access logs (AccessLogSettings), one event
   * per request, to be batched into the log store. Absent: stages' access logs are not written.
   */
  readonly onStageAccessLog?: ((event: LogEventInput) => void) | undefined;
  /**
   * Whether API Gateway may invoke the function for `sourceArn`, by the function's resource-based
   * policy (AddPermission for `apigateway.amazonaws.com`). Absent: every route may.
   */
  readonly invokePermitted?:
    | ((
        target: { functionName: string; qualifier?: string | undefined },
        sourceArn: string,
      ) => boolean | Promise<boolean>)
    | undefined;
  /** Largest request body accepted (API Gateway: 10 MB). */
  readonly maxBodyBytes?: number | undefined;
  /**
   * Answers requests that name no API (health probes of load balancers and orchestrators); returns
   * false for a path it does not serve, which then gets API Gateway's usual answer.
   */
  readonly health?: ((path: string, res: ServerResponse) => boolean) | undefined;
  /** Counts usage plan quotas (cluster-wide: a QuotaLedger over the store). Absent: quotas are not enforced. */
  readonly quota?: QuotaGate | undefined;
  /**
   * Takes the requests of another service sharing the port (function URLs) before any API is
   * looked up; returns false for a request it does not address.
   */
  readonly serveFirst?: ((req: IncomingMessage, res: ServerResponse) => boolean) | undefined;
  /** Where HTTP and HTTP_PROXY integrations may send (checked on every request). Absent: anywhere. */
  readonly outbound?: OutboundPolicy | undefined;
  /** Told of circuit state changes, circuit and bulkhead refusals and retries (metrics, logs). */
  readonly onResilienceEvent?: ResilienceListener | undefined;
}
