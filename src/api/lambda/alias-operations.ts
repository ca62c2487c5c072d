import { onFunction } from "./access.js";
import type { LambdaOperation } from "./deps.js";
import type { LambdaApiDeps } from "./deps.js";
import { jsonBody, page, param, query } from "./request.js";
import { CreateAliasBody, UpdateAliasBody } from "./schemas.js";

const ALIASES = "/2015-03-31/functions/{FunctionName}/aliases";

/** Create/Get/Update/Delete/ListAliases. */
export function aliasOperations(deps: LambdaApiDeps): LambdaOperation[] {
  const { control } = deps;
  return [
    {
      name: "CreateAlias",
      access: onFunction(deps, "CreateAlias", false),
      method: "POST",
      path: ALIASES,
      handle: async (req) => ({
        status: 201,
        body: await control.createAlias(param(req, "FunctionName"), jsonBody(req, CreateAliasBody)),
      }),
    },
    {
      name: "ListAliases",
      access: onFunction(deps, "ListAliases", false),
      method: "GET",
      path: ALIASES,
      handle: (req) => ({
        status: 200,
        body: control.listAliases(param(req, "FunctionName"), {
          ...page(req),
          FunctionVersion: query(req, "FunctionVersion"),
        }),
      }),
    },
    {
      name: "GetAlias",
      access: onFunction(deps, "GetAlias", false),
      method: "GET",
      path: `${ALIASES}/{Name}`,
      handle: (req) => ({ status: 200, body: control.getAlias(param(req, "FunctionName"), param(req, "Name")) }),
    },
    {
      name: "UpdateAlias",
      access: onFunction(deps, "UpdateAlias", false),
      method: "PUT",
      path: `${ALIASES}/{Name}`,
      handle: async (req) => ({
        status: 200,
        body: await control.updateAlias(param(req, "FunctionName"), param(req, "Name"), jsonBody(req, UpdateAliasBody)),
      }),
    },
    {
      name: "DeleteAlias",
      access: onFunction(deps, "DeleteAlias", false),
      method: "DELETE",
      path: `${ALIASES}/{Name}`,
      handle: async (req) => {
        await control.deleteAlias(param(req, "FunctionName"), param(req, "Name"));
        return { status: 204 };
      },
    },
  ];
}
