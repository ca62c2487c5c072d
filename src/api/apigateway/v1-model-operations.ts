/** API Gateway v1 request validators and models: `/restapis/{id}/requestvalidators…` and `/models…`. */
import { z } from "zod";
import type { ModelRecord, RequestValidatorRecord } from "../../ports/api-store.js";
import type { ApiRequest, Operation } from "../types.js";
import { patch } from "./v1-update-operations.js";
import { type ApiGatewayOperationsDeps, body, empty, json, operation, param } from "./wire.js";

const requestValidator = z.object({
  name: z.string().optional(),
  validateRequestBody: z.boolean().optional(),
  validateRequestParameters: z.boolean().optional(),
});

const model = z.object({
  name: z.string().min(1),
  contentType: z.string().min(1),
  schema: z.string().optional(),
  description: z.string().optional(),
});

/** `RequestValidator`. */
export function requestValidatorView(v: RequestValidatorRecord): Record<string, unknown> {
  return {
    id: v.id,
    ...(v.name ? { name: v.name } : {}),
    validateRequestBody: v.validateRequestBody,
    validateRequestParameters: v.validateRequestParameters,
  };
}

/** `Model`. */
export function modelView(m: ModelRecord): Record<string, unknown> {
  return {
    id: m.id,
    name: m.name,
    contentType: m.contentType,
    ...(m.schema !== undefined ? { schema: m.schema } : {}),
    ...(m.description !== undefined ? { description: m.description } : {}),
  };
}

const api = (req: ApiRequest) => param(req, "restapi_id");
const opsOf = (req: ApiRequest) => body(req, patch).patchOperations ?? [];

/** The v1 operations on request validators and models. */
export function restModelOperations(deps: ApiGatewayOperationsDeps): Operation[] {
  const r = deps.service.rest;
  const RV = "/restapis/{restapi_id}/requestvalidators";
  const MODELS = "/restapis/{restapi_id}/models";
  return [
    operation("CreateRequestValidator", `POST ${RV}`, async (req) =>
      json(201, requestValidatorView(await r.createRequestValidator(api(req), body(req, requestValidator)))),
    ),
    operation("GetRequestValidators", `GET ${RV}`, async (req) =>
      json(200, { item: (await r.getRequestValidators(api(req))).map(requestValidatorView) }),
    ),
    operation("GetRequestValidator", `GET ${RV}/{requestvalidator_id}`, async (req) =>
      json(200, requestValidatorView(await r.getRequestValidator(api(req), param(req, "requestvalidator_id")))),
    ),
    operation("UpdateRequestValidator", `PATCH ${RV}/{requestvalidator_id}`, async (req) => {
      const key = { apiId: api(req), id: param(req, "requestvalidator_id") };
      return json(200, requestValidatorView(await r.updateRequestValidator(key, opsOf(req))));
    }),
    operation("DeleteRequestValidator", `DELETE ${RV}/{requestvalidator_id}`, async (req) => {
      await r.deleteRequestValidator(api(req), param(req, "requestvalidator_id"));
      return empty(202);
    }),
    operation("CreateModel", `POST ${MODELS}`, async (req) =>
      json(201, modelView(await r.createModel(api(req), body(req, model)))),
    ),
    operation("GetModels", `GET ${MODELS}`, async (req) =>
      json(200, { item: (await r.getModels(api(req))).map(modelView) }),
    ),
    operation("GetModel", `GET ${MODELS}/{model_name}`, async (req) =>
      json(200, modelView(await r.getModel(api(req), param(req, "model_name")))),
    ),
    operation("UpdateModel", `PATCH ${MODELS}/{model_name}`, async (req) =>
      json(200, modelView(await r.updateModel({ apiId: api(req), name: param(req, "model_name") }, opsOf(req)))),
    ),
    operation("DeleteModel", `DELETE ${MODELS}/{model_name}`, async (req) => {
      await r.deleteModel(api(req), param(req, "model_name"));
      return empty(202);
    }),
  ];
}
