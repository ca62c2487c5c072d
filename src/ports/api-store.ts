/**
 * The API store port: the management model of API Gateway, both HTTP APIs (v2: routes,
 * integrations, stages, authorizers) and REST APIs (v1: resources, methods with their
 * integrations, deployments, stages, authorizers). Every adapter passes the contract suite in
 * api-store.contract.ts. Uniqueness AWS enforces (route keys, sibling path parts, stage names) is
 * enforced by the store in the same statement as the write, so two nodes cannot both win.
 */
import type { DeployedRoute } from "../domain/deployed-api.js";
import type { ResiliencePolicy } from "../domain/resilience-policy.js";
import type { ThrottleSettings } from "../domain/usage-plans.js";

/** HTTP = API Gateway v2 HTTP API; REST = API Gateway v1 REST API. */
export type ApiProtocol = "HTTP" | "REST";

/** An HTTP API's CORS configuration, as CreateApi takes it. */
export interface CorsRecord {
  readonly allowOrigins?: readonly string[] | undefined;
  readonly allowMethods?: readonly string[] | undefined;
  readonly allowHeaders?: readonly string[] | undefined;
  readonly exposeHeaders?: readonly string[] | undefined;
  readonly maxAge?: number | undefined;
  readonly allowCredentials?: boolean | undefined;
}

/** A REST gateway response (PutGatewayResponse): how one kind of the gateway's own answers looks. */
export interface GatewayResponseRecord {
  readonly statusCode?: string | undefined;
  /** `gatewayresponse.header.X` → `'literal'`, `method.request.header.Y`, `stageVariables.z`, `context.w`. */
  readonly responseParameters: Readonly<Record<string, string>>;
  readonly responseTemplates: Readonly<Record<string, string>>;
}

/** A REST request validator: what the gateway checks before the integration runs. */
export interface RequestValidatorRecord {
  readonly id: string;
  readonly name: string;
  readonly validateRequestBody: boolean;
  readonly validateRequestParameters: boolean;
}

/** A REST model: a JSON Schema (draft 4) of a body, by name. */
export interface ModelRecord {
  readonly id: string;
  readonly name: string;
  readonly contentType: string;
  /** The schema as its JSON text. */
  readonly schema?: string | undefined;
  readonly description?: string | undefined;
}

/** An API of either protocol. */
export interface ApiRecord {
  /** 10 lower-case letters and digits, like AWS's. */
  readonly apiId: string;
  readonly protocol: ApiProtocol;
  readonly name: string;
  readonly description?: string | undefined;
  readonly version?: string | undefined;
  /** Epoch milliseconds. */
  readonly createdAt: number;
  /** HTTP APIs only. */
  readonly cors?: CorsRecord | undefined;
  /** REST APIs only: media types passed to functions base64-encoded. */
  readonly binaryMediaTypes: readonly string[];
  readonly disableExecuteApiEndpoint: boolean;
  readonly tags: Readonly<Record<string, string>>;
  /** REST: the id of the root resource "/". */
  readonly rootResourceId?: string | undefined;
  /** REST: `endpointConfiguration.types` (AWS default EDGE). */
  readonly endpointTypes?: readonly string[] | undefined;
  /** REST: HEADER (default) or AUTHORIZER. */
  readonly apiKeySource?: string | undefined;
  /** HTTP: `$request.method $request.path` for HTTP APIs. */
  readonly routeSelectionExpression?: string | undefined;
  readonly apiKeySelectionExpression?: string | undefined;
  /** REST: the gateway responses set, by response type; a deployment freezes them. */
  readonly gatewayResponses?: Readonly<Record<string, GatewayResponseRecord>> | undefined;
  /** REST: request validators by id. */
  readonly requestValidators?: Readonly<Record<string, RequestValidatorRecord>> | undefined;
  /** REST: models by name. */
  readonly models?: Readonly<Record<string, ModelRecord>> | undefined;
}

/** An HTTP API route. */
export interface RouteRecord {
  readonly apiId: string;
  readonly routeId: string;
  /** `$default` or `METHOD /path`; unique per API. */
  readonly routeKey: string;
  /** `integrations/<integrationId>`. */
  readonly target?: string | undefined;
  readonly authorizationType: "NONE" | "JWT" | "CUSTOM" | "AWS_IAM";
  readonly authorizerId?: string | undefined;
  readonly authorizationScopes?: readonly string[] | undefined;
  readonly apiKeyRequired: boolean;
  readonly operationName?: string | undefined;
  /** Created by quick create (AWS then refuses to change it separately). */
  readonly apiGatewayManaged?: boolean | undefined;
}

