import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import type {
  ApiRecord,
  ApiStore,
  DeploymentRecord,
  MethodRecord,
  ResourceRecord,
  RouteRecord,
  StageRecord,
} from "./api-store.js";

/** An API record; fields overridable. Optional fields are absent, never `undefined` (stores drop them). */
export function sampleApi(apiId: string, over: Partial<ApiRecord> = {}): ApiRecord {
  return {
    apiId,
    protocol: "HTTP",
    name: `api-${apiId}`,
    createdAt: 1_700_000_000_000,
    binaryMediaTypes: [],
    disableExecuteApiEndpoint: false,
    tags: {},
    ...over,
  };
}

/** A REST API record with its root resource. */
export function sampleRestApi(apiId: string, rootId = `${apiId}-root`): { api: ApiRecord; root: ResourceRecord } {
  return {
    api: sampleApi(apiId, { protocol: "REST", rootResourceId: rootId, binaryMediaTypes: ["image/png"] }),
    root: { apiId, resourceId: rootId, path: "/" },
  };
}

/** An HTTP API route; fields overridable. */
export function sampleRoute(
  apiId: string,
  routeId: string,
  routeKey: string,
  over: Partial<RouteRecord> = {},
): RouteRecord {
  return { apiId, routeId, routeKey, authorizationType: "NONE", apiKeyRequired: false, ...over };
}

/** A stage; fields overridable. */
export function sampleStage(apiId: string, stageName: string, over: Partial<StageRecord> = {}): StageRecord {
  return {
    apiId,
    stageName,
    autoDeploy: false,
    variables: {},
    tracingEnabled: false,
    tags: {},
    createdAt: 1,
    lastUpdatedAt: 1,
    ...over,
  };
}

/** A deployment with one frozen route. */
export function sampleDeployment(apiId: string, deploymentId: string, createdAt: number): DeploymentRecord {
  const integration = {
    functionName: "fn",
    qualifier: "live",
    payloadFormatVersion: "1.0" as const,
    timeoutMs: 29_000,
  };
  return { apiId, deploymentId, createdAt, autoDeployed: false, routes: [{ routeKey: "GET /", integration }] };
}

function child(apiId: string, resourceId: string, parentId: string, path: string): ResourceRecord {
  return { apiId, resourceId, parentId, pathPart: path.slice(path.lastIndexOf("/") + 1), path };
}

function method(apiId: string, resourceId: string, httpMethod: string): MethodRecord {
  return { apiId, resourceId, httpMethod, authorizationType: "NONE", apiKeyRequired: false };
}

/**
 * Registers the ApiStore contract as node:test tests. Every adapter runs it; `makeStore` returns a
 * fresh, empty store per test (closed by the suite afterwards).
 */
export function runApiStoreContract(name: string, makeStore: () => Promise<ApiStore>): void {
  void describe(`ApiStore contract: ${name}`, () => {
    let current: ApiStore | undefined;
    beforeEach(async () => {
      current = await makeStore();
    });
    afterEach(async () => {
      await current?.close();
      current = undefined;
    });
    const store = (): ApiStore => {
      if (!current) throw new Error("store not open");
      return current;
    };
    registerApiContract(store);
    registerHttpContract(store);
    registerRestContract(store);
  });
}

