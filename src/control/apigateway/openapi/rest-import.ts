/**
 * ImportRestApi and PutRestApi (`overwrite` / `merge`): a plan read from an OpenAPI document, carried
 * out through the same REST operations the CLI calls one by one (so every value is checked as
 * there), under one lock and one recompile. An import that fails half-way leaves nothing: a new API
 * is deleted, an existing one is put back as it was.
 */
import type { ApiModel, ApiRecord, AuthorizerRecord, GatewayResponseRecord } from "../../../ports/api-store.js";
import { KeyedLock } from "../../keyed-lock.js";
import { type ApiGatewayContext, badRequest, mutate, optional, requireModel } from "../context.js";
import { putGatewayResponse } from "../gateway-responses.js";
import { createAuthorizer } from "../rest-authorizers.js";
import { createResource, createRestApi, deleteRestApi } from "../rest-apis.js";
import { deleteMethod, putIntegration, putMethod } from "../rest-methods.js";
import { modelAddress } from "../../../shared/json-schema.js";
import { createModel, createRequestValidator, DEFAULT_MODELS } from "../rest-models.js";
import { putIntegrationResponse, putMethodResponse } from "../rest-responses.js";
import { withModelRefs } from "./models-plan.js";
import { importStep as step, readOpenApi } from "./document.js";
import { type ImportParameters, type PlannedMethod, type RestImportPlan, planRestImport } from "./rest-plan.js";

/** How ImportRestApi / PutRestApi were called. */
export interface RestImportOptions {
  readonly failOnWarnings?: boolean | undefined;
  readonly parameters?: ImportParameters | undefined;
}

/** The API after an import, with API Gateway's warnings. */
export interface ImportedRestApi {
  readonly api: ApiRecord;
  readonly warnings: readonly string[];
}

async function checkedPlan(body: Buffer, options: RestImportOptions): Promise<RestImportPlan> {
  const plan = planRestImport(await readOpenApi(body), options.parameters ?? {});
  if (plan.errors.length > 0) throw badRequest(`Errors found during import:\n\t${plan.errors.join("\n\t")}`);
  if (options.failOnWarnings === true && plan.warnings.length > 0) {
    throw badRequest(`Warnings found during import:\n\t${plan.warnings.join("\n\t")}`);
  }
  return plan;
}

/** ImportRestApi: a new REST API from `body`. */
export async function importRestApi(
  ctx: ApiGatewayContext,
  body: Buffer,
  options: RestImportOptions,
): Promise<ImportedRestApi> {
  const plan = await checkedPlan(body, options);
  if (!plan.name) throw badRequest("Errors found during import:\n\tA title is required in the info section");
  const created = await createRestApi(ctx, {
    name: plan.name,
    description: plan.description,
    version: plan.version,
    binaryMediaTypes: plan.binaryMediaTypes,
    apiKeySource: plan.apiKeySource,
    endpointConfiguration: plan.endpointTypes ? { types: plan.endpointTypes } : undefined,
    disableExecuteApiEndpoint: plan.disableExecuteApiEndpoint,
  });
  try {
    const api = await mutate(ctx, created.apiId, () => carryOut(quiet(ctx), created, plan, "overwrite"));
    return { api, warnings: plan.warnings };
  } catch (e) {
    await deleteRestApi(ctx, created.apiId);
    throw e;
  }
}

/** PutRestApi: `body` merged into, or overwriting, the REST API `apiId`. */
export async function putRestApi(
  ctx: ApiGatewayContext,
  apiId: string,
  body: Buffer,
  options: RestImportOptions & { readonly mode?: string | undefined },
): Promise<ImportedRestApi> {
  const mode = options.mode ?? "merge";
  if (mode !== "merge" && mode !== "overwrite") {
    throw badRequest(`Invalid mode '${mode}'. Valid values are merge and overwrite`);
  }
  await requireModel(ctx, apiId, "REST");
  const plan = await checkedPlan(body, options);
  return mutate(ctx, apiId, async () => {
    const before = await requireModel(ctx, apiId, "REST");
    try {
      const api = await carryOut(quiet(ctx), before.api, plan, mode);
      return { api, warnings: plan.warnings };
    } catch (e) {
      await restore(ctx, before);
      throw e;
    }
  });
}

/** The context the steps run in: the caller holds the API's lock and recompiles once at the end. */
function quiet(ctx: ApiGatewayContext): ApiGatewayContext {
  return { ...ctx, lock: new KeyedLock(), changed: async () => {} };
}