/** An HTTP API integration. */
export interface IntegrationRecord {
  readonly apiId: string;
  readonly integrationId: string;
  /** AWS_PROXY is what the gateway serves; other types are kept but not routed. */
  readonly integrationType: string;
  /** A Lambda function ARN or `arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{arn}/invocations`. */
  readonly integrationUri?: string | undefined;
  readonly integrationMethod?: string | undefined;
  readonly payloadFormatVersion?: string | undefined;
  readonly timeoutInMillis: number;
  readonly connectionType: string;
  readonly description?: string | undefined;
  readonly apiGatewayManaged?: boolean | undefined;
  /** `x-haneul-resilience` of the integration (set by OpenAPI import). */
  readonly resilience?: ResiliencePolicy | undefined;
  /** HTTP APIs' parameter mapping: `append:header.x` → `$request.header.y`, … */
  readonly requestParameters?: Readonly<Record<string, string>> | undefined;
  /** HTTP APIs' response mapping by the integration's status code. */
  readonly responseParameters?: Readonly<Record<string, Readonly<Record<string, string>>>> | undefined;
}

/** A REST stage canary: a share of traffic served by another deployment with overridden variables. */
export interface CanaryRecord {
  readonly percentTraffic: number;
  readonly deploymentId?: string | undefined;
  readonly stageVariableOverrides: Readonly<Record<string, string>>;
  readonly useStageCache: boolean;
}

/** A stage of either protocol. */
export interface StageRecord {
  readonly apiId: string;
  readonly stageName: string;
  readonly deploymentId?: string | undefined;
  /** HTTP: every change of the API is deployed to this stage. */
  readonly autoDeploy: boolean;
  readonly description?: string | undefined;
  readonly variables: Readonly<Record<string, string>>;
  readonly canary?: CanaryRecord | undefined;
  readonly tracingEnabled: boolean;
  /** Access logs: where (a log group ARN) and in which `$context` format (REST may hold one without the other). */
  readonly accessLogSettings?: { readonly destinationArn?: string; readonly format?: string } | undefined;
  readonly tags: Readonly<Record<string, string>>;
  readonly lastDeploymentStatusMessage?: string | undefined;
  readonly apiGatewayManaged?: boolean | undefined;
  /** REST: MethodSettings throttling, keyed as AWS shows them (`*\/*`, `~1items/GET`). */
  readonly methodSettings?: Readonly<Record<string, ThrottleSettings>> | undefined;
  /** HTTP: DefaultRouteSettings throttling. */
  readonly defaultRouteSettings?: ThrottleSettings | undefined;
  /** HTTP: RouteSettings throttling by route key. */
  readonly routeSettings?: Readonly<Record<string, ThrottleSettings>> | undefined;
  /** REST: when FlushStageAuthorizersCache last ran (the gateway then starts its authorizer caches empty). */
  readonly authorizersFlushedAt?: number | undefined;
  readonly createdAt: number;
  readonly lastUpdatedAt: number;
}

/** A Lambda (TOKEN/REQUEST) or JWT authorizer of either protocol. */
export interface AuthorizerRecord {
  readonly apiId: string;
  readonly authorizerId: string;
  readonly name: string;
  /** REST: TOKEN | REQUEST | COGNITO_USER_POOLS; HTTP: REQUEST | JWT. */
  readonly authorizerType: string;
  readonly authorizerUri?: string | undefined;
  readonly identitySource: readonly string[];
  readonly identityValidationExpression?: string | undefined;
  readonly resultTtlSeconds?: number | undefined;
  /** HTTP REQUEST authorizers: "1.0" | "2.0". */
  readonly payloadFormatVersion?: string | undefined;
  readonly enableSimpleResponses?: boolean | undefined;
  readonly jwtConfiguration?:
    { readonly issuer?: string | undefined; readonly audience: readonly string[] } | undefined;
  readonly credentialsArn?: string | undefined;
  readonly providerArns?: readonly string[] | undefined;
  readonly authType?: string | undefined;
}

/** A REST resource: one path segment under its parent. */
export interface ResourceRecord {
  readonly apiId: string;
  readonly resourceId: string;
  /** Absent for the root resource. */
  readonly parentId?: string | undefined;
  readonly pathPart?: string | undefined;
  /** The full path, `/` for the root, `/pets/{id}` below. */
  readonly path: string;
}

