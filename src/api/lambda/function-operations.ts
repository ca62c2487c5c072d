import { createAccess, onAccount, onFunction, updateConfigurationAccess } from "./access.js";
import type { LambdaOperation } from "./deps.js";
import type { LambdaApiDeps } from "./deps.js";
import { jsonBody, page, param, query } from "./request.js";
import {
  CreateFunctionBody,
  PublishVersionBody,
  UpdateFunctionCodeBody,
  UpdateFunctionConfigurationBody,
} from "./schemas.js";

const FN = "/2015-03-31/functions/{FunctionName}";
/** AWS's CreateFunction / UpdateFunctionCode request limit: a 50 MB zip in base64 plus the rest. */
export const CODE_REQUEST_BYTES = 70_167_211;

/** CreateFunction, GetFunction(Configuration), ListFunctions, Update*, DeleteFunction, versions. */
export function functionOperations(deps: LambdaApiDeps): LambdaOperation[] {
  const { control } = deps;
  const name = (req: Parameters<LambdaOperation["handle"]>[0]) => param(req, "FunctionName");
  return [
    {
      name: "CreateFunction",
      access: createAccess(deps),
      method: "POST",
      path: "/2015-03-31/functions",
      maxBodyBytes: CODE_REQUEST_BYTES,
      handle: async (req) => ({ status: 201, body: await control.createFunction(jsonBody(req, CreateFunctionBody)) }),
    },
    {
      name: "ListFunctions",
      access: onAccount("ListFunctions"),
      method: "GET",
      path: "/2015-03-31/functions",
      handle: (req) => ({
        status: 200,
        body: control.listFunctions({ ...page(req), FunctionVersion: query(req, "FunctionVersion") }),
      }),
    },
    {
      name: "GetFunction",
      access: onFunction(deps, "GetFunction"),
      method: "GET",
      path: FN,
      handle: (req) => ({ status: 200, body: control.getFunction(name(req), query(req, "Qualifier")) }),
    },
    {
      name: "GetFunctionConfiguration",
      access: onFunction(deps, "GetFunctionConfiguration"),
      method: "GET",
      path: `${FN}/configuration`,
      handle: (req) => ({ status: 200, body: control.getFunctionConfiguration(name(req), query(req, "Qualifier")) }),
    },
    {
      name: "UpdateFunctionCode",
      access: onFunction(deps, "UpdateFunctionCode", false),
      method: "PUT",
      path: `${FN}/code`,
      maxBodyBytes: CODE_REQUEST_BYTES,
      handle: async (req) => ({
        status: 200,
        body: await control.updateFunctionCode(name(req), jsonBody(req, UpdateFunctionCodeBody)),
      }),
    },
    {
      name: "UpdateFunctionConfiguration",
      access: updateConfigurationAccess(deps),
      method: "PUT",
      path: `${FN}/configuration`,
      handle: async (req) => ({
        status: 200,
        body: await control.updateFunctionConfiguration(name(req), jsonBody(req, UpdateFunctionConfigurationBody)),
      }),
    },
    {
      name: "DeleteFunction",
      access: onFunction(deps, "DeleteFunction"),
      method: "DELETE",
      path: FN,
      handle: async (req) => {
        await control.deleteFunction(name(req), query(req, "Qualifier"));
        return { status: 204 };
      },
    },
    {
      name: "PublishVersion",
      access: onFunction(deps, "PublishVersion", false),
      method: "POST",
      path: `${FN}/versions`,
      handle: async (req) => ({
        status: 201,
        body: await control.publishVersion(name(req), jsonBody(req, PublishVersionBody)),
      }),
    },
    {
      name: "ListVersionsByFunction",
      access: onFunction(deps, "ListVersionsByFunction", false),
      method: "GET",
      path: `${FN}/versions`,
      handle: (req) => ({ status: 200, body: control.listVersionsByFunction(name(req), page(req)) }),
    },
  ];
}
