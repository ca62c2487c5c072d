import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ApiModel, MethodRecord, StageRecord } from "../ports/api-store.js";
import { compileApi, compileRestRoutes } from "./api-compiler.js";

const FN = "arn:aws:lambda:us-east-1:000000000000:function";

function restModel(over: Partial<ApiModel> = {}): ApiModel {
  return {
    api: {
      apiId: "restapi001",
      protocol: "REST",
      name: "r",
      createdAt: 1,
      binaryMediaTypes: ["image/png"],
      disableExecuteApiEndpoint: false,
      tags: {},
      rootResourceId: "root",
    },
    routes: [],
    integrations: [],
    stages: [],
    authorizers: [],
    resources: [
      { apiId: "restapi001", resourceId: "root", path: "/" },
      { apiId: "restapi001", resourceId: "items", parentId: "root", pathPart: "items", path: "/items" },
    ],
    methods: [],
    deployments: [],
    ...over,
  };
}

function method(resourceId: string, httpMethod: string, over: Partial<MethodRecord> = {}): MethodRecord {
  return {
    apiId: "restapi001",
    resourceId,
    httpMethod,
    authorizationType: "NONE",
    apiKeyRequired: false,
    integration: {
      type: "AWS_PROXY",
      httpMethod: "POST",
      uri: `${FN}:fn`,
      timeoutInMillis: 1000,
      cacheKeyParameters: [],
    },
    ...over,
  };
}

function stage(over: Partial<StageRecord>): StageRecord {
  const base = {
    apiId: "restapi001",
    stageName: "prod",
    autoDeploy: false,
    variables: {},
    tracingEnabled: false,
    tags: {},
  };
  return { ...base, createdAt: 1, lastUpdatedAt: 1, ...over };
}

describe("compileRestRoutes", () => {
  test("one route per method with a runnable integration (a MOCK too); no integration and unrunnable auth fail closed", () => {
    const model = restModel({
      methods: [
        method("root", "GET"),
        method("items", "ANY", { authorizationType: "CUSTOM", authorizerId: "au" }),
        method("items", "POST", { authorizationType: "AWS_IAM" }),
        method("items", "PUT", { integration: { type: "MOCK", timeoutInMillis: 1000, cacheKeyParameters: [] } }),
        method("items", "DELETE", { integration: undefined }),
      ],
      authorizers: [
        {
          apiId: "restapi001",
          authorizerId: "au",
          name: "tok",
          authorizerType: "TOKEN",
          authorizerUri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${FN}:auth:live/invocations`,
          identitySource: ["method.request.header.Authorization"],
          identityValidationExpression: "^Bearer .+$",
        },
      ],
    });
    const routes = compileRestRoutes(model);
    assert.deepEqual(
      routes.map((r) => r.routeKey),
      ["GET /", "ANY /items", "PUT /items"],
    );
    assert.equal(routes[2]?.integration.type, "MOCK");
    assert.deepEqual(routes[1]?.authorizer, {
      type: "TOKEN",
      authorizerId: "au",
      name: "tok",
      functionName: "auth",
      qualifier: "live",
      identitySource: ["method.request.header.Authorization"],
      identityValidationExpression: "^Bearer .+$",
      resultTtlSeconds: 300,
    });
  });
});

describe("compileApi", () => {
  test("a REST stage serves its deployment's frozen routes, not the live methods; canary merges variables", () => {
    const frozen = [
      { routeKey: "GET /old", integration: { functionName: "fn", payloadFormatVersion: "1.0" as const, timeoutMs: 1 } },
    ];
    const next = [
      { routeKey: "GET /new", integration: { functionName: "fn", payloadFormatVersion: "1.0" as const, timeoutMs: 1 } },
    ];
    const model = restModel({
      methods: [method("items", "GET")],
      deployments: [
        { apiId: "restapi001", deploymentId: "d1", createdAt: 1, autoDeployed: false, routes: frozen },
        { apiId: "restapi001", deploymentId: "d2", createdAt: 2, autoDeployed: false, routes: next },
      ],
      stages: [
        stage({
          deploymentId: "d1",
          variables: { a: "1", b: "2" },
          canary: { percentTraffic: 5, deploymentId: "d2", stageVariableOverrides: { b: "c" }, useStageCache: false },
        }),
        stage({ stageName: "dangling", deploymentId: "gone" }),
      ],
    });
    const api = compileApi(model);
    assert.deepEqual(api.binaryMediaTypes, ["image/png"]);
    assert.equal(api.cors, undefined);
    assert.deepEqual(api.stages, [
      {
        stageName: "prod",
        variables: { a: "1", b: "2" },
        deployment: { deploymentId: "d1", routes: frozen },
        canary: { percentTraffic: 5, deployment: { deploymentId: "d2", routes: next }, variables: { a: "1", b: "c" } },
      },
    ]);
  });
});
