/** API Gateway v1 TestInvokeMethod and TestInvokeAuthorizer: simulated requests with their execution logs. */
import { z } from "zod";
import { PlatformError } from "../../shared/errors.js";
import type { Operation } from "../types.js";
import { stringMap } from "./schemas.js";
import { type ApiGatewayOperationsDeps, body, json, operation, param } from "./wire.js";

const testRequest = {
  pathWithQueryString: z.string().optional(),
  body: z.string().optional(),
  headers: stringMap.optional(),
  multiValueHeaders: z.record(z.string(), z.array(z.string())).optional(),
  stageVariables: stringMap.optional(),
};

const testInvokeMethod = z.object({ ...testRequest, clientCertificateId: z.string().optional() });
const testInvokeAuthorizer = z.object(testRequest);

/** The test-invoke operations, when the node runs a gateway to run them with. */
export function restTestOperations(deps: ApiGatewayOperationsDeps): Operation[] {
  const tester = deps.tester;
  if (!tester) return [];
  const r = deps.service.rest;
  return [
    operation(
      "TestInvokeMethod",
      "POST /restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}",
      async (req) => {
        const input = body(req, testInvokeMethod);
        const key = {
          apiId: param(req, "restapi_id"),
          resourceId: param(req, "resource_id"),
          httpMethod: param(req, "http_method"),
        };
        const target = await r.testInvokeTarget(key);
        // haneul keeps no client certificates: any id names one that does not exist.
        if (input.clientCertificateId !== undefined) {
          throw new PlatformError("ERR_NOT_FOUND", "Invalid Client Certificate identifier specified");
        }
        return json(200, await tester.testMethod({ ...target, httpMethod: key.httpMethod }, input));
      },
    ),
    operation("TestInvokeAuthorizer", "POST /restapis/{restapi_id}/authorizers/{authorizer_id}", async (req) => {
      const input = body(req, testInvokeAuthorizer);
      const target = await r.testAuthorizerTarget({
        apiId: param(req, "restapi_id"),
        authorizerId: param(req, "authorizer_id"),
      });
      return json(200, await tester.testAuthorizer(target, input));
    }),
  ];
}
