/**
 * The function URL operations of the Lambda API (rest-json, API version 2021-10-31, as AWS serves
 * them): CreateFunctionUrlConfig (201), Get, Update, Delete (204) and ListFunctionUrlConfigs.
 */
import { z } from "zod";
import type { FunctionUrlService } from "../../control/index.js";
import { onFunction } from "./access.js";
import type { LambdaApiDeps, LambdaOperation } from "./deps.js";
import { jsonBody, page, param, query } from "./request.js";

const URL = "/2021-10-31/functions/{FunctionName}/url";
const strings = z.array(z.string()).optional();
const UrlBody = z.object({
  AuthType: z.string().optional(),
  InvokeMode: z.string().optional(),
  Cors: z
    .object({
      AllowCredentials: z.boolean().optional(),
      AllowHeaders: strings,
      AllowMethods: strings,
      AllowOrigins: strings,
      ExposeHeaders: strings,
      MaxAge: z.number().int().optional(),
    })
    .optional(),
});

/** The five function URL operations over `urls`. */
export function urlOperations(deps: LambdaApiDeps, urls: FunctionUrlService): LambdaOperation[] {
  const fn = (req: Parameters<LambdaOperation["handle"]>[0]) => param(req, "FunctionName");
  return [
    {
      name: "CreateFunctionUrlConfig",
      access: onFunction(deps, "CreateFunctionUrlConfig"),
      method: "POST",
      path: URL,
      handle: async (req) => ({
        status: 201,
        body: await urls.create(fn(req), query(req, "Qualifier"), jsonBody(req, UrlBody)),
      }),
    },
    {
      name: "GetFunctionUrlConfig",
      access: onFunction(deps, "GetFunctionUrlConfig"),
      method: "GET",
      path: URL,
      handle: (req) => ({ status: 200, body: urls.get(fn(req), query(req, "Qualifier")) }),
    },
    {
      name: "UpdateFunctionUrlConfig",
      access: onFunction(deps, "UpdateFunctionUrlConfig"),
      method: "PUT",
      path: URL,
      handle: async (req) => ({
        status: 200,
        body: await urls.update(fn(req), query(req, "Qualifier"), jsonBody(req, UrlBody)),
      }),
    },
    {
      name: "DeleteFunctionUrlConfig",
      access: onFunction(deps, "DeleteFunctionUrlConfig"),
      method: "DELETE",
      path: URL,
      handle: async (req) => {
        await urls.delete(fn(req), query(req, "Qualifier"));
        return { status: 204 };
      },
    },
    {
      name: "ListFunctionUrlConfigs",
      access: onFunction(deps, "ListFunctionUrlConfigs", false),
      method: "GET",
      path: "/2021-10-31/functions/{FunctionName}/urls",
      handle: (req) => ({ status: 200, body: urls.list(fn(req), page(req)) }),
    },
  ];
}
