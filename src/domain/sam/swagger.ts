import { invalidEvent, invalidResource } from "./errors.js";
import { ref } from "./intrinsics.js";
import { intrinsicName, isObject } from "../template/values.js";
import type { TemplateObject, TemplateValue } from "../template/values.js";

/**
 * Editing an OpenAPI 2.0 (swagger) body the way SAM's SwaggerEditor does: Lambda proxy
 * integrations, method security, authorizer definitions, CORS preflight methods and binary media types.
 */

export const ANY_METHOD = "x-amazon-apigateway-any-method";
const INTEGRATION = "x-amazon-apigateway-integration";
const ALL_METHODS = ["OPTIONS", "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"];

/** The body SAM starts from for an API whose routes come from function events. */
export function swaggerSkeleton(): TemplateObject {
  return { swagger: "2.0", info: { version: "1.0", title: ref("AWS::StackName") }, paths: {} };
}

/** `any` → `x-amazon-apigateway-any-method`, other methods in lower case. */
export function normalizeMethod(method: string): string {
  const m = method.toLowerCase();
  return m === "any" ? ANY_METHOD : m;
}

/** The paths of a body. */
export function pathsOf(body: TemplateObject): TemplateObject {
  if (!isObject(body.paths)) body.paths = {};
  return body.paths;
}

/** The operation objects of a path item, looking inside `Fn::If` branches. */
export function operations(pathItem: TemplateValue | undefined): [string, TemplateObject][] {
  const out: [string, TemplateObject][] = [];
  for (const item of conditionalContents(pathItem)) {
    for (const [name, op] of Object.entries(item)) {
      for (const content of conditionalContents(op)) out.push([name, content]);
    }
  }
  return out;
}

/** The objects a value stands for: itself, or both branches of a Fn::If (NoValue left out). */
export function conditionalContents(value: TemplateValue | undefined): TemplateObject[] {
  if (intrinsicName(value) === "Fn::If") {
    const branches = ((value as TemplateObject)["Fn::If"] as TemplateValue[]).slice(1);
    return branches.filter((b): b is TemplateObject => isObject(b) && intrinsicName(b) !== "Ref");
  }
  return isObject(value) ? [value] : [];
}

/** Adds the aws_proxy integration of a function to path+method (wrapped in Fn::If when the function has a Condition). */
export function addLambdaIntegration(
  body: TemplateObject,
  route: {
    path: string;
    method: string;
    uri: TemplateValue;
    condition?: string | undefined;
    eventId: string;
    payload?: "1.0" | "2.0";
    credentials?: TemplateValue | undefined;
  },
): TemplateObject {
  const paths = pathsOf(body);
  const method = normalizeMethod(route.method);
  const item = (isObject(paths[route.path]) ? paths[route.path] : {}) as TemplateObject;
  if (item[method] !== undefined && hasIntegration(item[method])) {
    throw invalidEvent(
      route.eventId,
      route.payload === "2.0"
        ? `API method '${route.method.toLowerCase()}' defined multiple times for path '${route.path}'.`
        : `API method "${route.method.toLowerCase()}" defined multiple times for path "${route.path}".`,
    );
  }
  const integration: TemplateObject = { type: "aws_proxy", httpMethod: "POST" };
  if (route.payload === "2.0") integration.payloadFormatVersion = "2.0";
  if (route.credentials !== undefined) integration.credentials = route.credentials;
  integration.uri = route.condition ? { "Fn::If": [route.condition, route.uri, ref("AWS::NoValue")] } : route.uri;
  const operation: TemplateObject = { ...(isObject(item[method]) ? item[method] : {}), [INTEGRATION]: integration };
  if (operation.responses === undefined) operation.responses = {};
  item[method] = route.condition ? { "Fn::If": [route.condition, operation, ref("AWS::NoValue")] } : operation;
  paths[route.path] = item;
  return operation;
}

function hasIntegration(operation: TemplateValue | undefined): boolean {
  return conditionalContents(operation).some((o) => o[INTEGRATION] !== undefined);
}

/** The operation of path+method, if the body has one. */
export function operation(body: TemplateObject, path: string, method: string): TemplateObject | undefined {
  const item = pathsOf(body)[path];
  return conditionalContents(isObject(item) ? item[normalizeMethod(method)] : undefined)[0];
}

