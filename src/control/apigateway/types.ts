/**
 * Inputs of the API Gateway operations, in the field names of the wire (botocore's apigateway and
 * apigatewayv2 models): the control plane takes what the CLI and SDKs send, already type-checked.
 */
import type { ResiliencePolicy } from "../../domain/resilience-policy.js";
import type { ThrottleSettings } from "../../domain/usage-plans.js";

/** v2 `Cors`. */
export interface CorsInput {
  allowOrigins?: string[] | undefined;
  allowMethods?: string[] | undefined;
  allowHeaders?: string[] | undefined;
  exposeHeaders?: string[] | undefined;
  maxAge?: number | undefined;
  allowCredentials?: boolean | undefined;
}

/** v2 CreateApi (quick create with `target` and optional `routeKey`). */
export interface CreateApiInput {
  name: string;
  protocolType: string;
  description?: string | undefined;
  version?: string | undefined;
  corsConfiguration?: CorsInput | undefined;
  target?: string | undefined;
  routeKey?: string | undefined;
  disableExecuteApiEndpoint?: boolean | undefined;
  routeSelectionExpression?: string | undefined;
  apiKeySelectionExpression?: string | undefined;
  tags?: Record<string, string> | undefined;
}

/** v2 UpdateApi. */
export type UpdateApiInput = Partial<Omit<CreateApiInput, "protocolType" | "tags">>;

/** v2 CreateRoute / UpdateRoute. */
export interface RouteInput {
  routeKey?: string | undefined;
  target?: string | undefined;
  authorizationType?: string | undefined;
  authorizerId?: string | undefined;
  authorizationScopes?: string[] | undefined;
  apiKeyRequired?: boolean | undefined;
  operationName?: string | undefined;
}

/** v2 CreateIntegration / UpdateIntegration. */
export interface IntegrationInput {
  integrationType?: string | undefined;
  integrationUri?: string | undefined;
  integrationMethod?: string | undefined;
  payloadFormatVersion?: string | undefined;
  timeoutInMillis?: number | undefined;
  connectionType?: string | undefined;
  description?: string | undefined;
  /** `x-haneul-resilience` (OpenAPI import only: AWS's CreateIntegration has no such field). */
  resilience?: ResiliencePolicy | undefined;
  /** Parameter mapping (`append:header.x` → value); on update a key with an empty value is removed. */
  requestParameters?: Record<string, string> | undefined;
  /** Status code → response mapping; on update an empty map removes that status code's. */
  responseParameters?: Record<string, Record<string, string>> | undefined;
}

/** v2 CreateStage / UpdateStage. */
export interface HttpStageInput {
  stageName?: string | undefined;
  autoDeploy?: boolean | undefined;
  deploymentId?: string | undefined;
  description?: string | undefined;
  stageVariables?: Record<string, string> | undefined;
  accessLogSettings?: { destinationArn?: string | undefined; format?: string | undefined } | undefined;
  tags?: Record<string, string> | undefined;
  /** Throttling of every route without settings of its own (replaces the stage's). */
  defaultRouteSettings?: ThrottleSettings | undefined;
  /** Throttling by route key (each key given replaces that key's settings). */
  routeSettings?: Record<string, ThrottleSettings> | undefined;
}

/** v2 CreateAuthorizer. */
export interface HttpAuthorizerInput {
  name: string;
  authorizerType: string;
  authorizerUri?: string | undefined;
  identitySource?: string[] | undefined;
  identityValidationExpression?: string | undefined;
  authorizerResultTtlInSeconds?: number | undefined;
  authorizerPayloadFormatVersion?: string | undefined;
  enableSimpleResponses?: boolean | undefined;
  jwtConfiguration?: { issuer?: string | undefined; audience?: string[] | undefined } | undefined;
  authorizerCredentialsArn?: string | undefined;
}

/** v2 CreateDeployment. */
export interface HttpDeploymentInput {
  description?: string | undefined;
  stageName?: string | undefined;
}

/** v1 CreateRestApi. */
export interface CreateRestApiInput {
  name: string;
  description?: string | undefined;
  version?: string | undefined;
  binaryMediaTypes?: string[] | undefined;
  endpointConfiguration?: { types?: string[] | undefined } | undefined;
  apiKeySource?: string | undefined;
  disableExecuteApiEndpoint?: boolean | undefined;
  tags?: Record<string, string> | undefined;
}

/** v1 PutMethod. */
export interface PutMethodInput {
  authorizationType: string;
  authorizerId?: string | undefined;
  apiKeyRequired?: boolean | undefined;
  operationName?: string | undefined;
  requestParameters?: Record<string, boolean> | undefined;
  authorizationScopes?: string[] | undefined;
  requestValidatorId?: string | undefined;
  requestModels?: Record<string, string> | undefined;
}

/** v1 PutIntegration (`httpMethod` is the wire name of `integrationHttpMethod`). */
export interface PutIntegrationInput {
  type: string;
  httpMethod?: string | undefined;
  uri?: string | undefined;
  timeoutInMillis?: number | undefined;
  passthroughBehavior?: string | undefined;
  contentHandling?: string | undefined;
  credentials?: string | undefined;
  connectionType?: string | undefined;
  cacheNamespace?: string | undefined;
  cacheKeyParameters?: string[] | undefined;
  requestParameters?: Record<string, string> | undefined;
  requestTemplates?: Record<string, string> | undefined;
  /** `x-haneul-resilience` (OpenAPI import only: AWS's PutIntegration has no such field). */
  resilience?: ResiliencePolicy | undefined;
}

/** v1 `CanarySettings` (CreateStage) and `DeploymentCanarySettings` (CreateDeployment). */
export interface CanaryInput {
  percentTraffic?: number | undefined;
  deploymentId?: string | undefined;
  stageVariableOverrides?: Record<string, string> | undefined;
  useStageCache?: boolean | undefined;
}

/** v1 CreateDeployment. */
export interface RestDeploymentInput {
  stageName?: string | undefined;
  stageDescription?: string | undefined;
  description?: string | undefined;
  variables?: Record<string, string> | undefined;
  canarySettings?: CanaryInput | undefined;
  tracingEnabled?: boolean | undefined;
}

/** v1 CreateStage. */
export interface RestStageInput {
  stageName: string;
  deploymentId: string;
  description?: string | undefined;
  variables?: Record<string, string> | undefined;
  canarySettings?: CanaryInput | undefined;
  tracingEnabled?: boolean | undefined;
  tags?: Record<string, string> | undefined;
}

/** v1 `PatchOperation`. */
export interface PatchOperation {
  op: string;
  path?: string | undefined;
  value?: string | undefined;
  from?: string | undefined;
}

/** v1 CreateAuthorizer. */
export interface RestAuthorizerInput {
  name: string;
  type: string;
  authorizerUri?: string | undefined;
  identitySource?: string | undefined;
  identityValidationExpression?: string | undefined;
  authorizerResultTtlInSeconds?: number | undefined;
  providerARNs?: string[] | undefined;
  authType?: string | undefined;
  authorizerCredentials?: string | undefined;
}
