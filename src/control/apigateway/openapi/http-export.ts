/**
 * ExportApi for HTTP APIs: routes, integrations, authorizers and CORS as OpenAPI 3.0 (`OAS30`), with
 * the `x-amazon-apigateway-*` extensions unless `includeExtensions` is false; ImportApi reads it back.
 */
import type { ApiModel, AuthorizerRecord, IntegrationRecord, RouteRecord } from "../../../ports/api-store.js";
import { type ApiGatewayContext, badRequest, notFound, requireModel } from "../context.js";
import type { Obj } from "./document.js";

/** What ExportApi was asked for. */
export interface HttpExportRequest {
  readonly apiId: string;
  readonly specification: string;
  readonly includeExtensions: boolean;
  readonly stageName?: string | undefined;
}

/** The HTTP API `apiId` as an OpenAPI 3.0 document. */
export async function exportHttpApi(ctx: ApiGatewayContext, request: HttpExportRequest): Promise<Obj> {
  if (request.specification !== "OAS30") {
    throw badRequest(`Invalid specification: ${request.specification}. Valid value is OAS30`);
  }
  const model = await requireModel(ctx, request.apiId, "HTTP");
  if (request.stageName !== undefined && !model.stages.some((s) => s.stageName === request.stageName)) {
    throw notFound(`Invalid stage identifier specified`);
  }
  const ext = request.includeExtensions;
  const paths: Record<string, Obj> = {};
  for (const route of model.routes) {
    const [verb, path] =
      route.routeKey === "$default" ? ["x-amazon-apigateway-any-method", "/$default"] : route.routeKey.split(" ");
    const key = verb === "ANY" ? "x-amazon-apigateway-any-method" : (verb ?? "").toLowerCase();
    (paths[path ?? "/"] ??= {})[key] = operation(route, model, ext);
  }
  const info = {
    title: model.api.name,
    ...(model.api.description !== undefined ? { description: model.api.description } : {}),
    version: model.api.version ?? new Date(model.api.createdAt).toISOString().replace(/\.\d{3}Z$/, "Z"),
  };
  const doc: Obj = {
    openapi: "3.0.1",
    info,
    servers: [
      {
        url: `https://${model.api.apiId}.execute-api.${ctx.region}.amazonaws.com/{basePath}`,
        variables: { basePath: { default: request.stageName ?? "" } },
      },
    ],
    paths,
  };
  const schemes = Object.fromEntries(model.authorizers.map((a) => [a.name, scheme(a, ext)]));
  if (Object.keys(schemes).length > 0) doc.components = { securitySchemes: schemes };
  if (ext && model.api.cors) doc["x-amazon-apigateway-cors"] = model.api.cors;
  return doc;
}

function operation(route: RouteRecord, model: ApiModel, ext: boolean): Obj {
  const op: Obj = { responses: { default: { description: "Default response" } } };
  if (route.operationName !== undefined) op.operationId = route.operationName;
  const authorizer = model.authorizers.find((a) => a.authorizerId === route.authorizerId);
  if (authorizer) op.security = [{ [authorizer.name]: [...(route.authorizationScopes ?? [])] }];
  const integrationId = route.target?.replace(/^integrations\//, "");
  const integration = model.integrations.find((i) => i.integrationId === integrationId);
  if (ext && integration) op["x-amazon-apigateway-integration"] = integrationExtension(integration);
  return op;
}

function integrationExtension(i: IntegrationRecord): Obj {
  return defined({
    type: i.integrationType.toLowerCase(),
    uri: i.integrationUri,
    httpMethod: i.integrationMethod,
    payloadFormatVersion: i.payloadFormatVersion,
    timeoutInMillis: i.timeoutInMillis,
    connectionType: i.connectionType,
    requestParameters: i.requestParameters,
    responseParameters: i.responseParameters,
    "x-haneul-resilience": i.resilience,
  });
}

function scheme(a: AuthorizerRecord, ext: boolean): Obj {
  const jwt = a.authorizerType === "JWT";
  const base: Obj = jwt
    ? { type: "oauth2", flows: {} }
    : {
        type: "apiKey",
        name: a.identitySource[0]?.replace(/^\$request\.header\./, "") ?? "Authorization",
        in: "header",
      };
  if (!ext) return base;
  return {
    ...base,
    "x-amazon-apigateway-authorizer": defined({
      type: a.authorizerType.toLowerCase(),
      identitySource: a.identitySource,
      authorizerUri: a.authorizerUri,
      authorizerPayloadFormatVersion: a.payloadFormatVersion,
      enableSimpleResponses: a.enableSimpleResponses,
      authorizerResultTtlInSeconds: a.resultTtlSeconds,
      authorizerCredentials: a.credentialsArn,
      jwtConfiguration: a.jwtConfiguration,
    }),
  };
}

function defined(o: Obj): Obj {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
