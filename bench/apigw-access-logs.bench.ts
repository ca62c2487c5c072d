/**
 * Access logs on vs off (not a test): wrk, 50 connections, BENCH_DURATION s per target, both
 * targets served by one gateway process in the same run, alternating for BENCH_ROUNDS rounds:
 *   1. a REST MOCK method on a stage without access logs (baseline: the gateway's own cost only,
 *      where an access log's share is largest);
 *   2. the same method on a stage with access logs: a 14-variable JSON format, each line handed
 *      to a LogWriter that batches it into a SQLite log store on a file (appends on the store's
 *      thread), as a node does.
 * BENCH_SINK=none drops the lines instead (the gateway's own share: rendering only);
 * BENCH_SINK=store-in-process appends on the gateway's own thread (the write path before the thread).
 * Run: npm run build && node dist/bench/apigw-access-logs.bench.js   Knobs: BENCH_DURATION=5 BENCH_ROUNDS=3
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { DeployedApi, DeployedStage } from "../src/domain/deployed-api.js";
import { alternateRounds, hasWrk, runWrk, type WrkResult, startChildServer } from "./wrk.js";

const DURATION = Number(process.env["BENCH_DURATION"] ?? 5);
const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 3);
const CONNECTIONS = 50;

const dist = (p: string) => pathToFileURL(join(import.meta.dirname, "..", "src", p)).href;
const GATEWAY = `const { Gateway } = await import(${JSON.stringify(dist("gateway/gateway.js"))});
const { systemClock } = await import(${JSON.stringify(dist("shared/clock.js"))});
const { randomIds } = await import(${JSON.stringify(dist("shared/ids.js"))});
const { SqliteLogStore } = await import(${JSON.stringify(dist("adapters/sqlite/log-store.js"))});
const { LogWriter } = await import(${JSON.stringify(dist("telemetry/log-writer.js"))});
const inProcess = process.argv[3] === "store-in-process";
const store = SqliteLogStore.open({ path: process.argv[2],
  appendThread: inProcess ? undefined : { onCrash: (e) => console.error(e) } });
const writer = new LogWriter({ store, clock: systemClock, onError: (m, e) => console.error(m, e) });
const invoker = { invoke: () => Promise.reject(new Error("not used by MOCK integrations")) };
const sink = process.argv[3] === "none" ? () => undefined : writer.line;
const g = new Gateway({ invoker, clock: systemClock, ids: randomIds, region: "us-east-1", accountId: "000000000000",
  onStageAccessLog: sink });
const port = await g.listen(0, "127.0.0.1");
g.setApis(JSON.parse(process.argv[1]));
console.log(port);`;

const FORMAT = JSON.stringify({
  requestId: "$context.requestId",
  extendedRequestId: "$context.extendedRequestId",
  ip: "$context.identity.sourceIp",
  userAgent: "$context.identity.userAgent",
  requestTime: "$context.requestTime",
  httpMethod: "$context.httpMethod",
  resourcePath: "$context.resourcePath",
  path: "$context.path",
  status: "$context.status",
  protocol: "$context.protocol",
  responseLength: "$context.responseLength",
  responseLatency: "$context.responseLatency",
  integrationLatency: "$context.integrationLatency",
  error: "$context.error.message",
});

function api(apiId: string, accessLog: DeployedStage["accessLog"]): DeployedApi {
  return {
    apiId,
    name: apiId,
    protocol: "REST",
    binaryMediaTypes: [],
    stages: [
      {
        stageName: "prod",
        variables: {},
        ...(accessLog ? { accessLog } : {}),
        deployment: {
          deploymentId: "d1",
          routes: [
            {
              routeKey: "GET /pets",
              resourceId: "r1",
              integration: {
                type: "MOCK",
                timeoutMs: 29_000,
                passthroughBehavior: "WHEN_NO_MATCH",
                requestParameters: {},
                requestTemplates: { "application/json": '{"statusCode": 200}' },
                responses: [
                  {
                    statusCode: "200",
                    responseParameters: {},
                    responseTemplates: { "application/json": '{"ok":true}' },
                  },
                ],
              },
            },
          ],
        },
      },
    ],
  };
}

async function main(): Promise<void> {
  if (!hasWrk()) {
    console.log("wrk is not installed (apt-get install wrk)");
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), "haneul-access-log-bench-"));
  const apis = [api("plainapi01", undefined), api("loggedapi1", { groupName: "/access/bench", format: FORMAT })];
  const sink = process.env["BENCH_SINK"] ?? "store";
  const gateway = await startChildServer(GATEWAY, [JSON.stringify(apis), join(dir, "logs.db"), sink]);
  const run = (apiId: string): WrkResult =>
    runWrk(`http://127.0.0.1:${gateway.port}/prod/pets`, {
      connections: CONNECTIONS,
      seconds: DURATION,
      request: { headers: { Host: `${apiId}.execute-api.localhost` } },
    });
  try {
    console.log(`wrk ${CONNECTIONS} connections, ${DURATION} s per target, ${ROUNDS} rounds, sink: ${sink}`);
    alternateRounds({
      ...{ rounds: ROUNDS, labels: ["access logs off", "access logs on"] as const, target: 0.9 },
      ...{ off: () => run("plainapi01"), on: () => run("loggedapi1") },
    });
  } finally {
    gateway.proc.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