function registerApiContract(store: () => ApiStore): void {
  void test("apis: insert, get, list by protocol in creation order, update, duplicate refused", async () => {
    const s = store();
    const cors = { allowOrigins: ["*"], allowMethods: ["GET"], maxAge: 10, allowCredentials: false };
    assert.equal(await s.insertApi(sampleApi("bbbbbbbbbb", { createdAt: 2, cors, tags: { t: "1" } })), true);
    const rest = sampleRestApi("aaaaaaaaaa");
    assert.equal(await s.insertApi({ ...rest.api, createdAt: 3 }, rest.root), true);
    assert.equal(await s.insertApi(sampleApi("bbbbbbbbbb")), false);
    assert.deepEqual(await s.getApi("bbbbbbbbbb"), sampleApi("bbbbbbbbbb", { createdAt: 2, cors, tags: { t: "1" } }));
    assert.equal(await s.getApi("nope"), undefined);
    assert.deepEqual(
      (await s.listApis()).map((a) => a.apiId),
      ["bbbbbbbbbb", "aaaaaaaaaa"],
    );
    assert.deepEqual(
      (await s.listApis("REST")).map((a) => a.apiId),
      ["aaaaaaaaaa"],
    );
    assert.deepEqual(await s.listResources("aaaaaaaaaa"), [rest.root]);
    assert.equal(await s.updateApi(sampleApi("bbbbbbbbbb", { name: "renamed" })), true);
    assert.equal((await s.getApi("bbbbbbbbbb"))?.name, "renamed");
    assert.equal(await s.updateApi(sampleApi("zzzzzzzzzz")), false);
  });

  void test("apis: delete removes everything the API holds", async () => {
    const s = store();
    const { api, root } = sampleRestApi("restapi001");
    await s.insertApi(api, root);
    await s.insertResource(child("restapi001", "r1", root.resourceId, "/pets"));
    await s.putMethod(method("restapi001", "r1", "GET"));
    await s.insertStage(sampleStage("restapi001", "prod"));
    await s.insertDeployment(sampleDeployment("restapi001", "d1", 5));
    await s.putAuthorizer({
      apiId: "restapi001",
      authorizerId: "a1",
      name: "a",
      authorizerType: "TOKEN",
      identitySource: [],
    });
    assert.equal(await s.deleteApi("restapi001"), true);
    assert.equal(await s.deleteApi("restapi001"), false);
    assert.equal(await s.loadModel("restapi001"), undefined);
    assert.deepEqual(await s.listResources("restapi001"), []);
    assert.deepEqual(await s.listMethods("restapi001"), []);
    assert.deepEqual(await s.listStages("restapi001"), []);
    assert.deepEqual(await s.listDeployments("restapi001"), []);
    assert.deepEqual(await s.listAuthorizers("restapi001"), []);
  });

  void test("children of a missing API are refused with missing-parent", async () => {
    const s = store();
    assert.equal(await s.insertRoute(sampleRoute("ghost", "r1", "GET /")), "missing-parent");
    assert.equal(await s.insertStage(sampleStage("ghost", "prod")), "missing-parent");
    assert.equal(await s.insertDeployment(sampleDeployment("ghost", "d1", 1)), "missing-parent");
    const integration = {
      apiId: "ghost",
      integrationId: "i1",
      integrationType: "AWS_PROXY",
      timeoutInMillis: 1,
      connectionType: "INTERNET",
    };
    assert.equal(await s.putIntegration(integration), "missing-parent");
    assert.equal(await s.putMethod(method("ghost", "r1", "GET")), "missing-parent");
  });
}

