/** API Gateway v1 (REST API) operations on APIs, resources, methods and integrations: `/restapis…`. */
import { z } from "zod";
import { PlatformError } from "../../shared/errors.js";
import type { ApiRequest, Operation } from "../types.js";
import {
  integrationResponseView,
  integrationView,
  methodResponseView,
  methodView,
  resourceView,
  restApiView,
} from "./v1-views.js";
import { stringList, stringMap } from "./schemas.js";
import { checkIntegrationUris, definitionUris } from "./outbound-uris.js";
import { exportedDocument, importBody, importedView, importOptions } from "./v1-import.js";
import { type ApiGatewayOperationsDeps, body, empty, intQuery, json, operation, param, query } from "./wire.js";

const createRestApi = z.object({
  name: z.string().min(1),
  description: z.string().optional(),
  version: z.string().optional(),
  binaryMediaTypes: stringList.optional(),
  endpointConfiguration: z.object({ types: stringList.optional() }).optional(),
  apiKeySource: z.enum(["HEADER", "AUTHORIZER"]).optional(),
  disableExecuteApiEndpoint: z.boolean().optional(),
  tags: stringMap.optional(),
});

const createResource = z.object({ pathPart: z.string() });

const putMethod = z.object({
  authorizationType: z.string(),
  authorizerId: z.string().optional(),
  apiKeyRequired: z.boolean().optional(),
  operationName: z.string().optional(),
  requestParameters: z.record(z.string(), z.boolean()).optional(),
  authorizationScopes: stringList.optional(),
  requestValidatorId: z.string().optional(),
  requestModels: stringMap.optional(),
});

const putIntegration = z.object({
  type: z.string(),
  httpMethod: z.string().optional(),
  uri: z.string().optional(),
  timeoutInMillis: z.number().int().optional(),
  passthroughBehavior: z.string().optional(),
  contentHandling: z.string().optional(),
  credentials: z.string().optional(),
  connectionType: z.string().optional(),
  cacheNamespace: z.string().optional(),
  cacheKeyParameters: stringList.optional(),
  requestParameters: stringMap.optional(),
  requestTemplates: stringMap.optional(),
});

const methodResponse = z.object({
  responseParameters: z.record(z.string(), z.boolean()).optional(),
  responseModels: stringMap.optional(),
});

const integrationResponse = z.object({
  selectionPattern: z.string().optional(),
  responseParameters: stringMap.optional(),
  responseTemplates: stringMap.optional(),
  contentHandling: z.string().optional(),
});

const responseKey = (req: ApiRequest) => ({ ...methodKey(req), statusCode: param(req, "status_code") });

const methodKey = (req: ApiRequest) => ({
  apiId: param(req, "restapi_id"),
  resourceId: param(req, "resource_id"),
  httpMethod: param(req, "http_method"),
});

const embedsMethods = (req: ApiRequest): boolean =>
  req.query.getAll("embed").some((e) => e.split(",").includes("methods"));

