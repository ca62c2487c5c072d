/**
 * The IAM API subset haneul serves (query protocol, SigV4 service `iam`, signed for us-east-1
 * whatever the node's region): users, access keys, roles, inline and attached policies, and the
 * AWS managed policies SAM templates name.
 */
import type { IamService } from "../../iam/index.js";
import { PlatformError } from "../../shared/errors.js";
import type { AccessSpec, ApiRequest, ApiResponse, Operation } from "../types.js";
import { HANDLERS, type IamHandler } from "./handlers.js";
import { required, xmlError, xmlResponse } from "./wire.js";

/** The largest IAM request body (policy documents are at most 10 240 characters). */
const MAX_BODY_BYTES = 64 * 1024;

/** The one IAM operation: POST / with the action in the form body. */
export function createIamOperations(iam: IamService): Operation[] {
  const form = (req: ApiRequest): URLSearchParams => new URLSearchParams(req.body.toString("utf8"));
  const handlerOf = (f: URLSearchParams): [string, IamHandler] => {
    const action = f.get("Action") ?? "";
    const handler = HANDLERS[action];
    if (handler === undefined) {
      throw new PlatformError("ERR_IAM_INVALID_ACTION", `Could not find operation ${action} for version 2010-05-08`);
    }
    return [action, handler];
  };
  return [
    {
      name: "IAM",
      method: "POST",
      path: "/",
      service: "iam",
      signingRegions: ["us-east-1"],
      maxBodyBytes: MAX_BODY_BYTES,
      access(req): AccessSpec {
        const f = form(req);
        const [action, handler] = handlerOf(f);
        return { action: `iam:${action}`, resource: handler.resource(iam, f, req) };
      },
      async handle(req): Promise<ApiResponse> {
        const f = form(req);
        const [action, handler] = handlerOf(f);
        return xmlResponse(action, await handler.run(iam, f, req), req.requestId);
      },
      renderError: xmlError,
    },
  ];
}

export { required };
