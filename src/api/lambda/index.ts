import type { ApiResponse, Operation } from "../types.js";
import { aliasOperations } from "./alias-operations.js";
import type { LambdaApiDeps, LambdaOperation } from "./deps.js";
import { functionOperations } from "./function-operations.js";
import { invokeOperations } from "./invoke-operations.js";
import { layerOperations } from "./layer-operations.js";
import { policyOperations } from "./policy-operations.js";
import { settingsOperations } from "./settings-operations.js";
import { streamInvokeOperation } from "./stream-invoke-operation.js";
import { urlOperations } from "./url-operations.js";
import type { FunctionUrlService } from "../../control/index.js";

export type { LambdaApiDeps } from "./deps.js";
export { logTail } from "./invoke-operations.js";

/** Every Lambda API operation haneul serves, with AWS's methods, paths and status codes. */
export function createLambdaOperations(deps: LambdaApiDeps): Operation[] {
  const all = [
    ...functionOperations(deps),
    ...aliasOperations(deps),
    ...settingsOperations(deps),
    ...policyOperations(deps),
    ...invokeOperations(deps),
    streamInvokeOperation(deps),
    ...layerOperations(deps),
  ];
  return all.map(asOperation);
}

/** Errors of synchronous handlers become rejections, as the server expects of every operation. */
function asOperation(op: LambdaOperation): Operation {
  return {
    ...op,
    service: "lambda",
    handle(req): Promise<ApiResponse> {
      return new Promise<ApiResponse>((resolve) => resolve(op.handle(req)));
    },
  };
}

/** The function URL operations (CreateFunctionUrlConfig and friends) over `urls`. */
export function createFunctionUrlOperations(deps: LambdaApiDeps, urls: FunctionUrlService): Operation[] {
  return urlOperations(deps, urls).map(asOperation);
}