/** A REST method response (PutMethodResponse): the headers and models the method may answer with. */
export interface MethodResponseRecord {
  readonly statusCode: string;
  /** `method.response.header.X` → required. */
  readonly responseParameters?: Readonly<Record<string, boolean>> | undefined;
  readonly responseModels?: Readonly<Record<string, string>> | undefined;
}

/** A REST integration response (PutIntegrationResponse): how a backend answer becomes a method response. */
export interface IntegrationResponseRecord {
  readonly statusCode: string;
  readonly selectionPattern?: string | undefined;
  readonly responseParameters?: Readonly<Record<string, string>> | undefined;
  readonly responseTemplates?: Readonly<Record<string, string>> | undefined;
  readonly contentHandling?: string | undefined;
}

/** The integration of a REST method. */
export interface MethodIntegrationRecord {
  readonly type: string;
  /** The method API Gateway calls the backend with (POST for Lambda). */
  readonly httpMethod?: string | undefined;
  readonly uri?: string | undefined;
  readonly timeoutInMillis: number;
  readonly passthroughBehavior?: string | undefined;
  readonly contentHandling?: string | undefined;
  readonly credentials?: string | undefined;
  readonly connectionType?: string | undefined;
  readonly cacheNamespace?: string | undefined;
  readonly cacheKeyParameters: readonly string[];
  readonly requestParameters?: Readonly<Record<string, string>> | undefined;
  readonly requestTemplates?: Readonly<Record<string, string>> | undefined;
  /** By status code. */
  readonly integrationResponses?: Readonly<Record<string, IntegrationResponseRecord>> | undefined;
  /** `x-haneul-resilience` of the integration (set by OpenAPI import). */
  readonly resilience?: ResiliencePolicy | undefined;
}

/** A REST method of a resource. */
export interface MethodRecord {
  readonly apiId: string;
  readonly resourceId: string;
  /** GET, PUT, POST, DELETE, PATCH, OPTIONS, HEAD or ANY. */
  readonly httpMethod: string;
  readonly authorizationType: string;
  readonly authorizerId?: string | undefined;
  readonly apiKeyRequired: boolean;
  readonly operationName?: string | undefined;
  readonly authorizationScopes?: readonly string[] | undefined;
  readonly requestParameters?: Readonly<Record<string, boolean>> | undefined;
  readonly requestValidatorId?: string | undefined;
  readonly requestModels?: Readonly<Record<string, string>> | undefined;
  readonly integration?: MethodIntegrationRecord | undefined;
  /** By status code. */
  readonly methodResponses?: Readonly<Record<string, MethodResponseRecord>> | undefined;
}

/** A deployment: the routes compiled at deployment time, frozen. Stages serve these, not the live model. */
export interface DeploymentRecord {
  readonly apiId: string;
  readonly deploymentId: string;
  readonly description?: string | undefined;
  readonly createdAt: number;
  /** Made by an HTTP API auto-deploy stage rather than by CreateDeployment. */
  readonly autoDeployed: boolean;
  readonly routes: readonly DeployedRoute[];
  /** REST: the API's gateway responses when it was deployed. */
  readonly gatewayResponses?: Readonly<Record<string, GatewayResponseRecord>> | undefined;
}

/** The outcome of a write that must be unique and needs its parent. */
export type ApiWriteResult = "ok" | "conflict" | "missing-parent";

/** Everything one API is made of, read at once. */
export interface ApiModel {
  readonly api: ApiRecord;
  readonly routes: readonly RouteRecord[];
  readonly integrations: readonly IntegrationRecord[];
  readonly stages: readonly StageRecord[];
  readonly authorizers: readonly AuthorizerRecord[];
  readonly resources: readonly ResourceRecord[];
  readonly methods: readonly MethodRecord[];
  readonly deployments: readonly DeploymentRecord[];
}

/** The durable state of API Gateway APIs. */
export interface ApiStore {
  /** Inserts an API (and, for REST, its root resource, atomically); false when the id is taken. */
  insertApi(api: ApiRecord, root?: ResourceRecord): Promise<boolean>;
  /** One API, or undefined. */
  getApi(apiId: string): Promise<ApiRecord | undefined>;
  /** All APIs of `protocol` (all when omitted), ordered by creation time then id. */
  listApis(protocol?: ApiProtocol): Promise<ApiRecord[]>;
  /** Replaces an API's own fields; false when it does not exist. */
  updateApi(api: ApiRecord): Promise<boolean>;
  /** Deletes an API and everything it holds. */
  deleteApi(apiId: string): Promise<boolean>;
  /** Everything one API holds, read in one snapshot, or undefined. */
  loadModel(apiId: string): Promise<ApiModel | undefined>;

