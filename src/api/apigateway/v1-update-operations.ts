/** API Gateway v1 update operations (`PATCH`, with `patchOperations` as the `update-*` commands send them). */
import { z } from "zod";
import type { ApiRequest, Operation } from "../types.js";
import {
  authorizerView,
  deploymentView,
  gatewayResponseView,
  integrationResponseView,
  integrationView,
  methodResponseView,
  methodView,
  resourceView,
  restApiView,
} from "./v1-views.js";
import { checkIntegrationUris } from "./outbound-uris.js";
import { stringMap } from "./schemas.js";
import { type ApiGatewayOperationsDeps, body, empty, json, operation, param } from "./wire.js";

export const patch = z.object({
  patchOperations: z
    .array(
      z.object({
        op: z.string(),
        path: z.string().optional(),
        value: z.string().optional(),
        from: z.string().optional(),
      }),
    )
    .optional(),
});

const gatewayResponse = z.object({
  statusCode: z.string().optional(),
  responseParameters: stringMap.optional(),
  responseTemplates: stringMap.optional(),
});

const responseType = (req: ApiRequest) => ({ apiId: api(req), responseType: param(req, "response_type") });

const opsOf = (req: ApiRequest) => body(req, patch).patchOperations ?? [];
const api = (req: ApiRequest) => param(req, "restapi_id");
const methodKey = (req: ApiRequest) => ({
  apiId: api(req),
  resourceId: param(req, "resource_id"),
  httpMethod: param(req, "http_method"),
});
const responseKey = (req: ApiRequest) => ({ ...methodKey(req), statusCode: param(req, "status_code") });

/** The v1 Update* operations. */
export function restUpdateOperations(deps: ApiGatewayOperationsDeps): Operation[] {
  const r = deps.service.rest;
  const API = "/restapis/{restapi_id}";
  const METHOD = `${API}/resources/{resource_id}/methods/{http_method}`;
  return [
    operation("UpdateRestApi", `PATCH ${API}`, async (req) =>
      json(200, restApiView(await r.updateRestApi(api(req), opsOf(req)))),
    ),
    operation("UpdateResource", `PATCH ${API}/resources/{resource_id}`, async (req) => {
      const resource = await r.updateResource(api(req), param(req, "resource_id"), opsOf(req));
      const found = await r.getResource(api(req), resource.resourceId);
      return json(200, resourceView(found, false));
    }),
    operation("UpdateMethod", `PATCH ${METHOD}`, async (req) =>
      json(200, methodView(await r.updateMethod(methodKey(req), opsOf(req)))),
    ),
    operation("UpdateIntegration", `PATCH ${METHOD}/integration`, async (req) => {
      const ops = opsOf(req);
      await checkIntegrationUris(
        deps,
        req,
        ops.map((o) => (o.path === "/uri" ? o.value : undefined)),
      );
      return json(200, integrationView(await r.updateIntegration(methodKey(req), ops)));
    }),
    operation("UpdateMethodResponse", `PATCH ${METHOD}/responses/{status_code}`, async (req) =>
      json(201, methodResponseView(await r.updateMethodResponse(responseKey(req), opsOf(req)))),
    ),
    operation("UpdateIntegrationResponse", `PATCH ${METHOD}/integration/responses/{status_code}`, async (req) =>
      json(200, integrationResponseView(await r.updateIntegrationResponse(responseKey(req), opsOf(req)))),
    ),
    operation("UpdateAuthorizer", `PATCH ${API}/authorizers/{authorizer_id}`, async (req) =>
      json(200, authorizerView(await r.updateAuthorizer(api(req), param(req, "authorizer_id"), opsOf(req)))),
    ),
    operation("PutGatewayResponse", `PUT ${API}/gatewayresponses/{response_type}`, async (req) =>
      json(201, gatewayResponseView(await r.putGatewayResponse(responseType(req), body(req, gatewayResponse)))),
    ),
    operation("GetGatewayResponse", `GET ${API}/gatewayresponses/{response_type}`, async (req) =>
      json(200, gatewayResponseView(await r.getGatewayResponse(api(req), param(req, "response_type")))),
    ),
    operation("GetGatewayResponses", `GET ${API}/gatewayresponses`, async (req) =>
      json(200, { item: (await r.getGatewayResponses(api(req))).map(gatewayResponseView) }),
    ),
    operation("UpdateGatewayResponse", `PATCH ${API}/gatewayresponses/{response_type}`, async (req) =>
      json(200, gatewayResponseView(await r.updateGatewayResponse(responseType(req), opsOf(req)))),
    ),
    operation("DeleteGatewayResponse", `DELETE ${API}/gatewayresponses/{response_type}`, async (req) => {
      await r.deleteGatewayResponse(api(req), param(req, "response_type"));
      return empty(202);
    }),
    operation("UpdateDeployment", `PATCH ${API}/deployments/{deployment_id}`, async (req) =>
      json(200, deploymentView(await r.updateDeployment(api(req), param(req, "deployment_id"), opsOf(req)))),
    ),
  ];
}
