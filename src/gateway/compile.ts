/**
 * Compiles DeployedApi values into route tables, once per `setApis()`: templates into tries,
 * route keys parsed, authorizers instantiated (one per API and definition, so routes share its
 * cache), binaryMediaTypes into a matcher. Nothing here runs per request.
 */
import { createHash } from "node:crypto";
import type { DeployedApi, DeployedAuthorizer, DeployedRoute, DeployedRoutes } from "../domain/deployed-api.js";
import { compileAccessLog } from "./access-log.js";
import { compileCustomIntegration } from "./custom-integration.js";
import { compileGatewayResponses } from "./gateway-responses.js";
import { JwtAuthorizer } from "./jwt-authorizer.js";
import { LambdaAuthorizer, type AuthorizerDeps } from "./lambda-authorizer.js";
import { binaryMatcher } from "./media-types.js";
import type { Authorizer, CompiledApi, CompiledRoute, CompiledStage, RouteTable } from "./model.js";
import { compileValidation } from "./request-validation.js";
import { parseParameterMapping } from "../domain/parameter-mapping.js";
import type { TargetLookup } from "./resilience/registry.js";
import type { TargetResilience } from "./resilience/target-resilience.js";
import { parseRouteKey } from "./route-key.js";
import { StageThrottle } from "./stage-throttle.js";
import { TrieRouter } from "./trie-router.js";

/**
 * Compiles APIs, keeping what it compiled before: an API whose definition did not change keeps its
 * compiled form (its authorizer caches, its stages' throttle buckets), and a changed API keeps a
 * stage's buckets when that stage's throttle settings did not change. A change to one API (or a
 * redeploy) so never refills every stage's buckets or empties every authorizer cache.
 */
export class ApiCompiler {
  readonly #deps: AuthorizerDeps;
  #compiled = new Map<string, { readonly source: string; readonly api: CompiledApi }>();

  constructor(deps: AuthorizerDeps) {
    this.#deps = deps;
  }

  /**
   * Compiles every API; throws (keeping the previous set) on a route key that is neither `$default`
   * nor `METHOD /path`. `targets` gives recompiled routes their resilience state.
   */
  compile(apis: readonly DeployedApi[], targets: TargetLookup = () => undefined): Map<string, CompiledApi> {
    const next = new Map<string, { source: string; api: CompiledApi }>();
    for (const api of apis) {
      const source = JSON.stringify(api);
      const before = this.#compiled.get(api.apiId);
      next.set(api.apiId, {
        source,
        api: before?.source === source ? before.api : compileApi(api, this.#deps, { before: before?.api, targets }),
      });
    }
    this.#compiled = next;
    return new Map([...next].map(([id, c]) => [id, c.api]));
  }
}

/** Compiles every API afresh (no state kept). */
export function compileApis(apis: readonly DeployedApi[], deps: AuthorizerDeps): Map<string, CompiledApi> {
  return new ApiCompiler(deps).compile(apis);
}

function compileApi(
  api: DeployedApi,
  deps: AuthorizerDeps,
  o: { readonly before: CompiledApi | undefined; readonly targets: TargetLookup },
): CompiledApi {
  const { before, targets } = o;
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
      throttle: s.throttle ? StageThrottle.keep(before?.stages.get(s.stageName)?.throttle, s.throttle) : undefined,
      variables: s.variables,
      table: table(s.deployment),
      canary,
      accessLog: s.accessLog && compileAccessLog(s.accessLog.groupName, s.accessLog.format),
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
    const compiled = compileRoute(apiId, r, {
      authorizer: r.authorizer ? by.authorizerFor(r.authorizer) : undefined,
      resilience: by.targets(apiId, r.integration),
    });
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

/** One route; throws on a route key that is neither `$default` nor `METHOD /path`. */
export function compileRoute(
  apiId: string,
  r: DeployedRoute,
  o: { readonly authorizer: Authorizer | undefined; readonly resilience?: TargetResilience | undefined },
): CompiledRoute {
  const key = parseRouteKey(r.routeKey);
  const resourcePath = key.kind === "default" ? "$default" : key.path;
  return {
    routeKey: r.routeKey,
    method: key.kind === "default" ? "$default" : key.method,
    resourcePath,
    resourceId: r.resourceId ?? r.routeId ?? shortId(resourcePath),
    integration: r.integration,
    custom:
      r.integration.type === "MOCK" || r.integration.type === "AWS" || r.integration.type === "HTTP"
        ? compileCustomIntegration(r.integration)
        : undefined,
    authorizer: o.authorizer,
    scopes: r.authorizationScopes ?? [],
    validation: r.validation ? compileValidation(apiId, r.validation) : undefined,
    apiKeyRequired: r.apiKeyRequired === true,
    resilience: o.resilience,
    mapping: parseParameterMapping(r.integration.parameterMapping?.request, r.integration.parameterMapping?.response),
  };
}

// A stable stand-in for API Gateway's resource ids (six lower-case characters).
function shortId(path: string): string {
  return createHash("sha1").update(path).digest("hex").slice(0, 6);
}