async function carryOut(
  ctx: ApiGatewayContext,
  api: ApiRecord,
  plan: RestImportPlan,
  mode: "merge" | "overwrite",
): Promise<ApiRecord> {
  const model = await requireModel(ctx, api.apiId, "REST");
  if (mode === "overwrite") await clear(ctx, model);
  const authorizerIds = await putAuthorizers(ctx, model, plan, mode);
  const validatorIds = await putValidation(ctx, api.apiId, plan, mode);
  const resourceIds = new Map(
    (mode === "overwrite" ? model.resources.filter((r) => r.path === "/") : model.resources).map((r) => [
      r.path,
      r.resourceId,
    ]),
  );
  for (const path of plan.paths)
    await step(`Unable to create resource at path '${path}'`, () => resourceFor(ctx, api.apiId, path, resourceIds));
  for (const m of plan.methods) {
    await putPlannedMethod(ctx, {
      apiId: api.apiId,
      resourceId: resourceIds.get(m.path) ?? "",
      method: m,
      authorizerIds,
      validatorIds,
    });
  }
  for (const [responseType, r] of Object.entries(plan.gatewayResponses)) {
    await step(`Unable to put gateway response '${responseType}'`, () =>
      putGatewayResponse(ctx, { apiId: api.apiId, responseType }, r as Partial<GatewayResponseRecord>),
    );
  }
  const current = (await requireModel(ctx, api.apiId, "REST")).api;
  const binary =
    mode === "merge"
      ? [...new Set([...current.binaryMediaTypes, ...(plan.binaryMediaTypes ?? [])])]
      : (plan.binaryMediaTypes ?? []);
  const updated: ApiRecord = {
    ...current,
    binaryMediaTypes: binary,
    ...optional({
      apiKeySource: plan.apiKeySource,
      endpointTypes: plan.endpointTypes,
      disableExecuteApiEndpoint: plan.disableExecuteApiEndpoint,
      description: mode === "overwrite" ? plan.description : undefined,
      version: mode === "overwrite" ? plan.version : undefined,
    }),
  };
  await ctx.store.updateApi(updated);
  return updated;
}

/** Everything but the root resource, its methods, the authorizers and the gateway responses. */
async function clear(ctx: ApiGatewayContext, model: ApiModel): Promise<void> {
  const root = model.resources.find((r) => r.path === "/");
  for (const r of model.resources)
    if (r.parentId === root?.resourceId) await ctx.store.deleteResource(r.apiId, r.resourceId);
  for (const m of model.methods)
    if (m.resourceId === root?.resourceId) await ctx.store.deleteMethod(m.apiId, m.resourceId, m.httpMethod);
  for (const a of model.authorizers) await ctx.store.deleteAuthorizer(a.apiId, a.authorizerId);
  await ctx.store.updateApi({ ...model.api, gatewayResponses: {} });
}

/** Creates the document's models and request validators (in a merge, same names are replaced in place). */
async function putValidation(
  ctx: ApiGatewayContext,
  apiId: string,
  plan: RestImportPlan,
  mode: "merge" | "overwrite",
): Promise<Map<string, string>> {
  let api = (await requireModel(ctx, apiId, "REST")).api;
  if (mode === "overwrite") {
    const kept = Object.values(api.models ?? {}).filter((m) => DEFAULT_NAMES.has(m.name));
    api = { ...api, requestValidators: {}, models: Object.fromEntries(kept.map((m) => [m.name, m])) };
  }
  const models = { ...api.models };
  for (const name of Object.keys(plan.validation.models)) delete models[name];
  await ctx.store.updateApi({ ...api, models });
  for (const [name, schema] of Object.entries(plan.validation.models)) {
    const text = JSON.stringify(withModelRefs(schema, (n) => modelAddress(apiId, n)));
    await step(`Unable to create model '${name}'`, () =>
      createModel(ctx, apiId, { name, contentType: "application/json", schema: text }),
    );
  }
  const ids = new Map<string, string>();
  for (const [name, v] of Object.entries(plan.validation.validators)) {
    const current = (await requireModel(ctx, apiId, "REST")).api;
    const same = Object.values(current.requestValidators ?? {}).find((e) => e.name === name);
    if (same) {
      const requestValidators = { ...current.requestValidators, [same.id]: { ...same, ...v } };
      await ctx.store.updateApi({ ...current, requestValidators });
      ids.set(name, same.id);
    } else {
      const created = await step(`Unable to create request validator '${name}'`, () =>
        createRequestValidator(ctx, apiId, { name, ...v }),
      );
      ids.set(name, created.id);
    }
  }
  return ids;
}

