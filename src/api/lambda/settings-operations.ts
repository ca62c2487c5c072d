import { onFunction } from "./access.js";
import type { LambdaOperation } from "./deps.js";
import type { LambdaApiDeps } from "./deps.js";
import { jsonBody, page, param, query } from "./request.js";
import { ConcurrencyBody, EventInvokeConfigBody, RecursionConfigBody } from "./schemas.js";

const EIC = "/2019-09-25/functions/{FunctionName}/event-invoke-config";
const RECURSION = "/2024-08-31/functions/{FunctionName}/recursion-config";

/** Reserved concurrency and event-invoke configs (their paths carry newer API dates). */
export function settingsOperations(deps: LambdaApiDeps): LambdaOperation[] {
  const { control } = deps;
  const fn = (req: Parameters<LambdaOperation["handle"]>[0]) => param(req, "FunctionName");
  return [
    {
      name: "PutFunctionConcurrency",
      access: onFunction(deps, "PutFunctionConcurrency", false),
      method: "PUT",
      path: "/2017-10-31/functions/{FunctionName}/concurrency",
      handle: async (req) => ({
        status: 200,
        body: await control.putFunctionConcurrency(fn(req), jsonBody(req, ConcurrencyBody)),
      }),
    },
    {
      name: "GetFunctionConcurrency",
      access: onFunction(deps, "GetFunctionConcurrency", false),
      method: "GET",
      path: "/2019-09-30/functions/{FunctionName}/concurrency",
      handle: (req) => ({ status: 200, body: control.getFunctionConcurrency(fn(req)) }),
    },
    {
      name: "DeleteFunctionConcurrency",
      access: onFunction(deps, "DeleteFunctionConcurrency", false),
      method: "DELETE",
      path: "/2017-10-31/functions/{FunctionName}/concurrency",
      handle: async (req) => {
        await control.deleteFunctionConcurrency(fn(req));
        return { status: 204 };
      },
    },
    {
      name: "PutFunctionRecursionConfig",
      access: onFunction(deps, "PutFunctionRecursionConfig", false),
      method: "PUT",
      path: RECURSION,
      handle: async (req) => ({
        status: 200,
        body: await control.putFunctionRecursionConfig(fn(req), jsonBody(req, RecursionConfigBody)),
      }),
    },
    {
      name: "GetFunctionRecursionConfig",
      access: onFunction(deps, "GetFunctionRecursionConfig", false),
      method: "GET",
      path: RECURSION,
      handle: (req) => ({ status: 200, body: control.getFunctionRecursionConfig(fn(req)) }),
    },
    {
      name: "PutFunctionEventInvokeConfig",
      access: onFunction(deps, "PutFunctionEventInvokeConfig"),
      method: "PUT",
      path: EIC,
      handle: async (req) => ({
        status: 200,
        body: await control.putFunctionEventInvokeConfig(
          fn(req),
          query(req, "Qualifier"),
          jsonBody(req, EventInvokeConfigBody),
        ),
      }),
    },
    {
      name: "UpdateFunctionEventInvokeConfig",
      access: onFunction(deps, "UpdateFunctionEventInvokeConfig"),
      method: "POST",
      path: EIC,
      handle: async (req) => ({
        status: 200,
        body: await control.updateFunctionEventInvokeConfig(
          fn(req),
          query(req, "Qualifier"),
          jsonBody(req, EventInvokeConfigBody),
        ),
      }),
    },
    {
      name: "GetFunctionEventInvokeConfig",
      access: onFunction(deps, "GetFunctionEventInvokeConfig"),
      method: "GET",
      path: EIC,
      handle: (req) => ({ status: 200, body: control.getFunctionEventInvokeConfig(fn(req), query(req, "Qualifier")) }),
    },
    {
      name: "DeleteFunctionEventInvokeConfig",
      access: onFunction(deps, "DeleteFunctionEventInvokeConfig"),
      method: "DELETE",
      path: EIC,
      handle: async (req) => {
        await control.deleteFunctionEventInvokeConfig(fn(req), query(req, "Qualifier"));
        return { status: 204 };
      },
    },
    {
      name: "ListFunctionEventInvokeConfigs",
      access: onFunction(deps, "ListFunctionEventInvokeConfigs", false),
      method: "GET",
      path: `${EIC}/list`,
      handle: (req) => ({ status: 200, body: control.listFunctionEventInvokeConfigs(fn(req), page(req)) }),
    },
  ];
}
