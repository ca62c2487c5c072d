/**
 * The gateway's in-memory form of the deployed APIs: route tables compiled once per
 * `setApis()`, and the per-request scope that event builders and authorizers read.
 */
import type { ParameterMapping } from "../domain/parameter-mapping.js";
import type { CompiledValidation } from "./request-validation.js";
import type { CorsConfig, DeployedIntegration } from "../domain/deployed-api.js";
import type { CompiledAccessLog } from "./access-log.js";
import type { CompiledCustomIntegration } from "./custom-integration.js";
import type { CompiledGatewayResponses } from "./gateway-responses.js";
import type { GatewayErrorKind } from "./gateway-errors.js";
import type { MediaTypeMatcher } from "./media-types.js";
import type { RequestInfo } from "./request-info.js";
import type { Router } from "./router.js";
import type { TargetResilience } from "./resilience/target-resilience.js";
import type { StageThrottle } from "./stage-throttle.js";

/** One route, ready to serve. */
export interface CompiledRoute {
  /** As deployed: `GET /items/{id}`, `ANY /{proxy+}` or `$default`. */
  readonly routeKey: string;
  /** `GET`, …, `ANY`; `$default` for the HTTP API fallback route. */
  readonly method: string;
  /** The template (`/items/{id}`), or `$default`. */
  readonly resourcePath: string;
  readonly resourceId: string;
  readonly integration: DeployedIntegration;
  /** MOCK, AWS and HTTP integrations, with their templates parsed. */
  readonly custom?: CompiledCustomIntegration | undefined;
  readonly authorizer: Authorizer | undefined;
  readonly scopes: readonly string[];
  /** REST: the method's request validation. */
  readonly validation?: CompiledValidation | undefined;
  /** REST: the method needs an API key of a usage plan covering the stage. */
  readonly apiKeyRequired: boolean;
  /** The target's breaker, retries and bulkhead, when the integration has `x-haneul-resilience`. */
  readonly resilience?: TargetResilience | undefined;
  /** HTTP APIs: the integration's request and response parameter mapping, parsed. */
  readonly mapping?: ParameterMapping | undefined;
}

/** One deployment's routes. */
export interface RouteTable {
  readonly deploymentId: string;
  /** REST: the gateway responses deployed with these routes. */
  readonly gatewayResponses?: CompiledGatewayResponses | undefined;
  readonly router: Router<CompiledRoute>;
  /** HTTP APIs' `$default` route. */
  readonly fallback: CompiledRoute | undefined;
}

export interface CompiledStage {
  readonly name: string;
  /** Undefined when the stage sets no throttling (nothing to do per request). */
  readonly throttle?: StageThrottle | undefined;
  readonly variables: Readonly<Record<string, string>>;
  readonly table: RouteTable;
  readonly canary:
    | { readonly percent: number; readonly table: RouteTable; readonly variables: Readonly<Record<string, string>> }
    | undefined;
  /** The stage's access logs, when it has them. */
  readonly accessLog?: CompiledAccessLog | undefined;
}

export interface CompiledApi {
  readonly apiId: string;
  readonly protocol: "HTTP" | "REST";
  readonly stages: ReadonlyMap<string, CompiledStage>;
  readonly cors: CorsConfig | undefined;
  /** REST: whether a content type is in binaryMediaTypes. */
  readonly isBinary: MediaTypeMatcher;
  /** REST: where API keys come from (HEADER: `x-api-key`; AUTHORIZER: the authorizer's usageIdentifierKey). */
  readonly apiKeySource?: "HEADER" | "AUTHORIZER" | undefined;
}

/** Everything known about a request once its route is found. */
export interface RequestScope {
  readonly info: RequestInfo;
  readonly api: CompiledApi;
  readonly stage: string;
  readonly variables: Readonly<Record<string, string>>;
  readonly deploymentId: string;
  readonly route: CompiledRoute;
  readonly params: Record<string, string> | undefined;
  readonly region: string;
  readonly accountId: string;
  /** The API key a method that requires one was called with (`$context.identity.apiKey`/`apiKeyId`). */
  readonly apiKey?: { readonly value: string; readonly id: string } | undefined;
  /** `overwrite:path` of the integration's request parameters: the backend path. */
  readonly mappedPath?: string | undefined;
}

/** What an authorizer lets through into `requestContext.authorizer`. */
export type AuthContext =
  | {
      readonly type: "lambda";
      readonly principalId: string | undefined;
      readonly context: Readonly<Record<string, unknown>>;
      readonly latencyMs: number;
      /** REST: `usageIdentifierKey` of the authorizer's answer (apiKeySource AUTHORIZER). */
      readonly usageIdentifierKey?: string | undefined;
    }
  | {
      readonly type: "jwt";
      readonly claims: Readonly<Record<string, string>>;
      readonly scopes: readonly string[] | null;
    };

/** An authorizer's verdict: go on with a context, or answer with a gateway error. */
export type AuthResult =
  | { readonly ok: true; readonly context: AuthContext }
  | { readonly ok: false; readonly kind: GatewayErrorKind; readonly headers?: Readonly<Record<string, string>> };

/** A compiled authorizer (one per API and authorizer id, shared by routes, holding its cache). */
export interface Authorizer {
  authorize(scope: RequestScope): Promise<AuthResult>;
}

/** `arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{VERB}/{path}` for a request. */
export function methodArn(scope: RequestScope): string {
  const { region, accountId, api, stage, info } = scope;
  return `arn:aws:execute-api:${region}:${accountId}:${api.apiId}/${stage}/${info.method}/${info.path.slice(1)}`;
}
