/**
 * Compiles DeployedApi values into route tables, once per `setApis()`: templates into tries,
 * route keys parsed, authorizers instantiated (one per API and definition, so routes share its
 * cache), binaryMediaTypes into a matcher. Nothing here runs per request.
 */
import { createHash } from "node:crypto";
import type { DeployedApi, DeployedAuthorizer, DeployedRoutes } from "../domain/deployed-api.js";
import { parseAccessLogFormat } from "../domain/access-log-format.js";
import { compileCustomIntegration } from "./custom-integration.js";
import { compileGatewayResponses } from "./gateway-responses.js";
import { JwtAuthorizer } from "./jwt-authorizer.js";
import { LambdaAuthorizer, type AuthorizerDeps } from "./lambda-authorizer.js";
import { binaryMatcher } from "./media-types.js";
import type { Authorizer, CompiledApi, CompiledRoute, CompiledStage, RouteTable } from "./model.js";
import { compileValidation } from "./request-validation.js";
import type { TargetLookup } from "./resilience/registry.js";
import { parseRouteKey } from "./route-key.js";
import { StageThrottle } from "./stage-throttle.js";
import { TrieRouter } from "./trie-router.js";

/** Compiles every API; throws on a route key that is neither `$default` nor `METHOD /path`. */
export function compileApis(
  apis: readonly DeployedApi[],
  deps: AuthorizerDeps,
  targets?: TargetLookup,
): Map<string, CompiledApi> {
  const out = new Map<string, CompiledApi>();
  const lookup = targets ?? (() => undefined);
  for (const api of apis) out.set(api.apiId, compileApi(api, deps, lookup));
  return out;
}

function compileApi(api: DeployedApi, deps: AuthorizerDeps, targets: TargetLookup): CompiledApi {
  const authorizers = new Map<string, Authorizer>();
  const authorizerFor = (def: DeployedAuthorizer): Authorizer => {
    const key = JSON.stringify(def);
    let a = authorizers.get(key);
    if (!a) {
      a = def.type === "JWT" ? new JwtAuthorizer(def, deps.clock) : new LambdaAuthorizer(def, api.protocol, deps);
      authorizers.set(key, a);
    }
    return a;
  };
  const table = (d: DeployedRoutes): RouteTable => compileTable(api.apiId, d, { authorizerFor, targets });
  const stages = new Map<string, CompiledStage>();
  for (const s of api.stages) {
    const canary = s.canary
      ? {
          percent: s.canary.percentTraffic,
          table: table(s.canary.deployment),
          variables: { ...s.variables, ...s.canary.variables },
        }
      : undefined;
    stages.set(s.stageName, {
      name: s.stageName,
      throttle: s.throttle ? new StageThrottle(s.throttle) : undefined,
      variables: s.variables,
      table: table(s.deployment),
      canary,
      accessLog: s.accessLog && { groupName: s.accessLog.groupName, format: parseAccessLogFormat(s.accessLog.format) },
    });
  }
  return {
    apiId: api.apiId,
    protocol: api.protocol,
    stages,
    cors: api.cors,
    isBinary: binaryMatcher(api.binaryMediaTypes),
    apiKeySource: api.apiKeySource ?? "HEADER",
  };
}

function compileTable(
  apiId: string,
  d: DeployedRoutes,
  by: { readonly authorizerFor: (def: DeployedAuthorizer) => Authorizer; readonly targets: TargetLookup },
): RouteTable {
  const router = new TrieRouter<CompiledRoute>();
  let fallback: CompiledRoute | undefined;
  for (const r of d.routes) {
    const key = parseRouteKey(r.routeKey);
    const resourcePath = key.kind === "default" ? "$default" : key.path;
    const compiled: CompiledRoute = {
      routeKey: r.routeKey,
      method: key.kind === "default" ? "$default" : key.method,
      resourcePath,
      resourceId: r.resourceId ?? r.routeId ?? shortId(resourcePath),
      integration: r.integration,
      custom:
        r.integration.type === "MOCK" || r.integration.type === "AWS" || r.integration.type === "HTTP"
          ? compileCustomIntegration(r.integration)
          : undefined,
      authorizer: r.authorizer ? by.authorizerFor(r.authorizer) : undefined,
      scopes: r.authorizationScopes ?? [],
      validation: r.validation ? compileValidation(apiId, r.validation) : undefined,
      apiKeyRequired: r.apiKeyRequired === true,
      resilience: by.targets(apiId, r.integration),
    };
    if (key.kind === "default") fallback = compiled;
    else router.add(key.method, key.path, compiled);
  }
  return {
    deploymentId: d.deploymentId,
    router,
    fallback,
    gatewayResponses: compileGatewayResponses(d.gatewayResponses),
  };
}

// A stable stand-in for API Gateway's resource ids (six lower-case characters).
function shortId(path: string): string {
  return createHash("sha1").update(path).digest("hex").slice(0, 6);
}
