/**
 * What the gateway serves: APIs compiled from the management model (API Gateway v2 HTTP APIs and
 * v1 REST APIs, or a SAM template) into per-stage route tables. The management side builds these
 * and hands them to the gateway, which swaps its in-memory table atomically; the gateway never
 * reads the store per request.
 */
import type { ResiliencePolicy } from "./resilience-policy.js";
import type { ThrottleSettings } from "./usage-plans.js";

/** HTTP APIs: an integration's parameter mapping, as CreateIntegration took it (see parameter-mapping.ts). */
export interface DeployedParameterMapping {
  /** `append|overwrite|remove:header.x`, `…:querystring.x`, `overwrite:path` → value. */
  readonly request?: Readonly<Record<string, string>> | undefined;
  /** Integration status code → `append|overwrite|remove:header.x`, `overwrite:statuscode` → value. */
  readonly response?: Readonly<Record<string, Readonly<Record<string, string>>>> | undefined;
}

/** A Lambda proxy integration (`AWS_PROXY`; deployments stored before `type` existed have none). */
export interface DeployedLambdaProxy {
  readonly type?: "AWS_PROXY" | undefined;
  /** Function name (or ARN) and qualifier the integration URI names. */
  readonly functionName: string;
  readonly qualifier?: string | undefined;
  /** REST APIs are always "1.0"; HTTP APIs "1.0" or "2.0". */
  readonly payloadFormatVersion: "1.0" | "2.0";
  /** Integration timeout (HTTP API default 30 000, REST 29 000). */
  readonly timeoutMs: number;
  /** `x-haneul-resilience`: circuit breaker, retries and bulkhead of the target. */
  readonly resilience?: ResiliencePolicy | undefined;
  /** HTTP APIs: request and response parameter mapping. */
  readonly parameterMapping?: DeployedParameterMapping | undefined;
}

/** One integration response of a non-proxy REST integration. */
export interface DeployedIntegrationResponse {
  readonly statusCode: string;
  /** A regular expression on the backend's status (HTTP, MOCK) or the Lambda error message (AWS); absent for the default. */
  readonly selectionPattern?: string | undefined;
  /** `method.response.header.X` → `'literal'`, `integration.response.header.Y`, `integration.response.body…`. */
  readonly responseParameters: Readonly<Record<string, string>>;
  /** Content type → Velocity template. */
  readonly responseTemplates: Readonly<Record<string, string>>;
  readonly contentHandling?: "CONVERT_TO_TEXT" | "CONVERT_TO_BINARY" | undefined;
}

/**
 * A REST non-proxy integration (`MOCK`, `AWS` to a Lambda function, `HTTP`) with mapping templates,
 * or an `HTTP_PROXY` integration (REST and HTTP APIs) that passes the request through as it is.
 */
export interface DeployedCustomIntegration {
  readonly type: "MOCK" | "AWS" | "HTTP" | "HTTP_PROXY";
  /** AWS: the function the integration URI names. */
  readonly functionName?: string | undefined;
  readonly qualifier?: string | undefined;
  /** HTTP, HTTP_PROXY: the backend URL (may hold `{param}` and `${stageVariables.x}`). */
  readonly uri?: string | undefined;
  /** HTTP, HTTP_PROXY: the backend method (`ANY` keeps the client's). */
  readonly httpMethod?: string | undefined;
  readonly timeoutMs: number;
  readonly passthroughBehavior: "WHEN_NO_MATCH" | "WHEN_NO_TEMPLATES" | "NEVER";
  /** `integration.request.{header|querystring|path}.X` → `method.request.…`, `'literal'`, `stageVariables.x`. */
  readonly requestParameters: Readonly<Record<string, string>>;
  /** Content type → Velocity template. */
  readonly requestTemplates: Readonly<Record<string, string>>;
  readonly contentHandling?: "CONVERT_TO_TEXT" | "CONVERT_TO_BINARY" | undefined;
  readonly responses: readonly DeployedIntegrationResponse[];
  /** HTTP APIs' `$default` route: the request path is appended to the URI. */
  readonly appendPath?: boolean | undefined;
  /** `x-haneul-resilience`: circuit breaker, retries and bulkhead of the target. */
  readonly resilience?: ResiliencePolicy | undefined;
  /** HTTP APIs: request and response parameter mapping. */
  readonly parameterMapping?: DeployedParameterMapping | undefined;
}

/** What a route runs. */
export type DeployedIntegration = DeployedLambdaProxy | DeployedCustomIntegration;

/** A gateway response (REST): the status, headers and templates of one kind of the gateway's own answers. */
export interface DeployedGatewayResponse {
  readonly statusCode?: string | undefined;
  readonly responseParameters: Readonly<Record<string, string>>;
  readonly responseTemplates: Readonly<Record<string, string>>;
}

