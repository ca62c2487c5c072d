/**
 * ImportApi and ReimportApi for HTTP APIs: routes from paths and verbs (`x-amazon-apigateway-any-method`
 * → `ANY`, `/$default`), integrations from `x-amazon-apigateway-integration`, authorizers (JWT and
 * Lambda REQUEST) from security schemes, CORS from `x-amazon-apigateway-cors`. Reimport replaces the
 * routes, integrations and authorizers; stages and deployments stay.
 */
import type { ApiRecord, CorsRecord } from "../../../ports/api-store.js";
import { KeyedLock } from "../../keyed-lock.js";
import { type ApiGatewayContext, badRequest, mutate, requireModel } from "../context.js";
import { createApi, deleteApi } from "../http-apis.js";
import { createIntegration, createRoute } from "../http-routes.js";
import { createAuthorizer } from "../http-stages.js";
import type { IntegrationInput } from "../types.js";
import { type Obj, asObj, asStr, importStep as step, readOpenApi } from "./document.js";
import { REST_ONLY, unsupportedExtensions } from "./extensions.js";
import { integrationResilience } from "./resilience.js";
import { plannedAuthorizers, securitySchemes } from "./security.js";

/** The API after an import, with warnings. */
export interface ImportedHttpApi {
  readonly api: ApiRecord;
  readonly warnings: readonly string[];
}

const VERBS = new Set(["get", "put", "post", "delete", "options", "head", "patch", "x-amazon-apigateway-any-method"]);

interface HttpPlan {
  readonly doc: Obj;
  readonly version: 2 | 3;
  readonly warnings: string[];
}

async function checkedPlan(body: string, failOnWarnings: boolean): Promise<HttpPlan> {
  const document = await readOpenApi(Buffer.from(body, "utf8"));
  const errors = unsupportedExtensions(document.doc, { ignored: new Set(), otherProtocol: REST_ONLY });
  errors.push(...resilienceErrors(document.doc));
  if (errors.length > 0) throw badRequest(`Errors found during import:\n\t${errors.join("\n\t")}`);
  if (failOnWarnings && document.parseIssues.length > 0) {
    throw badRequest(`Warnings found during import:\n\t${document.parseIssues.join("\n\t")}`);
  }
  return { doc: document.doc, version: document.version, warnings: [...document.parseIssues] };
}

/** Every invalid `x-haneul-resilience` of the document, found before anything is created. */
function resilienceErrors(doc: Obj): string[] {
  const found: string[] = [];
  for (const [path, item] of Object.entries(asObj(doc.paths) ?? {})) {
    for (const [key, op] of Object.entries(asObj(item) ?? {})) {
      const i = asObj(asObj(op)?.["x-amazon-apigateway-integration"]);
      if (!VERBS.has(key.toLowerCase()) || !i) continue;
      const type = (asStr(i.type) ?? "").toUpperCase();
      const r = integrationResilience(i, { doc, type, where: `route '${key.toUpperCase()} ${path}'` });
      if (r && "error" in r) found.push(r.error);
    }
  }
  return found;
}

const CORS_LISTS = ["allowOrigins", "allowMethods", "allowHeaders", "exposeHeaders"];

/** `x-amazon-apigateway-cors` in CreateApi's terms, checked as CreateApi checks it. */
function corsOf(doc: Obj): CorsRecord | undefined {
  const cors = asObj(doc["x-amazon-apigateway-cors"]);
  if (!cors) return undefined;
  for (const [key, value] of Object.entries(cors)) {
    const fits = CORS_LISTS.includes(key)
      ? Array.isArray(value) && value.every((v) => typeof v === "string")
      : key === "maxAge"
        ? Number.isInteger(value) && (value as number) >= -1 && (value as number) <= 86400
        : key === "allowCredentials" && typeof value === "boolean";
    if (!fits) throw badRequest(`Errors found during import:\n\tInvalid x-amazon-apigateway-cors property '${key}'`);
  }
  return cors;
}

/** The document's `tags` with `x-amazon-apigateway-tag-value`, as the API's tags. */
function tagsOf(doc: Obj): Record<string, string> | undefined {
  const tags: Record<string, string> = {};
  for (const t of Array.isArray(doc.tags) ? (doc.tags as unknown[]) : []) {
    const tag = asObj(t);
    const value = tag?.["x-amazon-apigateway-tag-value"];
    if (typeof tag?.name === "string" && typeof value === "string") tags[tag.name] = value;
  }
  return Object.keys(tags).length > 0 ? tags : undefined;
}

