import { onAccount, onFunction, onTagged } from "./access.js";
import type { LambdaApiDeps, LambdaOperation } from "./deps.js";
import { jsonBody, param, query } from "./request.js";
import { AddPermissionBody, TagResourceBody } from "./schemas.js";

const POLICY = "/2015-03-31/functions/{FunctionName}/policy";
const TAGS = "/2017-03-31/tags/{ARN}";

/** Resource-based policies, tags and account settings. */
export function policyOperations(deps: LambdaApiDeps): LambdaOperation[] {
  const { control } = deps;
  return [
    {
      name: "AddPermission",
      access: onFunction(deps, "AddPermission"),
      method: "POST",
      path: POLICY,
      handle: async (req) => ({
        status: 201,
        body: await control.addPermission(
          param(req, "FunctionName"),
          query(req, "Qualifier"),
          jsonBody(req, AddPermissionBody),
        ),
      }),
    },
    {
      name: "GetPolicy",
      access: onFunction(deps, "GetPolicy"),
      method: "GET",
      path: POLICY,
      handle: async (req) => ({
        status: 200,
        body: await control.getPolicy(param(req, "FunctionName"), query(req, "Qualifier")),
      }),
    },
    {
      name: "RemovePermission",
      access: onFunction(deps, "RemovePermission"),
      method: "DELETE",
      path: `${POLICY}/{StatementId}`,
      handle: async (req) => {
        await control.removePermission(param(req, "FunctionName"), param(req, "StatementId"), {
          qualifier: query(req, "Qualifier"),
          revisionId: query(req, "RevisionId"),
        });
        return { status: 204 };
      },
    },
    {
      name: "TagResource",
      access: onTagged("TagResource"),
      method: "POST",
      path: TAGS,
      handle: async (req) => {
        await control.tagResource(param(req, "ARN"), jsonBody(req, TagResourceBody));
        return { status: 204 };
      },
    },
    {
      name: "UntagResource",
      access: onTagged("UntagResource"),
      method: "DELETE",
      path: TAGS,
      handle: async (req) => {
        await control.untagResource(param(req, "ARN"), req.query.getAll("tagKeys"));
        return { status: 204 };
      },
    },
    {
      name: "ListTags",
      access: onTagged("ListTags"),
      method: "GET",
      path: TAGS,
      handle: (req) => ({ status: 200, body: control.listTags(param(req, "ARN")) }),
    },
    {
      name: "GetAccountSettings",
      access: onAccount("GetAccountSettings"),
      method: "GET",
      path: "/2016-08-19/account-settings",
      handle: () => ({ status: 200, body: control.getAccountSettings() }),
    },
  ];
}