const DEFAULT_NAMES = new Set(DEFAULT_MODELS.map((m) => m.name));

/** Creates the document's authorizers; in a merge one of the same name keeps its id. */
async function putAuthorizers(
  ctx: ApiGatewayContext,
  model: ApiModel,
  plan: RestImportPlan,
  mode: "merge" | "overwrite",
): Promise<Map<string, string>> {
  const ids = new Map<string, string>(mode === "merge" ? model.authorizers.map((a) => [a.name, a.authorizerId]) : []);
  for (const a of plan.authorizers) {
    const created = await step(`Unable to create authorizer '${a.name}'`, () =>
      createAuthorizer(ctx, model.api.apiId, a),
    );
    const existing = ids.get(a.name);
    if (existing !== undefined) {
      await ctx.store.deleteAuthorizer(model.api.apiId, created.authorizerId);
      await ctx.store.putAuthorizer({ ...created, authorizerId: existing });
    } else {
      ids.set(a.name, created.authorizerId);
    }
  }
  return ids;
}

async function putPlannedMethod(
  ctx: ApiGatewayContext,
  target: {
    apiId: string;
    resourceId: string;
    method: PlannedMethod;
    authorizerIds: Map<string, string>;
    validatorIds: Map<string, string>;
  },
): Promise<void> {
  const m = target.method;
  const key = { apiId: target.apiId, resourceId: target.resourceId, httpMethod: m.httpMethod };
  const at = `'${m.httpMethod}' for resource at path '${m.path}'`;
  if (await ctx.store.getMethod(key.apiId, key.resourceId, key.httpMethod)) {
    await deleteMethod(ctx, key.apiId, key.resourceId, key.httpMethod);
  }
  const authorizerId = m.security.authorizerName ? target.authorizerIds.get(m.security.authorizerName) : undefined;
  await step(`Unable to put method ${at}`, () =>
    putMethod(ctx, key, {
      authorizationType: m.security.authorizationType,
      authorizerId,
      apiKeyRequired: m.security.apiKeyRequired,
      authorizationScopes: m.security.authorizationScopes,
      operationName: m.operationName,
      requestParameters: m.requestParameters,
      requestValidatorId: m.requestValidatorName ? target.validatorIds.get(m.requestValidatorName) : undefined,
      requestModels: m.requestModels,
    }),
  );
  for (const [statusCode, r] of Object.entries(m.methodResponses)) {
    await step(`Unable to put method response ${statusCode} on ${at}`, () =>
      putMethodResponse(ctx, { ...key, statusCode }, r),
    );
  }
  const integration = m.integration;
  if (!integration) return;
  await step(`Unable to put integration on ${at}`, () => putIntegration(ctx, key, integration));
  for (const [statusCode, r] of Object.entries(m.integrationResponses)) {
    await step(`Unable to put integration response on ${at} for response code '${statusCode}'`, () =>
      putIntegrationResponse(ctx, { ...key, statusCode }, r),
    );
  }
}

async function resourceFor(
  ctx: ApiGatewayContext,
  apiId: string,
  path: string,
  ids: Map<string, string>,
): Promise<string> {
  const known = ids.get(path);
  if (known) return known;
  const cut = path.lastIndexOf("/");
  const parentId = await resourceFor(ctx, apiId, cut <= 0 ? "/" : path.slice(0, cut), ids);
  const created = await createResource(ctx, apiId, parentId, path.slice(cut + 1));
  ids.set(path, created.resource.resourceId);
  return created.resource.resourceId;
}

/** Puts the API back as `before` held it (a PutRestApi that failed half-way). */
async function restore(ctx: ApiGatewayContext, before: ApiModel): Promise<void> {
  const now = await ctx.store.loadModel(before.api.apiId);
  if (!now) return;
  await clear(ctx, now);
  for (const r of before.resources) if (r.parentId !== undefined) await ctx.store.insertResource(r);
  for (const m of before.methods) await ctx.store.putMethod(m);
  for (const a of before.authorizers as AuthorizerRecord[]) await ctx.store.putAuthorizer(a);
  await ctx.store.updateApi(before.api);
}
