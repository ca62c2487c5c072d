/**
 * What an OpenAPI document asks of a REST API, as API Gateway's import reads it: the API's own
 * settings, its authorizers, and per path and verb the method, its integration and responses.
 * Problems are collected as API Gateway words them, each naming where in the document it is.
 */
import type { IntegrationResponseInput, MethodResponseInput } from "../rest-responses.js";
import type { PutIntegrationInput } from "../types.js";
import { type Obj, type OpenApiDocument, asObj, asStr } from "./document.js";
import { HTTP_ONLY, unsupportedExtensions } from "./extensions.js";
import { integrationResilience, RESILIENCE_EXTENSION } from "./resilience.js";
import { requestModelsOf, type ValidationPlan, validationPlan, validatorOf } from "./models-plan.js";
import {
  type MethodSecurity,
  type PlannedAuthorizer,
  methodSecurity,
  plannedAuthorizers,
  securitySchemes,
} from "./security.js";

/** One method of the document. */
export interface PlannedMethod {
  readonly path: string;
  readonly httpMethod: string;
  readonly operationName?: string | undefined;
  readonly security: MethodSecurity;
  readonly requestParameters?: Record<string, boolean> | undefined;
  readonly requestValidatorName?: string | undefined;
  readonly requestModels?: Record<string, string> | undefined;
  readonly integration?: PutIntegrationInput | undefined;
  readonly methodResponses: Readonly<Record<string, MethodResponseInput>>;
  readonly integrationResponses: Readonly<Record<string, IntegrationResponseInput>>;
}

/** Everything the document asks for. */
export interface RestImportPlan {
  readonly name?: string | undefined;
  readonly description?: string | undefined;
  readonly version?: string | undefined;
  readonly binaryMediaTypes?: string[] | undefined;
  readonly apiKeySource?: string | undefined;
  readonly endpointTypes?: string[] | undefined;
  readonly disableExecuteApiEndpoint?: boolean | undefined;
  readonly authorizers: readonly PlannedAuthorizer[];
  readonly paths: readonly string[];
  readonly methods: readonly PlannedMethod[];
  readonly gatewayResponses: Readonly<Record<string, Obj>>;
  readonly validation: ValidationPlan;
  readonly errors: readonly string[];
  readonly warnings: readonly string[];
}

/** The `parameters` of ImportRestApi / PutRestApi that shape the import. */
export interface ImportParameters {
  /** ignore (default), prepend or split. */
  readonly basepath?: string | undefined;
  /** `documentation` skips x-amazon-apigateway-documentation. */
  readonly ignore?: string | undefined;
  readonly endpointConfigurationTypes?: string | undefined;
}

const VERBS: Readonly<Record<string, string>> = {
  get: "GET",
  put: "PUT",
  post: "POST",
  delete: "DELETE",
  options: "OPTIONS",
  head: "HEAD",
  patch: "PATCH",
  "x-amazon-apigateway-any-method": "ANY",
};
const PATH_ITEM_FIELDS = new Set(["parameters", "summary", "description", "servers", "$ref"]);

/** The plan of `document` under `parameters`. */
export function planRestImport(document: OpenApiDocument, parameters: ImportParameters): RestImportPlan {
  const { doc, version } = document;
  const errors: string[] = [];
  const warnings = [...document.parseIssues];
  const ignored = new Set(parameters.ignore === "documentation" ? ["x-amazon-apigateway-documentation"] : []);
  errors.push(...unsupportedExtensions(doc, { ignored, otherProtocol: HTTP_ONLY }));
  const basePath = importedBasePath(doc, version, parameters.basepath, errors);
  const schemes = securitySchemes(doc, version);
  const validation = validationPlan(document.raw, version, errors);
  const methods: PlannedMethod[] = [];
  const paths = new Set<string>();
  for (const [rawPath, item] of Object.entries(asObj(doc.paths) ?? {})) {
    const path = joinPath(basePath, rawPath);
    if (!rawPath.startsWith("/")) {
      errors.push(`Invalid path '${rawPath}': a path must begin with '/'`);
      continue;
    }
    paths.add(path);
    for (const [key, op] of Object.entries(asObj(item) ?? {})) {
      if (PATH_ITEM_FIELDS.has(key) || (key.startsWith("x-") && !(key in VERBS))) continue;
      const verb = VERBS[key.toLowerCase()];
      if (!verb) {
        warnings.push(`Unsupported method '${key}' at path '${rawPath}' was not imported`);
        continue;
      }
      const rawOp = asObj(asObj(asObj(document.raw.paths)?.[rawPath])?.[key]) ?? asObj(op) ?? {};
      const source = { doc, schemes, path, verb, item: asObj(item) ?? {}, op: asObj(op) ?? {} };
      const planned = planMethod({ ...source, rawOp, document, validation }, errors);
      if (planned) methods.push(planned);
    }
  }
  const authorizers = plannedAuthorizers(schemes);
  for (const a of authorizers) {
    const extra = Object.keys(a.extra);
    if (extra.length > 0)
      errors.push(`Unsupported x-amazon-apigateway-authorizer properties of '${a.name}': ${extra.join(", ")}`);
  }
  const endpoint = asObj(doc["x-amazon-apigateway-endpoint-configuration"]);
  const endpointExtra = Object.keys(endpoint ?? {}).filter((k) => k !== "types" && k !== "disableExecuteApiEndpoint");
  if (endpointExtra.length > 0) {
    errors.push(`Unsupported x-amazon-apigateway-endpoint-configuration properties: ${endpointExtra.join(", ")}`);
  }
  const info = asObj(doc.info) ?? {};
  return {
    name: asStr(info.title),
    description: asStr(info.description),
    version: asStr(info.version),
    binaryMediaTypes: strings(doc["x-amazon-apigateway-binary-media-types"]),
    apiKeySource: asStr(doc["x-amazon-apigateway-api-key-source"])?.toUpperCase(),
    endpointTypes: parameters.endpointConfigurationTypes
      ? parameters.endpointConfigurationTypes.split(",").map((t) => t.trim().toUpperCase())
      : strings(endpoint?.types)?.map((t) => t.toUpperCase()),
    disableExecuteApiEndpoint:
      typeof endpoint?.disableExecuteApiEndpoint === "boolean" ? endpoint.disableExecuteApiEndpoint : undefined,
    authorizers,
    paths: [...paths],
    methods,
    gatewayResponses: (asObj(doc["x-amazon-apigateway-gateway-responses"]) ?? {}) as Record<string, Obj>,
    validation,
    errors,
    warnings,
  };
}

