/**
 * The v1 update operations through PATCH operations: UpdateRestApi, UpdateResource, UpdateMethod,
 * UpdateIntegration, UpdateMethodResponse, UpdateIntegrationResponse, UpdateAuthorizer and
 * UpdateDeployment. Each patched record is checked as its Put/Create checks it before it is stored.
 */
import type {
  ApiRecord,
  AuthorizerRecord,
  DeploymentRecord,
  IntegrationResponseRecord,
  MethodIntegrationRecord,
  MethodRecord,
  MethodResponseRecord,
  ResourceRecord,
} from "../../ports/api-store.js";
import { REST_TIMEOUT_MS } from "../api-compiler.js";
import { type ApiGatewayContext, badRequest, conflict, mutate, mutateApi, notFound } from "./context.js";
import { parseLambdaUri } from "./lambda-uri.js";
import {
  applyPatch,
  boolField,
  intField,
  listMemberField,
  mapEntryField,
  parseBool,
  type PatchField,
  required,
  stringField,
} from "./patch.js";
import { resourceNotFound } from "./rest-apis.js";
import { deploymentNotFound } from "./rest-deployments.js";
import { checkedIntegration, checkValidation, getMethod } from "./rest-methods.js";
import { checkIntegrationResponse, type MethodKey, responseNotFound } from "./rest-responses.js";
import type { PatchOperation } from "./types.js";
import { checkOneOf, checkPathPart } from "./validate.js";

const REST_API_FIELDS: PatchField<ApiRecord>[] = [
  stringField("/name", "name"),
  stringField("/description", "description", ["replace", "remove"]),
  stringField("/version", "version", ["replace", "remove"]),
  {
    path: "/apiKeySource",
    ops: ["replace"],
    apply: (a, _op, o) => {
      const v = required("/apiKeySource", o.value);
      checkOneOf(v, ["HEADER", "AUTHORIZER"], "API key source");
      return { ...a, apiKeySource: v };
    },
  },
  boolField("/disableExecuteApiEndpoint", "disableExecuteApiEndpoint"),
  listMemberField("/binaryMediaTypes/{key}", "binaryMediaTypes"),
  {
    path: "/endpointConfiguration/types/{key}",
    ops: ["replace"],
    apply: (a, _op, o) => {
      const v = required("/endpointConfiguration/types", o.value);
      checkOneOf(v, ["EDGE", "REGIONAL", "PRIVATE"], "endpoint type");
      return { ...a, endpointTypes: [v] };
    },
  },
];

/** UpdateRestApi. */
export async function updateRestApi(
  ctx: ApiGatewayContext,
  apiId: string,
  ops: readonly PatchOperation[],
): Promise<ApiRecord> {
  return mutateApi(ctx, apiId, "REST", async (api) => {
    const next = applyPatch(api, ops, REST_API_FIELDS);
    if (!next.name) throw badRequest("Name cannot be empty");
    if (!(await ctx.store.updateApi(next))) throw resourceNotFound();
    return next;
  });
}

const RESOURCE_FIELDS: PatchField<ResourceRecord>[] = [
  stringField("/pathPart", "pathPart"),
  stringField("/parentId", "parentId"),
];

/** UpdateResource: a new path part or parent; the resource's subtree moves with it. */
export async function updateResource(
  ctx: ApiGatewayContext,
  apiId: string,
  resourceId: string,
  ops: readonly PatchOperation[],
): Promise<ResourceRecord> {
  return mutate(ctx, apiId, async () => {
    const all = await ctx.store.listResources(apiId);
    const resource = all.find((r) => r.resourceId === resourceId);
    if (!resource) throw resourceNotFound();
    if (resource.parentId === undefined) throw badRequest("Cannot modify the root resource of a REST API");
    const patched = applyPatch(resource, ops, RESOURCE_FIELDS);
    checkPathPart(patched.pathPart ?? "");
    const byId = new Map(all.map((r) => [r.resourceId, r]));
    const parent = byId.get(patched.parentId ?? "");
    if (!parent) throw badRequest(`Invalid parent id specified: ${patched.parentId ?? ""}`);
    for (let p: ResourceRecord | undefined = parent; p; p = byId.get(p.parentId ?? "")) {
      if (p.resourceId === resourceId) throw badRequest("Cannot move a resource under itself or its descendants");
    }
    const moved = { ...patched, path: childPath(parent.path, patched.pathPart ?? "") };
    const changed = [moved, ...descendants(all, moved)];
    const result = await ctx.store.updateResources(changed);
    if (result === "conflict") {
      throw conflict(`Another resource with the same parent already has this name: ${moved.pathPart ?? ""}`);
    }
    if (result === "missing-parent") throw resourceNotFound();
    return moved;
  });
}

