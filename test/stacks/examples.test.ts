import assert from "node:assert/strict";
import { test } from "node:test";
import { applyOrder, computeChangeSet, stackStateOf } from "../../src/domain/template/change-set.js";
import { processRepoTemplate } from "./helpers.js";

const ids = (out: ReturnType<typeof processRepoTemplate>) =>
  [...out.prepared.resources.keys()].map((id) => id.replace(/Deployment[0-9a-f]{10}$/, "Deployment*")).sort();

test("the sam init hello world is accepted unmodified and gives the resources SAM generates", () => {
  const out = processRepoTemplate("examples/sam-hello-world/template.yaml");
  assert.deepEqual(ids(out), [
    "HelloWorldFunction",
    "HelloWorldFunctionHelloWorldPermissionProd",
    "HelloWorldFunctionRole",
    "ServerlessRestApi",
    "ServerlessRestApiDeployment*",
    "ServerlessRestApiProdStage",
  ]);
  const fn = out.prepared.resources.get("HelloWorldFunction")?.properties;
  assert.deepEqual(fn?.Code, { S3Bucket: "haneul-artifacts", S3Key: "HelloWorldFunction/hello-world/" });
  assert.equal(fn?.Timeout, 3, "from Globals");
  assert.deepEqual(fn?.Architectures, ["x86_64"]);
  assert.deepEqual(
    out.prepared.outputs.map((o) => o.name),
    ["HelloWorldApi", "HelloWorldFunction", "HelloWorldFunctionIamRole"],
  );
  assert.deepEqual(out.prepared.outputs[2]?.value, { "Fn::GetAtt": ["HelloWorldFunctionRole", "Arn"] });
  assert.deepEqual(out.warnings, []);
  assert.deepEqual(out.types.unknown, []);
  assert.deepEqual(out.types.accepted, [], "the role is created in the node's IAM");
});

test("the sam init TypeScript template is accepted unmodified", () => {
  const out = processRepoTemplate("examples/sam-typescript/template.yaml");
  assert.ok(out.prepared.resources.has("HelloWorldFunction"));
  assert.deepEqual(out.prepared.resources.get("HelloWorldFunction")?.metadata, {
    BuildMethod: "esbuild",
    BuildProperties: { Minify: true, Target: "es2020", Sourcemap: true, EntryPoints: ["app.ts"] },
  });
});

