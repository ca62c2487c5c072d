/**
 * CloudWatch metrics with the real clients against a real `haneul server`: AWS/Lambda sums equal
 * the invocations made (by function, alias and executed version), metric math, percentiles of a
 * known distribution within 1 %, custom metrics, errors in each protocol's shape (SDK v3 speaks
 * awsJson1.0, aws-sdk v2 and the AWS CLI v2 the query protocol), and metrics surviving a restart.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  CloudWatchClient,
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  GetMetricStatisticsCommand,
  ListMetricsCommand,
  PutMetricDataCommand,
  SetAlarmStateCommand,
} from "@aws-sdk/client-cloudwatch";
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  InvokeCommand,
  PublishVersionCommand,
} from "@aws-sdk/client-lambda";
import AWS from "aws-sdk";
import { zipSync } from "fflate";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { createFunctionRole } from "../helpers/iam.js";
import {
  serverCliTarget,
  SERVER_ACCOUNT,
  SERVER_KEY,
  SERVER_REGION,
  SERVER_ROLE,
  startServerNode,
  type ServerNode,
} from "../helpers/server-node.js";
import { startServerProcess } from "../helpers/server-process.js";
import { runAwsCli, type AwsCliResult } from "../helpers/aws-cli.js";

const handler = zipSync({
  "index.js": new TextEncoder().encode(
    `exports.handler = async (e) => { await new Promise((r) => setTimeout(r, e.ms || 0)); if (e.fail) throw new Error("boom"); return { ok: true }; };`,
  ),
});

let node: ServerNode;
let cw: CloudWatchClient;
let v2: AWS.CloudWatch;

function cli(args: string[]): Promise<AwsCliResult> {
  return runAwsCli(serverCliTarget(node), args);
}

const fnDim = (value: string) => ({ Name: "FunctionName", Value: value });
const invoke = (name: string, payload: object) =>
  node.client.send(
    new InvokeCommand({ FunctionName: name, Payload: new TextEncoder().encode(JSON.stringify(payload)) }),
  );

async function sumOf(metricName: string, dims: { Name: string; Value: string }[]): Promise<number | undefined> {
  const out = await cw.send(
    new GetMetricStatisticsCommand({
      Namespace: "AWS/Lambda",
      MetricName: metricName,
      Dimensions: dims,
      StartTime: new Date(Date.now() - 3_600_000),
      EndTime: new Date(Date.now() + 60_000),
      Period: 3600,
      Statistics: ["Sum"],
    }),
  );
  return out.Datapoints?.reduce((s, d) => s + (d.Sum ?? 0), 0);
}

describe("CloudWatch metrics with real clients", () => {
  before(async () => {
    node = await startServerNode();
    cw = new CloudWatchClient({
      region: SERVER_REGION,
      endpoint: node.apiUrl,
      credentials: SERVER_KEY,
      maxAttempts: 1,
    });
    v2 = new AWS.CloudWatch({
      region: SERVER_REGION,
      endpoint: node.apiUrl,
      credentials: new AWS.Credentials(SERVER_KEY.accessKeyId, SERVER_KEY.secretAccessKey),
      maxRetries: 0,
    });
    await createFunctionRole({ endpoint: node.apiUrl, ...SERVER_KEY }, "test", { actions: ["logs:*"] });
    await node.client.send(
      new CreateFunctionCommand({
        FunctionName: "metered",
        Runtime: "nodejs20.x",
        Role: SERVER_ROLE,
        Handler: "index.handler",
        Code: { ZipFile: handler },
      }),
    );
    await node.client.send(new PublishVersionCommand({ FunctionName: "metered" }));
    await node.client.send(new CreateAliasCommand({ FunctionName: "metered", Name: "live", FunctionVersion: "1" }));
    for (let k = 0; k < 5; k++) await invoke("metered", { ms: 5 });
    await invoke("metered:live", { ms: 1 });
    await invoke("metered:live", { ms: 1 });
    await invoke("metered:live", { fail: true });
  });
  after(async () => {
    cw?.destroy();
    await node?.close();
  });

  test("SDK v3 (awsJson1.0): AWS/Lambda sums equal the invocations, per dimension set", async () => {
    assert.equal(await sumOf("Invocations", [fnDim("metered")]), 8);
    assert.equal(await sumOf("Errors", [fnDim("metered")]), 1);
    assert.equal(await sumOf("Invocations", [fnDim("metered"), { Name: "Resource", Value: "metered:live" }]), 3);
    const executed = [
      fnDim("metered"),
      { Name: "Resource", Value: "metered:live" },
      { Name: "ExecutedVersion", Value: "1" },
    ];
    assert.equal(await sumOf("Errors", executed), 1);
    assert.equal(await sumOf("Invocations", []), 8);
  });

  test("SDK v3: GetMetricData with metric math (error rate, SUM(METRICS()), FILL)", async () => {
    const stat = (id: string, name: string) => ({
      Id: id,
      ReturnData: false,
      MetricStat: {
        Metric: { Namespace: "AWS/Lambda", MetricName: name, Dimensions: [fnDim("metered")] },
        Period: 3600,
        Stat: "Sum",
      },
    });
    const out = await cw.send(
      new GetMetricDataCommand({
        StartTime: new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000),
        EndTime: new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 + 3_600_000),
        MetricDataQueries: [
          stat("inv", "Invocations"),
          stat("err", "Errors"),
          { Id: "rate", Expression: "100 * err / inv", Label: "ErrorRate" },
          { Id: "total", Expression: "SUM(METRICS())" },
          { Id: "filled", Expression: "FILL(err, 0)", Period: 3600 },
        ],
      }),
    );
    const byId = Object.fromEntries((out.MetricDataResults ?? []).map((r) => [r.Id, r]));
    assert.deepEqual(Object.keys(byId).sort(), ["filled", "rate", "total"]);
    assert.equal(byId["rate"]?.Label, "ErrorRate");
    assert.equal(byId["rate"]?.Values?.[0], 12.5);
    assert.equal(byId["total"]?.Values?.[0], 9);
    assert.deepEqual(byId["filled"]?.Values, [1, 0]);
    assert.ok(byId["filled"]?.Timestamps?.[0] instanceof Date);
  });

  test("aws-sdk v2 (query): percentiles of a known distribution are within 1 %", async () => {
    const values = Array.from({ length: 1000 }, (_, i) => i + 1);
    for (let k = 0; k < values.length; k += 150) {
      await v2
        .putMetricData({
          Namespace: "Shop",
          MetricData: [
            {
              MetricName: "Latency",
              Dimensions: [{ Name: "Page", Value: "cart" }],
              Values: values.slice(k, k + 150),
              Unit: "Milliseconds",
            },
          ],
        })
        .promise();
    }
    const out = await v2
      .getMetricStatistics({
        Namespace: "Shop",
        MetricName: "Latency",
        Dimensions: [{ Name: "Page", Value: "cart" }],
        StartTime: new Date(Date.now() - 600_000),
        EndTime: new Date(Date.now() + 600_000),
        Period: 1200,
        Statistics: ["SampleCount", "Sum", "Maximum"],
        ExtendedStatistics: ["p50", "p99", "p99.9", "tm99"],
      })
      .promise();
    const [dp] = out.Datapoints ?? [];
    assert.ok(dp);
    assert.deepEqual([dp.SampleCount, dp.Sum, dp.Maximum, dp.Unit], [1000, 500500, 1000, "Milliseconds"]);
    const ext = dp.ExtendedStatistics ?? {};
    const near = (got: number | undefined, want: number) =>
      assert.ok(got !== undefined && Math.abs(got - want) <= want * 0.01, `${got} vs ${want}`);
    near(ext["p50"], 500);
    near(ext["p99"], 990);
    near(ext["p99.9"], 999);
    near(ext["tm99"], 495);
    await assert.rejects(
      v2.putMetricData({ Namespace: "AWS/Lambda", MetricData: [{ MetricName: "x", Value: 1 }] }).promise(),
      (e: { code: string; statusCode: number }) => e.code === "InvalidParameterValue" && e.statusCode === 400,
    );
  });

  test("AWS CLI v2 (query): put, list and read a custom metric; errors in CloudWatch's words", async () => {
    const put = await cli([
      "cloudwatch",
      "put-metric-data",
      "--namespace",
      "App",
      "--metric-name",
      "Orders",
      "--value",
      "3",
      "--dimensions",
      "Shop=north",
    ]);
    assert.equal(put.code, 0, put.stderr);
    await cli([
      "cloudwatch",
      "put-metric-data",
      "--namespace",
      "App",
      "--metric-name",
      "Orders",
      "--value",
      "4",
      "--dimensions",
      "Shop=north",
    ]);
    const list = await cli(["cloudwatch", "list-metrics", "--namespace", "App"]);
    assert.equal(list.code, 0, list.stderr);
    assert.deepEqual(JSON.parse(list.stdout).Metrics, [
      { Namespace: "App", MetricName: "Orders", Dimensions: [{ Name: "Shop", Value: "north" }] },
    ]);
    const start = new Date(Date.now() - 600_000).toISOString();
    const end = new Date(Date.now() + 600_000).toISOString();
    const stats = await cli([
      "cloudwatch",
      "get-metric-statistics",
      "--namespace",
      "App",
      "--metric-name",
      "Orders",
      "--dimensions",
      "Name=Shop,Value=north",
      "--start-time",
      start,
      "--end-time",
      end,
      "--period",
      "1200",
      "--statistics",
      "Sum",
      "Average",
    ]);
    assert.equal(stats.code, 0, stats.stderr);
    const dp = JSON.parse(stats.stdout).Datapoints[0];
    assert.deepEqual([dp.Sum, dp.Average], [7, 3.5]);
    const data = await cli([
      "cloudwatch",
      "get-metric-data",
      "--start-time",
      start,
      "--end-time",
      end,
      "--metric-data-queries",
      JSON.stringify([
        {
          Id: "o",
          MetricStat: {
            Metric: { Namespace: "App", MetricName: "Orders", Dimensions: [{ Name: "Shop", Value: "north" }] },
            Period: 1200,
            Stat: "Maximum",
          },
        },
      ]),
    ]);
    assert.equal(data.code, 0, data.stderr);
    assert.deepEqual(JSON.parse(data.stdout).MetricDataResults[0].Values, [4]);
    const bad = await cli([
      "cloudwatch",
      "get-metric-statistics",
      "--namespace",
      "App",
      "--metric-name",
      "Orders",
      "--start-time",
      start,
      "--end-time",
      end,
      "--period",
      "7",
      "--statistics",
      "Sum",
    ]);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /InvalidParameterValue/);
  });

  test("SDK v3: errors carry the query code; ListMetrics filters by dimension", async () => {
    await assert.rejects(
      cw.send(new PutMetricDataCommand({ Namespace: "AWS/X", MetricData: [{ MetricName: "m", Value: 1 }] })),
      (e: Error & { Code?: string; $metadata: { httpStatusCode: number } }) =>
        e.name === "InvalidParameterValueException" &&
        e.Code === "InvalidParameterValue" &&
        e.$metadata.httpStatusCode === 400,
    );
    await assert.rejects(
      cw.send(
        new GetMetricDataCommand({
          StartTime: new Date(Date.now() - 60_000),
          EndTime: new Date(),
          MetricDataQueries: [{ Id: "e", Expression: "m1 +" }],
        }),
      ),
      /Error in expression e/,
    );
    const listed = await cw.send(
      new ListMetricsCommand({
        Namespace: "AWS/Lambda",
        MetricName: "Invocations",
        Dimensions: [{ Name: "Resource" }],
      }),
    );
    assert.equal(listed.Metrics?.length, 2);
  });

  test("Prometheus: /metrics on the gateway port parses, and counts what ran", async () => {
    const res = await fetch(`${node.gatewayUrl}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    const families = parsePrometheusTextFormat(await res.text());
    const value = (name: string) =>
      families.find((f) => f.name === name)?.metrics.find((m) => m.labels?.["function"] === "metered");
    assert.equal(value("haneul_function_invocations_total")?.value, "8");
    assert.equal(value("haneul_function_errors_total")?.value, "1");
    assert.equal(value("haneul_function_throttles_total")?.value, "0");
    assert.ok(Number(value("haneul_function_cold_starts_total")?.value) >= 2);
    // The parser keeps a histogram's buckets (not its labels): one function ran here.
    const histogram = families.find((f) => f.name === "haneul_function_duration_milliseconds");
    assert.equal(histogram?.type, "HISTOGRAM");
    assert.equal(histogram?.metrics[0]?.buckets?.["+Inf"], "8");
    assert.equal(families.find((f) => f.name === "haneul_instances")?.type, "GAUGE");
  });

  test("an alarm in real time: PutMetricAlarm (CLI), ALARM seen by SDK v3, its Lambda action runs, history (aws-sdk v2)", async () => {
    await node.client.send(
      new CreateFunctionCommand({
        FunctionName: "pager",
        Runtime: "nodejs20.x",
        Role: SERVER_ROLE,
        Handler: "index.handler",
        Code: { ZipFile: handler },
      }),
    );
    const action = `arn:aws:lambda:${SERVER_REGION}:${SERVER_ACCOUNT}:function:pager`;
    const put = await cli([
      ...[
        "cloudwatch",
        "put-metric-alarm",
        "--alarm-name",
        "deep-queue",
        "--namespace",
        "Queue",
        "--metric-name",
        "Depth",
      ],
      ...["--statistic", "Maximum", "--period", "10", "--evaluation-periods", "1", "--threshold", "5"],
      ...["--comparison-operator", "GreaterThanThreshold", "--treat-missing-data", "ignore", "--alarm-actions", action],
    ]);
    assert.equal(put.code, 0, put.stderr);
    const deadline = Date.now() + 40_000;
    let state: string | undefined;
    // The depth is reported every second, as a queue's would be, until the alarm fires: a period
    // whose end was judged while the machine stalled is followed by others with data.
    for (let reported = 0; Date.now() < deadline;) {
      if (Date.now() - reported >= 1000) {
        reported = Date.now();
        await v2.putMetricData({ Namespace: "Queue", MetricData: [{ MetricName: "Depth", Value: 9 }] }).promise();
      }
      const out = await cw.send(new DescribeAlarmsCommand({ AlarmNames: ["deep-queue"] }));
      state = out.MetricAlarms?.[0]?.StateValue;
      if (state === "ALARM") break;
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.equal(state, "ALARM");
    let ran: number | undefined;
    while (Date.now() < deadline && !ran) {
      ran = await sumOf("Invocations", [fnDim("pager")]);
      if (!ran) await new Promise((r) => setTimeout(r, 500));
    }
    assert.equal(ran, 1, "the alarm action invoked the function once");
    const history = await v2
      .describeAlarmHistory({ AlarmName: "deep-queue", HistoryItemType: "StateUpdate" })
      .promise();
    assert.equal(history.AlarmHistoryItems?.[0]?.HistorySummary, "Alarm updated from INSUFFICIENT_DATA to ALARM");
    const forMetric = await cli([
      "cloudwatch",
      "describe-alarms-for-metric",
      "--namespace",
      "Queue",
      "--metric-name",
      "Depth",
    ]);
    assert.equal(JSON.parse(forMetric.stdout).MetricAlarms[0].AlarmName, "deep-queue");
    await cw.send(
      new SetAlarmStateCommand({ AlarmName: "deep-queue", StateValue: "OK", StateReason: "checked by hand" }),
    );
    const after = await v2.describeAlarms({ AlarmNames: ["deep-queue"] }).promise();
    assert.equal(after.MetricAlarms?.[0]?.StateReason, "checked by hand");
    await assert.rejects(
      v2.deleteAlarms({ AlarmNames: ["no-such-alarm"] }).promise(),
      (e: { code: string; statusCode: number }) => e.code === "ResourceNotFound" && e.statusCode === 404,
    );
    const refused = await cli([
      ...[
        "cloudwatch",
        "put-metric-alarm",
        "--alarm-name",
        "x",
        "--namespace",
        "Q",
        "--metric-name",
        "D",
        "--statistic",
        "Sum",
      ],
      ...[
        "--period",
        "60",
        "--evaluation-periods",
        "1",
        "--threshold",
        "1",
        "--comparison-operator",
        "GreaterThanThreshold",
      ],
      ...["--alarm-actions", "arn:aws:automate:us-east-1:ec2:stop"],
    ]);
    assert.match(refused.stderr, /InvalidParameterValue/, "an action haneul cannot run is refused, not ignored");
    await cw.send(new DeleteAlarmsCommand({ AlarmNames: ["deep-queue"] }));
  });

  test("metrics survive a restart of the node", async () => {
    await node.stop();
    const again = await startServerProcess({
      args: [
        "--data",
        node.dataDir,
        "--api-port",
        "0",
        "--gateway-port",
        "0",
        "--spares",
        "0",
        "--account-id",
        SERVER_ACCOUNT,
      ],
      env: { HANEUL_ACCESS_KEY_ID: SERVER_KEY.accessKeyId, HANEUL_SECRET_ACCESS_KEY: SERVER_KEY.secretAccessKey },
    });
    const client = new CloudWatchClient({
      region: SERVER_REGION,
      endpoint: again.apiUrl,
      credentials: SERVER_KEY,
      maxAttempts: 1,
    });
    try {
      const previous = cw;
      cw = client;
      assert.equal(await sumOf("Invocations", [fnDim("metered")]), 8);
      cw = previous;
    } finally {
      client.destroy();
      await again.stop();
    }
  });
});
