/**
 * Gateway responses with the AWS CLI v2 and SDK v3: the defaults listed, an UNAUTHORIZED response
 * with CORS headers (as SAM's `GatewayResponses` make it) applied to a 401 once deployed, a
 * DEFAULT_4XX applied to the missing-route 403, update and delete.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { APIGatewayClient, GetGatewayResponsesCommand } from "@aws-sdk/client-api-gateway";
import {
  apigateway,
  awsCli,
  gatewayCall,
  REGION,
  rootOf,
  startApigwStack,
  type ApigwStack,
} from "../helpers/apigw-stack.js";

const HANDLERS = `exports.auth = async (event) => ({
  principalId: "u",
  policyDocument: { Version: "2012-10-17", Statement: [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: event.methodArn }] },
});`;

const p = (...parts: string[]) => parts;

describe("API Gateway gateway responses (AWS CLI v2 and SDK v3)", () => {
  let s: ApigwStack;
  let apiId: string;

  before(async () => {
    s = await startApigwStack(HANDLERS, ["auth"]);
    apiId = (await apigateway<{ id: string }>(s, "create-rest-api", "--name", "responses")).id;
  });

  after(async () => s?.close());

  it("lists the defaults, applies UNAUTHORIZED and DEFAULT_4XX once deployed, updates and deletes", async () => {
    const sdk = new APIGatewayClient({
      region: REGION,
      endpoint: s.apiUrl,
      credentials: s.credentials,
      maxAttempts: 1,
    });
    try {
      const all = await sdk.send(new GetGatewayResponsesCommand({ restApiId: apiId }));
      const unauthorized = all.items?.find((g) => g.responseType === "UNAUTHORIZED");
      assert.deepEqual(unauthorized, {
        responseType: "UNAUTHORIZED",
        statusCode: "401",
        responseParameters: {},
        responseTemplates: { "application/json": '{"message":$context.error.messageString}' },
        defaultResponse: true,
      });
    } finally {
      sdk.destroy();
    }

    const rootId = await rootOf(s, apiId);
    const uri = `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/${s.functionArn("auth")}/invocations`;
    const authorizer = await apigateway<{ id: string }>(
      s,
      ...p("create-authorizer", "--rest-api-id", apiId, "--name", "tok", "--type", "TOKEN", "--authorizer-uri", uri),
    );
    const k = p("--rest-api-id", apiId, "--resource-id", rootId, "--http-method", "GET");
    await apigateway(s, "put-method", ...k, "--authorization-type", "CUSTOM", "--authorizer-id", authorizer.id);
    await apigateway(
      s,
      "put-integration",
      ...k,
      "--type",
      "MOCK",
      "--request-templates",
      '{"application/json":"{\\"statusCode\\": 200}"}',
    );
    await apigateway(s, "put-method-response", ...k, "--status-code", "200");
    await apigateway(
      s,
      "put-integration-response",
      ...k,
      "--status-code",
      "200",
      "--response-templates",
      '{"application/json":"ok"}',
    );

    const cors = {
      "gatewayresponse.header.Access-Control-Allow-Origin": "'*'",
      "gatewayresponse.header.Access-Control-Allow-Headers": "'Authorization'",
    };
    const put = await apigateway<{ responseType: string; defaultResponse: boolean }>(
      s,
      ...p("put-gateway-response", "--rest-api-id", apiId, "--response-type", "UNAUTHORIZED"),
      ...p("--response-parameters", JSON.stringify(cors)),
      ...p(
        "--response-templates",
        JSON.stringify({ "application/json": '{"error": $context.error.messageString, "id": "$context.requestId"}' }),
      ),
    );
    assert.deepEqual([put.responseType, put.defaultResponse], ["UNAUTHORIZED", false]);
    await apigateway(
      s,
      ...p("put-gateway-response", "--rest-api-id", apiId, "--response-type", "DEFAULT_4XX", "--status-code", "404"),
      ...p("--response-parameters", '{"gatewayresponse.header.X-Why":"method.request.header.X-Client"}'),
    );

    const before = await gatewayCall(s.gatewayPort, apiId, { path: "/prod" });
    assert.notEqual(before.status, 200, "not deployed yet");
    await apigateway(s, "create-deployment", "--rest-api-id", apiId, "--stage-name", "prod");

    const denied = await gatewayCall(s.gatewayPort, apiId, { path: "/prod" });
    assert.equal(denied.status, 401);
    assert.equal(denied.headers["access-control-allow-origin"], "*");
    assert.equal(denied.headers["access-control-allow-headers"], "Authorization");
    const body = JSON.parse(denied.body) as { error: string; id: string };
    assert.equal(body.error, "Unauthorized");
    assert.equal(body.id, denied.headers["x-amzn-requestid"]);
    const allowed = await gatewayCall(s.gatewayPort, apiId, { path: "/prod", headers: { authorization: "token" } });
    assert.equal(allowed.status, 200, allowed.body);
    assert.equal(allowed.body, "ok");

    const missing = await gatewayCall(s.gatewayPort, apiId, {
      path: "/prod/nothing/here",
      headers: { "x-client": "me" },
    });
    assert.equal(missing.status, 404, "DEFAULT_4XX's status");
    assert.equal(missing.headers["x-why"], "me");
    assert.equal(missing.body, '{"message":"Missing Authentication Token"}');

    const updated = await apigateway<{ statusCode: string }>(
      s,
      ...p("update-gateway-response", "--rest-api-id", apiId, "--response-type", "DEFAULT_4XX"),
      ...p("--patch-operations", "op=replace,path=/statusCode,value=400"),
    );
    assert.equal(updated.statusCode, "400");
    await apigateway(s, "delete-gateway-response", "--rest-api-id", apiId, "--response-type", "DEFAULT_4XX");
    const got = await apigateway<{ defaultResponse: boolean }>(
      s,
      ...p("get-gateway-response", "--rest-api-id", apiId, "--response-type", "DEFAULT_4XX"),
    );
    assert.equal(got.defaultResponse, true);
    const bad = await awsCli(s, [
      ...p("apigateway", "put-gateway-response", "--rest-api-id", apiId, "--response-type", "UNAUTHORIZED"),
      ...p("--response-parameters", '{"gatewayresponse.header.X":"nonsense"}'),
    ]);
    assert.match(bad.stderr, /BadRequestException.*Invalid mapping expression specified.*nonsense/);
  });
});