function childPath(parentPath: string, pathPart: string): string {
  return parentPath === "/" ? `/${pathPart}` : `${parentPath}/${pathPart}`;
}

function descendants(all: readonly ResourceRecord[], moved: ResourceRecord): ResourceRecord[] {
  const out: ResourceRecord[] = [];
  const walk = (parent: ResourceRecord) => {
    for (const c of all.filter((r) => r.parentId === parent.resourceId)) {
      const next = { ...c, path: childPath(parent.path, c.pathPart ?? "") };
      out.push(next);
      walk(next);
    }
  };
  walk(moved);
  return out;
}

const METHOD_FIELDS: PatchField<MethodRecord>[] = [
  stringField("/authorizationType", "authorizationType"),
  stringField("/authorizerId", "authorizerId", ["replace", "remove"]),
  boolField("/apiKeyRequired", "apiKeyRequired"),
  stringField("/operationName", "operationName", ["replace", "remove"]),
  mapEntryField("/requestParameters/{key}", "requestParameters", parseBool),
  stringField("/requestValidatorId", "requestValidatorId", ["replace", "remove"]),
  mapEntryField("/requestModels/{key}", "requestModels"),
  {
    path: "/authorizationScopes",
    ops: ["add", "remove"],
    apply: (m, op, o) => {
      const scope = required("/authorizationScopes", o.value);
      const rest = (m.authorizationScopes ?? []).filter((s) => s !== scope);
      return { ...m, authorizationScopes: op === "add" ? [...rest, scope] : rest };
    },
  },
];

/** UpdateMethod. */
export async function updateMethod(
  ctx: ApiGatewayContext,
  key: MethodKey,
  ops: readonly PatchOperation[],
): Promise<MethodRecord> {
  return mutate(ctx, key.apiId, async () => {
    const method = await getMethod(ctx, key.apiId, key.resourceId, key.httpMethod);
    const next = applyPatch(method, ops, METHOD_FIELDS);
    checkOneOf(next.authorizationType, ["NONE", "AWS_IAM", "CUSTOM", "COGNITO_USER_POOLS"], "authorization type");
    const custom = next.authorizationType === "CUSTOM" || next.authorizationType === "COGNITO_USER_POOLS";
    if (custom && !(next.authorizerId && (await ctx.store.getAuthorizer(key.apiId, next.authorizerId)))) {
      throw badRequest(
        "Invalid authorizer ID specified. Setting the authorization type to CUSTOM or COGNITO_USER_POOLS requires a valid authorizer.",
      );
    }
    await checkValidation(ctx, next);
    const stored = custom ? next : { ...next, authorizerId: undefined };
    if ((await ctx.store.putMethod(stored)) === "missing-parent") throw resourceNotFound();
    return stored;
  });
}

const INTEGRATION_FIELDS: PatchField<MethodIntegrationRecord>[] = [
  stringField("/uri", "uri"),
  stringField("/httpMethod", "httpMethod"),
  stringField("/passthroughBehavior", "passthroughBehavior"),
  intField("/timeoutInMillis", "timeoutInMillis"),
  stringField("/contentHandling", "contentHandling", ["replace", "remove"]),
  stringField("/connectionType", "connectionType"),
  stringField("/credentials", "credentials", ["replace", "remove"]),
  stringField("/cacheNamespace", "cacheNamespace"),
  listMemberField("/cacheKeyParameters/{key}", "cacheKeyParameters"),
  mapEntryField("/requestParameters/{key}", "requestParameters"),
  mapEntryField("/requestTemplates/{key}", "requestTemplates"),
];

/** UpdateIntegration. */
export async function updateIntegration(
  ctx: ApiGatewayContext,
  key: MethodKey,
  ops: readonly PatchOperation[],
): Promise<MethodIntegrationRecord> {
  return mutate(ctx, key.apiId, async () => {
    const method = await getMethod(ctx, key.apiId, key.resourceId, key.httpMethod);
    if (!method.integration) throw notFound("No integration defined for method");
    const next = checkedIntegration(applyPatch(method.integration, ops, INTEGRATION_FIELDS));
    if (next.timeoutInMillis > REST_TIMEOUT_MS)
      throw badRequest(`Timeout should be between 50 ms and ${REST_TIMEOUT_MS} ms`);
    if ((await ctx.store.putMethod({ ...method, integration: next })) === "missing-parent") throw resourceNotFound();
    return next;
  });
}

const METHOD_RESPONSE_FIELDS: PatchField<MethodResponseRecord>[] = [
  mapEntryField("/responseParameters/{key}", "responseParameters", parseBool),
  mapEntryField("/responseModels/{key}", "responseModels"),
];

