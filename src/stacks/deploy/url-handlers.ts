/**
 * AWS::Lambda::Url through the function URL operations (what SAM's FunctionUrlConfig generates
 * as `<Fn>Url`): Ref is the function's ARN (qualified for an alias), GetAtt FunctionArn and
 * FunctionUrl. A node without function URLs fails the resource.
 */
import type { FunctionUrlInput, FunctionUrlService } from "../../control/index.js";
import type { StackResourceRecord } from "../../ports/stack-store.js";
import { isPlatformError } from "../../shared/errors.js";
import { ResourceFailure, refuseUnsupported, str } from "./handler.js";
import type { Properties, ResourceHandler, ResourceResult, ResourceScope } from "./handler.js";

const SUPPORTED = ["TargetFunctionArn", "Qualifier", "AuthType", "Cors", "InvokeMode"];

function urlsOf(scope: ResourceScope): FunctionUrlService {
  const urls = scope.services.urls;
  if (!urls) throw new ResourceFailure(`function URLs are not served by this node (resource ${scope.logicalId})`);
  return urls;
}

function input(props: Properties): FunctionUrlInput {
  return {
    AuthType: str(props, "AuthType"),
    InvokeMode: str(props, "InvokeMode"),
    Cors: props.Cors as FunctionUrlInput["Cors"],
  };
}

function result(view: Record<string, unknown>, target: { fn: string; qualifier?: string | undefined }): ResourceResult {
  const arn = String(view["FunctionArn"]);
  return {
    physicalId: arn,
    attributes: { FunctionArn: arn, FunctionUrl: view["FunctionUrl"], Target: target.fn, Qualifier: target.qualifier },
  };
}

function targetOf(props: Properties): { fn: string; qualifier?: string | undefined } {
  return { fn: str(props, "TargetFunctionArn") ?? "", qualifier: str(props, "Qualifier") };
}

const url: ResourceHandler = {
  async create(props, scope) {
    refuseUnsupported(props, scope, SUPPORTED);
    const target = targetOf(props);
    return result(await urlsOf(scope).create(target.fn, target.qualifier, input(props)), target);
  },
  async update(props, previous, scope) {
    refuseUnsupported(props, scope, SUPPORTED);
    const target = targetOf(props);
    const before = previous.attributes;
    if (before.Target !== target.fn || before.Qualifier !== target.qualifier) {
      // A new target is a new URL (CloudFormation replaces the resource).
      await url.delete(previous, scope);
      return url.create(props, scope);
    }
    const given = input(props);
    // Properties left out of the template go back to their defaults, as CloudFormation updates them.
    const view = await urlsOf(scope).update(target.fn, target.qualifier, {
      AuthType: given.AuthType,
      InvokeMode: given.InvokeMode ?? "BUFFERED",
      Cors: given.Cors ?? {},
    });
    return result(view, target);
  },
  async delete(record: StackResourceRecord, scope) {
    const a = record.attributes;
    const qualifier = typeof a.Qualifier === "string" ? a.Qualifier : undefined;
    await urlsOf(scope)
      .delete(String(a.Target), qualifier)
      .catch((e: unknown) => {
        // Already gone with its function or alias.
        if (!isPlatformError(e) || e.code !== "ERR_RESOURCE_NOT_FOUND") throw e;
      });
  },
};

/** The function URL handler by type. */
export const URL_HANDLERS: Readonly<Record<string, ResourceHandler>> = { "AWS::Lambda::Url": url };
