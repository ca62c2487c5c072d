import assert from "node:assert/strict";
import { test } from "node:test";
import { invocationLines } from "./log-lines.js";
import { devApis, routeTableLines } from "./routes.js";
import { planReload } from "./watch-plan.js";

const BODY = {
  Resources: {
    A: {
      Type: "AWS::Serverless::Function",
      Properties: {
        Events: { Get: { Type: "HttpApi", Properties: { Path: "/a", Method: "get" } }, Q: { Type: "SQS" } },
      },
    },
    B: { Type: "AWS::Serverless::Function", Properties: { Events: { Any: { Type: "HttpApi" } } } },
  },
};
const RESOURCES = [
  { logicalId: "ServerlessHttpApi", type: "AWS::ApiGatewayV2::Api", physicalId: "abc" },
  { logicalId: "ServerlessHttpApiApiGatewayDefaultStage", type: "AWS::ApiGatewayV2::Stage", physicalId: "$default" },
];

test("the route table lists each API's routes by function, a single API at the root", () => {
  const apis = devApis(BODY, RESOURCES);
  assert.deepEqual(apis, [
    {
      logicalId: "ServerlessHttpApi",
      apiId: "abc",
      stage: "$default",
      protocol: "HTTP",
      routes: [
        { method: "GET", path: "/a", functionId: "A" },
        { method: "ANY", path: "$default", functionId: "B" },
      ],
    },
  ]);
  const lines = routeTableLines(apis, "http://127.0.0.1:3000/");
  assert.match(lines[1] ?? "", /GET +http:\/\/127\.0\.0\.1:3000\/a +→ A/);
  assert.match(lines[2] ?? "", /ANY +http:\/\/127\.0\.0\.1:3000\/… +→ B/);
});

test("a reload plan: a function's file reloads that function, the template or a layer deploys", () => {
  const units = [
    { logicalId: "A", kind: "function" as const, source: "/app/a" },
    { logicalId: "L", kind: "layer" as const, source: "/app/layer" },
  ];
  const o = { templateFile: "/app/template.yaml", units };
  assert.deepEqual(planReload(["/app/a/x.js"], o), { deploy: false, functions: ["A"], files: ["/app/a/x.js"] });
  assert.equal(planReload(["/app/a/node_modules/p/i.js"], o).functions.length, 0);
  assert.equal(planReload(["/app/layer/nodejs/x.js"], o).deploy, true);
  assert.equal(planReload(["/app/template.yaml"], o).deploy, true);
  assert.deepEqual(planReload(["/app/README.md"], o), { deploy: false, functions: [], files: [] });
});

test("an invocation line says function, version, outcome, duration and cold or warm, its own lines under it", () => {
  const record = {
    requestId: "r",
    functionName: "app-A-XYZ",
    functionArn: "arn",
    executedVersion: "$LATEST",
    outcome: "function-error" as const,
    errorType: "TypeError",
    startedAt: Date.UTC(2026, 0, 1, 12, 0, 1, 5),
    durationMs: 3.14,
    billedDurationMs: 4,
    initDurationMs: 40,
    memorySizeMb: 128,
    maxMemoryUsedMb: 60,
    timeoutSec: 3,
    initLines: [],
    lines: ["2026-01-01T12:00:01.006Z\t0b1c2d3e-0000-4000-8000-000000000000\tERROR\tboom\n"],
  };
  const lines = invocationLines(record, { nameOf: () => "A", color: false });
  assert.deepEqual(lines, [
    "12:00:01.005 A:$LATEST function-error TypeError 3.1 ms cold (init 40.0 ms)",
    "    ERROR boom",
  ]);
});
