/**
 * A REST API whose API keys come from its Lambda authorizer (`apiKeySource: AUTHORIZER`), with SDK
 * v3: the key the authorizer names as `usageIdentifierKey` is the one checked against the stage's
 * usage plans (and `$context.identity.apiKey` in templates); an `x-api-key` header is not looked at.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateAuthorizerCommand,
  CreateDeploymentCommand,
  CreateRestApiCommand,
  CreateUsagePlanCommand,
  CreateUsagePlanKeyCommand,
  GetResourcesCommand,
  PutIntegrationCommand,
  PutIntegrationResponseCommand,
  PutMethodCommand,
  PutMethodResponseCommand,
} from "@aws-sdk/client-api-gateway";
import { gatewayCall, REGION, startApigwStack, type ApigwStack } from "../helpers/apigw-stack.js";

// Allows every token, and names the token itself as the API key to count the request under.
const HANDLERS = `exports.auth = async (event) => ({
  principalId: "caller",
  usageIdentifierKey: event.authorizationToken,
  policyDocument: { Version: "2012-10-17", Statement: [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: event.methodArn }] },
});`;

describe("API keys from a Lambda authorizer (apiKeySource AUTHORIZER)", () => {
  let s: ApigwStack;
  let c: APIGatewayClient;
  let restApiId = "";
  let keyValue = "";
  let keyId = "";

  before(async () => {
    s = await startApigwStack(HANDLERS, ["auth"]);
    c = new APIGatewayClient({ region: REGION, endpoint: s.apiUrl, credentials: s.credentials, maxAttempts: 1 });
    const api = await c.send(new CreateRestApiCommand({ name: "authorizer-keys", apiKeySource: "AUTHORIZER" }));
    assert.equal(api.apiKeySource, "AUTHORIZER");
    restApiId = api.id ?? "";
    const resourceId = (await c.send(new GetResourcesCommand({ restApiId }))).items?.[0]?.id ?? "";
    const uri = `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/${s.functionArn("auth")}/invocations`;
    const authorizer = await c.send(
      new CreateAuthorizerCommand({
        restApiId,
        name: "tokens",
        type: "TOKEN",
        authorizerUri: uri,
        identitySource: "method.request.header.Authorization",
        authorizerResultTtlInSeconds: 0,
      }),
    );
    const k = { restApiId, resourceId, httpMethod: "GET" };
    await c.send(
      new PutMethodCommand({ ...k, authorizationType: "CUSTOM", authorizerId: authorizer.id, apiKeyRequired: true }),
    );
    await c.send(
      new PutIntegrationCommand({
        ...k,
        type: "MOCK",
        requestTemplates: { "application/json": '{"statusCode": 200}' },
      }),
    );
    await c.send(new PutMethodResponseCommand({ ...k, statusCode: "200" }));
    await c.send(
      new PutIntegrationResponseCommand({
        ...k,
        statusCode: "200",
        responseTemplates: {
          "application/json": '{"key": "$context.identity.apiKey", "id": "$context.identity.apiKeyId"}',
        },
      }),
    );
    await c.send(new CreateDeploymentCommand({ restApiId, stageName: "prod" }));
    const key = await c.send(new CreateApiKeyCommand({ name: "from-authorizer", enabled: true }));
    keyValue = key.value ?? "";
    keyId = key.id ?? "";
    const plan = await c.send(
      new CreateUsagePlanCommand({ name: "p", apiStages: [{ apiId: restApiId, stage: "prod" }] }),
    );
    await c.send(new CreateUsagePlanKeyCommand({ usagePlanId: plan.id, keyId: key.id, keyType: "API_KEY" }));
  });

  after(async () => {
    c?.destroy();
    await s?.close();
  });

  const call = (headers: Record<string, string>) => gatewayCall(s.gatewayPort, restApiId, { path: "/prod/", headers });

  it("the authorizer's usageIdentifierKey, a key of a plan on the stage, lets the call through", async () => {
    const r = await call({ authorization: keyValue });
    assert.equal(r.status, 200, r.body);
    assert.deepEqual(JSON.parse(r.body), { key: keyValue, id: keyId }, "$context.identity.apiKey and apiKeyId");
  });

  it("a usageIdentifierKey that is no key answers 403, and an x-api-key header does not count", async () => {
    const unknown = await call({ authorization: "not-a-key" });
    assert.equal(unknown.status, 403);
    assert.equal(unknown.body, '{"message":"Forbidden"}');
    const header = await call({ authorization: "not-a-key", "x-api-key": keyValue });
    assert.equal(header.status, 403, "the header is not where this API's keys come from");
  });
});
