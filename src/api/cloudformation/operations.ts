/**
 * The CloudFormation API subset haneul serves (query protocol, SigV4 service `cloudformation`):
 * stacks, change sets, events, resources, templates and exports, over the stack engine that
 * `haneul deploy` uses too.
 */
import { PlatformError } from "../../shared/errors.js";
import type { StackEngine } from "../../stacks/index.js";
import type { AccessSpec, ApiRequest, ApiResponse, Operation } from "../types.js";
import { HANDLERS, type CfnHandler } from "./handlers.js";
import { cfnError, cfnResponse } from "./wire.js";

/** Templates are at most 51 200 bytes, form-encoded: room for that and the parameters. */
const MAX_BODY_BYTES = 512 * 1024;

/** The one CloudFormation operation: POST / with the action in the form body. */
export function createCloudFormationOperations(engine: StackEngine): Operation[] {
  const form = (req: ApiRequest): URLSearchParams => new URLSearchParams(req.body.toString("utf8"));
  const handlerOf = (f: URLSearchParams): [string, CfnHandler] => {
    const action = f.get("Action") ?? "";
    const handler = HANDLERS[action];
    if (handler === undefined) {
      throw new PlatformError("ERR_UNKNOWN_OPERATION", `Could not find operation ${action} for version 2010-05-15`);
    }
    return [action, handler];
  };
  const { region, accountId } = engine.scope;
  return [
    {
      name: "CloudFormation",
      method: "POST",
      path: "/",
      service: "cloudformation",
      maxBodyBytes: MAX_BODY_BYTES,
      access(req): AccessSpec {
        const f = form(req);
        const [action] = handlerOf(f);
        const stack = f.get("StackName");
        const resource = !stack
          ? "*"
          : stack.startsWith("arn:")
            ? stack
            : `arn:aws:cloudformation:${region}:${accountId}:stack/${stack}/*`;
        return { action: `cloudformation:${action}`, resource };
      },
      async handle(req): Promise<ApiResponse> {
        const f = form(req);
        const [action, handler] = handlerOf(f);
        return cfnResponse(action, await handler(engine, f), req.requestId);
      },
      renderError: cfnError,
    },
  ];
}
