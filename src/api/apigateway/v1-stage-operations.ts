/** API Gateway v1 (REST API) operations on deployments, stages (canary included) and authorizers. */
import { z } from "zod";
import type { Operation } from "../types.js";
import { authorizerView, deploymentView, stageView } from "./v1-views.js";
import { stringList, stringMap } from "./schemas.js";
import { type ApiGatewayOperationsDeps, body, empty, json, operation, param, query } from "./wire.js";

const canary = z.object({
  percentTraffic: z.number().min(0).max(100).optional(),
  deploymentId: z.string().optional(),
  stageVariableOverrides: stringMap.optional(),
  useStageCache: z.boolean().optional(),
});

const createDeployment = z.object({
  stageName: z.string().optional(),
  stageDescription: z.string().optional(),
  description: z.string().optional(),
  variables: stringMap.optional(),
  canarySettings: canary.omit({ deploymentId: true }).optional(),
  tracingEnabled: z.boolean().optional(),
});

const createStage = z.object({
  stageName: z.string().min(1),
  deploymentId: z.string().min(1),
  description: z.string().optional(),
  variables: stringMap.optional(),
  canarySettings: canary.optional(),
  tracingEnabled: z.boolean().optional(),
  tags: stringMap.optional(),
});

const patch = z.object({
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

const createAuthorizer = z.object({
  name: z.string().min(1),
  type: z.string(),
  authorizerUri: z.string().optional(),
  identitySource: z.string().optional(),
  identityValidationExpression: z.string().optional(),
  authorizerResultTtlInSeconds: z.number().int().optional(),
  providerARNs: stringList.optional(),
  authType: z.string().optional(),
  authorizerCredentials: z.string().optional(),
});

/** The v1 operations on deployments, stages and authorizers. */
export function restStageOperations(deps: ApiGatewayOperationsDeps): Operation[] {
  const r = deps.service.rest;
  const API = "/restapis/{restapi_id}";
  const id = (req: Parameters<Operation["handle"]>[0]) => param(req, "restapi_id");
  return [
    operation("CreateDeployment", `POST ${API}/deployments`, async (req) =>
      json(201, deploymentView(await r.createDeployment(id(req), body(req, createDeployment)))),
    ),
    operation("GetDeployments", `GET ${API}/deployments`, async (req) =>
      json(200, { item: (await r.getDeployments(id(req))).map(deploymentView) }),
    ),
    operation("GetDeployment", `GET ${API}/deployments/{deployment_id}`, async (req) =>
      json(200, deploymentView(await r.getDeployment(id(req), param(req, "deployment_id")))),
    ),
    operation("DeleteDeployment", `DELETE ${API}/deployments/{deployment_id}`, async (req) => {
      await r.deleteDeployment(id(req), param(req, "deployment_id"));
      return empty(202);
    }),

    operation("CreateStage", `POST ${API}/stages`, async (req) =>
      json(201, stageView(await r.createStage(id(req), body(req, createStage)))),
    ),
    operation("GetStage", `GET ${API}/stages/{stage_name}`, async (req) =>
      json(200, stageView(await r.getStage(id(req), param(req, "stage_name")))),
    ),
    operation("GetStages", `GET ${API}/stages`, async (req) =>
      json(200, { item: (await r.getStages(id(req), query(req, "deploymentId"))).map(stageView) }),
    ),
    operation("UpdateStage", `PATCH ${API}/stages/{stage_name}`, async (req) => {
      const ops = body(req, patch).patchOperations ?? [];
      return json(200, stageView(await r.updateStage(id(req), param(req, "stage_name"), ops)));
    }),
    operation("DeleteStage", `DELETE ${API}/stages/{stage_name}`, async (req) => {
      await r.deleteStage(id(req), param(req, "stage_name"));
      return empty(202);
    }),

    operation("FlushStageAuthorizersCache", `DELETE ${API}/stages/{stage_name}/cache/authorizers`, async (req) => {
      await r.flushStageAuthorizersCache(id(req), param(req, "stage_name"));
      return empty(202);
    }),
    operation("FlushStageCache", `DELETE ${API}/stages/{stage_name}/cache/data`, async (req) => {
      await r.flushStageCache(id(req), param(req, "stage_name"));
      return empty(202);
    }),

    operation("CreateAuthorizer", `POST ${API}/authorizers`, async (req) =>
      json(201, authorizerView(await r.createAuthorizer(id(req), body(req, createAuthorizer)))),
    ),
    operation("GetAuthorizer", `GET ${API}/authorizers/{authorizer_id}`, async (req) =>
      json(200, authorizerView(await r.getAuthorizer(id(req), param(req, "authorizer_id")))),
    ),
    operation("GetAuthorizers", `GET ${API}/authorizers`, async (req) =>
      json(200, { item: (await r.getAuthorizers(id(req))).map(authorizerView) }),
    ),
    operation("DeleteAuthorizer", `DELETE ${API}/authorizers/{authorizer_id}`, async (req) => {
      await r.deleteAuthorizer(id(req), param(req, "authorizer_id"));
      return empty(202);
    }),
  ];
}