  /** Inserts a route; `conflict` when its id or route key is taken in the API. */
  insertRoute(route: RouteRecord): Promise<ApiWriteResult>;
  /** Replaces a route; `conflict` when the new route key is taken, `missing-parent` when the route is gone. */
  updateRoute(route: RouteRecord): Promise<ApiWriteResult>;
  /** One route, or undefined. */
  getRoute(apiId: string, routeId: string): Promise<RouteRecord | undefined>;
  /** An API's routes, ordered by route key. */
  listRoutes(apiId: string): Promise<RouteRecord[]>;
  /** Deletes a route. */
  deleteRoute(apiId: string, routeId: string): Promise<boolean>;

  /** Inserts or replaces an integration (`missing-parent` when the API is gone). */
  putIntegration(integration: IntegrationRecord): Promise<ApiWriteResult>;
  /** One integration, or undefined. */
  getIntegration(apiId: string, integrationId: string): Promise<IntegrationRecord | undefined>;
  /** An API's integrations, ordered by id. */
  listIntegrations(apiId: string): Promise<IntegrationRecord[]>;
  /** Deletes an integration. */
  deleteIntegration(apiId: string, integrationId: string): Promise<boolean>;

  /** Inserts a stage; `conflict` when the name is taken. */
  insertStage(stage: StageRecord): Promise<ApiWriteResult>;
  /** Replaces a stage; false when it does not exist. */
  updateStage(stage: StageRecord): Promise<boolean>;
  /** One stage, or undefined. */
  getStage(apiId: string, stageName: string): Promise<StageRecord | undefined>;
  /** An API's stages, ordered by name. */
  listStages(apiId: string): Promise<StageRecord[]>;
  /** Deletes a stage. */
  deleteStage(apiId: string, stageName: string): Promise<boolean>;

  /** Inserts or replaces an authorizer. */
  putAuthorizer(authorizer: AuthorizerRecord): Promise<ApiWriteResult>;
  /** One authorizer, or undefined. */
  getAuthorizer(apiId: string, authorizerId: string): Promise<AuthorizerRecord | undefined>;
  /** An API's authorizers, ordered by id. */
  listAuthorizers(apiId: string): Promise<AuthorizerRecord[]>;
  /** Deletes an authorizer. */
  deleteAuthorizer(apiId: string, authorizerId: string): Promise<boolean>;

  /** Inserts a resource; `conflict` when a sibling has the same path part, `missing-parent` when the parent is gone. */
  insertResource(resource: ResourceRecord): Promise<ApiWriteResult>;
  /** One resource, or undefined. */
  getResource(apiId: string, resourceId: string): Promise<ResourceRecord | undefined>;
  /** An API's resources, ordered by path. */
  listResources(apiId: string): Promise<ResourceRecord[]>;
  /**
   * Replaces resources at once (a renamed or moved one and its descendants' paths): `conflict` when a
   * sibling has the new path part, `missing-parent` when one of them or a new parent is gone.
   */
  updateResources(resources: readonly ResourceRecord[]): Promise<ApiWriteResult>;
  /** Deletes a resource with its descendants and all their methods. */
  deleteResource(apiId: string, resourceId: string): Promise<boolean>;

  /** Inserts or replaces a method (`missing-parent` when the resource is gone). */
  putMethod(method: MethodRecord): Promise<ApiWriteResult>;
  /** One method, or undefined. */
  getMethod(apiId: string, resourceId: string, httpMethod: string): Promise<MethodRecord | undefined>;
  /** An API's methods, ordered by resource id and method. */
  listMethods(apiId: string): Promise<MethodRecord[]>;
  /** Deletes a method. */
  deleteMethod(apiId: string, resourceId: string, httpMethod: string): Promise<boolean>;

  /** Inserts a deployment; `conflict` when the id is taken. */
  insertDeployment(deployment: DeploymentRecord): Promise<ApiWriteResult>;
  /** One deployment, or undefined. */
  getDeployment(apiId: string, deploymentId: string): Promise<DeploymentRecord | undefined>;
  /** An API's deployments, oldest first. */
  listDeployments(apiId: string): Promise<DeploymentRecord[]>;
  /** Replaces a deployment's record (its description); false when it does not exist. */
  updateDeployment(deployment: DeploymentRecord): Promise<boolean>;
  /** Deletes a deployment. */
  deleteDeployment(apiId: string, deploymentId: string): Promise<boolean>;

  /** Releases the connection. */
  close(): Promise<void>;
}
