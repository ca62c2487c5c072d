/**
 * The Embedded Metric Format end to end: a real function using AWS's own `aws-embedded-metrics`
 * library (bundled by esbuild, unchanged from how it runs on Lambda) writes its metrics to its log;
 * they are read back with the SDK v3 as CloudWatch metrics, equal to what the calls sent.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  CloudWatchClient,
  GetMetricStatisticsCommand,
  ListMetricsCommand,
  PutMetricDataCommand,
} from "@aws-sdk/client-cloudwatch";
import { CreateFunctionCommand, InvokeCommand } from "@aws-sdk/client-lambda";
import { build } from "esbuild";
import { zipSync } from "fflate";
import { SERVER_KEY, SERVER_REGION, SERVER_ROLE, startServerNode, type ServerNode } from "../helpers/server-node.js";

const SOURCE = `
const { metricScope, Unit } = require("aws-embedded-metrics");
exports.handler = metricScope((metrics) => async (event) => {
  metrics.setNamespace("Shop");
  metrics.putDimensions({ Service: "cart" });
  metrics.putMetric("ItemsAdded", event.items, Unit.Count);
  metrics.putMetric("CartLatency", event.ms, Unit.Milliseconds);
  metrics.setProperty("orderId", event.order);
  return { ok: true };
});`;

let node: ServerNode;
let cw: CloudWatchClient;

async function bundle(): Promise<Uint8Array> {
  const out = await build({
    stdin: { contents: SOURCE, resolveDir: process.cwd(), loader: "js" },
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    write: false,
    logLevel: "silent",
  });
  return zipSync({ "index.js": out.outputFiles[0]?.contents ?? new Uint8Array() });
}

describe("Embedded Metric Format from a real function", () => {
  before(async () => {
    node = await startServerNode();
    cw = new CloudWatchClient({
      region: SERVER_REGION,
      endpoint: node.apiUrl,
      credentials: SERVER_KEY,
      maxAttempts: 1,
    });
    await node.client.send(
      new CreateFunctionCommand({
        FunctionName: "cart",
        Runtime: "nodejs20.x",
        Role: SERVER_ROLE,
        Handler: "index.handler",
        Code: { ZipFile: await bundle() },
      }),
    );
  });
  after(async () => {
    cw?.destroy();
    await node?.close();
  });

  test("the metrics aws-embedded-metrics writes are CloudWatch metrics with the calls' values", async () => {
    const calls = [
      { items: 3, ms: 12, order: "a" },
      { items: 1, ms: 40, order: "b" },
      { items: 5, ms: 7, order: "c" },
    ];
    for (const c of calls) {
      const r = await node.client.send(
        new InvokeCommand({ FunctionName: "cart", Payload: new TextEncoder().encode(JSON.stringify(c)) }),
      );
      assert.equal(r.FunctionError, undefined, new TextDecoder().decode(r.Payload));
    }
    const listed = await cw.send(new ListMetricsCommand({ Namespace: "Shop", MetricName: "ItemsAdded" }));
    assert.equal(listed.Metrics?.length, 1, JSON.stringify(listed.Metrics));
    const dims = listed.Metrics?.[0]?.Dimensions ?? [];
    // The library adds Lambda's default dimensions to the ones the handler put.
    assert.deepEqual(
      dims.find((d) => d.Name === "Service"),
      { Name: "Service", Value: "cart" },
    );
    assert.ok(
      dims.some((d) => d.Name === "ServiceName" && d.Value === "cart"),
      JSON.stringify(dims),
    );
    const stats = async (MetricName: string) =>
      (
        await cw.send(
          new GetMetricStatisticsCommand({
            Namespace: "Shop",
            MetricName,
            Dimensions: dims,
            StartTime: new Date(Date.now() - 3_600_000),
            EndTime: new Date(Date.now() + 60_000),
            Period: 3600,
            Statistics: ["Sum", "Maximum", "SampleCount"],
          }),
        )
      ).Datapoints ?? [];
    const items = await stats("ItemsAdded");
    assert.equal(
      items.reduce((s, d) => s + (d.Sum ?? 0), 0),
      9,
    );
    const latency = await stats("CartLatency");
    assert.equal(Math.max(...latency.map((d) => d.Maximum ?? 0)), 40);
    assert.equal(
      latency.reduce((s, d) => s + (d.SampleCount ?? 0), 0),
      3,
    );
    assert.equal(latency[0]?.Unit, "Milliseconds");
    // A property is a log field, not a metric.
    const orders = await cw.send(new ListMetricsCommand({ Namespace: "Shop", MetricName: "orderId" }));
    assert.deepEqual(orders.Metrics ?? [], []);
  });

  test("PutMetricData refuses a unit CloudWatch does not have", async () => {
    await assert.rejects(
      cw.send(
        new PutMetricDataCommand({
          Namespace: "Shop",
          MetricData: [{ MetricName: "x", Value: 1, Unit: "Furlongs" as never }],
        }),
      ),
      (e: Error) => e.name === "InvalidParameterValueException" && /Furlongs/.test(e.message),
    );
  });
});
