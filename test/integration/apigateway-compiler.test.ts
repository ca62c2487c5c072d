/**
 * The API compiler through the ApiService on real SQLite: quick create, HTTP API auto-deploy and
 * frozen stages, REST deployment snapshot isolation, canary and its promotion, restart.
 */
import type { DeployedLambdaProxy } from "../../src/domain/deployed-api.js";
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import { SqliteApiStore } from "../../src/adapters/sqlite/api-store.js";
import type { DeployedApi, DeployedStage } from "../../src/domain/deployed-api.js";
import { ManualClock } from "../../src/shared/clock.js";
import { randomIds } from "../../src/shared/ids.js";
import { compileApi } from "../../src/control/api-compiler.js";
import { ApiService } from "../../src/control/api-service.js";
import { parseLambdaUri } from "../../src/control/apigateway/lambda-uri.js";

const FN = "arn:aws:lambda:us-east-1:000000000000:function";
const invocation = (arn: string): string =>
  `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${arn}/invocations`;

describe("parseLambdaUri", () => {
  test("function ARNs, qualified or not, in both URI forms; bare names; other URIs are not Lambda", () => {
    assert.deepEqual(parseLambdaUri(`${FN}:fn`), { functionName: "fn" });
    assert.deepEqual(parseLambdaUri(`${FN}:fn:live`), { functionName: "fn", qualifier: "live" });
    assert.deepEqual(parseLambdaUri(invocation(`${FN}:fn:7`)), { functionName: "fn", qualifier: "7" });
    assert.deepEqual(parseLambdaUri(invocation(`${FN}:fn:\${stageVariables.alias}`)), {
      functionName: "fn",
      qualifier: "${stageVariables.alias}",
    });
    assert.deepEqual(parseLambdaUri("my-fn:prod"), { functionName: "my-fn", qualifier: "prod" });
    assert.equal(parseLambdaUri("https://example.com/x"), undefined);
    assert.equal(parseLambdaUri("arn:aws:sqs:us-east-1:0:queue"), undefined);
  });
});