/** ImportApi: a new HTTP API from an OpenAPI document. */
export async function importApi(
  ctx: ApiGatewayContext,
  body: string,
  options: { failOnWarnings?: boolean | undefined },
): Promise<ImportedHttpApi> {
  const plan = await checkedPlan(body, options.failOnWarnings === true);
  const info = asObj(plan.doc.info) ?? {};
  const created = await createApi(ctx, {
    name: asStr(info.title) ?? "",
    protocolType: "HTTP",
    description: asStr(info.description),
    version: asStr(info.version),
    corsConfiguration: corsOf(plan.doc) as never,
    tags: tagsOf(plan.doc),
  });
  try {
    await mutate(ctx, created.apiId, () => carryOut(quiet(ctx), created.apiId, plan));
  } catch (e) {
    await deleteApi(ctx, created.apiId);
    throw e;
  }
  return { api: (await requireModel(ctx, created.apiId, "HTTP")).api, warnings: plan.warnings };
}

/** ReimportApi: the routes, integrations and authorizers of `apiId` replaced by the document's. */
export async function reimportApi(
  ctx: ApiGatewayContext,
  apiId: string,
  body: string,
  options: { failOnWarnings?: boolean | undefined },
): Promise<ImportedHttpApi> {
  await requireModel(ctx, apiId, "HTTP");
  const plan = await checkedPlan(body, options.failOnWarnings === true);
  return mutate(ctx, apiId, async () => {
    const before = await requireModel(ctx, apiId, "HTTP");
    const info = asObj(plan.doc.info) ?? {};
    const api: ApiRecord = {
      ...before.api,
      name: asStr(info.title) ?? before.api.name,
      // A document without x-amazon-apigateway-cors leaves the CORS configuration as it is.
      cors: corsOf(plan.doc) ?? before.api.cors,
      tags: { ...before.api.tags, ...tagsOf(plan.doc) },
      ...(asStr(info.description) !== undefined ? { description: asStr(info.description) } : {}),
      ...(asStr(info.version) !== undefined ? { version: asStr(info.version) } : {}),
    };
    for (const r of before.routes) await ctx.store.deleteRoute(apiId, r.routeId);
    for (const i of before.integrations) await ctx.store.deleteIntegration(apiId, i.integrationId);
    for (const a of before.authorizers) await ctx.store.deleteAuthorizer(apiId, a.authorizerId);
    await ctx.store.updateApi(api);
    try {
      await carryOut(quiet(ctx), apiId, plan);
    } catch (e) {
      const now = await requireModel(ctx, apiId, "HTTP");
      for (const r of now.routes) await ctx.store.deleteRoute(apiId, r.routeId);
      for (const i of now.integrations) await ctx.store.deleteIntegration(apiId, i.integrationId);
      for (const a of now.authorizers) await ctx.store.deleteAuthorizer(apiId, a.authorizerId);
      for (const a of before.authorizers) await ctx.store.putAuthorizer(a);
      for (const i of before.integrations) await ctx.store.putIntegration(i);
      for (const r of before.routes) await ctx.store.insertRoute(r);
      await ctx.store.updateApi(before.api);
      throw e;
    }
    return { api, warnings: plan.warnings };
  });
}

function quiet(ctx: ApiGatewayContext): ApiGatewayContext {
  return { ...ctx, lock: new KeyedLock(), changed: async () => {} };
}

async function carryOut(ctx: ApiGatewayContext, apiId: string, plan: HttpPlan): Promise<void> {
  const schemes = securitySchemes(plan.doc, plan.version);
  const authorizerIds = new Map<string, { id: string; type: string }>();
  for (const a of plannedAuthorizers(schemes)) {
    const jwt = asObj(a.extra.jwtConfiguration);
    const created = await step(`Unable to create authorizer '${a.name}'`, () =>
      createAuthorizer(ctx, apiId, {
        name: a.name,
        authorizerType: a.type,
        authorizerUri: a.authorizerUri,
        identitySource: a.identitySources ?? a.identitySource?.split(",").map((s) => s.trim()),
        authorizerResultTtlInSeconds: a.authorizerResultTtlInSeconds,
        authorizerPayloadFormatVersion: asStr(a.extra.authorizerPayloadFormatVersion),
        enableSimpleResponses: a.extra.enableSimpleResponses === true ? true : undefined,
        authorizerCredentialsArn: a.authorizerCredentials,
        jwtConfiguration: jwt
          ? {
              issuer: asStr(jwt.issuer),
              audience: Array.isArray(jwt.audience) ? (jwt.audience as string[]) : undefined,
            }
          : undefined,
      }),
    );
    authorizerIds.set(a.name, { id: created.authorizerId, type: a.type });
  }
  for (const [path, item] of Object.entries(asObj(plan.doc.paths) ?? {})) {
    for (const [key, op] of Object.entries(asObj(item) ?? {})) {
      if (!VERBS.has(key.toLowerCase())) continue;
      const verb = key === "x-amazon-apigateway-any-method" ? "ANY" : key.toUpperCase();
      const routeKey = path === "/$default" || path === "$default" ? "$default" : `${verb} ${path}`;
      await putRoute(ctx, { apiId, routeKey, op: asObj(op) ?? {}, doc: plan.doc, authorizerIds });
    }
  }
}

