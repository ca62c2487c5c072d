/**
 * GetExport for REST APIs: the API as OpenAPI 3.0 (`oas30`) or Swagger 2.0 (`swagger`), with the
 * `x-amazon-apigateway-*` extensions when asked (`integrations`, `authorizers`, `apigateway`), in a
 * form ImportRestApi reads back to the same API.
 */
import type { ApiModel, AuthorizerRecord, MethodIntegrationRecord, MethodRecord } from "../../../ports/api-store.js";
import { type ApiGatewayContext, badRequest, notFound, requireModel } from "../context.js";
import type { Obj } from "./document.js";

/** What GetExport was asked for. */
export interface RestExportRequest {
  readonly apiId: string;
  readonly stageName: string;
  /** `oas30` or `swagger`. */
  readonly exportType: string;
  /** `integrations`, `authorizers`, `apigateway` (both). */
  readonly extensions: readonly string[];
}

interface Shape {
  readonly version: 2 | 3;
  readonly integrations: boolean;
  readonly authorizers: boolean;
}

/** The REST API `apiId` as deployed on `stageName`, as an OpenAPI document. */
export async function exportRestApi(ctx: ApiGatewayContext, request: RestExportRequest): Promise<Obj> {
  const model = await requireModel(ctx, request.apiId, "REST");
  if (!model.stages.some((s) => s.stageName === request.stageName))
    throw notFound("Invalid stage identifier specified");
  if (request.exportType !== "oas30" && request.exportType !== "swagger") {
    throw badRequest(`Invalid export type specified: ${request.exportType}. Valid values are oas30 and swagger`);
  }
  for (const e of request.extensions) {
    if (!["integrations", "authorizers", "apigateway"].includes(e)) {
      throw badRequest(`Invalid extensions specified: ${e}. Valid values are integrations, authorizers and apigateway`);
    }
  }
  const all = request.extensions.includes("apigateway");
  const shape: Shape = {
    version: request.exportType === "swagger" ? 2 : 3,
    integrations: all || request.extensions.includes("integrations"),
    authorizers: all || request.extensions.includes("authorizers"),
  };
  const host = `${model.api.apiId}.execute-api.${ctx.region}.amazonaws.com`;
  const info = {
    title: model.api.name,
    ...(model.api.description !== undefined ? { description: model.api.description } : {}),
    version: model.api.version ?? new Date(model.api.createdAt).toISOString().replace(/\.\d{3}Z$/, "Z"),
  };
  const head: Obj =
    shape.version === 3
      ? {
          openapi: "3.0.1",
          info,
          servers: [{ url: `https://${host}/{basePath}`, variables: { basePath: { default: request.stageName } } }],
        }
      : { swagger: "2.0", info, host, basePath: `/${request.stageName}`, schemes: ["https"] };
  const schemes = securitySchemes(model, shape);
  const doc: Obj = { ...head, paths: paths(model, shape) };
  const schemas = exportedModels(model, shape);
  if (shape.version === 3) {
    const components: Obj = {};
    if (Object.keys(schemas).length > 0) components.schemas = schemas;
    if (Object.keys(schemes).length > 0) components.securitySchemes = schemes;
    if (Object.keys(components).length > 0) doc.components = components;
  } else {
    if (Object.keys(schemas).length > 0) doc.definitions = schemas;
    if (Object.keys(schemes).length > 0) doc.securityDefinitions = schemes;
  }
  if (shape.integrations) Object.assign(doc, apiExtensions(model));
  return doc;
}

/** The API's models as schemas, their references to other models as `#/…` references again. */
function exportedModels(model: ApiModel, shape: Shape): Obj {
  const prefix = `https://apigateway.amazonaws.com/restapis/${model.api.apiId}/models/`;
  const local = shape.version === 3 ? "#/components/schemas/" : "#/definitions/";
  const out: Obj = {};
  for (const m of Object.values(model.api.models ?? {})) {
    const text = (m.schema ?? "{}").split(JSON.stringify(prefix).slice(1, -1)).join(local);
    try {
      out[m.name] = JSON.parse(text) as unknown;
    } catch {
      out[m.name] = {};
    }
  }
  return out;
}

const validatorName = (v: { id: string; name: string }) => v.name || v.id;

function apiExtensions(model: ApiModel): Obj {
  const out: Obj = {};
  const validators = Object.values(model.api.requestValidators ?? {});
  if (validators.length > 0) {
    out["x-amazon-apigateway-request-validators"] = Object.fromEntries(
      validators.map((v) => [
        validatorName(v),
        { validateRequestBody: v.validateRequestBody, validateRequestParameters: v.validateRequestParameters },
      ]),
    );
  }
  if (model.api.binaryMediaTypes.length > 0) out["x-amazon-apigateway-binary-media-types"] = model.api.binaryMediaTypes;
  if (model.api.gatewayResponses && Object.keys(model.api.gatewayResponses).length > 0) {
    out["x-amazon-apigateway-gateway-responses"] = model.api.gatewayResponses;
  }
  if (model.api.apiKeySource === "AUTHORIZER") out["x-amazon-apigateway-api-key-source"] = "AUTHORIZER";
  return out;
}

function paths(model: ApiModel, shape: Shape): Obj {
  const out: Obj = {};
  for (const resource of model.resources) {
    const methods = model.methods.filter((m) => m.resourceId === resource.resourceId);
    if (methods.length === 0) continue;
    const item: Obj = {};
    for (const m of methods) {
      const key = m.httpMethod === "ANY" ? "x-amazon-apigateway-any-method" : m.httpMethod.toLowerCase();
      item[key] = operation(m, model, shape);
    }
    out[resource.path] = item;
  }
  return out;
}