describe("API compiler (through ApiService on SQLite)", () => {
  let store: SqliteApiStore;
  let service: ApiService;
  let published: DeployedApi[][];
  const clock = new ManualClock(1_700_000_000_000);

  beforeEach(async () => {
    store = SqliteApiStore.open({ path: ":memory:" });
    published = [];
    service = new ApiService({
      store,
      clock,
      ids: randomIds,
      region: "us-east-1",
      accountId: "000000000000",
      publish: (apis) => published.push(apis),
    });
    await service.start();
  });
  afterEach(() => store.close());

  const lastApi = (apiId: string): DeployedApi => {
    const api = published.at(-1)?.find((a) => a.apiId === apiId);
    assert.ok(api, `API ${apiId} was not published`);
    return api;
  };
  const stageOf = (apiId: string, stageName: string): DeployedStage => {
    const stage = lastApi(apiId).stages.find((s) => s.stageName === stageName);
    assert.ok(stage, `stage ${stageName} was not published`);
    return stage;
  };

  test("quick create: an HTTP API with a target serves $default on an auto-deployed $default stage", async () => {
    const cors = { allowOrigins: ["https://a.example"], allowMethods: ["GET"], maxAge: 60 };
    const api = await service.http.createApi({
      name: "quick",
      protocolType: "HTTP",
      target: `${FN}:fn:live`,
      corsConfiguration: cors,
    });
    assert.match(api.apiId, /^[a-z0-9]{10}$/);
    const deployed = lastApi(api.apiId);
    assert.equal(deployed.protocol, "HTTP");
    assert.deepEqual(deployed.cors, { ...cors, allowHeaders: [], exposeHeaders: [], allowCredentials: false });
    const stage = stageOf(api.apiId, "$default");
    assert.equal(stage.canary, undefined);
    assert.equal(stage.deployment.routes.length, 1);
    const route = stage.deployment.routes[0];
    assert.equal(route?.routeKey, "$default");
    assert.deepEqual(route?.integration, {
      functionName: "fn",
      qualifier: "live",
      payloadFormatVersion: "2.0",
      timeoutMs: 30_000,
    });
    // AWS makes an automatic deployment and points the stage at it.
    const stored = await service.http.getStage(api.apiId, "$default");
    assert.equal(stage.deployment.deploymentId, stored.deploymentId);
    assert.match(stored.lastDeploymentStatusMessage ?? "", /Successfully deployed stage with deployment ID/);

    const withKey = await service.http.createApi({
      name: "k",
      protocolType: "HTTP",
      target: `${FN}:fn`,
      routeKey: "GET /items/{id}",
    });
    assert.equal(stageOf(withKey.apiId, "$default").deployment.routes[0]?.routeKey, "GET /items/{id}");
  });

  test("HTTP API routes: live on auto-deploy stages, frozen on others; JWT resolved; AWS_IAM fails closed", async () => {
    const api = await service.http.createApi({ name: "h", protocolType: "HTTP" });
    const integration = await service.http.createIntegration(api.apiId, {
      integrationType: "AWS_PROXY",
      integrationUri: invocation(`${FN}:fn`),
      payloadFormatVersion: "1.0",
      timeoutInMillis: 5000,
    });
    const jwt = await service.http.createAuthorizer(api.apiId, {
      name: "jwt",
      authorizerType: "JWT",
      identitySource: ["$request.header.Authorization"],
      jwtConfiguration: { issuer: "https://issuer.example", audience: ["aud"] },
    });
    const target = `integrations/${integration.integrationId}`;
    await service.http.createRoute(api.apiId, {
      routeKey: "GET /a",
      target,
      authorizationType: "JWT",
      authorizerId: jwt.authorizerId,
      authorizationScopes: ["read"],
    });
    await service.http.createRoute(api.apiId, { routeKey: "GET /iam", target, authorizationType: "AWS_IAM" });
    await service.http.createStage(api.apiId, { stageName: "live", autoDeploy: true });
    await service.http.createStage(api.apiId, { stageName: "fixed" });
    const deployment = await service.http.createDeployment(api.apiId, { stageName: "fixed" });

    const live = stageOf(api.apiId, "live").deployment.routes;
    assert.deepEqual(
      live.map((r) => r.routeKey),
      ["GET /a"],
    );
    assert.deepEqual(live[0]?.authorizer, {
      type: "JWT",
      authorizerId: jwt.authorizerId,
      name: "jwt",
      identitySource: ["$request.header.Authorization"],
      issuer: "https://issuer.example",
      audience: ["aud"],
    });
    assert.deepEqual(live[0]?.authorizationScopes, ["read"]);
    assert.equal((live[0]?.integration as DeployedLambdaProxy | undefined)?.payloadFormatVersion, "1.0");
    assert.equal(live[0]?.integration.timeoutMs, 5000);

    await service.http.createRoute(api.apiId, { routeKey: "POST /b", target });
    assert.deepEqual(
      stageOf(api.apiId, "live")
        .deployment.routes.map((r) => r.routeKey)
        .sort(),
      ["GET /a", "POST /b"],
    );
    const fixed = stageOf(api.apiId, "fixed");
    assert.equal(fixed.deployment.deploymentId, deployment.deploymentId);
    assert.deepEqual(
      fixed.deployment.routes.map((r) => r.routeKey),
      ["GET /a"],
    );
  });

  test("REST: a stage serves its deployment's snapshot; resource changes show only after a redeploy", async () => {
    const api = await service.rest.createRestApi({ name: "r" });
    const root = api.rootResourceId ?? "";
    const { resource: proxy } = await service.rest.createResource(api.apiId, root, "{proxy+}");
    const key = { apiId: api.apiId, resourceId: proxy.resourceId, httpMethod: "ANY" };
    await service.rest.putMethod(key, { authorizationType: "NONE" });
    await service.rest.putIntegration(key, { type: "AWS_PROXY", httpMethod: "POST", uri: invocation(`${FN}:fn:v1`) });
    assert.deepEqual(lastApi(api.apiId).stages, [], "nothing is served before a deployment");

    const first = await service.rest.createDeployment(api.apiId, { stageName: "prod", variables: { v: "1" } });
    let prod = stageOf(api.apiId, "prod");
    assert.equal(prod.deployment.deploymentId, first.deploymentId);
    assert.deepEqual(prod.variables, { v: "1" });
    assert.deepEqual(prod.deployment.routes, [
      {
        routeKey: "ANY /{proxy+}",
        integration: { functionName: "fn", qualifier: "v1", payloadFormatVersion: "1.0", timeoutMs: 29_000 },
        resourceId: proxy.resourceId,
      },
    ]);

    // Change the live model: a new resource and a new integration target.
    const { resource: pets } = await service.rest.createResource(api.apiId, root, "pets");
    const petsKey = { apiId: api.apiId, resourceId: pets.resourceId, httpMethod: "GET" };
    await service.rest.putMethod(petsKey, { authorizationType: "NONE" });
    await service.rest.putIntegration(petsKey, { type: "AWS_PROXY", httpMethod: "POST", uri: `${FN}:pets` });
    await service.rest.putIntegration(key, { type: "AWS_PROXY", httpMethod: "POST", uri: invocation(`${FN}:fn:v2`) });
    prod = stageOf(api.apiId, "prod");
    assert.equal(prod.deployment.deploymentId, first.deploymentId);
    assert.deepEqual(
      prod.deployment.routes.map((r) => [r.routeKey, r.integration.qualifier]),
      [["ANY /{proxy+}", "v1"]],
    );

    const second = await service.rest.createDeployment(api.apiId, { stageName: "prod" });
    prod = stageOf(api.apiId, "prod");
    assert.equal(prod.deployment.deploymentId, second.deploymentId);
    assert.deepEqual(prod.deployment.routes.map((r) => [r.routeKey, r.integration.qualifier]).sort(), [
      ["ANY /{proxy+}", "v2"],
      ["GET /pets", undefined],
    ]);
  });

  test("REST canary: a canary deployment serves a share with overridden variables, then is promoted", async () => {
    const api = await service.rest.createRestApi({ name: "c" });
    const key = { apiId: api.apiId, resourceId: api.rootResourceId ?? "", httpMethod: "GET" };
    await service.rest.putMethod(key, { authorizationType: "NONE" });
    await service.rest.putIntegration(key, { type: "AWS_PROXY", httpMethod: "POST", uri: `${FN}:fn:blue` });
    const blue = await service.rest.createDeployment(api.apiId, {
      stageName: "prod",
      variables: { color: "blue", keep: "k" },
    });
    await service.rest.putIntegration(key, { type: "AWS_PROXY", httpMethod: "POST", uri: `${FN}:fn:green` });
    const green = await service.rest.createDeployment(api.apiId, {
      stageName: "prod",
      canarySettings: { percentTraffic: 10, stageVariableOverrides: { color: "green" } },
    });

    let prod = stageOf(api.apiId, "prod");
    assert.equal(prod.deployment.deploymentId, blue.deploymentId);
    assert.equal(prod.deployment.routes[0]?.integration.qualifier, "blue");
    assert.equal(prod.canary?.percentTraffic, 10);
    assert.equal(prod.canary?.deployment.deploymentId, green.deploymentId);
    assert.equal(prod.canary?.deployment.routes[0]?.integration.qualifier, "green");
    assert.deepEqual(prod.canary?.variables, { color: "green", keep: "k" });
    assert.deepEqual(prod.variables, { color: "blue", keep: "k" });

    await service.rest.updateStage(api.apiId, "prod", [
      { op: "replace", path: "/canarySettings/percentTraffic", value: "50" },
    ]);
    assert.equal(stageOf(api.apiId, "prod").canary?.percentTraffic, 50);

    // Promotion as AWS documents it.
    await service.rest.updateStage(api.apiId, "prod", [
      { op: "copy", from: "/canarySettings/stageVariableOverrides", path: "/variables" },
      { op: "copy", from: "/canarySettings/deploymentId", path: "/deploymentId" },
      { op: "remove", path: "/canarySettings" },
    ]);
    prod = stageOf(api.apiId, "prod");
    assert.equal(prod.canary, undefined);
    assert.equal(prod.deployment.deploymentId, green.deploymentId);
    assert.deepEqual(prod.variables, { color: "green", keep: "k" });
    const stored = await service.rest.getStage(api.apiId, "prod");
    assert.equal(stored.canary, undefined);
    assert.equal(stored.deploymentId, green.deploymentId);
  });

  test("a restart publishes what the store holds; deleted APIs disappear", async () => {
    const http = await service.http.createApi({ name: "a", protocolType: "HTTP", target: `${FN}:fn` });
    const rest = await service.rest.createRestApi({ name: "b" });
    const again: DeployedApi[][] = [];
    const restarted = new ApiService({
      store,
      clock,
      ids: randomIds,
      region: "us-east-1",
      accountId: "000000000000",
      publish: (apis) => again.push(apis),
    });
    await restarted.start();
    assert.deepEqual(
      again
        .at(-1)
        ?.map((a) => a.apiId)
        .sort(),
      [http.apiId, rest.apiId].sort(),
    );
    const model = await store.loadModel(http.apiId);
    assert.ok(model);
    assert.deepEqual(
      again.at(-1)?.find((a) => a.apiId === http.apiId),
      compileApi(model),
    );
    await restarted.http.deleteApi(http.apiId);
    assert.deepEqual(
      again.at(-1)?.map((a) => a.apiId),
      [rest.apiId],
    );
  });

  test("disableExecuteApiEndpoint publishes the API without stages", async () => {
    const api = await service.http.createApi({
      name: "off",
      protocolType: "HTTP",
      target: `${FN}:fn`,
      disableExecuteApiEndpoint: true,
    });
    assert.deepEqual(lastApi(api.apiId).stages, []);
    await service.http.updateApi(api.apiId, { disableExecuteApiEndpoint: false });
    assert.equal(lastApi(api.apiId).stages.length, 1);
  });
});