export type DeployedAuthorizer =
  | {
      readonly type: "TOKEN" | "REQUEST";
      readonly authorizerId: string;
      readonly name: string;
      /** The authorizer function. */
      readonly functionName: string;
      readonly qualifier?: string | undefined;
      /** e.g. ["method.request.header.Authorization"] (REST) or ["$request.header.Authorization"] (HTTP). */
      readonly identitySource: readonly string[];
      /** REST TOKEN only. */
      readonly identityValidationExpression?: string | undefined;
      readonly resultTtlSeconds: number;
      /** HTTP API Lambda authorizers: payload format and simple responses. */
      readonly payloadFormatVersion?: "1.0" | "2.0" | undefined;
      readonly enableSimpleResponses?: boolean | undefined;
    }
  | {
      readonly type: "JWT";
      readonly authorizerId: string;
      readonly name: string;
      readonly identitySource: readonly string[];
      readonly issuer: string;
      readonly audience: readonly string[];
      /** A JWKS URL, or a local file path (file:// or absolute), for the signing keys. Default: the issuer's OIDC discovery. */
      readonly jwksUri?: string | undefined;
    };

export interface DeployedRoute {
  /** "GET /items/{id}", "ANY /{proxy+}" or "$default" (HTTP APIs); "GET /items/{id}" for REST resources/methods. */
  readonly routeKey: string;
  readonly integration: DeployedIntegration;
  readonly authorizer?: DeployedAuthorizer | undefined;
  /** JWT scopes the route requires. */
  readonly authorizationScopes?: readonly string[] | undefined;
  /** REST resource id (requestContext.resourceId). */
  readonly resourceId?: string | undefined;
  /** HTTP API route id. */
  readonly routeId?: string | undefined;
  /** REST: what the method's request validator checks. */
  readonly validation?: DeployedValidation | undefined;
  /** REST: the method needs an API key (frozen with the deployment, as on AWS). */
  readonly apiKeyRequired?: boolean | undefined;
}

/** A REST method's request validation, frozen with its deployment. */
export interface DeployedValidation {
  /** `method.request.{header|querystring|path}.name` the request must carry. */
  readonly requiredParameters: readonly string[];
  /** Content type → the model its body must match. */
  readonly bodyModels: Readonly<Record<string, string>>;
  /** The API's models (name → schema text), for the body models and the models they refer to. */
  readonly models: Readonly<Record<string, string>>;
}

export interface CorsConfig {
  readonly allowOrigins: readonly string[];
  readonly allowMethods: readonly string[];
  readonly allowHeaders: readonly string[];
  readonly exposeHeaders: readonly string[];
  readonly maxAge?: number | undefined;
  readonly allowCredentials: boolean;
}

/** One deployment's routes (REST) or the live routes (HTTP API). */
export interface DeployedRoutes {
  readonly deploymentId: string;
  readonly routes: readonly DeployedRoute[];
  /** REST: the gateway responses deployed with the routes, by type (`DEFAULT_4XX`, `UNAUTHORIZED`, …). */
  readonly gatewayResponses?: Readonly<Record<string, DeployedGatewayResponse>> | undefined;
}

/** API Gateway's account-level limits: what a stage limit left unset stands for. */
export const ACCOUNT_RATE_LIMIT = 10_000;
export const ACCOUNT_BURST_LIMIT = 5_000;

/**
 * A stage's throttling (REST MethodSettings, HTTP route settings): `all` for every route that has
 * no limits of its own in `routes` (by route key, `GET /items`). Each route has its own bucket.
 */
export interface StageThrottleSettings {
  readonly all?: ThrottleSettings | undefined;
  readonly routes: Readonly<Record<string, ThrottleSettings>>;
}

export interface DeployedStage {
  readonly stageName: string;
  /** Undefined when the stage sets no throttling. */
  readonly throttle?: StageThrottleSettings | undefined;
  readonly variables: Readonly<Record<string, string>>;
  readonly deployment: DeployedRoutes;
  /** Access logs: one line per request in `format`, to the log group `groupName`. */
  readonly accessLog?: { readonly groupName: string; readonly format: string } | undefined;
  /** When the stage's authorizer caches were last flushed: a new value makes the gateway compile the API afresh. */
  readonly authorizersFlushedAt?: number | undefined;
  /** REST stage canary: share of requests (0–100) served by the canary deployment with overridden variables. */
  readonly canary?:
    | {
        readonly percentTraffic: number;
        readonly deployment: DeployedRoutes;
        readonly variables: Readonly<Record<string, string>>;
      }
    | undefined;
}

export interface DeployedApi {
  readonly apiId: string;
  readonly name: string;
  readonly protocol: "HTTP" | "REST";
  readonly stages: readonly DeployedStage[];
  readonly cors?: CorsConfig | undefined;
  /** REST: media types sent to the function base64-encoded. */
  readonly binaryMediaTypes: readonly string[];
  /** REST: HEADER (default) or AUTHORIZER. */
  readonly apiKeySource?: "HEADER" | "AUTHORIZER" | undefined;
}