function strings(v: unknown): string[] | undefined {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : undefined;
}

/** `basePath` (2.0) or the path of the first server URL (3.0), as the `basepath` parameter uses it. */
function importedBasePath(doc: Obj, version: 2 | 3, mode: string | undefined, errors: string[]): string {
  const how = mode ?? "ignore";
  if (!["ignore", "prepend", "split"].includes(how)) {
    errors.push(`Invalid basepath parameter '${how}': valid values are ignore, prepend and split`);
    return "";
  }
  if (how === "ignore") return "";
  let base = version === 2 ? (asStr(doc.basePath) ?? "") : serverPath(doc);
  base = base.replace(/\/+$/, "");
  if (how === "split") base = base.replace(/^\/[^/]*/, "");
  return base;
}

function serverPath(doc: Obj): string {
  const server = asObj(Array.isArray(doc.servers) ? doc.servers[0] : undefined);
  let url = asStr(server?.url) ?? "";
  for (const [name, variable] of Object.entries(asObj(server?.variables) ?? {})) {
    url = url.split(`{${name}}`).join(asStr(asObj(variable)?.default) ?? "");
  }
  try {
    return new URL(url, "http://placeholder").pathname;
  } catch {
    return "";
  }
}

function joinPath(base: string, path: string): string {
  if (!base) return path;
  return path === "/" ? base : `${base}${path}`;
}

interface MethodSource {
  readonly doc: Obj;
  readonly schemes: Record<string, Obj>;
  readonly path: string;
  readonly verb: string;
  readonly item: Obj;
  readonly op: Obj;
  readonly rawOp: Obj;
  readonly document: OpenApiDocument;
  readonly validation: ValidationPlan & { models: Record<string, Obj> };
}

function planMethod(s: MethodSource, errors: string[]): PlannedMethod | undefined {
  const where = `method '${s.verb} ${s.path}'`;
  const security = s.op["x-amazon-apigateway-auth"]
    ? iamAuth(s.op["x-amazon-apigateway-auth"])
    : methodSecurity(s.op.security ?? s.doc.security, s.schemes, where);
  if (typeof security === "string") {
    errors.push(security);
    return undefined;
  }
  const integration = asObj(s.op["x-amazon-apigateway-integration"]);
  const planned = integration ? planIntegration(integration, { where, doc: s.doc }, errors) : undefined;
  const modelName = `${s.verb}${s.path}Model`.replace(/[^a-zA-Z0-9]/g, "");
  const requestModels = requestModelsOf(
    { raw: s.document.raw, version: s.document.version, op: s.rawOp, modelName },
    s.validation.models,
  );
  return {
    path: s.path,
    httpMethod: s.verb,
    operationName: asStr(s.op.operationId),
    security,
    requestParameters: requestParameters(s.item, s.op),
    requestValidatorName: validatorOf(s.document.raw, s.rawOp, s.validation, where, errors),
    requestModels,
    integration: planned?.integration,
    methodResponses: withIntegrationStatuses(methodResponses(s.op), planned?.responses ?? {}),
    integrationResponses: planned?.responses ?? {},
  };
}

function iamAuth(auth: unknown): MethodSecurity | string {
  const type = asStr(asObj(auth)?.type)?.toLowerCase();
  if (type === "aws_iam") return { authorizationType: "AWS_IAM", apiKeyRequired: false };
  if (type === "none") return { authorizationType: "NONE", apiKeyRequired: false };
  return `Invalid x-amazon-apigateway-auth type '${String(type)}': valid values are AWS_IAM and NONE`;
}

