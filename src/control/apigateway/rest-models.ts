/**
 * API Gateway v1 request validators and models (Create/Get/Update/Delete RequestValidator and
 * Model). Both live on the API's record, like gateway responses, and are frozen into a
 * deployment by the routes compiled from them. A model's schema must be JSON Schema draft 4.
 */
import type { ApiRecord, ModelRecord, RequestValidatorRecord } from "../../ports/api-store.js";
import { modelSchemas, parseSchema } from "../../shared/json-schema.js";
import {
  type ApiGatewayContext,
  badRequest,
  conflict,
  freshId,
  mutateApi,
  notFound,
  optional,
  requireApi,
} from "./context.js";
import { applyPatch, boolField, type PatchField, stringField } from "./patch.js";
import type { PatchOperation } from "./types.js";

/** CreateRequestValidator's input. */
export interface RequestValidatorInput {
  name?: string | undefined;
  validateRequestBody?: boolean | undefined;
  validateRequestParameters?: boolean | undefined;
}

/** CreateModel's input. */
export interface ModelInput {
  name: string;
  contentType: string;
  schema?: string | undefined;
  description?: string | undefined;
}

/** The models every new REST API has, as on AWS. */
export const DEFAULT_MODELS: readonly Omit<ModelRecord, "id">[] = [
  {
    name: "Empty",
    contentType: "application/json",
    description: "This is a default empty schema model",
    schema:
      '{\n  "$schema": "http://json-schema.org/draft-04/schema#",\n  "title" : "Empty Schema",\n  "type" : "object"\n}',
  },
  {
    name: "Error",
    contentType: "application/json",
    description: "This is a default error schema model",
    schema:
      '{\n  "$schema" : "http://json-schema.org/draft-04/schema#",\n  "title" : "Error Schema",\n  "type" : "object",\n  "properties" : {\n    "message" : { "type" : "string" }\n  }\n}',
  },
];

function validatorNotFound() {
  return notFound("Invalid Request Validator identifier specified");
}

function modelNotFound(name: string) {
  return notFound(`Invalid model name specified: ${name}`);
}

async function save(ctx: ApiGatewayContext, api: ApiRecord): Promise<void> {
  if (!(await ctx.store.updateApi(api)))
    throw notFound(`Invalid API identifier specified ${ctx.accountId}:${api.apiId}`);
}

/** CreateRequestValidator. */
export function createRequestValidator(
  ctx: ApiGatewayContext,
  apiId: string,
  input: RequestValidatorInput,
): Promise<RequestValidatorRecord> {
  return mutateApi(ctx, apiId, "REST", async (api) => {
    const existing = Object.values(api.requestValidators ?? {});
    if (input.name && existing.some((v) => v.name === input.name)) {
      throw conflict(`Validator with name ${input.name} already exists`);
    }
    const validator: RequestValidatorRecord = {
      id: freshId(ctx, 6, Object.keys(api.requestValidators ?? {})),
      name: input.name ?? "",
      validateRequestBody: input.validateRequestBody ?? false,
      validateRequestParameters: input.validateRequestParameters ?? false,
    };
    await save(ctx, { ...api, requestValidators: { ...api.requestValidators, [validator.id]: validator } });
    return validator;
  });
}

/** GetRequestValidator. */
export async function getRequestValidator(ctx: ApiGatewayContext, apiId: string, id: string) {
  const found = (await requireApi(ctx, apiId, "REST")).requestValidators?.[id];
  if (!found) throw validatorNotFound();
  return found;
}

/** GetRequestValidators. */
export async function getRequestValidators(ctx: ApiGatewayContext, apiId: string): Promise<RequestValidatorRecord[]> {
  return Object.values((await requireApi(ctx, apiId, "REST")).requestValidators ?? {});
}

const VALIDATOR_FIELDS: PatchField<RequestValidatorRecord>[] = [
  stringField("/name", "name"),
  boolField("/validateRequestBody", "validateRequestBody"),
  boolField("/validateRequestParameters", "validateRequestParameters"),
];

/** UpdateRequestValidator. */
export function updateRequestValidator(
  ctx: ApiGatewayContext,
  key: { apiId: string; id: string },
  ops: readonly PatchOperation[],
): Promise<RequestValidatorRecord> {
  return mutateApi(ctx, key.apiId, "REST", async (api) => {
    const found = api.requestValidators?.[key.id];
    if (!found) throw validatorNotFound();
    const next = applyPatch(found, ops, VALIDATOR_FIELDS);
    await save(ctx, { ...api, requestValidators: { ...api.requestValidators, [key.id]: next } });
    return next;
  });
}