const IN: Readonly<Record<string, string>> = { path: "path", querystring: "query", header: "header" };

function operation(m: MethodRecord, model: ApiModel, shape: Shape): Obj {
  const op: Obj = {};
  if (m.operationName !== undefined) op.operationId = m.operationName;
  const parameters = Object.entries(m.requestParameters ?? {}).flatMap(([name, required]): Obj[] => {
    const [, , where = "", ...rest] = name.split(".");
    const location = IN[where];
    if (!location) return [];
    const p: Obj = { name: rest.join("."), in: location, required: location === "path" || required };
    return [shape.version === 3 ? { ...p, schema: { type: "string" } } : { ...p, type: "string" }];
  });
  const local = shape.version === 3 ? "#/components/schemas/" : "#/definitions/";
  const bodies = Object.entries(m.requestModels ?? {});
  if (shape.version === 2 && bodies[0]) {
    const [, name] = bodies[0];
    parameters.push({ in: "body", name, required: true, schema: { $ref: `${local}${name}` } });
  }
  if (shape.version === 3 && bodies.length > 0) {
    op.requestBody = {
      content: Object.fromEntries(bodies.map(([ct, name]) => [ct, { schema: { $ref: `${local}${name}` } }])),
      required: true,
    };
  }
  if (parameters.length > 0) op.parameters = parameters;
  op.responses = responses(m);
  const validator = m.requestValidatorId ? model.api.requestValidators?.[m.requestValidatorId] : undefined;
  if (shape.integrations && validator) op["x-amazon-apigateway-request-validator"] = validatorName(validator);
  const security = methodSecurity(m, model.authorizers);
  if (security) op.security = [security];
  if (shape.integrations && m.integration) op["x-amazon-apigateway-integration"] = integration(m.integration);
  return op;
}

function responses(m: MethodRecord): Obj {
  const out: Obj = {};
  for (const [status, r] of Object.entries(m.methodResponses ?? {})) {
    const headers = Object.keys(r.responseParameters ?? {})
      .filter((k) => k.startsWith("method.response.header."))
      .map((k): [string, Obj] => [k.slice("method.response.header.".length), { schema: { type: "string" } }]);
    out[status] = {
      description: `${status} response`,
      ...(headers.length ? { headers: Object.fromEntries(headers) } : {}),
    };
  }
  return Object.keys(out).length > 0 ? out : { default: { description: "Default response" } };
}

function methodSecurity(m: MethodRecord, authorizers: readonly AuthorizerRecord[]): Obj | undefined {
  const out: Obj = {};
  const authorizer = authorizers.find((a) => a.authorizerId === m.authorizerId);
  if (authorizer) out[authorizer.name] = [...(m.authorizationScopes ?? [])];
  if (m.authorizationType === "AWS_IAM") out.sigv4 = [];
  if (m.apiKeyRequired) out.api_key = [];
  return Object.keys(out).length > 0 ? out : undefined;
}

function securitySchemes(model: ApiModel, shape: Shape): Obj {
  const out: Obj = {};
  for (const a of model.authorizers) {
    const header = a.identitySource[0]?.match(/^method\.request\.header\.(.+)$/)?.[1] ?? "Unused";
    const scheme: Obj = {
      type: "apiKey",
      name: header,
      in: "header",
      "x-amazon-apigateway-authtype": a.authType ?? "custom",
    };
    if (shape.authorizers) scheme["x-amazon-apigateway-authorizer"] = authorizerExtension(a);
    out[a.name] = scheme;
  }
  if (model.methods.some((m) => m.authorizationType === "AWS_IAM")) {
    out.sigv4 = { type: "apiKey", name: "Authorization", in: "header", "x-amazon-apigateway-authtype": "awsSigv4" };
  }
  if (model.methods.some((m) => m.apiKeyRequired)) out.api_key = { type: "apiKey", name: "x-api-key", in: "header" };
  return out;
}

function authorizerExtension(a: AuthorizerRecord): Obj {
  return defined({
    type: a.authorizerType.toLowerCase(),
    authorizerUri: a.authorizerUri,
    authorizerCredentials: a.credentialsArn,
    identitySource: a.authorizerType === "TOKEN" ? undefined : a.identitySource.join(", "),
    identityValidationExpression: a.identityValidationExpression,
    authorizerResultTtlInSeconds: a.resultTtlSeconds,
    providerARNs: a.providerArns,
  });
}

function integration(i: MethodIntegrationRecord): Obj {
  const responses: Obj = {};
  for (const r of Object.values(i.integrationResponses ?? {})) {
    responses[r.selectionPattern ?? "default"] = defined({
      statusCode: r.statusCode,
      responseParameters: r.responseParameters,
      responseTemplates: r.responseTemplates,
      contentHandling: r.contentHandling,
    });
  }
  return defined({
    type: i.type.toLowerCase(),
    httpMethod: i.httpMethod,
    uri: i.uri,
    credentials: i.credentials,
    requestParameters: i.requestParameters,
    requestTemplates: i.requestTemplates,
    passthroughBehavior: i.passthroughBehavior?.toLowerCase(),
    contentHandling: i.contentHandling,
    timeoutInMillis: i.timeoutInMillis,
    cacheNamespace: i.cacheNamespace,
    cacheKeyParameters: i.cacheKeyParameters.length > 0 ? i.cacheKeyParameters : undefined,
    responses: Object.keys(responses).length > 0 ? responses : undefined,
    "x-haneul-resilience": i.resilience,
  });
}

function defined(o: Obj): Obj {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
