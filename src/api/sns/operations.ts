/**
 * The SNS API (SigV4 service `sns`): the query protocol on POST / (form body with `Action=`, XML
 * answers in the 2010-03-31 namespace), the only protocol SNS speaks to SDK v3, aws-sdk v2 and the CLI.
 */
import type { TopicService } from "../../topics/index.js";
import { PlatformError } from "../../shared/errors.js";
import type { OutboundPolicy } from "../../shared/outbound-policy.js";
import { queryError, queryResponse, type QueryDialect, type WireError } from "../query-wire.js";
import type { AccessSpec, ApiRequest, ApiResponse, Operation } from "../types.js";
import { snsHandlers } from "./handlers.js";

const SNS: QueryDialect = {
  xmlns: "http://sns.amazonaws.com/doc/2010-03-31/",
  codes: { ERR_SERVICE: "InternalError", ERR_STORE_UNAVAILABLE: "InternalError" },
};

/** SNS's `<ErrorResponse>`. */
export function snsError(e: WireError, requestId: string): ApiResponse {
  return queryError(SNS, e, requestId);
}

const RESOURCE_PARAMS = ["TopicArn", "ResourceArn", "TargetArn"];

function formOf(req: ApiRequest): URLSearchParams {
  return new URLSearchParams(req.body.length > 0 ? req.body.toString("utf8") : req.query.toString());
}

/** The SNS operations over `service`; HTTP/HTTPS endpoints are checked against `outbound`. */
export function createSnsOperations(service: TopicService, outbound?: OutboundPolicy): Operation[] {
  const handlers = snsHandlers(service, outbound);
  const handlerOf = (action: string) => {
    const h = handlers[action];
    if (!h)
      throw new PlatformError("ERR_SNS_INVALID_ACTION", `Could not find operation ${action} for version 2010-03-31`);
    return h;
  };
  const resourceOf = (form: URLSearchParams): string => {
    for (const p of RESOURCE_PARAMS) {
      const v = form.get(p);
      if (v) return v;
    }
    const sub = form.get("SubscriptionArn");
    return sub ? sub.split(":").slice(0, 6).join(":") : "*";
  };
  return [
    {
      name: "SNS",
      method: "POST",
      path: "/",
      service: "sns",
      maxBodyBytes: 1024 * 1024,
      access(req): AccessSpec {
        const form = formOf(req);
        const action = form.get("Action") ?? "";
        handlerOf(action);
        const resource = resourceOf(form);
        if (resource === "*") return { action: `sns:${action}`, resource };
        // The topic's policy both allows (another principal, without identity policies) and denies.
        const resourcePolicy = () => service.admin.policyOf(resource);
        return { action: `sns:${action}`, resource, resourcePolicy, resourcePolicyMayDeny: true };
      },
      async handle(req): Promise<ApiResponse> {
        const form = formOf(req);
        const action = form.get("Action") ?? "";
        const apiUrl = `http://${req.headers.host ?? "localhost"}`;
        const trace = req.headers["x-amzn-trace-id"];
        const traceHeader = typeof trace === "string" ? trace : undefined;
        try {
          return queryResponse(
            SNS,
            action,
            await handlerOf(action)({ form, apiUrl, traceHeader, caller: req.caller }),
            req.requestId,
          );
        } catch (e) {
          if (e instanceof PlatformError) return snsError(e, req.requestId);
          throw e;
        }
      },
      renderError: (e, requestId) => snsError(e, requestId),
    },
  ];
}