/** DeleteRequestValidator: refused while a method uses it. */
export function deleteRequestValidator(ctx: ApiGatewayContext, apiId: string, id: string): Promise<void> {
  return mutateApi(ctx, apiId, "REST", async (api) => {
    if (!api.requestValidators?.[id]) throw validatorNotFound();
    const user = (await ctx.store.listMethods(apiId)).find((m) => m.requestValidatorId === id);
    if (user)
      throw badRequest(
        `Cannot delete request validator ${id}: it is used by method ${user.httpMethod} of resource ${user.resourceId}`,
      );
    const rest = { ...api.requestValidators };
    delete rest[id];
    await save(ctx, { ...api, requestValidators: rest });
  });
}

const MODEL_NAME = /^[a-zA-Z0-9]+$/;

/** Refuses a schema that is not JSON Schema draft 4 (refs to the API's other models resolve). */
function checkSchema(api: ApiRecord, name: string, schema: string | undefined): void {
  const texts = Object.fromEntries(Object.values(api.models ?? {}).map((m) => [m.name, m.schema]));
  const invalid = () =>
    badRequest("Invalid model specified: Validation Result: warnings : [], errors : [Invalid model schema specified]");
  if (parseSchema(schema) === undefined) throw invalid();
  let compiled: unknown;
  try {
    compiled = modelSchemas(api.apiId, { ...texts, [name]: schema }).validator(name);
  } catch (e) {
    const why = e instanceof Error ? `: ${e.message}` : "";
    throw badRequest(
      `Invalid model specified: Validation Result: warnings : [], errors : [Invalid model schema specified${why}]`,
    );
  }
  if (!compiled) throw invalid();
}

/** CreateModel. */
export function createModel(ctx: ApiGatewayContext, apiId: string, input: ModelInput): Promise<ModelRecord> {
  if (!MODEL_NAME.test(input.name))
    throw badRequest(`Invalid model name specified: ${input.name}. Model names must be alphanumeric`);
  return mutateApi(ctx, apiId, "REST", async (api) => {
    if (api.models?.[input.name]) throw conflict("Model name already exists for this REST API");
    checkSchema(api, input.name, input.schema);
    const ids = Object.values(api.models ?? {}).map((m) => m.id);
    const model: ModelRecord = {
      id: freshId(ctx, 6, ids),
      name: input.name,
      contentType: input.contentType,
      ...optional({ schema: input.schema, description: input.description }),
    };
    await save(ctx, { ...api, models: { ...api.models, [model.name]: model } });
    return model;
  });
}

/** GetModel. */
export async function getModel(ctx: ApiGatewayContext, apiId: string, name: string): Promise<ModelRecord> {
  const found = (await requireApi(ctx, apiId, "REST")).models?.[name];
  if (!found) throw modelNotFound(name);
  return found;
}

/** GetModels. */
export async function getModels(ctx: ApiGatewayContext, apiId: string): Promise<ModelRecord[]> {
  return Object.values((await requireApi(ctx, apiId, "REST")).models ?? {});
}

const MODEL_FIELDS: PatchField<ModelRecord>[] = [
  stringField("/schema", "schema"),
  stringField("/description", "description", ["replace", "remove"]),
];

/** UpdateModel (`/schema`, `/description`). */
export function updateModel(
  ctx: ApiGatewayContext,
  key: { apiId: string; name: string },
  ops: readonly PatchOperation[],
): Promise<ModelRecord> {
  return mutateApi(ctx, key.apiId, "REST", async (api) => {
    const found = api.models?.[key.name];
    if (!found) throw modelNotFound(key.name);
    const next = applyPatch(found, ops, MODEL_FIELDS);
    checkSchema(api, key.name, next.schema);
    await save(ctx, { ...api, models: { ...api.models, [key.name]: next } });
    return next;
  });
}

/** DeleteModel: refused while a method's request models use it. */
export function deleteModel(ctx: ApiGatewayContext, apiId: string, name: string): Promise<void> {
  return mutateApi(ctx, apiId, "REST", async (api) => {
    if (!api.models?.[name]) throw modelNotFound(name);
    const user = (await ctx.store.listMethods(apiId)).find((m) => Object.values(m.requestModels ?? {}).includes(name));
    if (user)
      throw badRequest(
        `Cannot delete model '${name}', is referenced in method request: ${user.resourceId}/${user.httpMethod}`,
      );
    const rest = { ...api.models };
    delete rest[name];
    await save(ctx, { ...api, models: rest });
  });
}