const PARAMETER_LOCATIONS: Readonly<Record<string, string>> = {
  path: "path",
  query: "querystring",
  header: "header",
};

function requestParameters(item: Obj, op: Obj): Record<string, boolean> | undefined {
  const out: Record<string, boolean> = {};
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? (v as unknown[]) : []);
  const all = [...list(item.parameters), ...list(op.parameters)];
  for (const p of all.map(asObj)) {
    const location = PARAMETER_LOCATIONS[asStr(p?.in) ?? ""];
    const name = asStr(p?.name);
    if (location && name) out[`method.request.${location}.${name}`] = p?.required === true;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function methodResponses(op: Obj): Record<string, MethodResponseInput> {
  const out: Record<string, MethodResponseInput> = {};
  for (const [status, response] of Object.entries(asObj(op.responses) ?? {})) {
    if (!/^[1-5]\d\d$/.test(status)) continue;
    const headers = Object.keys(asObj(asObj(response)?.headers) ?? {});
    out[status] =
      headers.length > 0
        ? { responseParameters: Object.fromEntries(headers.map((h) => [`method.response.header.${h}`, false])) }
        : {};
  }
  return out;
}

/** A status an integration response answers with is a method response even where `responses` omits it. */
function withIntegrationStatuses(
  declared: Record<string, MethodResponseInput>,
  integrationResponses: Record<string, IntegrationResponseInput>,
): Record<string, MethodResponseInput> {
  const out = { ...declared };
  for (const [status, r] of Object.entries(integrationResponses)) {
    const params = { ...out[status]?.responseParameters };
    for (const header of Object.keys(r.responseParameters ?? {})) params[header] ??= false;
    out[status] = Object.keys(params).length > 0 ? { ...out[status], responseParameters: params } : { ...out[status] };
  }
  return out;
}

const INTEGRATION_FIELDS = new Set([
  "type",
  "httpMethod",
  "uri",
  "credentials",
  "requestParameters",
  "requestTemplates",
  "passthroughBehavior",
  "contentHandling",
  "timeoutInMillis",
  "cacheNamespace",
  "cacheKeyParameters",
  "connectionType",
  "responses",
  "payloadFormatVersion",
  RESILIENCE_EXTENSION,
]);

function planIntegration(
  i: Obj,
  at: { readonly where: string; readonly doc: Obj },
  errors: string[],
): { integration: PutIntegrationInput; responses: Record<string, IntegrationResponseInput> } | undefined {
  const { where } = at;
  const unknown = Object.keys(i).filter((k) => !INTEGRATION_FIELDS.has(k));
  if (unknown.length > 0) {
    errors.push(`Unsupported x-amazon-apigateway-integration properties for ${where}: ${unknown.join(", ")}`);
    return undefined;
  }
  if (i.payloadFormatVersion !== undefined && i.payloadFormatVersion !== "1.0") {
    errors.push(`REST API integrations take payloadFormatVersion 1.0 only (${where})`);
    return undefined;
  }
  const type = (asStr(i.type) ?? "").toUpperCase();
  const resilience = integrationResilience(i, { doc: at.doc, type, where });
  if (resilience && "error" in resilience) {
    errors.push(resilience.error);
    return undefined;
  }
  const responses: Record<string, IntegrationResponseInput> = {};
  for (const [pattern, r] of Object.entries(asObj(i.responses) ?? {})) {
    const response = asObj(r) ?? {};
    const statusCode =
      asStr(response.statusCode) ?? (typeof response.statusCode === "number" ? String(response.statusCode) : undefined);
    if (!statusCode) {
      errors.push(`Integration response '${pattern}' of ${where} has no statusCode`);
      continue;
    }
    responses[statusCode] = {
      ...(pattern === "default" ? {} : { selectionPattern: pattern }),
      responseParameters: asObj(response.responseParameters) as Record<string, string> | undefined,
      responseTemplates: asObj(response.responseTemplates) as Record<string, string> | undefined,
      contentHandling: asStr(response.contentHandling),
    };
  }
  return {
    integration: {
      type,
      httpMethod: asStr(i.httpMethod)?.toUpperCase(),
      uri: asStr(i.uri),
      credentials: asStr(i.credentials),
      requestParameters: asObj(i.requestParameters) as Record<string, string> | undefined,
      requestTemplates: asObj(i.requestTemplates) as Record<string, string> | undefined,
      passthroughBehavior: asStr(i.passthroughBehavior)?.toUpperCase(),
      contentHandling: asStr(i.contentHandling),
      timeoutInMillis: typeof i.timeoutInMillis === "number" ? i.timeoutInMillis : undefined,
      cacheNamespace: asStr(i.cacheNamespace),
      cacheKeyParameters: strings(i.cacheKeyParameters),
      connectionType: asStr(i.connectionType)?.toUpperCase(),
      resilience,
    },
    responses,
  };
}