function registerHttpContract(store: () => ApiStore): void {
  void test("routes: route keys are unique per API, on insert and on update", async () => {
    const s = store();
    await s.insertApi(sampleApi("httpapi001"));
    await s.insertApi(sampleApi("httpapi002"));
    assert.equal(
      await s.insertRoute(sampleRoute("httpapi001", "r1", "GET /items", { target: "integrations/i1" })),
      "ok",
    );
    assert.equal(await s.insertRoute(sampleRoute("httpapi001", "r2", "$default")), "ok");
    assert.equal(await s.insertRoute(sampleRoute("httpapi001", "r3", "GET /items")), "conflict");
    assert.equal(await s.insertRoute(sampleRoute("httpapi001", "r1", "POST /x")), "conflict");
    assert.equal(await s.insertRoute(sampleRoute("httpapi002", "r1", "GET /items")), "ok");
    assert.equal(await s.updateRoute(sampleRoute("httpapi001", "r2", "GET /items")), "conflict");
    assert.equal(
      await s.updateRoute(sampleRoute("httpapi001", "r2", "ANY /{proxy+}", { authorizationType: "JWT" })),
      "ok",
    );
    assert.equal(await s.updateRoute(sampleRoute("httpapi001", "r9", "GET /new")), "missing-parent");
    assert.deepEqual(
      (await s.listRoutes("httpapi001")).map((r) => [r.routeId, r.routeKey]),
      [
        ["r2", "ANY /{proxy+}"],
        ["r1", "GET /items"],
      ],
    );
    assert.equal((await s.getRoute("httpapi001", "r2"))?.authorizationType, "JWT");
    assert.equal(await s.deleteRoute("httpapi001", "r2"), true);
    assert.equal(await s.deleteRoute("httpapi001", "r2"), false);
    assert.equal(await s.getRoute("httpapi001", "r2"), undefined);
  });

  void test("integrations and authorizers: put replaces, get, list, delete", async () => {
    const s = store();
    await s.insertApi(sampleApi("httpapi001"));
    const i1 = {
      apiId: "httpapi001",
      integrationId: "i1",
      integrationType: "AWS_PROXY",
      integrationUri: "arn:aws:lambda:us-east-1:000000000000:function:fn",
      payloadFormatVersion: "2.0",
      timeoutInMillis: 30_000,
      connectionType: "INTERNET",
    };
    assert.equal(await s.putIntegration(i1), "ok");
    assert.equal(await s.putIntegration({ ...i1, timeoutInMillis: 5000 }), "ok");
    assert.deepEqual(await s.getIntegration("httpapi001", "i1"), { ...i1, timeoutInMillis: 5000 });
    // Parameter mapping round-trips with the integration (both maps, nested by status code).
    const mapped = {
      ...i1,
      requestParameters: { "append:header.x": "$context.requestId", "overwrite:path": "/p" },
      responseParameters: { "404": { "overwrite:statuscode": "410" } },
    };
    assert.equal(await s.putIntegration(mapped), "ok");
    assert.deepEqual(await s.getIntegration("httpapi001", "i1"), mapped);
    assert.equal((await s.listIntegrations("httpapi001")).length, 1);
    assert.equal(await s.deleteIntegration("httpapi001", "i1"), true);
    assert.equal(await s.getIntegration("httpapi001", "i1"), undefined);

    const jwt = {
      apiId: "httpapi001",
      authorizerId: "au1",
      name: "jwt",
      authorizerType: "JWT",
      identitySource: ["$request.header.Authorization"],
      jwtConfiguration: { issuer: "https://issuer", audience: ["aud"] },
    };
    assert.equal(await s.putAuthorizer(jwt), "ok");
    assert.deepEqual(await s.listAuthorizers("httpapi001"), [jwt]);
    assert.deepEqual(await s.getAuthorizer("httpapi001", "au1"), jwt);
    assert.equal(await s.deleteAuthorizer("httpapi001", "au1"), true);
    assert.equal(await s.getAuthorizer("httpapi001", "au1"), undefined);
  });

  void test("stages: names are unique per API; update replaces; canary, throttling and access log settings round-trip", async () => {
    const s = store();
    await s.insertApi(sampleApi("httpapi001"));
    assert.equal(await s.insertStage(sampleStage("httpapi001", "$default", { autoDeploy: true })), "ok");
    assert.equal(await s.insertStage(sampleStage("httpapi001", "$default")), "conflict");
    const canary = { percentTraffic: 10, deploymentId: "d2", stageVariableOverrides: { v: "c" }, useStageCache: false };
    const updated = sampleStage("httpapi001", "$default", {
      deploymentId: "d1",
      canary,
      variables: { v: "1" },
      accessLogSettings: {
        destinationArn: "arn:aws:logs:us-east-1:000000000000:log-group:/a",
        format: "$context.requestId",
      },
      lastUpdatedAt: 9,
    });
    assert.equal(await s.updateStage(updated), true);
    assert.deepEqual(await s.getStage("httpapi001", "$default"), updated);
    assert.equal(await s.updateStage(sampleStage("httpapi001", "nope")), false);
    const throttled = sampleStage("httpapi001", "$default", {
      methodSettings: { "*/*": { rateLimit: 0.5, burstLimit: 2 }, "~1items/GET": { burstLimit: 1 } },
      defaultRouteSettings: { rateLimit: 100 },
      routeSettings: { "GET /items": { rateLimit: 1.5, burstLimit: 3 } },
      lastUpdatedAt: 10,
    });
    assert.equal(await s.updateStage(throttled), true);
    assert.deepEqual(await s.getStage("httpapi001", "$default"), throttled, "throttling settings round-trip");
    assert.deepEqual(
      (await s.listStages("httpapi001")).map((x) => x.stageName),
      ["$default"],
    );
    assert.equal(await s.deleteStage("httpapi001", "$default"), true);
    assert.equal(await s.getStage("httpapi001", "$default"), undefined);
  });
}

