/**
 * API key and usage plan benchmark (not a test): wrk, 50 connections, BENCH_DURATION s per target,
 * both targets served by one gateway process in the same run, alternating for BENCH_ROUNDS rounds:
 *   1. a REST MOCK method answering a GET, no API key required (baseline);
 *   2. the same method with apiKeyRequired, called with an enabled key of a usage plan on the stage
 *      with a throttle (token bucket) and a daily quota counted by the QuotaLedger (SQLite, flushed
 *      every second) — limits far above the load, so every request passes.
 * Run: npm run build && node dist/bench/apigw-usage-plans.bench.js   Knobs: BENCH_DURATION=5 BENCH_ROUNDS=3
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { DeployedApi, DeployedRoute } from "../src/domain/deployed-api.js";
import type { UsageSnapshot } from "../src/domain/usage-plans.js";
import { alternateRounds, hasWrk, runWrk, type WrkResult, startChildServer } from "./wrk.js";

const DURATION = Number(process.env["BENCH_DURATION"] ?? 5);
const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 3);
const CONNECTIONS = 50;

const dist = (p: string) => pathToFileURL(join(import.meta.dirname, "..", "src", p)).href;
const GATEWAY = `const { Gateway } = await import(${JSON.stringify(dist("gateway/gateway.js"))});
const { systemClock } = await import(${JSON.stringify(dist("shared/clock.js"))});
const { randomIds } = await import(${JSON.stringify(dist("shared/ids.js"))});
const { QuotaLedger } = await import(${JSON.stringify(dist("gateway/quota-ledger.js"))});
const { SqliteUsagePlanStore } = await import(${JSON.stringify(dist("adapters/sqlite/usage-plan-store.js"))});
const store = SqliteUsagePlanStore.open({ path: ":memory:" });
const quota = new QuotaLedger({ store, clock: systemClock });
quota.start();
const invoker = { invoke: () => Promise.reject(new Error("not used by MOCK integrations")) };
const g = new Gateway({ invoker, clock: systemClock, ids: randomIds, region: "us-east-1", accountId: "000000000000", quota });
const port = await g.listen(0, "127.0.0.1");
const { apis, usage } = JSON.parse(process.argv[1]);
g.setApis(apis);
g.setUsage(usage);
console.log(port);`;

const KEY = "bench-key-value-0123456789abcdef";

function api(apiId: string, apiKeyRequired: boolean): DeployedApi {
  const route: DeployedRoute = {
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
    apiKeyRequired,
  };
  return {
    apiId,
    name: apiId,
    protocol: "REST",
    binaryMediaTypes: [],
    stages: [{ stageName: "prod", variables: {}, deployment: { deploymentId: "d1", routes: [route] } }],
  };
}

const USAGE: UsageSnapshot = {
  keys: [
    { id: "k1", value: KEY, name: "bench", enabled: true, stageKeys: [], tags: {}, createdAt: 0, lastUpdatedAt: 0 },
  ],
  plans: [
    {
      id: "p1",
      name: "bench",
      apiStages: [{ apiId: "keyedapi01", stage: "prod" }],
      throttle: { rateLimit: 1e9, burstLimit: 1e9 },
      quota: { limit: 1e12, period: "DAY", offset: 0 },
      tags: {},
    },
  ],
  planKeys: [{ planId: "p1", keyId: "k1" }],
};

async function main(): Promise<void> {
  if (!hasWrk()) {
    console.log("wrk is not installed (apt-get install wrk)");
    return;
  }
  const apis = [api("plainapi01", false), api("keyedapi01", true)];
  const gateway = await startChildServer(GATEWAY, [JSON.stringify({ apis, usage: USAGE })]);
  const run = (apiId: string): WrkResult =>
    runWrk(`http://127.0.0.1:${gateway.port}/prod/pets`, {
      connections: CONNECTIONS,
      seconds: DURATION,
      request: { method: "GET", headers: { Host: `${apiId}.execute-api.localhost`, "x-api-key": KEY } },
    });
  try {
    console.log(`wrk ${CONNECTIONS} connections, ${DURATION} s per target, ${ROUNDS} rounds`);
    alternateRounds({
      ...{ rounds: ROUNDS, labels: ["no key", "key + plan"] as const, target: 0.9 },
      ...{ off: () => run("plainapi01"), on: () => run("keyedapi01") },
    });
  } finally {
    gateway.proc.kill();
  }
}

await main();
