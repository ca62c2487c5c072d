import type { ApiService } from "../../control/index.js";
import { ResourceFailure } from "./handler.js";

/**
 * An OpenAPI body (`Body` of AWS::ApiGateway::RestApi / AWS::ApiGatewayV2::Api, as SAM writes it)
 * imported through the API Gateway service: each path's methods with their
 * `x-amazon-apigateway-integration`. What the import does not carry out is refused, never dropped.
 */

type Obj = Record<string, unknown>;
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "x-amazon-apigateway-any-method"];

interface Operation {
  readonly path: string;
  readonly method: string;
  readonly integration: Obj;
}

function operations(body: Obj, logicalId: string): Operation[] {
  const paths = (body.paths ?? {}) as Record<string, Obj>;
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(paths)) {
    for (const [key, op] of Object.entries(item)) {
      if (key === "parameters") continue;
      if (!METHODS.includes(key.toLowerCase())) {
        throw new ResourceFailure(`Invalid OpenAPI body of ${logicalId}: '${key}' is not a method of path ${path}`);
      }
      const o = op as Obj;
      if (o.security !== undefined && !(Array.isArray(o.security) && o.security.length === 0)) {
        throw new ResourceFailure(
          `haneul does not import authorizers from an OpenAPI body yet (${logicalId}: ${key.toUpperCase()} ${path})`,
        );
      }
      const integration = o["x-amazon-apigateway-integration"];
      if (typeof integration !== "object" || integration === null) {
        throw new ResourceFailure(
          `haneul imports only methods with an x-amazon-apigateway-integration (${logicalId}: ${key.toUpperCase()} ${path})`,
        );
      }
      const method = key === "x-amazon-apigateway-any-method" ? "ANY" : key.toUpperCase();
      out.push({ path, method, integration: integration as Obj });
    }
  }
  if (body.security !== undefined && !(Array.isArray(body.security) && body.security.length === 0)) {
    throw new ResourceFailure(`haneul does not import authorizers from an OpenAPI body yet (${logicalId})`);
  }
  return out;
}

/** The resources, methods and integrations of `body` on the REST API `apiId` (root resource `rootId`). */
export async function importRestBody(apis: ApiService, target: { apiId: string; logicalId: string }, body: Obj) {
  const ops = operations(body, target.logicalId);
  const existing = (await apis.rest.getResources(target.apiId)).map((r) => ({ ...r.resource, methods: r.methods }));
  const ids = new Map(existing.map((r) => [r.path, r.resourceId]));
  for (const r of [...existing].sort((a, b) => b.path.length - a.path.length)) {
    if (r.path === "/") {
      for (const m of r.methods) await apis.rest.deleteMethod(target.apiId, r.resourceId, m.httpMethod);
    } else if (ids.has(r.path)) {
      await apis.rest.deleteResource(target.apiId, r.resourceId);
      for (const p of [...ids.keys()]) if (p === r.path || p.startsWith(`${r.path}/`)) ids.delete(p);
    }
  }
  for (const op of ops) {
    const resourceId = await resourceFor(apis, target.apiId, op.path, ids);
    const key = { apiId: target.apiId, resourceId, httpMethod: op.method };
    await apis.rest.putMethod(key, { authorizationType: "NONE" });
    const i = op.integration;
    await apis.rest.putIntegration(key, {
      type: (typeof i.type === "string" ? i.type : "").toUpperCase(),
      httpMethod: typeof i.httpMethod === "string" ? i.httpMethod : undefined,
      uri: typeof i.uri === "string" ? i.uri : undefined,
      passthroughBehavior: typeof i.passthroughBehavior === "string" ? i.passthroughBehavior.toUpperCase() : undefined,
      requestTemplates: i.requestTemplates as Record<string, string> | undefined,
      timeoutInMillis: typeof i.timeoutInMillis === "number" ? i.timeoutInMillis : undefined,
    });
  }
}

async function resourceFor(apis: ApiService, apiId: string, path: string, ids: Map<string, string>): Promise<string> {
  const known = ids.get(path);
  if (known) return known;
  const cut = path.lastIndexOf("/");
  const parentPath = cut <= 0 ? "/" : path.slice(0, cut);
  const parentId = await resourceFor(apis, apiId, parentPath, ids);
  const created = await apis.rest.createResource(apiId, parentId, path.slice(cut + 1));
  ids.set(path, created.resource.resourceId);
  return created.resource.resourceId;
}

/** The routes and integrations of `body` on the HTTP API `apiId` (previous ones replaced). */
export async function importHttpBody(apis: ApiService, target: { apiId: string; logicalId: string }, body: Obj) {
  const ops = operations(body, target.logicalId);
  for (const r of await apis.http.getRoutes(target.apiId)) await apis.http.deleteRoute(target.apiId, r.routeId);
  for (const i of await apis.http.getIntegrations(target.apiId)) {
    await apis.http.deleteIntegration(target.apiId, i.integrationId);
  }
  for (const op of ops) {
    const i = op.integration;
    const integration = await apis.http.createIntegration(target.apiId, {
      integrationType: (typeof i.type === "string" ? i.type : "").toUpperCase(),
      integrationUri: typeof i.uri === "string" ? i.uri : undefined,
      integrationMethod: typeof i.httpMethod === "string" ? i.httpMethod : undefined,
      payloadFormatVersion: typeof i.payloadFormatVersion === "string" ? i.payloadFormatVersion : "2.0",
      timeoutInMillis: typeof i.timeoutInMillis === "number" ? i.timeoutInMillis : undefined,
    });
    const routeKey = op.path === "$default" || op.path === "/$default" ? "$default" : `${op.method} ${op.path}`;
    await apis.http.createRoute(target.apiId, { routeKey, target: `integrations/${integration.integrationId}` });
  }
}

/** `x-amazon-apigateway-cors` of an HTTP API body, as CreateApi's corsConfiguration. */
export function httpCors(body: Obj): Record<string, unknown> | undefined {
  const c = body["x-amazon-apigateway-cors"];
  return typeof c === "object" && c !== null ? (c as Record<string, unknown>) : undefined;
}
