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
 * Besides req/s, each round reports the CPU time per request of the gateway's thread and of the
 * whole gateway process (append thread included), from /proc: steadier than req/s on a loaded machine.
 * Run: npm run build && node dist/bench/apigw-access-logs.bench.js   Knobs: BENCH_DURATION=5 BENCH_ROUNDS=3
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { DeployedApi, DeployedStage } from "../src/domain/deployed-api.js";
import { readFileSync } from "node:fs";
import { fmt, median } from "./stats.js";
import { cpuMs, hasWrk, runWrk, type WrkResult, startChildServer } from "./wrk.js";

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

/** CPU time (ms) of one thread of `pid` (its main thread: tid = pid), from /proc (clock ticks of 10 ms). */
function threadCpuMs(pid: number, tid: number): number {
  const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** One wrk run and the gateway's CPU µs per request it cost: its main thread, and the whole process. */
interface Measured {
  readonly wrk: WrkResult;
  readonly threadUs: number;
  readonly processUs: number;
}

function measured(pid: number, run: () => WrkResult): Measured {
  const thread0 = threadCpuMs(pid, pid);
  const process0 = cpuMs(pid);
  const wrk = run();
  const n = wrk.requests;
  return {
    wrk,
    threadUs: ((threadCpuMs(pid, pid) - thread0) * 1000) / n,
    processUs: ((cpuMs(pid) - process0) * 1000) / n,
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
    const pid = gateway.proc.pid as number;
    const ratios: number[] = [];
    const cpuRatios: number[] = [];
    const cpu = { off: [] as number[], on: [] as number[], offProcess: [] as number[], onProcess: [] as number[] };
    console.log(
      "| round | off req/s | on req/s | on p50 | non-2xx (on) | ratio | off µs/req (thread, process) | on µs/req (thread, process) |",
    );
    console.log("| --- | --- | --- | --- | --- | --- | --- | --- |");
    for (let round = 1; round <= ROUNDS; round++) {
      // Alternate which target runs first.
      const offFirst = round % 2 === 1 ? measured(pid, () => run("plainapi01")) : undefined;
      const on = measured(pid, () => run("loggedapi1"));
      const off = offFirst ?? measured(pid, () => run("plainapi01"));
      ratios.push(on.wrk.rps / off.wrk.rps);
      cpuRatios.push(off.threadUs / on.threadUs);
      cpu.off.push(off.threadUs);
      cpu.on.push(on.threadUs);
      cpu.offProcess.push(off.processUs);
      cpu.onProcess.push(on.processUs);
      console.log(
        `| ${round} | ${Math.round(off.wrk.rps)} | ${Math.round(on.wrk.rps)} | ${fmt(on.wrk.p50Ms)} ms | ${on.wrk.non2xx + off.wrk.non2xx} | ` +
          `${fmt(on.wrk.rps / off.wrk.rps, 3)} | ${fmt(off.threadUs, 1)}, ${fmt(off.processUs, 1)} | ${fmt(on.threadUs, 1)}, ${fmt(on.processUs, 1)} |`,
      );
    }
    console.log(`median ratio on/off by req/s (target >= 0.9): ${fmt(median(ratios), 3)}`);
    console.log(
      `median gateway-thread CPU per request: off ${fmt(median(cpu.off), 1)} µs, on ${fmt(median(cpu.on), 1)} µs; ` +
        `median ratio off/on: ${fmt(median(cpuRatios), 3)}`,
    );
    console.log(
      `median whole-process CPU per request (append thread included): off ${fmt(median(cpu.offProcess), 1)} µs, ` +
        `on ${fmt(median(cpu.onProcess), 1)} µs`,
    );
  } finally {
    gateway.proc.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
