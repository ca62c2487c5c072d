import type { LambdaOperation } from "./deps.js";
import type { LambdaApiDeps } from "./deps.js";
import { jsonBody, page, param, query } from "./request.js";
import { CreateAliasBody, UpdateAliasBody } from "./schemas.js";

const ALIASES = "/2015-03-31/functions/{FunctionName}/aliases";

/** Create/Get/Update/Delete/ListAliases. */
export function aliasOperations({ control }: LambdaApiDeps): LambdaOperation[] {
  return [
    {
      name: "CreateAlias",
      method: "POST",
      path: ALIASES,
      handle: async (req) => ({
        status: 201,
        body: await control.createAlias(param(req, "FunctionName"), jsonBody(req, CreateAliasBody)),
      }),
    },
    {
      name: "ListAliases",
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
      method: "GET",
      path: `${ALIASES}/{Name}`,
      handle: (req) => ({ status: 200, body: control.getAlias(param(req, "FunctionName"), param(req, "Name")) }),
    },
    {
      name: "UpdateAlias",
      method: "PUT",
      path: `${ALIASES}/{Name}`,
      handle: async (req) => ({
        status: 200,
        body: await control.updateAlias(param(req, "FunctionName"), param(req, "Name"), jsonBody(req, UpdateAliasBody)),
      }),
    },
    {
      name: "DeleteAlias",
      method: "DELETE",
      path: `${ALIASES}/{Name}`,
      handle: async (req) => {
        await control.deleteAlias(param(req, "FunctionName"), param(req, "Name"));
        return { status: 204 };
      },
    },
  ];
}
