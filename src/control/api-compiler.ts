/**
 * Compiles the management model of an API (src/ports/api-store.ts) into what the gateway serves
 * (src/domain/deployed-api.ts). Pure: the same model always compiles to the same value.
 *
 * - HTTP APIs: a route `integrations/<id>` → its AWS_PROXY integration; auto-deploy stages serve
 *   the live routes, other stages the routes frozen in their deployment.
 * - REST APIs: every method with an AWS_PROXY integration becomes the route "VERB /resource/path";
 *   a stage serves its deployment's frozen routes (and its canary deployment's, when it has one).
 * - Routes whose integration is not a Lambda proxy, or whose authorization the gateway cannot
 *   check (AWS_IAM, Cognito, a missing authorizer), are left out: they fail closed.
 */
import type {
  CorsConfig,
  DeployedApi,
  DeployedCustomIntegration,
  DeployedAuthorizer,
  DeployedIntegration,
  DeployedParameterMapping,
  DeployedRoute,
  DeployedRoutes,
  DeployedStage,
  DeployedValidation,
} from "../domain/deployed-api.js";
import type {
  ApiModel,
  AuthorizerRecord,
  CorsRecord,
  DeploymentRecord,
  IntegrationRecord,
  MethodIntegrationRecord,
  MethodRecord,
  StageRecord,
} from "../ports/api-store.js";
import { logGroupOfArn } from "../domain/access-log-format.js";
import { parseLambdaUri } from "./apigateway/lambda-uri.js";
import { stageThrottle } from "./apigateway/stage-throttle.js";

/** Integration timeout defaults (and maxima): HTTP APIs 30 s, REST APIs 29 s. */
export const HTTP_TIMEOUT_MS = 30_000;
export const REST_TIMEOUT_MS = 29_000;
/** REST Lambda authorizers cache results 300 s unless told otherwise; HTTP API ones do not cache. */
export const REST_AUTHORIZER_TTL_S = 300;

/** The deployment id an auto-deploy stage reports before its first automatic deployment. */
const LIVE = "live";

/** The routes an HTTP API serves right now (what an auto-deploy stage serves and a deployment freezes). */
export function compileHttpRoutes(model: ApiModel): DeployedRoute[] {
  const integrations = new Map(model.integrations.map((i) => [i.integrationId, i]));
  const routes: DeployedRoute[] = [];
  for (const route of model.routes) {
    const integrationId = route.target?.startsWith("integrations/")
      ? route.target.slice("integrations/".length)
      : undefined;
    const integration = integrationId === undefined ? undefined : integrations.get(integrationId);
    const deployed = integration && compileHttpIntegration(integration, route.routeKey);
    if (!deployed) continue;
    const auth = routeAuthorizer(model, route.authorizationType, route.authorizerId);
    if (auth === "closed") continue;
    routes.push({
      routeKey: route.routeKey,
      integration: deployed,
      routeId: route.routeId,
      ...(auth ? { authorizer: auth } : {}),
      ...(route.authorizationType === "JWT" && route.authorizationScopes?.length
        ? { authorizationScopes: route.authorizationScopes }
        : {}),
    });
  }
  return routes;
}

function compileHttpIntegration(i: IntegrationRecord, routeKey: string): DeployedIntegration | undefined {
  if (!i.integrationUri) return undefined;
  if (i.integrationType === "HTTP_PROXY") {
    return {
      type: "HTTP_PROXY",
      uri: i.integrationUri,
      httpMethod: i.integrationMethod,
      timeoutMs: i.timeoutInMillis,
      passthroughBehavior: "WHEN_NO_MATCH",
      requestParameters: {},
      requestTemplates: {},
      responses: [],
      // The `$default` route of an HTTP API sends the request path on to the URI.
      ...(routeKey === "$default" ? { appendPath: true } : {}),
      ...(i.resilience ? { resilience: i.resilience } : {}),
      ...parameterMappingOf(i),
    };
  }
  const target = i.integrationType === "AWS_PROXY" ? parseLambdaUri(i.integrationUri) : undefined;
  return (
    target && {
      ...target,
      payloadFormatVersion: i.payloadFormatVersion === "1.0" ? "1.0" : "2.0",
      timeoutMs: i.timeoutInMillis,
      ...(i.resilience ? { resilience: i.resilience } : {}),
      ...parameterMappingOf(i),
    }
  );
}

function parameterMappingOf(i: IntegrationRecord): { parameterMapping?: DeployedParameterMapping } {
  if (!i.requestParameters && !i.responseParameters) return {};
  return { parameterMapping: { request: i.requestParameters, response: i.responseParameters } };
}

