/**
 * The cost of a running deployment on gateway throughput, on a real node (startNode in this
 * process, SQLite): one function with versions 1 and 2 and two aliases on version 1, `plain` and
 * `live`, each behind its own REST API (Lambda proxy, stage prod). A CodeDeploy canary (10 % for a
 * day, so it runs throughout) shifts `live`: its RoutingConfig sends 10 % of calls to version 2.
 * wrk drives `plain` (no weights) and `live` (weights, deployment running) in alternating rounds
 * of the same run; the ratio live/plain is the cost. Target ≥ 0.95. Besides req/s (which swings
 * with the machine's load), each run's CPU time of the main thread (the gateway's event loop, where
 * the alias's weights are resolved and the metrics recorded) per request, and the whole node's
 * (every thread and the function instances, wrk left out), read from /proc.
 * Run: npm run build && node dist/bench/deployment-weights.bench.js
 * Per run also: how many instances used CPU and how many were started, and the context switches
 * of the node and its instances per request (the cost of waking more, less busy instances).
 * Knobs: BENCH_DURATION=8 (s per run) BENCH_CONNECTIONS=20 BENCH_ROUNDS=4
 */
import { readdirSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import {
  CodeDeployClient,
  CreateApplicationCommand,
  CreateDeploymentCommand,
  CreateDeploymentConfigCommand,
  CreateDeploymentGroupCommand,
  StopDeploymentCommand,
} from "@aws-sdk/client-codedeploy";
import {
  AddPermissionCommand,
  CreateAliasCommand,
  CreateFunctionCommand,
  GetAliasCommand,
  PublishVersionCommand,
  UpdateFunctionCodeCommand,
} from "@aws-sdk/client-lambda";
import { zipSync } from "fflate";
import { restApiFor } from "../test/helpers/apigw-client.js";
import { functionArn, NODE_ROLE, startLambdaNode } from "../test/helpers/lambda-node.js";
import { fmt, median } from "./stats.js";
import { hasWrk, runWrkAsync, type WrkResult } from "./wrk.js";

const DURATION = Number(process.env["BENCH_DURATION"] ?? 8);
const CONNECTIONS = Number(process.env["BENCH_CONNECTIONS"] ?? 20);
const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 4);
const zip = (s: string) => zipSync({ "index.js": new TextEncoder().encode(s) });
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(" / ");

