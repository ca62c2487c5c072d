/** API Gateway v2 (HTTP API) operations on stages, authorizers and deployments. */
import { z } from "zod";
import type { Operation } from "../types.js";
import { authorizerView, deploymentView, stageView } from "./v2-views.js";
import { stringList, stringMap } from "./schemas.js";
import { type ApiGatewayOperationsDeps, body, empty, json, operation, param } from "./wire.js";

// Throttling is honoured; the other route settings only at AWS's defaults (anything else refused).
const routeSettings = z
  .object({
    throttlingBurstLimit: z.number().int().min(0).optional(),
    throttlingRateLimit: z.number().min(0).optional(),
    detailedMetricsEnabled: z.literal(false).optional(),
    dataTraceEnabled: z.literal(false).optional(),
    loggingLevel: z.literal("OFF").optional(),
  })
  .strict()
  .transform((r) => ({
    ...(r.throttlingBurstLimit !== undefined ? { burstLimit: r.throttlingBurstLimit } : {}),
    ...(r.throttlingRateLimit !== undefined ? { rateLimit: r.throttlingRateLimit } : {}),
  }));

const stageFields = {
  autoDeploy: z.boolean().optional(),
  deploymentId: z.string().optional(),
  description: z.string().max(1024).optional(),
  stageVariables: stringMap.optional(),
  defaultRouteSettings: routeSettings.optional(),
  routeSettings: z.record(z.string(), routeSettings).optional(),
  accessLogSettings: z.object({ destinationArn: z.string().optional(), format: z.string().optional() }).optional(),
};
const createStage = z.object({ stageName: z.string().min(1).max(128), tags: stringMap.optional(), ...stageFields });
const updateStage = z.object(stageFields);

const createAuthorizer = z.object({
  name: z.string().min(1).max(128),
  authorizerType: z.string(),
  authorizerUri: z.string().optional(),
  identitySource: stringList.optional(),
  identityValidationExpression: z.string().optional(),
  authorizerResultTtlInSeconds: z.number().int().optional(),
  authorizerPayloadFormatVersion: z.string().optional(),
  enableSimpleResponses: z.boolean().optional(),
  jwtConfiguration: z.object({ issuer: z.string().optional(), audience: stringList.optional() }).optional(),
  authorizerCredentialsArn: z.string().optional(),
});

const createDeployment = z.object({ description: z.string().max(1024).optional(), stageName: z.string().optional() });

/** The v2 operations on stages, authorizers and deployments. */
export function httpStageOperations(deps: ApiGatewayOperationsDeps): Operation[] {
  const h = deps.service.http;
  return [
    operation("CreateStage", "POST /v2/apis/{apiId}/stages", async (req) =>
      json(201, stageView(await h.createStage(param(req, "apiId"), body(req, createStage)))),
    ),
    operation("GetStage", "GET /v2/apis/{apiId}/stages/{stageName}", async (req) =>
      json(200, stageView(await h.getStage(param(req, "apiId"), param(req, "stageName")))),
    ),
    operation("GetStages", "GET /v2/apis/{apiId}/stages", async (req) =>
      json(200, { items: (await h.getStages(param(req, "apiId"))).map(stageView) }),
    ),
    operation("UpdateStage", "PATCH /v2/apis/{apiId}/stages/{stageName}", async (req) =>
      json(200, stageView(await h.updateStage(param(req, "apiId"), param(req, "stageName"), body(req, updateStage)))),
    ),
    operation(
      "DeleteAccessLogSettings",
      "DELETE /v2/apis/{apiId}/stages/{stageName}/accesslogsettings",
      async (req) => {
        await h.deleteAccessLogSettings(param(req, "apiId"), param(req, "stageName"));
        return empty(204);
      },
    ),
    operation("DeleteStage", "DELETE /v2/apis/{apiId}/stages/{stageName}", async (req) => {
      await h.deleteStage(param(req, "apiId"), param(req, "stageName"));
      return empty(204);
    }),

    operation(
      "DeleteRouteSettings",
      "DELETE /v2/apis/{apiId}/stages/{stageName}/routesettings/{routeKey}",
      async (req) => {
        const key = { stageName: param(req, "stageName"), routeKey: param(req, "routeKey") };
        await h.deleteRouteSettings(param(req, "apiId"), key);
        return empty(204);
      },
    ),

    operation("CreateAuthorizer", "POST /v2/apis/{apiId}/authorizers", async (req) =>
      json(201, authorizerView(await h.createAuthorizer(param(req, "apiId"), body(req, createAuthorizer)))),
    ),
    operation("GetAuthorizer", "GET /v2/apis/{apiId}/authorizers/{authorizerId}", async (req) =>
      json(200, authorizerView(await h.getAuthorizer(param(req, "apiId"), param(req, "authorizerId")))),
    ),
    operation("GetAuthorizers", "GET /v2/apis/{apiId}/authorizers", async (req) =>
      json(200, { items: (await h.getAuthorizers(param(req, "apiId"))).map(authorizerView) }),
    ),
    operation("DeleteAuthorizer", "DELETE /v2/apis/{apiId}/authorizers/{authorizerId}", async (req) => {
      await h.deleteAuthorizer(param(req, "apiId"), param(req, "authorizerId"));
      return empty(204);
    }),

    operation("CreateDeployment", "POST /v2/apis/{apiId}/deployments", async (req) =>
      json(201, deploymentView(await h.createDeployment(param(req, "apiId"), body(req, createDeployment)))),
    ),
    operation("GetDeployments", "GET /v2/apis/{apiId}/deployments", async (req) =>
      json(200, { items: (await h.getDeployments(param(req, "apiId"))).map(deploymentView) }),
    ),
  ];
}
