/** API Gateway v1 response shapes (botocore apigateway model: epoch-second dates, lists under `item`). */
import type { GatewayResponseView, ResourceWithMethods } from "../../control/index.js";
import type {
  ApiRecord,
  AuthorizerRecord,
  DeploymentRecord,
  IntegrationResponseRecord,
  MethodIntegrationRecord,
  MethodRecord,
  MethodResponseRecord,
  StageRecord,
} from "../../ports/api-store.js";
import { ACCOUNT_BURST_LIMIT, ACCOUNT_RATE_LIMIT } from "../../domain/deployed-api.js";
import { compact, epochSeconds } from "./wire.js";

/** `RestApi`. */
export function restApiView(a: ApiRecord): Record<string, unknown> {
  return compact(
    {
      id: a.apiId,
      name: a.name,
      description: a.description,
      createdDate: epochSeconds(a.createdAt),
      version: a.version,
      binaryMediaTypes: a.binaryMediaTypes,
      apiKeySource: a.apiKeySource ?? "HEADER",
      endpointConfiguration: { types: a.endpointTypes ?? ["EDGE"] },
      disableExecuteApiEndpoint: a.disableExecuteApiEndpoint,
      rootResourceId: a.rootResourceId,
      tags: a.tags,
    },
    ["binaryMediaTypes", "tags"],
  );
}

/** `Resource`; `resourceMethods` holds `{}` per method unless the methods are embedded. */
export function resourceView(r: ResourceWithMethods, embedMethods: boolean): Record<string, unknown> {
  const methods: Record<string, unknown> = {};
  for (const m of r.methods) methods[m.httpMethod] = embedMethods ? methodView(m) : {};
  return compact(
    {
      id: r.resource.resourceId,
      parentId: r.resource.parentId,
      pathPart: r.resource.pathPart,
      path: r.resource.path,
      resourceMethods: methods,
    },
    ["resourceMethods"],
  );
}

/** `Method`. */
export function methodView(m: MethodRecord): Record<string, unknown> {
  return compact({
    httpMethod: m.httpMethod,
    authorizationType: m.authorizationType,
    authorizerId: m.authorizerId,
    apiKeyRequired: m.apiKeyRequired,
    operationName: m.operationName,
    requestParameters: m.requestParameters,
    authorizationScopes: m.authorizationScopes,
    requestValidatorId: m.requestValidatorId,
    requestModels: m.requestModels,
    methodResponses: m.methodResponses && mapValues(m.methodResponses, methodResponseView),
    methodIntegration: m.integration && integrationView(m.integration),
  });
}

function mapValues<T>(o: Readonly<Record<string, T>>, f: (v: T) => unknown): Record<string, unknown> | undefined {
  const entries = Object.entries(o);
  return entries.length ? Object.fromEntries(entries.map(([k, v]) => [k, f(v)])) : undefined;
}

/** `MethodResponse`. */
export function methodResponseView(r: MethodResponseRecord): Record<string, unknown> {
  return compact({
    statusCode: r.statusCode,
    responseParameters: r.responseParameters,
    responseModels: r.responseModels,
  });
}

/** `IntegrationResponse`. */
export function integrationResponseView(r: IntegrationResponseRecord): Record<string, unknown> {
  return compact({
    statusCode: r.statusCode,
    selectionPattern: r.selectionPattern,
    responseParameters: r.responseParameters,
    responseTemplates: r.responseTemplates,
    contentHandling: r.contentHandling,
  });
}

/** `Integration`. */
export function integrationView(i: MethodIntegrationRecord): Record<string, unknown> {
  return compact({
    type: i.type,
    httpMethod: i.httpMethod,
    uri: i.uri,
    connectionType: i.connectionType,
    credentials: i.credentials,
    requestParameters: i.requestParameters,
    requestTemplates: i.requestTemplates,
    passthroughBehavior: i.passthroughBehavior,
    contentHandling: i.contentHandling,
    timeoutInMillis: i.timeoutInMillis,
    cacheNamespace: i.cacheNamespace,
    cacheKeyParameters: i.cacheKeyParameters,
    integrationResponses: i.integrationResponses && mapValues(i.integrationResponses, integrationResponseView),
  });
}

/** `Deployment`. */
export function deploymentView(d: DeploymentRecord): Record<string, unknown> {
  return compact({ id: d.deploymentId, description: d.description, createdDate: epochSeconds(d.createdAt) });
}

/** `Stage.methodSettings`: throttling as set, AWS's defaults for the rest. */
function methodSettingsView(s: StageRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, t] of Object.entries(s.methodSettings ?? {})) {
    out[key] = {
      metricsEnabled: false,
      dataTraceEnabled: false,
      throttlingBurstLimit: t.burstLimit ?? ACCOUNT_BURST_LIMIT,
      throttlingRateLimit: t.rateLimit ?? ACCOUNT_RATE_LIMIT,
      cachingEnabled: false,
      cacheTtlInSeconds: 300,
      cacheDataEncrypted: false,
      requireAuthorizationForCacheControl: true,
      unauthorizedCacheControlHeaderStrategy: "SUCCEED_WITH_RESPONSE_HEADER",
    };
  }
  return out;
}

/** `Stage`. */
export function stageView(s: StageRecord): Record<string, unknown> {
  const canary = s.canary;
  return compact(
    {
      deploymentId: s.deploymentId,
      stageName: s.stageName,
      description: s.description,
      cacheClusterEnabled: false,
      cacheClusterStatus: "NOT_AVAILABLE",
      methodSettings: methodSettingsView(s),
      variables: s.variables,
      tracingEnabled: s.tracingEnabled,
      accessLogSettings: s.accessLogSettings && compact({ ...s.accessLogSettings }),
      canarySettings:
        canary &&
        compact(
          {
            deploymentId: canary.deploymentId,
            percentTraffic: canary.percentTraffic,
            stageVariableOverrides: canary.stageVariableOverrides,
            useStageCache: canary.useStageCache,
          },
          ["stageVariableOverrides"],
        ),
      tags: s.tags,
      createdDate: epochSeconds(s.createdAt),
      lastUpdatedDate: epochSeconds(s.lastUpdatedAt),
    },
    ["variables", "tags"],
  );
}

/** `Authorizer`; the identity source is one comma-separated string in v1. */
export function authorizerView(a: AuthorizerRecord): Record<string, unknown> {
  return compact({
    id: a.authorizerId,
    name: a.name,
    type: a.authorizerType,
    providerARNs: a.providerArns,
    authType: a.authType,
    authorizerUri: a.authorizerUri,
    authorizerCredentials: a.credentialsArn,
    identitySource: a.identitySource.length ? a.identitySource.join(", ") : undefined,
    identityValidationExpression: a.identityValidationExpression,
    authorizerResultTtlInSeconds: a.resultTtlSeconds,
  });
}

/** `GatewayResponse`. */
export function gatewayResponseView(g: GatewayResponseView): Record<string, unknown> {
  return compact({
    responseType: g.responseType,
    statusCode: g.statusCode,
    responseParameters: g.responseParameters,
    responseTemplates: g.responseTemplates,
    defaultResponse: g.defaultResponse,
  });
}
