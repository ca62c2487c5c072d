/** API Gateway v2 (HTTP API) operations on APIs, routes and integrations: `/v2/apis…`. */
import { z } from "zod";
import { PlatformError } from "../../shared/errors.js";
import type { ApiRequest, Operation } from "../types.js";
import { exportedDocument, importBody } from "./v1-import.js";
import { apiView, integrationView, routeView } from "./v2-views.js";
import { checkIntegrationUris, definitionUris } from "./outbound-uris.js";
import { stringList, stringMap } from "./schemas.js";
import { type ApiGatewayOperationsDeps, body, empty, intQuery, json, operation, param, query } from "./wire.js";

const cors = z.object({
  allowOrigins: stringList.optional(),
  allowMethods: stringList.optional(),
  allowHeaders: stringList.optional(),
  exposeHeaders: stringList.optional(),
  maxAge: z.number().int().min(-1).max(86400).optional(),
  allowCredentials: z.boolean().optional(),
});

const apiFields = {
  description: z.string().max(1024).optional(),
  version: z.string().max(64).optional(),
  corsConfiguration: cors.optional(),
  target: z.string().optional(),
  routeKey: z.string().optional(),
  disableExecuteApiEndpoint: z.boolean().optional(),
  routeSelectionExpression: z.string().optional(),
  apiKeySelectionExpression: z.string().optional(),
};

const createApi = z.object({
  name: z.string().min(1).max(128),
  protocolType: z.string(),
  tags: stringMap.optional(),
  ...apiFields,
});
const updateApi = z.object({ name: z.string().min(1).max(128).optional(), ...apiFields });

const route = z.object({
  routeKey: z.string().optional(),
  target: z.string().optional(),
  authorizationType: z.string().optional(),
  authorizerId: z.string().optional(),
  authorizationScopes: stringList.optional(),
  apiKeyRequired: z.boolean().optional(),
  operationName: z.string().optional(),
});

const integration = z.object({
  integrationType: z.string().optional(),
  integrationUri: z.string().optional(),
  integrationMethod: z.string().optional(),
  payloadFormatVersion: z.string().optional(),
  timeoutInMillis: z.number().int().optional(),
  connectionType: z.string().optional(),
  description: z.string().optional(),
  requestParameters: stringMap.optional(),
  responseParameters: z.record(z.string(), stringMap).optional(),
});

const importApi = z.object({ body: z.string() });

function importV2Options(req: ApiRequest): { failOnWarnings: boolean } {
  const basepath = query(req, "basepath");
  // HTTP APIs have no base path mapping here: a base path other than ignore would be dropped.
  if (basepath !== undefined && basepath !== "ignore") {
    throw new PlatformError("ERR_BAD_REQUEST", `basepath '${basepath}' is not supported by haneul for HTTP APIs`);
  }
  return { failOnWarnings: query(req, "failOnWarnings") === "true" };
}

function withWarnings(view: Record<string, unknown>, warnings: readonly string[]): Record<string, unknown> {
  return warnings.length > 0 ? { ...view, warnings } : view;
}

