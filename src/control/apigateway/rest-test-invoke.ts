/**
 * What TestInvokeMethod and TestInvokeAuthorizer run: the method or authorizer as it is configured
 * now (not as a stage deployed it), compiled as the gateway would run it.
 */
import type { DeployedAuthorizer, DeployedRoute } from "../../domain/deployed-api.js";
import { compileAuthorizer, compileTestRoute } from "../api-compiler.js";
import { type ApiGatewayContext, badRequest, notFound, requireModel } from "./context.js";
import { resourceNotFound } from "./rest-apis.js";
import { methodNotFound } from "./rest-methods.js";

/** A method ready to test-invoke. */
export interface TestInvokeTarget {
  readonly apiId: string;
  /** The resource's path template (`/items/{id}`). */
  readonly resourcePath: string;
  readonly binaryMediaTypes: readonly string[];
  /** Undefined when the method has no integration the gateway can run. */
  readonly route: DeployedRoute | undefined;
}

/** The method `httpMethod` of a resource, or AWS's not-found errors. */
export async function testInvokeTarget(
  ctx: ApiGatewayContext,
  key: { readonly apiId: string; readonly resourceId: string; readonly httpMethod: string },
): Promise<TestInvokeTarget> {
  const model = await requireModel(ctx, key.apiId, "REST");
  const resource = model.resources.find((r) => r.resourceId === key.resourceId);
  if (!resource) throw resourceNotFound();
  const method = model.methods.find((m) => m.resourceId === key.resourceId && m.httpMethod === key.httpMethod);
  if (!method) throw methodNotFound();
  return {
    apiId: key.apiId,
    resourcePath: resource.path,
    binaryMediaTypes: model.api.binaryMediaTypes,
    route: compileTestRoute(model, method, resource.path),
  };
}

/** An authorizer ready to test-invoke (Lambda TOKEN and REQUEST authorizers). */
export async function testAuthorizerTarget(
  ctx: ApiGatewayContext,
  key: { readonly apiId: string; readonly authorizerId: string },
): Promise<{ readonly apiId: string; readonly authorizer: DeployedAuthorizer }> {
  const model = await requireModel(ctx, key.apiId, "REST");
  const record = model.authorizers.find((a) => a.authorizerId === key.authorizerId);
  if (!record) throw notFound("Invalid Authorizer identifier specified");
  const authorizer = compileAuthorizer(record, true);
  // Cognito user pools do not exist here: such an authorizer cannot be run, so it is not tested.
  if (!authorizer) throw badRequest(`haneul cannot run ${record.authorizerType} authorizers`);
  return { apiId: key.apiId, authorizer };
}
