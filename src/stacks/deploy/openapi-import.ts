import type { ApiService } from "../../control/index.js";
import { PlatformError } from "../../shared/errors.js";
import { ResourceFailure } from "./handler.js";

/**
 * An OpenAPI body (`Body` of AWS::ApiGateway::RestApi / AWS::ApiGatewayV2::Api, as SAM writes it)
 * imported through the API Gateway service's own import, as CloudFormation does it: PutRestApi in
 * `overwrite` mode, ReimportApi for HTTP APIs. What the import does not carry out is refused there.
 */

type Obj = Record<string, unknown>;

async function failing<T>(logicalId: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof PlatformError) throw new ResourceFailure(`Invalid OpenAPI body of ${logicalId}: ${e.message}`);
    throw e;
  }
}

/** The resources, methods, integrations and authorizers of `body` on the REST API `apiId`. */
export async function importRestBody(apis: ApiService, target: { apiId: string; logicalId: string }, body: Obj) {
  const document = Buffer.from(JSON.stringify(withDefaults(body)), "utf8");
  await failing(target.logicalId, () => apis.rest.putRestApi(target.apiId, document, { mode: "overwrite" }));
}

/** The routes, integrations and authorizers of `body` on the HTTP API `apiId` (previous ones replaced). */
export async function importHttpBody(apis: ApiService, target: { apiId: string; logicalId: string }, body: Obj) {
  const document = JSON.stringify(withDefaults(body));
  await failing(target.logicalId, () => apis.http.reimportApi(target.apiId, document, {}));
}

/** A body without `info` or a version (templates may hold only `paths`) read as OpenAPI 3.0. */
function withDefaults(body: Obj): Obj {
  const versioned = body.swagger !== undefined || body.openapi !== undefined ? body : { openapi: "3.0.1", ...body };
  return versioned.info !== undefined ? versioned : { ...versioned, info: { title: "imported", version: "1.0" } };
}

/** `x-amazon-apigateway-cors` of an HTTP API body, as CreateApi's corsConfiguration. */
export function httpCors(body: Obj): Record<string, unknown> | undefined {
  const c = body["x-amazon-apigateway-cors"];
  return typeof c === "object" && c !== null ? (c as Record<string, unknown>) : undefined;
}
