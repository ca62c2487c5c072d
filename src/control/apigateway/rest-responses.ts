/**
 * API Gateway v1 method responses and integration responses (PutMethodResponse,
 * PutIntegrationResponse and their Get/Delete), and DeleteIntegration. Both are kept inside the
 * method's record, keyed by status code, as GetMethod embeds them.
 */
import type { IntegrationResponseRecord, MethodRecord, MethodResponseRecord } from "../../ports/api-store.js";
import { type ApiGatewayContext, badRequest, mutate, notFound, optional, without } from "./context.js";
import { getMethod } from "./rest-methods.js";
import { resourceNotFound } from "./rest-apis.js";

/** Identifies a method. */
export interface MethodKey {
  readonly apiId: string;
  readonly resourceId: string;
  readonly httpMethod: string;
}

/** PutMethodResponse's input. */
export interface MethodResponseInput {
  responseParameters?: Record<string, boolean> | undefined;
  responseModels?: Record<string, string> | undefined;
}

/** PutIntegrationResponse's input. */
export interface IntegrationResponseInput {
  selectionPattern?: string | undefined;
  responseParameters?: Record<string, string> | undefined;
  responseTemplates?: Record<string, string> | undefined;
  contentHandling?: string | undefined;
}

const STATUS_CODE = /^[1-5]\d\d$/;

function checkStatusCode(statusCode: string): void {
  if (!STATUS_CODE.test(statusCode)) throw badRequest("Invalid status code specified");
}

/** AWS's answer for a status code the method (or integration) has no response for. */
export function responseNotFound() {
  return notFound("Invalid Response status code specified");
}

function noIntegration() {
  return notFound("No integration defined for method");
}

const RESPONSE_SOURCE = /^('[^']*'|integration\.response\.(header\.[^\s]+|body(\.[^\s]+)?))$/;
const RESPONSE_HEADER = /^method\.response\.header\.[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

async function writeMethod(ctx: ApiGatewayContext, method: MethodRecord): Promise<void> {
  if ((await ctx.store.putMethod(method)) === "missing-parent") throw resourceNotFound();
}

/** Adds or replaces a method response. */
export async function putMethodResponse(
  ctx: ApiGatewayContext,
  key: MethodKey & { readonly statusCode: string },
  input: MethodResponseInput,
): Promise<MethodResponseRecord> {
  checkStatusCode(key.statusCode);
  for (const name of Object.keys(input.responseParameters ?? {})) {
    if (!RESPONSE_HEADER.test(name)) throw badRequest(`Invalid mapping expression specified: ${name}`);
  }
  return mutate(ctx, key.apiId, async () => {
    const method = await getMethod(ctx, key.apiId, key.resourceId, key.httpMethod);
    const response: MethodResponseRecord = {
      statusCode: key.statusCode,
      ...optional({ responseParameters: input.responseParameters, responseModels: input.responseModels }),
    };
    await writeMethod(ctx, { ...method, methodResponses: { ...method.methodResponses, [key.statusCode]: response } });
    return response;
  });
}

/** One method response. */
export async function getMethodResponse(
  ctx: ApiGatewayContext,
  key: MethodKey & { readonly statusCode: string },
): Promise<MethodResponseRecord> {
  const method = await getMethod(ctx, key.apiId, key.resourceId, key.httpMethod);
  const response = method.methodResponses?.[key.statusCode];
  if (!response) throw responseNotFound();
  return response;
}

/** Deletes a method response. */
export async function deleteMethodResponse(
  ctx: ApiGatewayContext,
  key: MethodKey & { readonly statusCode: string },
): Promise<void> {
  await mutate(ctx, key.apiId, async () => {
    const method = await getMethod(ctx, key.apiId, key.resourceId, key.httpMethod);
    if (!method.methodResponses?.[key.statusCode]) throw responseNotFound();
    const rest = { ...method.methodResponses };
    delete rest[key.statusCode];
    await writeMethod(ctx, { ...method, methodResponses: rest });
  });
}

/** Checks an integration response against the method's responses, as AWS does when it is put. */
export function checkIntegrationResponse(method: MethodRecord, r: IntegrationResponseRecord): void {
  checkStatusCode(r.statusCode);
  const declared = method.methodResponses?.[r.statusCode];
  if (!declared) throw responseNotFound();
  if (r.selectionPattern) {
    try {
      new RegExp(r.selectionPattern);
    } catch {
      throw badRequest(`Invalid selection pattern specified: ${r.selectionPattern}`);
    }
  }
  for (const [target, source] of Object.entries(r.responseParameters ?? {})) {
    const bad = !(target in (declared.responseParameters ?? {})) ? target : RESPONSE_SOURCE.test(source) ? "" : source;
    if (bad) {
      throw badRequest(
        `Invalid mapping expression specified: Validation Result: warnings : [], errors : [Invalid mapping expression specified: ${bad}]`,
      );
    }
  }
  if (r.contentHandling !== undefined && !["CONVERT_TO_TEXT", "CONVERT_TO_BINARY"].includes(r.contentHandling)) {
    throw badRequest(`Invalid content handling specified: ${r.contentHandling}`);
  }
}

/** Adds or replaces an integration response. */
export async function putIntegrationResponse(
  ctx: ApiGatewayContext,
  key: MethodKey & { readonly statusCode: string },
  input: IntegrationResponseInput,
): Promise<IntegrationResponseRecord> {
  return mutate(ctx, key.apiId, async () => {
    const method = await getMethod(ctx, key.apiId, key.resourceId, key.httpMethod);
    const integration = method.integration;
    if (!integration) throw noIntegration();
    const response: IntegrationResponseRecord = {
      statusCode: key.statusCode,
      ...optional({
        selectionPattern: input.selectionPattern,
        responseParameters: input.responseParameters,
        responseTemplates: input.responseTemplates,
        contentHandling: input.contentHandling,
      }),
    };
    checkIntegrationResponse(method, response);
    const integrationResponses = { ...integration.integrationResponses, [key.statusCode]: response };
    await writeMethod(ctx, { ...method, integration: { ...integration, integrationResponses } });
    return response;
  });
}

/** One integration response. */
export async function getIntegrationResponse(
  ctx: ApiGatewayContext,
  key: MethodKey & { readonly statusCode: string },
): Promise<IntegrationResponseRecord> {
  const method = await getMethod(ctx, key.apiId, key.resourceId, key.httpMethod);
  if (!method.integration) throw noIntegration();
  const response = method.integration.integrationResponses?.[key.statusCode];
  if (!response) throw responseNotFound();
  return response;
}

/** Deletes an integration response. */
export async function deleteIntegrationResponse(
  ctx: ApiGatewayContext,
  key: MethodKey & { readonly statusCode: string },
): Promise<void> {
  await mutate(ctx, key.apiId, async () => {
    const method = await getMethod(ctx, key.apiId, key.resourceId, key.httpMethod);
    const integration = method.integration;
    if (!integration) throw noIntegration();
    if (!integration.integrationResponses?.[key.statusCode]) throw responseNotFound();
    const rest = { ...integration.integrationResponses };
    delete rest[key.statusCode];
    await writeMethod(ctx, { ...method, integration: { ...integration, integrationResponses: rest } });
  });
}

/** Deletes a method's integration (with its integration responses). */
export async function deleteIntegration(ctx: ApiGatewayContext, key: MethodKey): Promise<void> {
  await mutate(ctx, key.apiId, async () => {
    const method = await getMethod(ctx, key.apiId, key.resourceId, key.httpMethod);
    if (!method.integration) throw noIntegration();
    await writeMethod(ctx, without(method, "integration"));
  });
}
