/**
 * Stage throttling benchmark (not a test): wrk, 50 connections, BENCH_DURATION s per target, both
 * targets served by one gateway process in the same run, alternating for BENCH_ROUNDS rounds:
 *   1. a REST MOCK method answering a GET on a stage without throttling (baseline: the gateway's
 *      path when no stage sets any, one property check);
 *   2. the same method on a stage with `*\/*` MethodSettings throttling — limits far above the
 *      load, so every request passes (one map lookup and one token-bucket update per request).
 * Run: npm run build && node dist/bench/apigw-stage-throttle.bench.js   Knobs: BENCH_DURATION=5 BENCH_ROUNDS=3
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { DeployedApi, DeployedRoute, DeployedStage } from "../src/domain/deployed-api.js";
import { alternateRounds, hasWrk, runWrk, type WrkResult, startChildServer } from "./wrk.js";

const DURATION = Number(process.env["BENCH_DURATION"] ?? 5);
const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 3);
const CONNECTIONS = 50;

const dist = (p: string) => pathToFileURL(join(import.meta.dirname, "..", "src", p)).href;
const GATEWAY = `const { Gateway } = await import(${JSON.stringify(dist("gateway/gateway.js"))});
const { systemClock } = await import(${JSON.stringify(dist("shared/clock.js"))});
const { randomIds } = await import(${JSON.stringify(dist("shared/ids.js"))});
const invoker = { invoke: () => Promise.reject(new Error("not used by MOCK integrations")) };
const g = new Gateway({ invoker, clock: systemClock, ids: randomIds, region: "us-east-1", accountId: "000000000000" });
const port = await g.listen(0, "127.0.0.1");
g.setApis(JSON.parse(process.argv[1]));
console.log(port);`;

const ROUTE: DeployedRoute = {
  routeKey: "GET /pets",
  resourceId: "r1",
  integration: {
    type: "MOCK",
    timeoutMs: 29_000,
    passthroughBehavior: "WHEN_NO_MATCH",
    requestParameters: {},
    requestTemplates: { "application/json": '{"statusCode": 200}' },
    responses: [
      { statusCode: "200", responseParameters: {}, responseTemplates: { "application/json": '{"ok":true}' } },
    ],
  },
};

function api(apiId: string, throttle: DeployedStage["throttle"]): DeployedApi {
  const stage: DeployedStage = {
    stageName: "prod",
    variables: {},
    deployment: { deploymentId: "d1", routes: [ROUTE] },
  };
  return {
    apiId,
    name: apiId,
    protocol: "REST",
    binaryMediaTypes: [],
    stages: [throttle ? { ...stage, throttle } : stage],
  };
}

async function main(): Promise<void> {
  if (!hasWrk()) {
    console.log("wrk is not installed (apt-get install wrk)");
    return;
  }
  const apis = [
    api("plainapi01", undefined),
    api("limitapi01", { all: { rateLimit: 1e9, burstLimit: 1e9 }, routes: {} }),
  ];
  const gateway = await startChildServer(GATEWAY, [JSON.stringify(apis)]);
  const run = (apiId: string): WrkResult =>
    runWrk(`http://127.0.0.1:${gateway.port}/prod/pets`, {
      connections: CONNECTIONS,
      seconds: DURATION,
      request: { method: "GET", headers: { Host: `${apiId}.execute-api.localhost` } },
    });
  try {
    console.log(`wrk ${CONNECTIONS} connections, ${DURATION} s per target, ${ROUNDS} rounds`);
    alternateRounds({
      ...{ rounds: ROUNDS, labels: ["no throttling", "stage throttling"] as const, target: 0.9 },
      ...{ off: () => run("plainapi01"), on: () => run("limitapi01") },
    });
  } finally {
    gateway.proc.kill();
  }
}

await main();
