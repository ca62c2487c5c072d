/**
 * The API Gateway management API (rest-json, SigV4 service `apigateway`): v2 HTTP APIs under
 * `/v2/apis…` and v1 REST APIs under `/restapis…`, in the shapes of botocore's apigatewayv2 and
 * apigateway models. Errors are PlatformErrors: NotFoundException 404, BadRequestException 400,
 * ConflictException 409, sent with `x-amzn-ErrorType` and a lower-case `message`.
 */
import type { Operation } from "../types.js";
import { restModelOperations } from "./v1-model-operations.js";
import { restApiOperations } from "./v1-operations.js";
import { restStageOperations } from "./v1-stage-operations.js";
import { restTestOperations } from "./v1-test-operations.js";
import { restUpdateOperations } from "./v1-update-operations.js";
import { httpApiOperations } from "./v2-operations.js";
import { httpStageOperations } from "./v2-stage-operations.js";
import type { ApiGatewayOperationsDeps } from "./wire.js";

export type { ApiGatewayOperationsDeps } from "./wire.js";
export { restUsageOperations as createUsagePlanOperations } from "./v1-usage-operations.js";

/** Every API Gateway operation, for the API server's operation table. */
export function createApiGatewayOperations(deps: ApiGatewayOperationsDeps): Operation[] {
  return [
    ...httpApiOperations(deps),
    ...httpStageOperations(deps),
    ...restApiOperations(deps),
    ...restStageOperations(deps),
    ...restUpdateOperations(deps),
    ...restModelOperations(deps),
    ...restTestOperations(deps),
  ];
}
