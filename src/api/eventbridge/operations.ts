/**
 * The EventBridge API (awsJson1.1, `X-Amz-Target: AWSEvents.<Operation>`, SigV4 service `events`):
 * one operation on POST / that dispatches on the target header, as IAM's does on its Action.
 */
import type { EventBusService } from "../../buses/index.js";
import type { AccessSpec, ApiResponse, Operation } from "../types.js";
import { handlerOf } from "./handlers.js";
import { jsonBody, jsonError, jsonResponse } from "./wire.js";

/** PutEvents takes up to 10 entries of 256 KB. */
const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** The EventBridge operations over `service`. */
export function createEventBridgeOperations(service: EventBusService): Operation[] {
  return [
    {
      name: "EventBridge",
      method: "POST",
      path: "/",
      service: "events",
      maxBodyBytes: MAX_BODY_BYTES,
      access(req): AccessSpec {
        const [op, handler] = handlerOf(req.headers["x-amz-target"]);
        return { action: `events:${op}`, resource: handler.resource(service, jsonBody(req)) };
      },
      async handle(req): Promise<ApiResponse> {
        const [, handler] = handlerOf(req.headers["x-amz-target"]);
        return jsonResponse(await handler.run(service, jsonBody(req)));
      },
      renderError: jsonError,
    },
  ];
}
