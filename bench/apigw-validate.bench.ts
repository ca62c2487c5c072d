/**
 * Request validation benchmark (not a test): wrk, 50 connections, BENCH_DURATION s per target, both
 * targets served by one gateway process in the same run, alternating for BENCH_ROUNDS rounds:
 *   1. a REST MOCK method answering a POST with a JSON body, without a request validator (baseline);
 *   2. the same method with a validator checking a required header and the body against a draft 4
 *      model (object, required name, typed properties) — every request passes the checks.
 * Run: npm run build && node dist/bench/apigw-validate.bench.js   Knobs: BENCH_DURATION=5 BENCH_ROUNDS=3
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { DeployedApi, DeployedRoute } from "../src/domain/deployed-api.js";
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

const PET = JSON.stringify({
  $schema: "http://json-schema.org/draft-04/schema#",
  type: "object",
  required: ["name"],
  properties: {
    name: { type: "string" },
    age: { type: "integer", minimum: 0 },
    tags: { type: "array", items: { type: "string" } },
  },
});

function api(apiId: string, validation: DeployedRoute["validation"]): DeployedApi {
  const route: DeployedRoute = {
    routeKey: "POST /pets",
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
    ...(validation ? { validation } : {}),
  };
  return {
    apiId,
    name: apiId,
    protocol: "REST",
    binaryMediaTypes: [],
    stages: [{ stageName: "prod", variables: {}, deployment: { deploymentId: "d1", routes: [route] } }],
  };
}

async function main(): Promise<void> {
  if (!hasWrk()) {
    console.log("wrk is not installed (apt-get install wrk)");
    return;
  }
  const apis = [
    api("plainapi01", undefined),
    api("validapi01", {
      requiredParameters: ["method.request.header.X-Owner"],
      bodyModels: { "application/json": "Pet" },
      models: { Pet: PET },
    }),
  ];
  const gateway = await startChildServer(GATEWAY, [JSON.stringify(apis)]);
  const body = JSON.stringify({ name: "rex", age: 3, tags: ["good", "dog"] });
  const run = (apiId: string): WrkResult =>
    runWrk(`http://127.0.0.1:${gateway.port}/prod/pets`, {
      connections: CONNECTIONS,
      seconds: DURATION,
      request: {
        method: "POST",
        body,
        headers: { Host: `${apiId}.execute-api.localhost`, "Content-Type": "application/json", "X-Owner": "ann" },
      },
    });
  try {
    console.log(`wrk ${CONNECTIONS} connections, ${DURATION} s per target, ${ROUNDS} rounds`);
    alternateRounds({
      ...{ rounds: ROUNDS, labels: ["validation off", "validation on"] as const, target: 0.9 },
      ...{ off: () => run("plainapi01"), on: () => run("validapi01") },
    });
  } finally {
    gateway.proc.kill();
  }
}

await main();