function registerRestContract(store: () => ApiStore): void {
  void test("resources: sibling path parts are unique; delete removes the subtree and its methods", async () => {
    const s = store();
    const { api, root } = sampleRestApi("restapi001", "root");
    await s.insertApi(api, root);
    assert.equal(await s.insertResource(child("restapi001", "pets", "root", "/pets")), "ok");
    assert.equal(await s.insertResource(child("restapi001", "pets2", "root", "/pets")), "conflict");
    assert.equal(await s.insertResource(child("restapi001", "id", "pets", "/pets/{id}")), "ok");
    assert.equal(await s.insertResource(child("restapi001", "toys", "id", "/pets/{id}/toys")), "ok");
    assert.equal(await s.insertResource(child("restapi001", "orphan", "gone", "/gone/x")), "missing-parent");
    assert.equal(await s.insertResource(child("restapi001", "proxy", "root", "/{proxy+}")), "ok");
    assert.deepEqual(
      (await s.listResources("restapi001")).map((r) => r.path),
      ["/", "/pets", "/pets/{id}", "/pets/{id}/toys", "/{proxy+}"],
    );
    assert.equal(await s.putMethod(method("restapi001", "toys", "GET")), "ok");
    assert.equal(await s.putMethod(method("restapi001", "proxy", "ANY")), "ok");
    assert.equal(await s.deleteResource("restapi001", "pets"), true);
    assert.deepEqual(
      (await s.listResources("restapi001")).map((r) => r.resourceId),
      ["root", "proxy"],
    );
    assert.deepEqual(
      (await s.listMethods("restapi001")).map((m) => m.resourceId),
      ["proxy"],
    );
    assert.equal(await s.getResource("restapi001", "toys"), undefined);
  });

  void test("resources: updateResources renames and moves a subtree at once; a taken name or a gone row changes nothing", async () => {
    const s = store();
    const { api, root } = sampleRestApi("restapi001", "root");
    await s.insertApi(api, root);
    await s.insertResource(child("restapi001", "pets", "root", "/pets"));
    await s.insertResource(child("restapi001", "id", "pets", "/pets/{id}"));
    await s.insertResource(child("restapi001", "toys", "root", "/toys"));
    const renamed = [
      { ...child("restapi001", "pets", "root", "/animals"), pathPart: "animals" },
      child("restapi001", "id", "pets", "/animals/{id}"),
    ];
    assert.equal(await s.updateResources(renamed), "ok");
    assert.deepEqual(
      (await s.listResources("restapi001")).map((r) => r.path),
      ["/", "/animals", "/animals/{id}", "/toys"],
    );
    const clash = [{ ...child("restapi001", "toys", "root", "/animals"), pathPart: "animals" }];
    assert.equal(await s.updateResources(clash), "conflict");
    const gone = [child("restapi001", "id", "pets", "/animals/{x}"), child("restapi001", "nope", "root", "/nope")];
    assert.equal(await s.updateResources(gone), "missing-parent");
    assert.equal((await s.getResource("restapi001", "id"))?.path, "/animals/{id}", "rolled back");
  });

  void test("deployments: updateDeployment replaces the record; false for none", async () => {
    const s = store();
    const { api, root } = sampleRestApi("restapi001", "root");
    await s.insertApi(api, root);
    const d = sampleDeployment("restapi001", "dep001", 1000);
    assert.equal(await s.insertDeployment(d), "ok");
    assert.equal(await s.updateDeployment({ ...d, description: "second" }), true);
    assert.equal((await s.getDeployment("restapi001", "dep001"))?.description, "second");
    assert.equal(await s.updateDeployment({ ...d, deploymentId: "nope00" }), false);
  });

  void test("request validators and models round-trip on the API; a method keeps its validator and models", async () => {
    const s = store();
    const { api, root } = sampleRestApi("restapi002", "root");
    await s.insertApi(api, root);
    const validators = {
      v1: { id: "v1", name: "body", validateRequestBody: true, validateRequestParameters: false },
    };
    const models = {
      Pet: {
        id: "m1",
        name: "Pet",
        contentType: "application/json",
        schema: '{"type":"object"}',
        description: "a pet",
      },
    };
    assert.equal(await s.updateApi({ ...api, requestValidators: validators, models }), true);
    const stored = await s.getApi("restapi002");
    assert.deepEqual(stored?.requestValidators, validators);
    assert.deepEqual(stored?.models, models);
    const validated = {
      ...method("restapi002", "root", "POST"),
      requestValidatorId: "v1",
      requestModels: { "application/json": "Pet" },
      requestParameters: { "method.request.header.X-Id": true },
    };
    assert.equal(await s.putMethod(validated), "ok");
    assert.deepEqual(await s.getMethod("restapi002", "root", "POST"), validated);
    assert.deepEqual((await s.loadModel("restapi002"))?.api.models, models);
  });

  void test("methods: put replaces (with its integration), get, delete", async () => {
    const s = store();
    const { api, root } = sampleRestApi("restapi001", "root");
    await s.insertApi(api, root);
    assert.equal(await s.putMethod(method("restapi001", "root", "ANY")), "ok");
    const integration = {
      type: "AWS_PROXY",
      httpMethod: "POST",
      uri: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:0:function:fn/invocations",
      timeoutInMillis: 29_000,
      cacheKeyParameters: [],
    };
    const withIntegration = { ...method("restapi001", "root", "ANY"), integration };
    assert.equal(await s.putMethod(withIntegration), "ok");
    assert.deepEqual(await s.getMethod("restapi001", "root", "ANY"), withIntegration);
    assert.equal(await s.getMethod("restapi001", "root", "GET"), undefined);
    assert.equal(await s.deleteMethod("restapi001", "root", "ANY"), true);
    assert.equal(await s.deleteMethod("restapi001", "root", "ANY"), false);
  });

  void test("deployments: frozen routes round-trip, listed oldest first; loadModel reads everything", async () => {
    const s = store();
    const { api, root } = sampleRestApi("restapi001", "root");
    await s.insertApi(api, root);
    assert.equal(await s.insertDeployment(sampleDeployment("restapi001", "later", 20)), "ok");
    assert.equal(await s.insertDeployment(sampleDeployment("restapi001", "first", 10)), "ok");
    assert.equal(await s.insertDeployment(sampleDeployment("restapi001", "first", 30)), "conflict");
    assert.deepEqual(
      (await s.listDeployments("restapi001")).map((d) => d.deploymentId),
      ["first", "later"],
    );
    assert.deepEqual(await s.getDeployment("restapi001", "first"), sampleDeployment("restapi001", "first", 10));
    await s.insertStage(sampleStage("restapi001", "prod", { deploymentId: "first" }));
    await s.putMethod(method("restapi001", "root", "GET"));
    const model = await s.loadModel("restapi001");
    assert.equal(model?.api.apiId, "restapi001");
    assert.deepEqual(model?.resources, [root]);
    assert.equal(model?.methods.length, 1);
    assert.equal(model?.stages[0]?.deploymentId, "first");
    assert.equal(model?.deployments.length, 2);
    assert.deepEqual(model?.routes, []);
    assert.equal(await s.deleteDeployment("restapi001", "later"), true);
    assert.equal(await s.getDeployment("restapi001", "later"), undefined);
  });
}
