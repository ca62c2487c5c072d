/**
 * The CodeDeploy API (awsJson1.1, `X-Amz-Target: CodeDeploy_20141006.<Operation>`, SigV4 service
 * `codedeploy`): one operation on POST / that dispatches on the target header.
 */
import { PlatformError } from "../../shared/errors.js";
import { jsonError, jsonResponse } from "../eventbridge/wire.js";
import type { AccessSpec, ApiResponse, Operation } from "../types.js";
import { HANDLERS, type CodeDeployHandler, type CodeDeployScope } from "./handlers.js";
import { jsonBody } from "./wire.js";

const PREFIX = "CodeDeploy_20141006.";
/** An AppSpec is small; CodeDeploy limits a request's content far below this. */
const MAX_BODY_BYTES = 1024 * 1024;

function handlerOf(target: string | string[] | undefined): [string, CodeDeployHandler] {
  const t = typeof target === "string" ? target : "";
  const op = t.startsWith(PREFIX) ? t.slice(PREFIX.length) : "";
  const handler = Object.hasOwn(HANDLERS, op) ? HANDLERS[op] : undefined;
  if (!handler) throw new PlatformError("ERR_CODEDEPLOY_UNKNOWN_OPERATION", `Unknown operation ${t}`);
  return [op, handler];
}

/** The CodeDeploy operations over `scope`. */
export function createCodeDeployOperations(scope: CodeDeployScope): Operation[] {
  return [
    {
      name: "CodeDeploy",
      method: "POST",
      path: "/",
      service: "codedeploy",
      maxBodyBytes: MAX_BODY_BYTES,
      access(req): AccessSpec {
        const [op, handler] = handlerOf(req.headers["x-amz-target"]);
        return { action: `codedeploy:${op}`, resource: handler.resource(scope, jsonBody(req)) };
      },
      async handle(req): Promise<ApiResponse> {
        const [, handler] = handlerOf(req.headers["x-amz-target"]);
        return jsonResponse(await handler.run(scope, jsonBody(req)));
      },
      renderError: jsonError,
    },
  ];
}