/** The v1 operations on REST APIs, resources, methods and integrations. */
export function restApiOperations(deps: ApiGatewayOperationsDeps): Operation[] {
  const r = deps.service.rest;
  const RES = "/restapis/{restapi_id}/resources/{resource_id}";
  return [
    importBody(
      operation("CreateRestApi", "POST /restapis", async (req) => {
        // ImportRestApi shares the path: `?mode=import` with the OpenAPI document as the body.
        const mode = req.query.get("mode");
        if (mode === "import") {
          await checkIntegrationUris(deps, req, definitionUris(req.body.toString("utf8")));
          const imported = await r.importRestApi(req.body, importOptions(req));
          return json(201, importedView(imported));
        }
        if (mode !== null) throw new PlatformError("ERR_BAD_REQUEST", `Invalid mode '${mode}'. Valid value is import`);
        return json(201, restApiView(await r.createRestApi(body(req, createRestApi))));
      }),
    ),
    importBody(
      operation("PutRestApi", "PUT /restapis/{restapi_id}", async (req) => {
        const options = { ...importOptions(req), mode: query(req, "mode") };
        await checkIntegrationUris(deps, req, definitionUris(req.body.toString("utf8")));
        return json(200, importedView(await r.putRestApi(param(req, "restapi_id"), req.body, options)));
      }),
    ),
    operation("GetExport", "GET /restapis/{restapi_id}/stages/{stage_name}/exports/{export_type}", async (req) => {
      const exportType = param(req, "export_type");
      const doc = await r.exportRestApi({
        apiId: param(req, "restapi_id"),
        stageName: param(req, "stage_name"),
        exportType,
        extensions: (req.query.get("extensions") ?? "")
          .split(",")
          .filter((e) => e.trim() !== "")
          .map((e) => e.trim()),
      });
      return exportedDocument(req, doc, `${exportType}_${param(req, "stage_name")}`);
    }),
    operation("GetRestApi", "GET /restapis/{restapi_id}", async (req) =>
      json(200, restApiView(await r.getRestApi(param(req, "restapi_id")))),
    ),
    operation("GetRestApis", "GET /restapis", async (req) => {
      const page = await r.getRestApis({ limit: intQuery(req, "limit"), position: query(req, "position") });
      return json(200, { item: page.items.map(restApiView), ...(page.next ? { position: page.next } : {}) });
    }),
    operation("DeleteRestApi", "DELETE /restapis/{restapi_id}", async (req) => {
      await r.deleteRestApi(param(req, "restapi_id"));
      return empty(202);
    }),

    operation("GetResources", "GET /restapis/{restapi_id}/resources", async (req) => {
      const all = await r.getResources(param(req, "restapi_id"));
      return json(200, { item: all.map((x) => resourceView(x, embedsMethods(req))) });
    }),
    operation("GetResource", `GET ${RES}`, async (req) => {
      const found = await r.getResource(param(req, "restapi_id"), param(req, "resource_id"));
      return json(200, resourceView(found, embedsMethods(req)));
    }),
    operation("CreateResource", "POST /restapis/{restapi_id}/resources/{parent_id}", async (req) => {
      const { pathPart } = body(req, createResource);
      return json(
        201,
        resourceView(await r.createResource(param(req, "restapi_id"), param(req, "parent_id"), pathPart), false),
      );
    }),
    operation("DeleteResource", `DELETE ${RES}`, async (req) => {
      await r.deleteResource(param(req, "restapi_id"), param(req, "resource_id"));
      return empty(202);
    }),

    operation("PutMethod", `PUT ${RES}/methods/{http_method}`, async (req) =>
      json(201, methodView(await r.putMethod(methodKey(req), body(req, putMethod)))),
    ),
    operation("GetMethod", `GET ${RES}/methods/{http_method}`, async (req) => {
      const k = methodKey(req);
      return json(200, methodView(await r.getMethod(k.apiId, k.resourceId, k.httpMethod)));
    }),
    operation("DeleteMethod", `DELETE ${RES}/methods/{http_method}`, async (req) => {
      const k = methodKey(req);
      await r.deleteMethod(k.apiId, k.resourceId, k.httpMethod);
      return empty(204);
    }),
    operation("PutIntegration", `PUT ${RES}/methods/{http_method}/integration`, async (req) => {
      const input = body(req, putIntegration);
      await checkIntegrationUris(deps, req, [input.uri]);
      return json(201, integrationView(await r.putIntegration(methodKey(req), input)));
    }),
    operation("GetIntegration", `GET ${RES}/methods/{http_method}/integration`, async (req) => {
      const k = methodKey(req);
      return json(200, integrationView(await r.getIntegration(k.apiId, k.resourceId, k.httpMethod)));
    }),
    operation("DeleteIntegration", `DELETE ${RES}/methods/{http_method}/integration`, async (req) => {
      await r.deleteIntegration(methodKey(req));
      return empty(204);
    }),
    operation("PutMethodResponse", `PUT ${RES}/methods/{http_method}/responses/{status_code}`, async (req) =>
      json(201, methodResponseView(await r.putMethodResponse(responseKey(req), body(req, methodResponse)))),
    ),
    operation("GetMethodResponse", `GET ${RES}/methods/{http_method}/responses/{status_code}`, async (req) =>
      json(200, methodResponseView(await r.getMethodResponse(responseKey(req)))),
    ),
    operation("DeleteMethodResponse", `DELETE ${RES}/methods/{http_method}/responses/{status_code}`, async (req) => {
      await r.deleteMethodResponse(responseKey(req));
      return empty(204);
    }),
    operation(
      "PutIntegrationResponse",
      `PUT ${RES}/methods/{http_method}/integration/responses/{status_code}`,
      async (req) =>
        json(
          201,
          integrationResponseView(await r.putIntegrationResponse(responseKey(req), body(req, integrationResponse))),
        ),
    ),
    operation(
      "GetIntegrationResponse",
      `GET ${RES}/methods/{http_method}/integration/responses/{status_code}`,
      async (req) => json(200, integrationResponseView(await r.getIntegrationResponse(responseKey(req)))),
    ),
    operation(
      "DeleteIntegrationResponse",
      `DELETE ${RES}/methods/{http_method}/integration/responses/{status_code}`,
      async (req) => {
        await r.deleteIntegrationResponse(responseKey(req));
        return empty(204);
      },
    ),
  ];
}
