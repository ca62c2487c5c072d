/**
 * The new REST operations through SDK v3 (@aws-sdk/client-api-gateway): method and integration
 * responses, DeleteIntegration, the Update* commands not driven by SDK elsewhere, gateway responses;
 * and a MOCK method served once deployed.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  APIGatewayClient,
  CreateDeploymentCommand,
  CreateResourceCommand,
  CreateRestApiCommand,
  DeleteGatewayResponseCommand,
  DeleteIntegrationCommand,
  DeleteIntegrationResponseCommand,
  DeleteMethodResponseCommand,
  GetGatewayResponseCommand,
  GetIntegrationCommand,
  GetIntegrationResponseCommand,
  GetMethodResponseCommand,
  GetResourcesCommand,
  NotFoundException,
  PutGatewayResponseCommand,
  PutIntegrationCommand,
  PutIntegrationResponseCommand,
  PutMethodCommand,
  PutMethodResponseCommand,
  UpdateDeploymentCommand,
  UpdateGatewayResponseCommand,
  UpdateIntegrationResponseCommand,
  UpdateMethodCommand,
  UpdateMethodResponseCommand,
  UpdateResourceCommand,
  BadRequestException,
} from "@aws-sdk/client-api-gateway";
import { gatewayCall, REGION, startApigwStack, type ApigwStack } from "../helpers/apigw-stack.js";

describe("API Gateway REST operations with SDK v3", () => {
  let s: ApigwStack;
  let c: APIGatewayClient;

  before(async () => {
    s = await startApigwStack("exports.x = async () => ({});", ["x"]);
    c = new APIGatewayClient({ region: REGION, endpoint: s.apiUrl, credentials: s.credentials, maxAttempts: 1 });
  });

  after(async () => {
    c?.destroy();
    await s?.close();
  });

  it("method and integration responses, updates, DeleteIntegration and gateway responses", async () => {
    const restApiId = (await c.send(new CreateRestApiCommand({ name: "sdk" }))).id ?? "";
    const root = (await c.send(new GetResourcesCommand({ restApiId }))).items?.[0]?.id ?? "";
    const resourceId = (await c.send(new CreateResourceCommand({ restApiId, parentId: root, pathPart: "m" }))).id ?? "";
    const k = { restApiId, resourceId, httpMethod: "GET" };
    await c.send(new PutMethodCommand({ ...k, authorizationType: "NONE" }));
    await c.send(
      new PutIntegrationCommand({
        ...k,
        type: "MOCK",
        requestTemplates: { "application/json": '{"statusCode": 201}' },
      }),
    );
    const mr = await c.send(
      new PutMethodResponseCommand({
        ...k,
        statusCode: "201",
        responseParameters: { "method.response.header.X-A": true },
      }),
    );
    assert.deepEqual(mr.responseParameters, { "method.response.header.X-A": true });
    await c.send(
      new PutIntegrationResponseCommand({
        ...k,
        statusCode: "201",
        responseParameters: { "method.response.header.X-A": "'a'" },
        responseTemplates: { "application/json": '{"made": true}' },
      }),
    );
    assert.equal((await c.send(new GetMethodResponseCommand({ ...k, statusCode: "201" }))).statusCode, "201");
    const ir = await c.send(new GetIntegrationResponseCommand({ ...k, statusCode: "201" }));
    assert.equal(ir.responseTemplates?.["application/json"], '{"made": true}');
    await c.send(
      new UpdateIntegrationResponseCommand({
        ...k,
        statusCode: "201",
        patchOperations: [{ op: "replace", path: "/selectionPattern", value: "2\\d\\d" }],
      }),
    );
    await c.send(
      new UpdateMethodResponseCommand({
        ...k,
        statusCode: "201",
        patchOperations: [{ op: "add", path: "/responseModels/application~1json", value: "Empty" }],
      }),
    );
    const method = await c.send(
      new UpdateMethodCommand({ ...k, patchOperations: [{ op: "replace", path: "/operationName", value: "Make" }] }),
    );
    assert.equal(method.operationName, "Make");
    const moved = await c.send(
      new UpdateResourceCommand({
        restApiId,
        resourceId,
        patchOperations: [{ op: "replace", path: "/pathPart", value: "made" }],
      }),
    );
    assert.equal(moved.path, "/made");
    await c.send(
      new PutGatewayResponseCommand({
        restApiId,
        responseType: "MISSING_AUTHENTICATION_TOKEN",
        statusCode: "404",
        responseTemplates: { "application/json": '{"gone": $context.error.messageString}' },
      }),
    );
    const g = await c.send(
      new UpdateGatewayResponseCommand({
        restApiId,
        responseType: "MISSING_AUTHENTICATION_TOKEN",
        patchOperations: [{ op: "add", path: "/responseParameters/gatewayresponse.header.X-G", value: "'g'" }],
      }),
    );
    assert.equal(g.responseParameters?.["gatewayresponse.header.X-G"], "'g'");
    const d = await c.send(new CreateDeploymentCommand({ restApiId, stageName: "prod" }));
    await c.send(
      new UpdateDeploymentCommand({
        restApiId,
        deploymentId: d.id,
        patchOperations: [{ op: "replace", path: "/description", value: "sdk" }],
      }),
    );

    const ok = await gatewayCall(s.gatewayPort, restApiId, { path: "/prod/made" });
    assert.deepEqual([ok.status, ok.body, ok.headers["x-a"]], [201, '{"made": true}', "a"]);
    const missing = await gatewayCall(s.gatewayPort, restApiId, { path: "/prod/nope" });
    assert.deepEqual(
      [missing.status, missing.body, missing.headers["x-g"]],
      [404, '{"gone": "Missing Authentication Token"}', "g"],
    );

    await c.send(new DeleteGatewayResponseCommand({ restApiId, responseType: "MISSING_AUTHENTICATION_TOKEN" }));
    const back = await c.send(
      new GetGatewayResponseCommand({ restApiId, responseType: "MISSING_AUTHENTICATION_TOKEN" }),
    );
    assert.equal(back.defaultResponse, true);
    await c.send(new DeleteIntegrationResponseCommand({ ...k, statusCode: "201" }));
    await c.send(new DeleteMethodResponseCommand({ ...k, statusCode: "201" }));
    await assert.rejects(c.send(new GetMethodResponseCommand({ ...k, statusCode: "201" })), NotFoundException);
    await c.send(new DeleteIntegrationCommand(k));
    await assert.rejects(c.send(new GetIntegrationCommand(k)), NotFoundException);
    await assert.rejects(
      c.send(new UpdateMethodCommand({ ...k, patchOperations: [{ op: "replace", path: "/bogus", value: "x" }] })),
      (e: unknown) => e instanceof BadRequestException && /Invalid patch path  '\/bogus'/.test(e.message),
    );
  });
});
