/**
 * API Gateway v1 gateway responses: PutGatewayResponse, GetGatewayResponse(s), UpdateGatewayResponse
 * and DeleteGatewayResponse. They are kept on the API's record and frozen into each deployment, so
 * they take effect when the API is deployed, as on AWS. Types not set answer with their defaults.
 */
import type { ApiRecord, GatewayResponseRecord } from "../../ports/api-store.js";
import { type ApiGatewayContext, badRequest, mutateApi, notFound, requireApi } from "./context.js";
import { applyPatch, mapEntryField, type PatchField, stringField } from "./patch.js";
import type { PatchOperation } from "./types.js";

/** Every response type with its default status (undefined: the status of the error it stands for). */
export const GATEWAY_RESPONSE_TYPES: Readonly<Record<string, string | undefined>> = {
  ACCESS_DENIED: "403",
  API_CONFIGURATION_ERROR: "500",
  AUTHORIZER_CONFIGURATION_ERROR: "500",
  AUTHORIZER_FAILURE: "500",
  BAD_REQUEST_PARAMETERS: "400",
  BAD_REQUEST_BODY: "400",
  DEFAULT_4XX: undefined,
  DEFAULT_5XX: undefined,
  EXPIRED_TOKEN: "403",
  INTEGRATION_FAILURE: "504",
  INTEGRATION_TIMEOUT: "504",
  INVALID_API_KEY: "403",
  INVALID_SIGNATURE: "403",
  MISSING_AUTHENTICATION_TOKEN: "403",
  QUOTA_EXCEEDED: "429",
  REQUEST_TOO_LARGE: "413",
  RESOURCE_NOT_FOUND: "404",
  THROTTLED: "429",
  UNAUTHORIZED: "401",
  UNSUPPORTED_MEDIA_TYPE: "415",
  WAF_FILTERED: "403",
};

/** The template a response type has until one is set. */
export const DEFAULT_TEMPLATE = '{"message":$context.error.messageString}';

/** A gateway response as GetGatewayResponse shows it. */
export interface GatewayResponseView extends GatewayResponseRecord {
  readonly responseType: string;
  readonly defaultResponse: boolean;
}

function checkType(type: string): void {
  if (!(type in GATEWAY_RESPONSE_TYPES)) {
    throw badRequest(
      `Invalid response type specified: ${type}. Must be one of: [${Object.keys(GATEWAY_RESPONSE_TYPES).join(", ")}]`,
    );
  }
}

const HEADER_TARGET = /^gatewayresponse\.header\.[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
const SOURCE =
  /^('[^']*'|method\.request\.(header|querystring|path)\.[^\s]+|stageVariables\.[A-Za-z0-9_]+|context\.[A-Za-z0-9_.]+)$/;

function checkResponse(r: GatewayResponseRecord): void {
  if (r.statusCode !== undefined && !/^[1-5]\d\d$/.test(r.statusCode))
    throw badRequest("Invalid status code specified");
  for (const [target, source] of Object.entries(r.responseParameters)) {
    if (!HEADER_TARGET.test(target) || !SOURCE.test(source)) {
      throw badRequest(
        `Invalid mapping expression specified: Validation Result: warnings : [], errors : [Invalid mapping expression specified: ${HEADER_TARGET.test(target) ? source : target}]`,
      );
    }
  }
}

function view(type: string, r: GatewayResponseRecord | undefined): GatewayResponseView {
  if (r) return { responseType: type, defaultResponse: false, ...r };
  const statusCode = GATEWAY_RESPONSE_TYPES[type];
  return {
    responseType: type,
    defaultResponse: true,
    ...(statusCode ? { statusCode } : {}),
    responseParameters: {},
    responseTemplates: { "application/json": DEFAULT_TEMPLATE },
  };
}

async function save(ctx: ApiGatewayContext, api: ApiRecord, responses: Record<string, GatewayResponseRecord>) {
  if (!(await ctx.store.updateApi({ ...api, gatewayResponses: responses }))) {
    throw notFound(`Invalid API identifier specified ${ctx.accountId}:${api.apiId}`);
  }
}

/** Sets a gateway response (replacing the one of that type). */
export async function putGatewayResponse(
  ctx: ApiGatewayContext,
  key: { readonly apiId: string; readonly responseType: string },
  input: Partial<GatewayResponseRecord>,
): Promise<GatewayResponseView> {
  checkType(key.responseType);
  const record: GatewayResponseRecord = {
    responseParameters: input.responseParameters ?? {},
    responseTemplates: input.responseTemplates ?? {},
    ...(input.statusCode !== undefined ? { statusCode: input.statusCode } : {}),
  };
  checkResponse(record);
  return mutateApi(ctx, key.apiId, "REST", async (api) => {
    await save(ctx, api, { ...api.gatewayResponses, [key.responseType]: record });
    return view(key.responseType, record);
  });
}

/** One gateway response, set or default. */
export async function getGatewayResponse(
  ctx: ApiGatewayContext,
  apiId: string,
  responseType: string,
): Promise<GatewayResponseView> {
  checkType(responseType);
  const api = await requireApi(ctx, apiId, "REST");
  return view(responseType, api.gatewayResponses?.[responseType]);
}

/** Every response type, set or default. */
export async function getGatewayResponses(ctx: ApiGatewayContext, apiId: string): Promise<GatewayResponseView[]> {
  const api = await requireApi(ctx, apiId, "REST");
  return Object.keys(GATEWAY_RESPONSE_TYPES).map((t) => view(t, api.gatewayResponses?.[t]));
}

/** Returns a response type to its default. */
export async function deleteGatewayResponse(ctx: ApiGatewayContext, apiId: string, responseType: string) {
  checkType(responseType);
  await mutateApi(ctx, apiId, "REST", async (api) => {
    if (!api.gatewayResponses?.[responseType]) throw notFound("Invalid Gateway Response identifier specified");
    const rest = { ...api.gatewayResponses };
    delete rest[responseType];
    await save(ctx, api, rest);
  });
}

const FIELDS: PatchField<GatewayResponseRecord>[] = [
  stringField("/statusCode", "statusCode", ["replace", "remove"]),
  mapEntryField("/responseParameters/{key}", "responseParameters"),
  mapEntryField("/responseTemplates/{key}", "responseTemplates"),
];

/** UpdateGatewayResponse: patches the set response (or the default, which it then sets). */
export async function updateGatewayResponse(
  ctx: ApiGatewayContext,
  key: { readonly apiId: string; readonly responseType: string },
  ops: readonly PatchOperation[],
): Promise<GatewayResponseView> {
  checkType(key.responseType);
  return mutateApi(ctx, key.apiId, "REST", async (api) => {
    const current = api.gatewayResponses?.[key.responseType] ?? { responseParameters: {}, responseTemplates: {} };
    const next = applyPatch(current, ops, FIELDS);
    checkResponse(next);
    await save(ctx, api, { ...api.gatewayResponses, [key.responseType]: next });
    return view(key.responseType, next);
  });
}