/** The routes a REST API's resources and methods describe now (what CreateDeployment freezes). */
export function compileRestRoutes(model: ApiModel): DeployedRoute[] {
  const paths = new Map(model.resources.map((r) => [r.resourceId, r.path]));
  const routes: DeployedRoute[] = [];
  for (const method of model.methods) {
    const path = paths.get(method.resourceId);
    const integration = method.integration && compileRestIntegration(method.integration);
    if (path === undefined || !integration) continue;
    const auth = routeAuthorizer(model, method.authorizationType, method.authorizerId);
    if (auth === "closed") continue;
    const validation = compileValidation(model, method);
    routes.push({
      routeKey: `${method.httpMethod} ${path}`,
      integration,
      resourceId: method.resourceId,
      ...(auth ? { authorizer: auth } : {}),
      ...(validation ? { validation } : {}),
      ...(method.apiKeyRequired ? { apiKeyRequired: true } : {}),
    });
  }
  return routes;
}

/**
 * A REST method as TestInvokeMethod runs it: its current (undeployed) integration and request
 * validation, without authorization or API keys; undefined when it has no integration to run.
 */
export function compileTestRoute(model: ApiModel, method: MethodRecord, path: string): DeployedRoute | undefined {
  const integration = method.integration && compileRestIntegration(method.integration);
  if (!integration) return undefined;
  const validation = compileValidation(model, method);
  return {
    routeKey: `${method.httpMethod} ${path}`,
    integration,
    resourceId: method.resourceId,
    ...(validation ? { validation } : {}),
  };
}

/** What the method's request validator checks, or undefined when nothing. */
function compileValidation(model: ApiModel, method: MethodRecord): DeployedValidation | undefined {
  const validator = method.requestValidatorId ? model.api.requestValidators?.[method.requestValidatorId] : undefined;
  if (!validator) return undefined;
  const requiredParameters = validator.validateRequestParameters
    ? Object.entries(method.requestParameters ?? {})
        .filter(([, required]) => required)
        .map(([name]) => name)
    : [];
  const bodyModels = validator.validateRequestBody ? (method.requestModels ?? {}) : {};
  if (requiredParameters.length === 0 && Object.keys(bodyModels).length === 0) return undefined;
  const models: Record<string, string> = {};
  if (Object.keys(bodyModels).length > 0) {
    for (const m of Object.values(model.api.models ?? {})) models[m.name] = m.schema ?? "{}";
  }
  return { requiredParameters, bodyModels, models };
}

/** A REST method's integration as the gateway runs it, or undefined when it cannot be run. */
export function compileRestIntegration(i: MethodIntegrationRecord): DeployedIntegration | undefined {
  if (i.type === "AWS_PROXY") {
    const target = i.uri ? parseLambdaUri(i.uri) : undefined;
    const resilience = i.resilience ? { resilience: i.resilience } : {};
    return target && { ...target, payloadFormatVersion: "1.0", timeoutMs: i.timeoutInMillis, ...resilience };
  }
  if (i.type !== "MOCK" && i.type !== "AWS" && i.type !== "HTTP" && i.type !== "HTTP_PROXY") return undefined;
  const target = i.type === "AWS" && i.uri ? parseLambdaUri(i.uri) : undefined;
  if (i.type === "AWS" && !target) return undefined;
  return {
    type: i.type,
    ...target,
    ...(i.type === "HTTP" || i.type === "HTTP_PROXY" ? { uri: i.uri, httpMethod: i.httpMethod } : {}),
    timeoutMs: i.timeoutInMillis,
    passthroughBehavior: passthroughOf(i.passthroughBehavior),
    requestParameters: i.requestParameters ?? {},
    requestTemplates: i.requestTemplates ?? {},
    ...(i.resilience ? { resilience: i.resilience } : {}),
    ...(isContentHandling(i.contentHandling) ? { contentHandling: i.contentHandling } : {}),
    responses: Object.values(i.integrationResponses ?? {}).map((r) => ({
      statusCode: r.statusCode,
      responseParameters: r.responseParameters ?? {},
      responseTemplates: r.responseTemplates ?? {},
      ...(r.selectionPattern !== undefined ? { selectionPattern: r.selectionPattern } : {}),
      ...(isContentHandling(r.contentHandling) ? { contentHandling: r.contentHandling } : {}),
    })),
  };
}

function passthroughOf(p: string | undefined): DeployedCustomIntegration["passthroughBehavior"] {
  return p === "NEVER" || p === "WHEN_NO_TEMPLATES" ? p : "WHEN_NO_MATCH";
}

function isContentHandling(c: string | undefined): c is "CONVERT_TO_TEXT" | "CONVERT_TO_BINARY" {
  return c === "CONVERT_TO_TEXT" || c === "CONVERT_TO_BINARY";
}

/** The whole API as the gateway serves it. */
export function compileApi(model: ApiModel): DeployedApi {
  const { api } = model;
  const deployments = new Map(model.deployments.map((d) => [d.deploymentId, d]));
  const live = api.protocol === "HTTP" ? compileHttpRoutes(model) : [];
  const stages: DeployedStage[] = [];
  if (!api.disableExecuteApiEndpoint) {
    for (const stage of model.stages) {
      const compiled = compileStage(stage, { deployments, live, http: api.protocol === "HTTP" });
      if (compiled) stages.push(compiled);
    }
  }
  return {
    apiId: api.apiId,
    name: api.name,
    protocol: api.protocol,
    stages,
    binaryMediaTypes: api.protocol === "REST" ? api.binaryMediaTypes : [],
    ...(api.protocol === "REST" && api.apiKeySource === "AUTHORIZER" ? { apiKeySource: "AUTHORIZER" as const } : {}),
    ...(api.protocol === "HTTP" && api.cors ? { cors: toCorsConfig(api.cors) } : {}),
  };
}

