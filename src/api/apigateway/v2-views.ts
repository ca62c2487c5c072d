/** API Gateway v2 response shapes (botocore apigatewayv2 model: lowerCamelCase, ISO 8601 dates). */
import type { ThrottleSettings } from "../../domain/usage-plans.js";
import type {
  ApiRecord,
  AuthorizerRecord,
  DeploymentRecord,
  IntegrationRecord,
  RouteRecord,
  StageRecord,
} from "../../ports/api-store.js";
import { compact, iso } from "./wire.js";

/** `Api`. */
export function apiView(a: ApiRecord, apiEndpoint: string): Record<string, unknown> {
  return compact({
    apiEndpoint,
    apiId: a.apiId,
    apiKeySelectionExpression: a.apiKeySelectionExpression,
    corsConfiguration: a.cors,
    createdDate: iso(a.createdAt),
    description: a.description,
    disableExecuteApiEndpoint: a.disableExecuteApiEndpoint,
    name: a.name,
    protocolType: a.protocol,
    routeSelectionExpression: a.routeSelectionExpression,
    tags: a.tags,
    version: a.version,
  });
}

/** `Route`. */
export function routeView(r: RouteRecord): Record<string, unknown> {
  return compact({
    apiGatewayManaged: r.apiGatewayManaged,
    apiKeyRequired: r.apiKeyRequired,
    authorizationScopes: r.authorizationScopes,
    authorizationType: r.authorizationType,
    authorizerId: r.authorizerId,
    operationName: r.operationName,
    routeId: r.routeId,
    routeKey: r.routeKey,
    target: r.target,
  });
}

/** `Integration`. */
export function integrationView(i: IntegrationRecord): Record<string, unknown> {
  return compact({
    apiGatewayManaged: i.apiGatewayManaged,
    connectionType: i.connectionType,
    description: i.description,
    integrationId: i.integrationId,
    integrationMethod: i.integrationMethod,
    integrationType: i.integrationType,
    integrationUri: i.integrationUri,
    payloadFormatVersion: i.payloadFormatVersion,
    requestParameters: i.requestParameters,
    responseParameters: i.responseParameters,
    timeoutInMillis: i.timeoutInMillis,
  });
}

/** `RouteSettings`: throttling as set. */
function routeSettingsView(t: ThrottleSettings | undefined): Record<string, unknown> {
  return compact({
    detailedMetricsEnabled: false,
    throttlingBurstLimit: t?.burstLimit,
    throttlingRateLimit: t?.rateLimit,
  });
}

/** `Stage`. */
export function stageView(s: StageRecord): Record<string, unknown> {
  return compact({
    accessLogSettings: s.accessLogSettings && compact({ ...s.accessLogSettings }),
    apiGatewayManaged: s.apiGatewayManaged,
    autoDeploy: s.autoDeploy,
    createdDate: iso(s.createdAt),
    defaultRouteSettings: routeSettingsView(s.defaultRouteSettings),
    deploymentId: s.deploymentId,
    description: s.description,
    lastDeploymentStatusMessage: s.lastDeploymentStatusMessage,
    lastUpdatedDate: iso(s.lastUpdatedAt),
    routeSettings: Object.fromEntries(Object.entries(s.routeSettings ?? {}).map(([k, t]) => [k, routeSettingsView(t)])),
    stageName: s.stageName,
    stageVariables: s.variables,
    tags: s.tags,
  });
}

/** `Authorizer`. */
export function authorizerView(a: AuthorizerRecord): Record<string, unknown> {
  return compact({
    authorizerCredentialsArn: a.credentialsArn,
    authorizerId: a.authorizerId,
    authorizerPayloadFormatVersion: a.payloadFormatVersion,
    authorizerResultTtlInSeconds: a.resultTtlSeconds,
    authorizerType: a.authorizerType,
    authorizerUri: a.authorizerUri,
    enableSimpleResponses: a.enableSimpleResponses,
    identitySource: a.identitySource,
    identityValidationExpression: a.identityValidationExpression,
    jwtConfiguration:
      a.jwtConfiguration && compact({ audience: a.jwtConfiguration.audience, issuer: a.jwtConfiguration.issuer }),
    name: a.name,
  });
}

/** `Deployment`. */
export function deploymentView(d: DeploymentRecord): Record<string, unknown> {
  return compact({
    autoDeployed: d.autoDeployed,
    createdDate: iso(d.createdAt),
    deploymentId: d.deploymentId,
    deploymentStatus: "DEPLOYED",
    description: d.description,
  });
}