/** The v2 operations on APIs, routes and integrations. */
export function httpApiOperations(deps: ApiGatewayOperationsDeps): Operation[] {
  const { service } = deps;
  const h = service.http;
  const view = (a: Parameters<typeof apiView>[0]) => apiView(a, deps.apiEndpoint(a.apiId));
  return [
    operation("CreateApi", "POST /v2/apis", async (req) => {
      const input = body(req, createApi);
      await checkIntegrationUris(deps, req, [input.target]);
      return json(201, view(await h.createApi(input)));
    }),
    operation("GetApi", "GET /v2/apis/{apiId}", async (req) => json(200, view(await h.getApi(param(req, "apiId"))))),
    operation("GetApis", "GET /v2/apis", async (req) => {
      const page = await h.getApis({ maxResults: intQuery(req, "maxResults"), nextToken: query(req, "nextToken") });
      return json(200, { items: page.items.map(view), ...(page.next ? { nextToken: page.next } : {}) });
    }),
    operation("UpdateApi", "PATCH /v2/apis/{apiId}", async (req) => {
      const input = body(req, updateApi);
      await checkIntegrationUris(deps, req, [input.target]);
      return json(200, view(await h.updateApi(param(req, "apiId"), input)));
    }),
    importBody(
      operation("ImportApi", "PUT /v2/apis", async (req) => {
        const definition = body(req, importApi).body;
        await checkIntegrationUris(deps, req, definitionUris(definition));
        const imported = await h.importApi(definition, importV2Options(req));
        return json(201, withWarnings(view(imported.api), imported.warnings));
      }),
    ),
    importBody(
      operation("ReimportApi", "PUT /v2/apis/{apiId}", async (req) => {
        const definition = body(req, importApi).body;
        await checkIntegrationUris(deps, req, definitionUris(definition));
        const imported = await h.reimportApi(param(req, "apiId"), definition, importV2Options(req));
        return json(201, withWarnings(view(imported.api), imported.warnings));
      }),
    ),
    operation("ExportApi", "GET /v2/apis/{apiId}/exports/{specification}", async (req) => {
      const outputType = query(req, "outputType");
      if (outputType !== "JSON" && outputType !== "YAML") {
        throw new PlatformError("ERR_BAD_REQUEST", "OutputType must be one of [JSON, YAML]");
      }
      const exportVersion = query(req, "exportVersion");
      if (exportVersion !== undefined && exportVersion !== "1.0") {
        throw new PlatformError("ERR_BAD_REQUEST", "ExportVersion must be 1.0");
      }
      const doc = await h.exportApi({
        apiId: param(req, "apiId"),
        specification: param(req, "specification"),
        includeExtensions: query(req, "includeExtensions") !== "false",
        stageName: query(req, "stageName"),
      });
      return exportedDocument(req, doc, param(req, "apiId"), outputType === "YAML");
    }),
    operation("DeleteApi", "DELETE /v2/apis/{apiId}", async (req) => {
      await h.deleteApi(param(req, "apiId"));
      return empty(204);
    }),

    operation("CreateRoute", "POST /v2/apis/{apiId}/routes", async (req) =>
      json(201, routeView(await h.createRoute(param(req, "apiId"), body(req, route)))),
    ),
    operation("GetRoute", "GET /v2/apis/{apiId}/routes/{routeId}", async (req) =>
      json(200, routeView(await h.getRoute(param(req, "apiId"), param(req, "routeId")))),
    ),
    operation("GetRoutes", "GET /v2/apis/{apiId}/routes", async (req) =>
      json(200, { items: (await h.getRoutes(param(req, "apiId"))).map(routeView) }),
    ),
    operation("UpdateRoute", "PATCH /v2/apis/{apiId}/routes/{routeId}", async (req) =>
      json(200, routeView(await h.updateRoute(param(req, "apiId"), param(req, "routeId"), body(req, route)))),
    ),
    operation("DeleteRoute", "DELETE /v2/apis/{apiId}/routes/{routeId}", async (req) => {
      await h.deleteRoute(param(req, "apiId"), param(req, "routeId"));
      return empty(204);
    }),

    operation("CreateIntegration", "POST /v2/apis/{apiId}/integrations", async (req) => {
      const input = body(req, integration);
      await checkIntegrationUris(deps, req, [input.integrationUri]);
      return json(201, integrationView(await h.createIntegration(param(req, "apiId"), input)));
    }),
    operation("GetIntegration", "GET /v2/apis/{apiId}/integrations/{integrationId}", async (req) =>
      json(200, integrationView(await h.getIntegration(param(req, "apiId"), param(req, "integrationId")))),
    ),
    operation("GetIntegrations", "GET /v2/apis/{apiId}/integrations", async (req) =>
      json(200, { items: (await h.getIntegrations(param(req, "apiId"))).map(integrationView) }),
    ),
    operation("UpdateIntegration", "PATCH /v2/apis/{apiId}/integrations/{integrationId}", async (req) => {
      const input = body(req, integration);
      await checkIntegrationUris(deps, req, [input.integrationUri]);
      return json(
        200,
        integrationView(await h.updateIntegration(param(req, "apiId"), param(req, "integrationId"), input)),
      );
    }),
    operation("DeleteIntegration", "DELETE /v2/apis/{apiId}/integrations/{integrationId}", async (req) => {
      await h.deleteIntegration(param(req, "apiId"), param(req, "integrationId"));
      return empty(204);
    }),
  ];
}
