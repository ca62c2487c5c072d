/**
 * The CloudWatch API (SigV4 service `monitoring`) on POST /, in both protocols its clients speak:
 * the query protocol (aws-sdk v2, AWS CLI v2) and awsJson1.0 (SDK v3). See wire.ts.
 */
import { isPlatformError, PlatformError } from "../../shared/errors.js";
import type { AccessSpec, ApiRequest, ApiResponse, Operation } from "../types.js";
import { METRIC_HANDLERS, type Handler, type MetricApiDeps } from "./metric-handlers.js";
import { isJsonRequest, readRequest, renderCloudWatchError, respond } from "./wire.js";

/** A CloudWatch request body is at most 1 MB (PutMetricData's limit). */
const MAX_BODY_BYTES = 1024 * 1024;

/** The deps of every CloudWatch handler. */
export type CloudWatchDeps = MetricApiDeps;

function handlerOf(handlers: Readonly<Record<string, Handler>>, action: string): Handler {
  const h = handlers[action];
  if (!h) throw new PlatformError("ERR_CW_INVALID_ACTION", `Could not find operation ${action} for version 2010-08-01`);
  return h;
}

/** The one CloudWatch operation; `extra` adds handlers (alarms) by action name. */
export function createCloudWatchOperations(
  deps: CloudWatchDeps,
  extra: Readonly<Record<string, Handler>> = {},
): Operation[] {
  const handlers = { ...METRIC_HANDLERS, ...extra };
  return [
    {
      name: "CloudWatch",
      method: "POST",
      path: "/",
      service: "monitoring",
      maxBodyBytes: MAX_BODY_BYTES,
      access(req): AccessSpec {
        const { action } = readRequest(req);
        handlerOf(handlers, action);
        return { action: `cloudwatch:${action}`, resource: "*" };
      },
      async handle(req: ApiRequest): Promise<ApiResponse> {
        const json = isJsonRequest(req.headers);
        try {
          const { action, input } = readRequest(req);
          const result = await handlerOf(handlers, action)(deps, input);
          return respond(json, action, result, req.requestId);
        } catch (e) {
          if (!isPlatformError(e)) throw e;
          return renderCloudWatchError(e, req.requestId, json);
        }
      },
      renderError: (e, requestId, headers) =>
        renderCloudWatchError(e, requestId, headers !== undefined && isJsonRequest(headers)),
    },
  ];
}
