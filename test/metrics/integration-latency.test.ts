/**
 * `AWS/ApiGateway` IntegrationLatency against a known slow integration: a function that takes
 * 300 ms behind a REST API (published by ApiName and Stage) and an HTTP API (ApiId and Stage).
 * Each request's IntegrationLatency is at least the function's 300 ms and at most its Latency.
 * Real node, SDK v3 CloudWatch client, signed API Gateway calls.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { CloudWatchClient, GetMetricStatisticsCommand, type Dimension } from "@aws-sdk/client-cloudwatch";
import { AddPermissionCommand, CreateFunctionCommand } from "@aws-sdk/client-lambda";
import { zipSync } from "fflate";
import { apigw, restApiFor, type ApigwTarget } from "../helpers/apigw-client.js";
import { functionArn, NODE_REGION, NODE_ROLE, startLambdaNode, type LambdaNode } from "../helpers/lambda-node.js";
import { waitFor } from "../helpers/wait.js";

const SLOW = `exports.handler = async () => {
  await new Promise((r) => setTimeout(r, 300));
  return { statusCode: 200, body: "slow" };
};`;

let node: LambdaNode;
let cw: CloudWatchClient;
let target: ApigwTarget;

async function stats(metric: string, dimensions: Dimension[]) {
  const now = Date.now();
  const r = await cw.send(
    new GetMetricStatisticsCommand({
      Namespace: "AWS/ApiGateway",
      MetricName: metric,
      Dimensions: dimensions,
      StartTime: new Date(now - 600_000),
      EndTime: new Date(now + 60_000),
      Period: 3600,
      Statistics: ["SampleCount", "Minimum", "Maximum"],
    }),
  );
  const p = r.Datapoints?.[0];
  return { count: p?.SampleCount ?? 0, min: p?.Minimum ?? NaN, max: p?.Maximum ?? NaN };
}

/** Three calls, then IntegrationLatency and Latency for `dimensions` once all three are counted. */
async function measure(url: string, dimensions: Dimension[]) {
  for (let i = 0; i < 3; i++) {
    const res = await fetch(url);
    assert.equal(res.status, 200, await res.text());
  }
  await waitFor(async () => (await stats("IntegrationLatency", dimensions)).count === 3, "3 samples", 15_000);
  return { integration: await stats("IntegrationLatency", dimensions), latency: await stats("Latency", dimensions) };
}

describe("AWS/ApiGateway IntegrationLatency", () => {
  before(async () => {
    node = await startLambdaNode();
    target = { apiUrl: node.url, accessKeyId: node.accessKeyId, secretAccessKey: node.secretAccessKey };
    const credentials = { accessKeyId: node.accessKeyId, secretAccessKey: node.secretAccessKey };
    cw = new CloudWatchClient({ region: NODE_REGION, endpoint: node.url, credentials, maxAttempts: 1 });
    await node.client.send(
      new CreateFunctionCommand({
        FunctionName: "slow",
        Runtime: "nodejs20.x",
        Role: NODE_ROLE,
        Handler: "index.handler",
        Code: { ZipFile: zipSync({ "index.js": new TextEncoder().encode(SLOW) }) },
      }),
    );
    await node.client.send(
      new AddPermissionCommand({
        FunctionName: "slow",
        StatementId: "apigw",
        Action: "lambda:InvokeFunction",
        Principal: "apigateway.amazonaws.com",
      }),
    );
  });
  after(async () => {
    cw?.destroy();
    await node?.close();
  });

  test("REST API by ApiName and Stage: at least the function's 300 ms, at most the request's Latency", async () => {
    const { apiId } = await restApiFor(target, functionArn("slow"));
    const m = await measure(`${node.gatewayUrl}/_api/${apiId}/prod/`, [
      { Name: "ApiName", Value: "test" },
      { Name: "Stage", Value: "prod" },
    ]);
    assert.ok(m.integration.min >= 300, `IntegrationLatency ${m.integration.min} ms`);
    assert.ok(m.integration.max <= m.latency.max, `${m.integration.max} ≤ Latency ${m.latency.max}`);
    assert.equal(m.latency.count, 3);
  });

  test("HTTP API by ApiId and Stage", async () => {
    const api = await apigw(target, "POST", "/v2/apis", {
      name: "quick",
      protocolType: "HTTP",
      target: functionArn("slow"),
    });
    const apiId = api["apiId"] as string;
    const m = await measure(`${node.gatewayUrl}/_api/${apiId}/$default/`, [
      { Name: "ApiId", Value: apiId },
      { Name: "Stage", Value: "$default" },
    ]);
    assert.ok(m.integration.min >= 300, `IntegrationLatency ${m.integration.min} ms`);
    assert.ok(m.integration.max <= m.latency.max, `${m.integration.max} ≤ Latency ${m.latency.max}`);
  });
});