/** SAM's CORS settings of an API (`Cors: "'origin'"` or a map). */
export interface CorsSettings {
  readonly AllowOrigin: TemplateValue;
  readonly AllowHeaders?: TemplateValue;
  readonly AllowMethods?: TemplateValue;
  readonly MaxAge?: TemplateValue;
  readonly AllowCredentials?: TemplateValue;
}

/** Reads the Cors property; unknown keys are SAM's error. */
export function corsSettings(apiId: string, cors: TemplateValue): CorsSettings {
  if (typeof cors === "string" || intrinsicName(cors)) return { AllowOrigin: cors };
  if (!isObject(cors)) throw invalidResource(apiId, "Invalid value for 'Cors' property");
  for (const key of Object.keys(cors)) {
    if (!["AllowMethods", "AllowHeaders", "AllowOrigin", "MaxAge", "AllowCredentials"].includes(key)) {
      throw invalidResource(apiId, `Invalid key '${key}' for 'Cors' property.`);
    }
  }
  const settings = { ...cors, AllowOrigin: cors.AllowOrigin ?? "'*'" } as CorsSettings;
  if (settings.AllowCredentials === true && settings.AllowOrigin === "'*'") {
    throw invalidResource(
      apiId,
      "Unable to add Cors configuration because 'AllowCredentials' can not be true when 'AllowOrigin' is \"'*'\" or not set",
    );
  }
  return settings;
}

/** Adds SAM's mock OPTIONS method to every path that has none. */
export function addCors(body: TemplateObject, cors: CorsSettings): void {
  const seen = new Set<string>();
  for (const [path, rawItem] of Object.entries(pathsOf(body))) {
    const normalized = path !== "/" ? path.replace(/\/+$/, "") : path;
    if (seen.has(normalized)) continue;
    seen.add(normalized);
    for (const item of conditionalContents(rawItem)) {
      if ("options" in item) continue;
      const methods = cors.AllowMethods ?? `'${allowedMethods(item)}'`;
      item.options = optionsMethod(cors, methods);
    }
  }
}

function allowedMethods(item: TemplateObject): string {
  const names = Object.keys(item);
  const list = names.includes(ANY_METHOD) ? ALL_METHODS : [...names, "options"];
  return [...new Set(list.map((m) => m.toUpperCase()))].sort().join(",");
}

function optionsMethod(cors: CorsSettings, methods: TemplateValue): TemplateObject {
  const header = (name: string) => `method.response.header.${name}`;
  const parameters: TemplateObject = { [header("Access-Control-Allow-Origin")]: cors.AllowOrigin };
  const headers: TemplateObject = { "Access-Control-Allow-Origin": { type: "string" } };
  if (cors.AllowHeaders) {
    parameters[header("Access-Control-Allow-Headers")] = cors.AllowHeaders;
    headers["Access-Control-Allow-Headers"] = { type: "string" };
  }
  parameters[header("Access-Control-Allow-Methods")] = methods;
  headers["Access-Control-Allow-Methods"] = { type: "string" };
  if (cors.MaxAge !== undefined) {
    parameters[header("Access-Control-Max-Age")] = cors.MaxAge;
    headers["Access-Control-Max-Age"] = { type: "integer" };
  }
  if (cors.AllowCredentials === true) {
    parameters[header("Access-Control-Allow-Credentials")] = "'true'";
    headers["Access-Control-Allow-Credentials"] = { type: "string" };
  }
  return {
    summary: "CORS support",
    consumes: ["application/json"],
    produces: ["application/json"],
    [INTEGRATION]: {
      type: "mock",
      requestTemplates: { "application/json": '{\n  "statusCode" : 200\n}\n' },
      responses: {
        default: {
          statusCode: "200",
          responseParameters: parameters,
          responseTemplates: { "application/json": "{}\n" },
        },
      },
    },
    responses: { "200": { description: "Default response for CORS method", headers } },
  };
}

/** `x-amazon-apigateway-binary-media-types`, with `~1` read as `/` as SAM does. */
export function addBinaryMediaTypes(body: TemplateObject, types: TemplateValue): void {
  const replace = (v: TemplateValue): TemplateValue => {
    if (typeof v === "string") return v.replace(/~1/g, "/");
    if (Array.isArray(v)) return v.map(replace);
    if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.replace(/~1/g, "/"), replace(x)]));
    return v;
  };
  body["x-amazon-apigateway-binary-media-types"] = replace(types);
}
