/**
 * The STS API subset haneul serves: GetCallerIdentity (query protocol, SigV4 service `sts`, signed
 * for the node's region or us-east-1, the global endpoint's). It answers who signed the request —
 * the account, the caller's ARN and its unique id, as STS does — and, as on AWS, needs no
 * permission: `aws sts get-caller-identity`, the usual first check of a set of credentials.
 */
import type { Principal } from "../../iam/index.js";
import { PlatformError } from "../../shared/errors.js";
import { queryError, queryResponse, type QueryDialect } from "../query-wire.js";
import type { ApiRequest, Operation } from "../types.js";

const STS: QueryDialect = { xmlns: "https://sts.amazonaws.com/doc/2011-06-15/", codes: {} };

/** STS's `UserId` of a caller: the account for the root, the user's id, `roleId:session` for a role session. */
function userIdOf(p: Principal): string {
  switch (p.kind) {
    case "root":
      return p.accountId;
    case "user":
      return p.userId;
    case "assumed-role":
      return `${p.roleId}:${p.sessionName}`;
    case "service":
      return p.service;
  }
}

/** The account of a caller (a service principal acts for the node's). */
function accountOf(p: Principal, nodeAccount: string): string {
  return p.kind === "service" ? nodeAccount : p.accountId;
}

function actionOf(req: ApiRequest): string {
  const action = new URLSearchParams(req.body.toString("utf8")).get("Action") ?? "";
  if (action !== "GetCallerIdentity") {
    throw new PlatformError("ERR_IAM_INVALID_ACTION", `Could not find operation ${action} for version 2011-06-15`);
  }
  return action;
}

/** STS: POST / with the action in the form body. */
export function createStsOperations(o: { readonly accountId: string }): Operation[] {
  return [
    {
      name: "STS",
      method: "POST",
      path: "/",
      service: "sts",
      signingRegions: ["us-east-1"],
      maxBodyBytes: 16 * 1024,
      // GetCallerIdentity needs no permission, and an explicit deny does not stop it (as on AWS);
      // another action is refused before any access is checked.
      access: (req) => {
        actionOf(req);
        return [];
      },
      handle: (req) => {
        const action = actionOf(req);
        const p = req.caller.principal;
        const result = { Arn: p.arn, UserId: userIdOf(p), Account: accountOf(p, o.accountId) };
        return Promise.resolve(queryResponse(STS, action, result, req.requestId));
      },
      renderError: (e, requestId) => queryError(STS, e, requestId),
    },
  ];
}