test("sam-app: parameters and conditions switch resources off, Globals merge, every event type, pending types listed", () => {
  const dev = processRepoTemplate("examples/sam-app/template.yaml");
  const devIds = ids(dev);
  for (const off of ["ReportsFunction", "ReportsFunctionRole", "ReportsFunctionWeekly", "ProdAlarmTopic"])
    assert.ok(!devIds.includes(off), off);
  assert.deepEqual(
    dev.prepared.outputs.map((o) => o.name),
    ["OrdersApiUrl", "OrdersHttpApiUrl", "EventsFunctionUrl", "OrdersAlias"],
  );
  const orders = dev.prepared.resources.get("OrdersFunction")?.properties;
  assert.equal(orders?.MemorySize, 128, "Globals FindInMap for dev");
  assert.equal(orders?.Runtime, "nodejs20.x");
  assert.deepEqual(orders?.Environment, {
    Variables: { STAGE: "dev", LOG_LEVEL: "info", ORDERS_TOPIC: { Ref: "OrdersTopic" } },
  });
  const layerId = devIds.find((id) => id.startsWith("SharedLayer")) as string;
  assert.match(layerId, /^SharedLayer[0-9a-f]{10}$/);
  assert.deepEqual(orders?.Layers, [{ Ref: layerId }]);
  for (const id of [
    "EventsFunctionJobs",
    "EventsFunctionClicks",
    "EventsFunctionOrders",
    "EventsFunctionNightly",
    "EventsFunctionEveryFiveMinutes",
    "EventsFunctionOrderPlaced",
    "EventsFunctionLogs",
    "EventsFunctionUrl",
    "EventsFunctionEventInvokeConfig",
    "EventsFunctionEventInvokeConfigOnFailureQueue",
    "OrdersFunctionAliaslive",
    "OrdersFunctionDeploymentGroup",
    "ServerlessDeploymentApplication",
    "OrdersHttpApi",
    "OrdersHttpApiApiGatewayDefaultStage",
    "OrdersApiStage",
  ]) {
    assert.ok(devIds.includes(id), id);
  }
  assert.deepEqual(dev.prepared.resources.get("OrdersApiPermission")?.properties.FunctionName, {
    Ref: "OrdersFunctionAliaslive",
  });
  assert.deepEqual([...new Set(dev.types.pending.map((p) => p.type))].sort(), []);
  // Queues, rules, schedules, log groups and CodeDeploy resources are created by the deploy: neither pending nor accepted.
  const listed = new Set([...dev.types.pending, ...dev.types.accepted].map((p) => p.type));
  for (const created of [
    "AWS::SQS::Queue",
    "AWS::Events::Rule",
    "AWS::Scheduler::Schedule",
    "AWS::Logs::LogGroup",
    "AWS::Logs::SubscriptionFilter",
    "AWS::CodeDeploy::Application",
  ]) {
    assert.ok(
      [...dev.prepared.resources.values()].some((r) => r.type === created),
      created,
    );
    assert.ok(!listed.has(created), created);
  }
  const prod = processRepoTemplate("examples/sam-app/template.yaml", {
    overrides: { Stage: "prod", EnableReports: "true" },
  });
  const prodIds = ids(prod);
  for (const on of [
    "ReportsFunction",
    "ReportsFunctionRole",
    "ReportsFunctionWeekly",
    "ProdAlarmTopic",
    "OrdersApiStage",
  ])
    assert.ok(prodIds.includes(on), on);
  assert.equal(prod.prepared.resources.get("OrdersFunction")?.properties.MemorySize, 512);
  assert.ok(prod.prepared.outputs.some((o) => o.name === "ReportsFunctionArn"));
  assert.throws(() => processRepoTemplate("examples/sam-app/template.yaml", { overrides: { LogLevel: "loud" } }), {
    message: "Parameter 'LogLevel' failed to satisfy constraint: must be debug, info, warn or error",
  });
});

test("a change set between two deploys of sam-app: a parameter change modifies what uses it and adds what its condition turns on", () => {
  const dev = processRepoTemplate("examples/sam-app/template.yaml");
  const same = computeChangeSet(
    stackStateOf(dev.prepared),
    stackStateOf(processRepoTemplate("examples/sam-app/template.yaml").prepared),
  );
  assert.deepEqual(same, [], "nothing changed, nothing to do");
  const prod = processRepoTemplate("examples/sam-app/template.yaml", {
    overrides: { Stage: "prod", EnableReports: "true" },
  });
  const changes = computeChangeSet(stackStateOf(dev.prepared), stackStateOf(prod.prepared));
  const summary = changes.map((c) => `${c.Action} ${c.LogicalResourceId}`);
  for (const added of [
    "Add ProdAlarmTopic",
    "Add ReportsFunction",
    "Add ReportsFunctionRole",
    "Add ReportsFunctionWeekly",
  ])
    assert.ok(summary.includes(added), added);
  const orders = changes.find((c) => c.LogicalResourceId === "OrdersFunction");
  assert.deepEqual(orders?.changedPaths, ["Environment/Variables/STAGE", "MemorySize"]);
  assert.equal(orders?.Replacement, "False");
  const stage = changes.find((c) => c.LogicalResourceId === "OrdersApiStage");
  assert.equal(stage?.Replacement, "True", "a stage's name cannot change in place");
  const steps = applyOrder(changes, stackStateOf(prod.prepared), stackStateOf(dev.prepared));
  assert.ok(
    steps.findIndex((s) => s.logicalId === "ReportsFunctionRole") <
      steps.findIndex((s) => s.logicalId === "ReportsFunction"),
  );
});