/** UpdateMethodResponse. */
export async function updateMethodResponse(
  ctx: ApiGatewayContext,
  key: MethodKey & { readonly statusCode: string },
  ops: readonly PatchOperation[],
): Promise<MethodResponseRecord> {
  return mutate(ctx, key.apiId, async () => {
    const method = await getMethod(ctx, key.apiId, key.resourceId, key.httpMethod);
    const current = method.methodResponses?.[key.statusCode];
    if (!current) throw responseNotFound();
    const next = applyPatch(current, ops, METHOD_RESPONSE_FIELDS);
    const methodResponses = { ...method.methodResponses, [key.statusCode]: next };
    if ((await ctx.store.putMethod({ ...method, methodResponses })) === "missing-parent") throw resourceNotFound();
    return next;
  });
}

const INTEGRATION_RESPONSE_FIELDS: PatchField<IntegrationResponseRecord>[] = [
  stringField("/selectionPattern", "selectionPattern", ["replace", "remove"]),
  stringField("/contentHandling", "contentHandling", ["replace", "remove"]),
  mapEntryField("/responseParameters/{key}", "responseParameters"),
  mapEntryField("/responseTemplates/{key}", "responseTemplates"),
];

/** UpdateIntegrationResponse. */
export async function updateIntegrationResponse(
  ctx: ApiGatewayContext,
  key: MethodKey & { readonly statusCode: string },
  ops: readonly PatchOperation[],
): Promise<IntegrationResponseRecord> {
  return mutate(ctx, key.apiId, async () => {
    const method = await getMethod(ctx, key.apiId, key.resourceId, key.httpMethod);
    const integration = method.integration;
    if (!integration) throw notFound("No integration defined for method");
    const current = integration.integrationResponses?.[key.statusCode];
    if (!current) throw responseNotFound();
    const next = applyPatch(current, ops, INTEGRATION_RESPONSE_FIELDS);
    checkIntegrationResponse(method, next);
    const integrationResponses = { ...integration.integrationResponses, [key.statusCode]: next };
    const stored = { ...method, integration: { ...integration, integrationResponses } };
    if ((await ctx.store.putMethod(stored)) === "missing-parent") throw resourceNotFound();
    return next;
  });
}

const AUTHORIZER_FIELDS: PatchField<AuthorizerRecord>[] = [
  stringField("/name", "name"),
  stringField("/type", "authorizerType"),
  stringField("/authorizerUri", "authorizerUri"),
  {
    path: "/identitySource",
    ops: ["replace"],
    apply: (a, _op, o) => ({
      ...a,
      identitySource: required("/identitySource", o.value)
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== ""),
    }),
  },
  stringField("/identityValidationExpression", "identityValidationExpression", ["replace", "remove"]),
  intField("/authorizerResultTtlInSeconds", "resultTtlSeconds"),
  stringField("/authorizerCredentials", "credentialsArn", ["replace", "remove"]),
  stringField("/authType", "authType", ["replace", "remove"]),
];

/** UpdateAuthorizer. */
export async function updateAuthorizer(
  ctx: ApiGatewayContext,
  apiId: string,
  authorizerId: string,
  ops: readonly PatchOperation[],
): Promise<AuthorizerRecord> {
  return mutate(ctx, apiId, async () => {
    const current = await ctx.store.getAuthorizer(apiId, authorizerId);
    if (!current) throw notFound("Invalid Authorizer identifier specified");
    const next = applyPatch(current, ops, AUTHORIZER_FIELDS);
    checkOneOf(next.authorizerType, ["TOKEN", "REQUEST", "COGNITO_USER_POOLS"], "authorizer type");
    if (next.authorizerType !== "COGNITO_USER_POOLS" && !(next.authorizerUri && parseLambdaUri(next.authorizerUri))) {
      throw badRequest("Invalid Authorizer URI specified. A Lambda function invocation URI is required.");
    }
    const ttl = next.resultTtlSeconds ?? 0;
    if (ttl < 0 || ttl > 3600) throw badRequest("Authorizer result TTL must be between 0 and 3600 seconds");
    if ((await ctx.store.putAuthorizer(next)) === "missing-parent")
      throw notFound("Invalid Authorizer identifier specified");
    return next;
  });
}

const DEPLOYMENT_FIELDS: PatchField<DeploymentRecord>[] = [
  stringField("/description", "description", ["replace", "remove"]),
];

/** UpdateDeployment (its description: what it serves is frozen). */
export async function updateDeployment(
  ctx: ApiGatewayContext,
  apiId: string,
  deploymentId: string,
  ops: readonly PatchOperation[],
): Promise<DeploymentRecord> {
  return mutate(ctx, apiId, async () => {
    const current = await ctx.store.getDeployment(apiId, deploymentId);
    if (!current) throw deploymentNotFound();
    const next = applyPatch(current, ops, DEPLOYMENT_FIELDS);
    if (!(await ctx.store.updateDeployment(next))) throw deploymentNotFound();
    return next;
  });
}
