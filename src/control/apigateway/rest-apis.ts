/** API Gateway v1 REST APIs and their resources. */
import type { ApiRecord, MethodRecord, ResourceRecord } from "../../ports/api-store.js";
import {
  type ApiGatewayContext,
  badRequest,
  conflict,
  freshId,
  mutate,
  mutateApi,
  newId,
  notFound,
  optional,
  requireApi,
  requireModel,
} from "./context.js";
import { DEFAULT_MODELS } from "./rest-models.js";
import type { CreateRestApiInput } from "./types.js";
import { checkPathPart, pageOf } from "./validate.js";

/** A resource and its methods, as GetResource(s) answer. */
export interface ResourceWithMethods {
  readonly resource: ResourceRecord;
  readonly methods: readonly MethodRecord[];
}

/** AWS's answer for an unknown resource (also when the API itself is unknown). */
export function resourceNotFound() {
  return notFound("Invalid Resource identifier specified");
}

/** Creates a REST API with its root resource "/". */
export async function createRestApi(ctx: ApiGatewayContext, input: CreateRestApiInput): Promise<ApiRecord> {
  if (input.description === "") throw badRequest("Description cannot be an empty string");
  const apiId = newId(ctx, 10);
  const rootResourceId = newId(ctx, 10);
  const api: ApiRecord = {
    apiId,
    protocol: "REST",
    name: input.name,
    createdAt: ctx.clock.now(),
    binaryMediaTypes: input.binaryMediaTypes ?? [],
    disableExecuteApiEndpoint: input.disableExecuteApiEndpoint ?? false,
    tags: input.tags ?? {},
    rootResourceId,
    endpointTypes: input.endpointConfiguration?.types ?? ["EDGE"],
    apiKeySource: input.apiKeySource ?? "HEADER",
    models: Object.fromEntries(DEFAULT_MODELS.map((m) => [m.name, { ...m, id: newId(ctx, 6) }])),
    ...optional({ description: input.description, version: input.version }),
  };
  return mutate(ctx, apiId, async () => {
    if (!(await ctx.store.insertApi(api, { apiId, resourceId: rootResourceId, path: "/" }))) {
      throw conflict("API id collision; retry the request.");
    }
    return api;
  });
}

/** One REST API. */
export function getRestApi(ctx: ApiGatewayContext, apiId: string): Promise<ApiRecord> {
  return requireApi(ctx, apiId, "REST");
}

/** A page of REST APIs. */
export async function getRestApis(
  ctx: ApiGatewayContext,
  page: { limit?: number | undefined; position?: string | undefined },
) {
  return pageOf(await ctx.store.listApis("REST"), page.position, page.limit ?? 25);
}

/** Deletes a REST API with everything in it. */
export async function deleteRestApi(ctx: ApiGatewayContext, apiId: string): Promise<void> {
  await mutateApi(ctx, apiId, "REST", async () => {
    await ctx.store.deleteApi(apiId);
  });
}

/** A REST API's resources with their methods, ordered by path. */
export async function getResources(ctx: ApiGatewayContext, apiId: string): Promise<ResourceWithMethods[]> {
  const model = await requireModel(ctx, apiId, "REST");
  return model.resources.map((resource) => ({
    resource,
    methods: model.methods.filter((m) => m.resourceId === resource.resourceId),
  }));
}

/** One resource with its methods. */
export async function getResource(
  ctx: ApiGatewayContext,
  apiId: string,
  resourceId: string,
): Promise<ResourceWithMethods> {
  const resource = await ctx.store.getResource(apiId, resourceId);
  if (!resource) throw resourceNotFound();
  const methods = (await ctx.store.listMethods(apiId)).filter((m) => m.resourceId === resourceId);
  return { resource, methods };
}

const isVariable = (pathPart: string | undefined): boolean => pathPart?.startsWith("{") === true;

/** Creates a resource under `parentId` (`{proxy+}` makes it greedy: it matches the rest of the path). */
export async function createResource(
  ctx: ApiGatewayContext,
  apiId: string,
  parentId: string,
  pathPart: string,
): Promise<ResourceWithMethods> {
  checkPathPart(pathPart);
  return mutate(ctx, apiId, async () => {
    const all = await ctx.store.listResources(apiId);
    const parent = all.find((r) => r.resourceId === parentId);
    if (!parent) throw resourceNotFound();
    if (parent.pathPart?.endsWith("+}")) {
      throw badRequest(`Cannot create a child of a resource with a greedy path variable: ${parent.pathPart}`);
    }
    const siblings = all.filter((r) => r.parentId === parentId);
    const variableSibling = siblings.find((s) => isVariable(s.pathPart));
    if (isVariable(pathPart) && variableSibling && variableSibling.pathPart !== pathPart) {
      throw badRequest(
        `A sibling (${variableSibling.pathPart}) of this resource already has a variable path part -- only one is allowed`,
      );
    }
    const resource: ResourceRecord = {
      apiId,
      resourceId: freshId(
        ctx,
        10,
        all.map((r) => r.resourceId),
      ),
      parentId,
      pathPart,
      path: parent.path === "/" ? `/${pathPart}` : `${parent.path}/${pathPart}`,
    };
    const result = await ctx.store.insertResource(resource);
    if (result === "missing-parent") throw resourceNotFound();
    if (result === "conflict")
      throw conflict(`Another resource with the same parent already has this name: ${pathPart}`);
    return { resource, methods: [] };
  });
}

/** Deletes a resource with its descendants and their methods. */
export async function deleteResource(ctx: ApiGatewayContext, apiId: string, resourceId: string): Promise<void> {
  await mutate(ctx, apiId, async () => {
    const resource = await ctx.store.getResource(apiId, resourceId);
    if (!resource) throw resourceNotFound();
    if (resource.parentId === undefined) throw badRequest("Cannot delete the root resource of a REST API");
    await ctx.store.deleteResource(apiId, resourceId);
  });
}