/** CPU time (ms) of this process's main thread (the gateway's event loop), from /proc. */
function mainThreadCpuMs(): number {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/** CPU ticks and context switches of one process (or thread), and whether it is a function instance, from /proc. */
interface ProcSample {
  readonly ticks: number;
  readonly switches: number;
  readonly instance: boolean;
}

function sampleOf(dir: string): ProcSample | undefined {
  try {
    const stat = readFileSync(`${dir}/stat`, "utf8");
    if (stat.includes("(wrk)")) return undefined;
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const status = readFileSync(`${dir}/status`, "utf8");
    const count = (name: string) => Number(new RegExp(`^${name}:\\s*(\\d+)`, "m").exec(status)?.[1] ?? 0);
    return {
      instance: readFileSync(`${dir}/cmdline`, "utf8").includes("bootstrap.js"),
      ticks: Number(fields[11]) + Number(fields[12]),
      switches: count("voluntary_ctxt_switches") + count("nonvoluntary_ctxt_switches"),
    };
  } catch {
    return undefined; // Gone meanwhile.
  }
}

/**
 * A sample of this process's threads and of its descendants but wrk (the function instances,
 * started through a shell and `nice`), keyed by thread or process id, from /proc.
 */
function nodeSample(): Map<string, ProcSample> {
  const out = new Map<string, ProcSample>();
  const childrenOf = (pid: string): string[] => {
    try {
      return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
    } catch {
      return [];
    }
  };
  for (const tid of readdirSync("/proc/self/task")) {
    const s = sampleOf(`/proc/self/task/${tid}`);
    if (s) out.set(`t${tid}`, s);
  }
  const todo = childrenOf(String(process.pid));
  for (let pid = todo.pop(); pid !== undefined; pid = todo.pop()) {
    const s = sampleOf(`/proc/${pid}`);
    if (!s) continue;
    out.set(pid, s);
    todo.push(...childrenOf(pid));
  }
  return out;
}

/**
 * Between two samples: the node's CPU time (ms, every thread and descendant, the sandbox's helpers
 * too), its context switches, how many function instances used CPU (at least 50 ms) and how many
 * were started.
 */
function between(
  a: Map<string, ProcSample>,
  b: Map<string, ProcSample>,
): { cpuMs: number; switches: number; busyInstances: number; startedInstances: number } {
  let ticks = 0;
  let switches = 0;
  let busyInstances = 0;
  let startedInstances = 0;
  for (const [id, end] of b) {
    const start = a.get(id);
    ticks += end.ticks - (start?.ticks ?? 0);
    switches += end.switches - (start?.switches ?? 0);
    if (!end.instance) continue;
    if (!start) startedInstances++;
    if (end.ticks - (start?.ticks ?? 0) >= 5) busyInstances++;
  }
  return { cpuMs: (ticks * 1000) / 100, switches, busyInstances, startedInstances };
}

/** One wrk run, with the main thread's and the whole node's (instances included) CPU per request (µs). */
interface Run extends WrkResult {
  readonly cpuUsPerRequest: number;
  readonly nodeCpuUsPerRequest: number;
  /** Context switches of the node's threads and instances per request. */
  readonly switchesPerRequest: number;
  /** Function instances that used at least 50 ms of CPU in the run, and those started in it. */
  readonly busyInstances: number;
  readonly startedInstances: number;
}

async function main(): Promise<void> {
  if (!hasWrk()) {
    console.log("wrk is not installed (apt-get install wrk): skipped");
    return;
  }
  console.log(`load average at the start: ${load()}`);
  const node = await startLambdaNode({ keepRecords: false });
  const credentials = { accessKeyId: node.accessKeyId, secretAccessKey: node.secretAccessKey };
  const cd = new CodeDeployClient({ region: "us-east-1", endpoint: node.url, credentials, maxAttempts: 1 });
  try {
    const fn = "weighted";
    const body = (v: string) => `exports.handler = async () => ({ statusCode: 200, body: "${v}" });`;
    await node.client.send(
      new CreateFunctionCommand({
        ...{ FunctionName: fn, Runtime: "nodejs20.x", Role: NODE_ROLE, Handler: "index.handler" },
        Code: { ZipFile: zip(body("v1")) },
      }),
    );
    await node.client.send(new PublishVersionCommand({ FunctionName: fn }));
    await node.client.send(new UpdateFunctionCodeCommand({ FunctionName: fn, ZipFile: zip(body("v2")) }));
    for (let v = ""; v !== "2";) {
      v = (await node.client.send(new PublishVersionCommand({ FunctionName: fn })).catch(() => ({ Version: "" })))
        .Version as string;
    }
    for (const alias of ["plain", "live"]) {
      await node.client.send(new CreateAliasCommand({ FunctionName: fn, Name: alias, FunctionVersion: "1" }));
      await node.client.send(
        new AddPermissionCommand({
          ...{ FunctionName: fn, Qualifier: alias, StatementId: "apigw", Action: "lambda:InvokeFunction" },
          Principal: "apigateway.amazonaws.com",
        }),
      );
    }
    const target = { apiUrl: node.url, ...credentials };
    const plainApi = await restApiFor(target, functionArn(fn, "plain"));
    const liveApi = await restApiFor(target, functionArn(fn, "live"));
    await cd.send(
      new CreateDeploymentConfigCommand({
        deploymentConfigName: "DayCanary",
        computePlatform: "Lambda",
        trafficRoutingConfig: {
          type: "TimeBasedCanary",
          timeBasedCanary: { canaryPercentage: 10, canaryInterval: 1440 },
        },
      }),
    );
    await cd.send(new CreateApplicationCommand({ applicationName: "bench", computePlatform: "Lambda" }));
    await cd.send(
      new CreateDeploymentGroupCommand({
        ...{ applicationName: "bench", deploymentGroupName: "g", deploymentConfigName: "DayCanary" },
        serviceRoleArn: "arn:aws:iam::123456789012:role/cd",
      }),
    );
    const appSpec = JSON.stringify({
      version: 0.0,
      Resources: [
        {
          f: {
            Type: "AWS::Lambda::Function",
            Properties: { Name: fn, Alias: "live", CurrentVersion: "1", TargetVersion: "2" },
          },
        },
      ],
    });
    const { deploymentId } = await cd.send(
      new CreateDeploymentCommand({
        ...{ applicationName: "bench", deploymentGroupName: "g" },
        revision: { revisionType: "AppSpecContent", appSpecContent: { content: appSpec } },
      }),
    );
    for (;;) {
      const a = await node.client.send(new GetAliasCommand({ FunctionName: fn, Name: "live" }));
      if (a.RoutingConfig?.AdditionalVersionWeights?.["2"] === 0.1) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const url = (apiId: string) => `${node.gatewayUrl}/_api/${apiId}/prod/`;
    const run = async (apiId: string): Promise<Run> => {
      const cpu0 = mainThreadCpuMs();
      const all0 = nodeSample();
      const r = await runWrkAsync(url(apiId), { connections: CONNECTIONS, seconds: DURATION });
      const all = between(all0, nodeSample());
      const n = Math.max(1, r.requests);
      return {
        ...r,
        cpuUsPerRequest: ((mainThreadCpuMs() - cpu0) * 1000) / n,
        nodeCpuUsPerRequest: (all.cpuMs * 1000) / n,
        switchesPerRequest: all.switches / n,
        busyInstances: all.busyInstances,
        startedInstances: all.startedInstances,
      };
    };
    for (const api of [plainApi, liveApi]) {
      const res = await fetch(url(api.apiId));
      if (res.status !== 200) throw new Error(`${url(api.apiId)} answered ${res.status}: ${await res.text()}`);
    }
    // Warm both paths (instances of both versions started) before measuring.
    await runWrkAsync(url(liveApi.apiId), { connections: CONNECTIONS, seconds: 2 });
    await runWrkAsync(url(plainApi.apiId), { connections: CONNECTIONS, seconds: 2 });
    console.log(
      `deployment ${deploymentId ?? ""} running: live sends 10 % to version 2; ${CONNECTIONS} connections, ${DURATION} s per run`,
    );
    console.log(
      "| round | plain (no weights) req/s | live (weights) req/s | live p50 | non-2xx | ratio | plain CPU/req | live CPU/req | CPU ratio | plain node CPU/req | live node CPU/req | node CPU ratio | instances busy plain / live | started plain / live | switches/req plain / live |",
    );
    console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    const ratios: number[] = [];
    const cpuRatios: number[] = [];
    const nodeCpuRatios: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const plainFirst = round % 2 === 1 ? await run(plainApi.apiId) : undefined;
      const live = await run(liveApi.apiId);
      const plain = plainFirst ?? (await run(plainApi.apiId));
      ratios.push(live.rps / plain.rps);
      // By CPU: plain's CPU per request over live's (above 1 when live costs more), comparable to the rate ratio.
      cpuRatios.push(plain.cpuUsPerRequest / live.cpuUsPerRequest);
      nodeCpuRatios.push(plain.nodeCpuUsPerRequest / live.nodeCpuUsPerRequest);
      console.log(
        `| ${round} | ${Math.round(plain.rps)} | ${Math.round(live.rps)} | ${fmt(live.p50Ms)} ms | ${live.non2xx + plain.non2xx} | ${fmt(live.rps / plain.rps, 3)} | ${fmt(plain.cpuUsPerRequest)} µs | ${fmt(live.cpuUsPerRequest)} µs | ${fmt(plain.cpuUsPerRequest / live.cpuUsPerRequest, 3)} | ${fmt(plain.nodeCpuUsPerRequest)} µs | ${fmt(live.nodeCpuUsPerRequest)} µs | ${fmt(plain.nodeCpuUsPerRequest / live.nodeCpuUsPerRequest, 3)} | ${plain.busyInstances} / ${live.busyInstances} | ${plain.startedInstances} / ${live.startedInstances} | ${fmt(plain.switchesPerRequest, 2)} / ${fmt(live.switchesPerRequest, 2)} |`,
      );
    }
    console.log(`median ratio live/plain (target >= 0.95): ${fmt(median(ratios), 3)}`);
    console.log(`median ratio by main-thread CPU per request, plain/live: ${fmt(median(cpuRatios), 3)}`);
    console.log(
      `median ratio by node CPU per request (instances included), plain/live: ${fmt(median(nodeCpuRatios), 3)}`,
    );
    await cd.send(new StopDeploymentCommand({ deploymentId, autoRollbackEnabled: true }));
  } finally {
    cd.destroy();
    await node.close();
    console.log(`load average at the end: ${load()}`);
  }
}

await main();