/** `requestParameters` and `responseParameters` of an integration extension, refused unless string maps. */
function integrationMapping(
  i: Obj,
  routeKey: string,
): Pick<IntegrationInput, "requestParameters" | "responseParameters"> {
  const refuse = (field: string) =>
    badRequest(`Errors found during import:\n\tInvalid ${field} of the integration of route '${routeKey}'`);
  const request = i.requestParameters === undefined ? undefined : stringMap(i.requestParameters);
  if (i.requestParameters !== undefined && !request) throw refuse("requestParameters");
  let response: Record<string, Record<string, string>> | undefined;
  if (i.responseParameters !== undefined) {
    const entries = Object.entries(asObj(i.responseParameters) ?? { "": null }).map(([k, v]) => [k, stringMap(v)]);
    if (!asObj(i.responseParameters) || entries.some(([, v]) => !v)) throw refuse("responseParameters");
    response = Object.fromEntries(entries) as Record<string, Record<string, string>>;
  }
  return { requestParameters: request, responseParameters: response };
}

function stringMap(v: unknown): Record<string, string> | undefined {
  const o = asObj(v);
  return o && Object.values(o).every((x) => typeof x === "string") ? (o as Record<string, string>) : undefined;
}

async function putRoute(
  ctx: ApiGatewayContext,
  r: { apiId: string; routeKey: string; op: Obj; doc: Obj; authorizerIds: Map<string, { id: string; type: string }> },
): Promise<void> {
  const i = asObj(r.op["x-amazon-apigateway-integration"]);
  let target: string | undefined;
  if (i) {
    const integrationType = (asStr(i.type) ?? "").toUpperCase();
    // Checked with the whole document before the import began.
    const resilience = integrationResilience(i, { doc: r.doc, type: integrationType, where: r.routeKey });
    if (resilience && "error" in resilience) throw badRequest(resilience.error);
    const integration = await step(`Unable to create integration for route '${r.routeKey}'`, () =>
      createIntegration(ctx, r.apiId, {
        integrationType,
        resilience,
        integrationUri: asStr(i.uri),
        integrationMethod: asStr(i.httpMethod)?.toUpperCase(),
        payloadFormatVersion: asStr(i.payloadFormatVersion) ?? "2.0",
        timeoutInMillis: typeof i.timeoutInMillis === "number" ? i.timeoutInMillis : undefined,
        connectionType: asStr(i.connectionType)?.toUpperCase(),
        description: asStr(i.description),
        ...integrationMapping(i, r.routeKey),
      }),
    );
    target = `integrations/${integration.integrationId}`;
  }
  const requirements = (
    Array.isArray(r.op.security) ? r.op.security : Array.isArray(r.doc.security) ? r.doc.security : []
  ) as Obj[];
  const [name, scopes] = Object.entries(requirements[0] ?? {})[0] ?? [];
  const authorizer = name !== undefined ? r.authorizerIds.get(name) : undefined;
  if (name !== undefined && !authorizer) {
    throw badRequest(
      `Errors found during import:\n\tUnsupported security definition '${name}' for route '${r.routeKey}'`,
    );
  }
  await step(`Unable to create route '${r.routeKey}'`, () =>
    createRoute(ctx, r.apiId, {
      routeKey: r.routeKey,
      target,
      operationName: asStr(r.op.operationId),
      ...(authorizer
        ? {
            authorizationType: authorizer.type === "JWT" ? "JWT" : "CUSTOM",
            authorizerId: authorizer.id,
            authorizationScopes: Array.isArray(scopes) && scopes.length > 0 ? (scopes as string[]) : undefined,
          }
        : {}),
    }),
  );
}