interface StageSources {
  readonly deployments: ReadonlyMap<string, DeploymentRecord>;
  readonly live: readonly DeployedRoute[];
  readonly http: boolean;
}

function compileStage(stage: StageRecord, src: StageSources): DeployedStage | undefined {
  const deployment: DeployedRoutes | undefined =
    src.http && stage.autoDeploy
      ? { deploymentId: stage.deploymentId ?? LIVE, routes: src.live }
      : frozen(src.deployments, stage.deploymentId);
  if (!deployment) return undefined;
  const accessLog = accessLogOf(stage);
  const throttle = stageThrottle(stage);
  const base = {
    stageName: stage.stageName,
    variables: stage.variables,
    deployment,
    ...(throttle && { throttle }),
    ...(accessLog && { accessLog }),
    ...(stage.authorizersFlushedAt !== undefined && { authorizersFlushedAt: stage.authorizersFlushedAt }),
  };
  const canary = stage.canary;
  if (src.http || !canary) return base;
  const canaryDeployment = frozen(src.deployments, canary.deploymentId) ?? deployment;
  return {
    ...base,
    canary: {
      percentTraffic: canary.percentTraffic,
      deployment: canaryDeployment,
      variables: { ...stage.variables, ...canary.stageVariableOverrides },
    },
  };
}

function accessLogOf(stage: StageRecord): DeployedStage["accessLog"] {
  const s = stage.accessLogSettings;
  const groupName = s?.destinationArn === undefined ? undefined : logGroupOfArn(s.destinationArn);
  return groupName !== undefined && s?.format ? { groupName, format: s.format } : undefined;
}

function frozen(
  deployments: ReadonlyMap<string, DeploymentRecord>,
  id: string | undefined,
): DeployedRoutes | undefined {
  const d = id === undefined ? undefined : deployments.get(id);
  return (
    d && {
      deploymentId: d.deploymentId,
      routes: d.routes,
      ...(d.gatewayResponses ? { gatewayResponses: d.gatewayResponses } : {}),
    }
  );
}

/**
 * The authorizer a route needs: undefined for none, "closed" when the route requires authorization
 * the gateway cannot perform (the route is then not served).
 */
function routeAuthorizer(
  model: ApiModel,
  authorizationType: string,
  authorizerId: string | undefined,
): DeployedAuthorizer | undefined | "closed" {
  if (authorizationType === "NONE") return undefined;
  if (authorizationType !== "CUSTOM" && authorizationType !== "JWT") return "closed";
  const record = model.authorizers.find((a) => a.authorizerId === authorizerId);
  const compiled = record && compileAuthorizer(record, model.api.protocol === "REST");
  return compiled ?? "closed";
}

/** An authorizer as the gateway runs it, or undefined when it cannot be run. */
export function compileAuthorizer(a: AuthorizerRecord, rest: boolean): DeployedAuthorizer | undefined {
  if (a.authorizerType === "JWT") {
    if (!a.jwtConfiguration?.issuer) return undefined;
    return {
      type: "JWT",
      authorizerId: a.authorizerId,
      name: a.name,
      identitySource: a.identitySource.length ? a.identitySource : ["$request.header.Authorization"],
      issuer: a.jwtConfiguration.issuer,
      audience: a.jwtConfiguration.audience,
    };
  }
  if (a.authorizerType !== "TOKEN" && a.authorizerType !== "REQUEST") return undefined;
  const target = a.authorizerUri ? parseLambdaUri(a.authorizerUri) : undefined;
  if (!target) return undefined;
  return {
    type: a.authorizerType,
    authorizerId: a.authorizerId,
    name: a.name,
    ...target,
    identitySource: a.identitySource,
    resultTtlSeconds: a.resultTtlSeconds ?? (rest ? REST_AUTHORIZER_TTL_S : 0),
    ...(a.identityValidationExpression ? { identityValidationExpression: a.identityValidationExpression } : {}),
    ...(rest
      ? {}
      : {
          payloadFormatVersion: a.payloadFormatVersion === "1.0" ? "1.0" : "2.0",
          enableSimpleResponses: a.enableSimpleResponses ?? false,
        }),
  };
}

/** An HTTP API's CORS configuration with AWS's defaults filled in. */
export function toCorsConfig(c: CorsRecord): CorsConfig {
  return {
    allowOrigins: c.allowOrigins ?? [],
    allowMethods: c.allowMethods ?? [],
    allowHeaders: c.allowHeaders ?? [],
    exposeHeaders: c.exposeHeaders ?? [],
    allowCredentials: c.allowCredentials ?? false,
    ...(c.maxAge !== undefined ? { maxAge: c.maxAge } : {}),
  };
}
