/**
 * Time from an error burst to a completed rollback, on a real node (startNode in this process,
 * SQLite) at --time-scale BENCH_TIME_SCALE (default 10): a canary (10 % for 30 minutes) of a
 * version that throws, watched by an alarm on the function's Errors (Sum, Period 60 s as SAM's canonical alarm, 1 period,
 * > 0, notBreaching). At t0 a burst of 20 invocations of the new version fails; measured until the
 * alias is back on the old version with no weights, and, as the baseline in the same trial, until
 * the alarm itself reads ALARM (DescribeAlarms). Three trials, each on its own function.
 * Target: ≤ 2 alarm periods + 1 s of real time at time scale 1, divided by the scale.
 * Run: npm run build && node dist/bench/deployments.bench.js
 */
import { CloudWatchClient, DescribeAlarmsCommand, PutMetricAlarmCommand } from "@aws-sdk/client-cloudwatch";
import {
  CodeDeployClient,
  CreateApplicationCommand,
  CreateDeploymentCommand,
  CreateDeploymentGroupCommand,
} from "@aws-sdk/client-codedeploy";
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  GetAliasCommand,
  InvokeCommand,
  PublishVersionCommand,
  UpdateFunctionCodeCommand,
} from "@aws-sdk/client-lambda";
import { zipSync } from "fflate";
import { NODE_ROLE, startLambdaNode, type LambdaNode } from "../test/helpers/lambda-node.js";
import { fmt, median } from "./stats.js";

const SCALE = Number(process.env["BENCH_TIME_SCALE"] ?? 10);
const PERIOD_S = 60;
const TRIALS = 3;
const zip = (s: string) => zipSync({ "index.js": new TextEncoder().encode(s) });

async function until(check: () => Promise<boolean>, timeoutMs = 60_000): Promise<number> {
  const end = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
  return performance.now();
}

async function trial(node: LambdaNode, cd: CodeDeployClient, cw: CloudWatchClient, i: number) {
  const fn = `shop${i}`;
  await node.client.send(
    new CreateFunctionCommand({
      FunctionName: fn,
      Runtime: "nodejs20.x",
      Role: NODE_ROLE,
      Handler: "index.handler",
      Code: { ZipFile: zip("exports.handler = async () => 1;") },
    }),
  );
  await node.client.send(new PublishVersionCommand({ FunctionName: fn }));
  await node.client.send(
    new UpdateFunctionCodeCommand({
      FunctionName: fn,
      ZipFile: zip("exports.handler = async () => { throw new Error('bad'); };"),
    }),
  );
  await until(async () => (await node.client.send(new PublishVersionCommand({ FunctionName: fn }))).Version === "2");
  await node.client.send(new CreateAliasCommand({ FunctionName: fn, Name: "live", FunctionVersion: "1" }));
  const alarm = `${fn}-errors`;
  await cw.send(
    new PutMetricAlarmCommand({
      ...{ AlarmName: alarm, Namespace: "AWS/Lambda", MetricName: "Errors", Statistic: "Sum", Period: PERIOD_S },
      ...{
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: "GreaterThanThreshold",
        TreatMissingData: "notBreaching",
      },
      Dimensions: [{ Name: "FunctionName", Value: fn }],
    }),
  );
  await cd.send(
    new CreateDeploymentGroupCommand({
      ...{ applicationName: "bench", deploymentGroupName: fn, serviceRoleArn: "arn:aws:iam::123456789012:role/cd" },
      deploymentConfigName: "CodeDeployDefault.LambdaCanary10Percent30Minutes",
      alarmConfiguration: { enabled: true, alarms: [{ name: alarm }] },
      autoRollbackConfiguration: { enabled: true, events: ["DEPLOYMENT_STOP_ON_ALARM"] },
    }),
  );
  const content = JSON.stringify({
    Resources: [
      {
        f: {
          Type: "AWS::Lambda::Function",
          Properties: { Name: fn, Alias: "live", CurrentVersion: "1", TargetVersion: "2" },
        },
      },
    ],
  });
  await cd.send(
    new CreateDeploymentCommand({
      applicationName: "bench",
      deploymentGroupName: fn,
      revision: { revisionType: "AppSpecContent", appSpecContent: { content } },
    }),
  );
  const alias = () => node.client.send(new GetAliasCommand({ FunctionName: fn, Name: "live" }));
  await until(async () => (await alias()).RoutingConfig !== undefined);
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: 20 }, () => node.client.send(new InvokeCommand({ FunctionName: fn, Qualifier: "2" }))),
  );
  const alarmed = until(
    async () =>
      (await cw.send(new DescribeAlarmsCommand({ AlarmNames: [alarm] }))).MetricAlarms?.[0]?.StateValue === "ALARM",
  );
  const rolledBack = until(async () => {
    const a = await alias();
    return a.FunctionVersion === "1" && a.RoutingConfig === undefined;
  });
  return { rollback: (await rolledBack) - t0, alarm: (await alarmed) - t0 };
}

async function main(): Promise<void> {
  const node = await startLambdaNode({ env: { HANEUL_TIME_SCALE: String(SCALE) } });
  const common = {
    region: "us-east-1",
    endpoint: node.url,
    credentials: { accessKeyId: node.accessKeyId, secretAccessKey: node.secretAccessKey },
  };
  const cd = new CodeDeployClient(common);
  const cw = new CloudWatchClient(common);
  try {
    await cd.send(new CreateApplicationCommand({ applicationName: "bench", computePlatform: "Lambda" }));
    const runs = [];
    for (let i = 0; i < TRIALS; i++) {
      const r = await trial(node, cd, cw, i);
      console.log(
        `trial ${i + 1}: rollback complete after ${fmt(r.rollback, 0)} ms, alarm in ALARM after ${fmt(r.alarm, 0)} ms (real time)`,
      );
      runs.push(r);
    }
    const rollback = median(runs.map((r) => r.rollback));
    const alarm = median(runs.map((r) => r.alarm));
    const target = ((2 * PERIOD_S + 1) * 1000) / SCALE;
    console.log(`time scale ${SCALE}, alarm period ${PERIOD_S} s (platform time)`);
    console.log(`median error burst → rollback complete: ${fmt(rollback, 0)} ms real (target ≤ ${fmt(target, 0)} ms)`);
    console.log(
      `median error burst → alarm in ALARM (baseline): ${fmt(alarm, 0)} ms; ratio rollback/alarm ${fmt(rollback / alarm)}`,
    );
  } finally {
    cd.destroy();
    cw.destroy();
    await node.close();
  }
}

await main();
