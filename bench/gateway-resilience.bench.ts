/**
 * Gateway resilience benchmark (not a test): wrk, BENCH_CONNECTIONS connections, BENCH_DURATION s
 * per target, every server a child process of its own, all in one run:
 *   1. an open circuit's answers against a bare node:http server answering the same 503 (its body
 *      and six headers, fixed values of the same lengths; target ≥ 0.8): the circuit of a REST HTTP_PROXY integration opened on a backend that refuses
 *      connections, so that every request is answered by the gateway without calling anything;
 *      BENCH_ROUNDS alternating rounds, each with the rate and the CPU each server process used per
 *      request (from /proc: steadier than the rate when the machine is shared);
 *   2. the cost of the check: the same HTTP_PROXY integration to a bare upstream with a closed
 *      circuit breaker against none, 3 alternating rounds.
 * Run: npm run build && node dist/bench/gateway-resilience.bench.js   Knobs: BENCH_DURATION=5 BENCH_CONNECTIONS=50 BENCH_ROUNDS=3
 */
import type { ChildProcess } from "node:child_process";
import { request } from "node:http";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { DeployedApi, DeployedCustomIntegration } from "../src/domain/deployed-api.js";
import { parseResiliencePolicy, type ResiliencePolicy } from "../src/domain/resilience-policy.js";
import { fmt, median } from "./stats.js";
import { alternateRounds, cpuMs, hasWrk, runWrk, startChildServer, type WrkResult } from "./wrk.js";

const DURATION = Number(process.env["BENCH_DURATION"] ?? 5);
const CONNECTIONS = Number(process.env["BENCH_CONNECTIONS"] ?? 50);
const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 3);

const BARE = `import { createServer } from "node:http";
createServer((q, s) => { s.writeHead(200, {"content-type":"application/json"}); s.end('{"ok":true,"stage":"prod"}'); }).listen(0, "127.0.0.1", function () { console.log(this.address().port); });`;

// The baseline of the open circuit: a bare node:http server answering what the gateway answers for
// it (REST's 503, its body, and its six headers with values of the same lengths; fixed values, not
// drawn per request), on a keep-alive server with the gateway's keep-alive timeout.
const OPEN_SHAPED = `import { createServer } from "node:http";
const body = '{"message": "Service Unavailable"}';
const server = createServer((q, s) => {
  s.writeHead(503, {
    "content-type": "application/json",
    "x-amzn-ErrorType": "ServiceUnavailableException",
    "x-amzn-RequestId": "0f0e8b2c-6b0a-4a61-9a3c-2f1d5e7c9a11",
    "x-amz-apigw-id": "AbCdEfGhIjKlMnO=",
    "X-Amzn-Trace-Id": "Root=1-6574a1b2-0123456789abcdef01234567",
    "content-length": body.length,
  });
  s.end(body);
});
server.keepAliveTimeout = 65000;
server.listen(0, "127.0.0.1", function () { console.log(this.address().port); });`;

const dist = (p: string) => pathToFileURL(join(import.meta.dirname, "..", "src", p)).href;
const GATEWAY = `const { Gateway } = await import(${JSON.stringify(dist("gateway/gateway.js"))});
const { systemClock } = await import(${JSON.stringify(dist("shared/clock.js"))});
const { randomIds } = await import(${JSON.stringify(dist("shared/ids.js"))});
const invoker = { invoke: () => Promise.reject(new Error("not used by these integrations")) };
const g = new Gateway({ invoker, clock: systemClock, ids: randomIds, region: "us-east-1", accountId: "000000000000" });
const port = await g.listen(0, "127.0.0.1");
g.setApis(JSON.parse(process.argv[1]));
console.log(port);`;

function policy(v: unknown): ResiliencePolicy {
  const p = parseResiliencePolicy(v);
  if ("error" in p) throw new Error(p.error);
  return p;
}

function proxyApi(apiId: string, uri: string, resilience?: ResiliencePolicy): DeployedApi {
  const integration: DeployedCustomIntegration = {
    type: "HTTP_PROXY",
    uri,
    httpMethod: "ANY",
    timeoutMs: 29_000,
    passthroughBehavior: "WHEN_NO_MATCH",
    requestParameters: {},
    requestTemplates: {},
    responses: [],
    ...(resilience ? { resilience } : {}),
  };
  const routes = [{ routeKey: "ANY /items", integration, resourceId: "r1" }];
  return {
    apiId,
    name: apiId,
    protocol: "REST",
    binaryMediaTypes: [],
    stages: [{ stageName: "prod", variables: {}, deployment: { deploymentId: "d1", routes } }],
  };
}

function get(port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/prod/items", headers: { host } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end();
  });
}

async function main(): Promise<void> {
  if (!hasWrk()) {
    console.log("wrk is not installed (apt-get install wrk)");
    return;
  }
  const children: ChildProcess[] = [];
  const start = async (source: string, args: string[] = []) => {
    const c = await startChildServer(source, args);
    children.push(c.proc);
    return { port: c.port, pid: c.proc.pid as number };
  };
  try {
    const bare = await start(OPEN_SHAPED);
    const upstream = (await start(BARE)).port;
    const breaker = policy({ circuitBreaker: { consecutiveFailures: 1, openMs: 3_600_000 } });
    const apis = [
      // Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
      proxyApi("openapi001", "http://127.0.0.1:9/items", breaker),
      proxyApi("closedapi1", `http://127.0.0.1:${upstream}/items`, breaker),
      proxyApi("plainapi01", `http://127.0.0.1:${upstream}/items`),
    ];
    const gateway = await start(GATEWAY, [JSON.stringify(apis)]);
    const host = (api: string) => `${api}.execute-api.localhost`;
    const first = await get(gateway.port, host("openapi001"));
    const second = await get(gateway.port, host("openapi001"));
    console.log(`open circuit: first request ${first} (refused connection), then ${second}`);
    const wrk = (port: number, path: string, api?: string) =>
      runWrk(`http://127.0.0.1:${port}${path}`, {
        connections: CONNECTIONS,
        seconds: DURATION,
        request: api ? { headers: { Host: host(api) } } : undefined,
      });
    // Each target's rate and the CPU its server process used per request (user + system).
    const measured = (pid: number, run: () => WrkResult) => {
      const before = cpuMs(pid);
      const r = run();
      return { r, cpuUs: ((cpuMs(pid) - before) * 1000) / r.requests };
    };
    const bareRun = () => measured(bare.pid, () => wrk(bare.port, "/items"));
    const openRun = () => measured(gateway.pid, () => wrk(gateway.port, "/prod/items", "openapi001"));
    bareRun();
    openRun();
    console.log(`wrk ${CONNECTIONS} connections, ${DURATION} s per target, ${ROUNDS} alternating rounds`);
    console.log(
      "| round | bare req/s | bare p50 | bare CPU/req | open circuit req/s | p50 | p99 | CPU/req | ratio (rate) | ratio (CPU) |",
    );
    console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    const byRate: number[] = [];
    const byCpu: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const first = round % 2 === 1 ? bareRun() : undefined;
      const o = openRun();
      const b = first ?? bareRun();
      byRate.push(o.r.rps / b.r.rps);
      byCpu.push(b.cpuUs / o.cpuUs);
      console.log(
        `| ${round} | ${Math.round(b.r.rps)} | ${fmt(b.r.p50Ms)} ms | ${fmt(b.cpuUs)} µs | ${Math.round(o.r.rps)} | ${fmt(o.r.p50Ms)} ms | ${fmt(o.r.p99Ms)} ms | ${fmt(o.cpuUs)} µs | ${fmt(o.r.rps / b.r.rps, 3)} | ${fmt(b.cpuUs / o.cpuUs, 3)} |`,
      );
    }
    console.log(
      `open circuit / bare (target >= 0.8): median ${fmt(median(byRate), 3)} by rate, ${fmt(median(byCpu), 3)} by CPU per request`,
    );
    alternateRounds({
      rounds: 3,
      labels: ["no breaker", "closed breaker"],
      target: 0.95,
      off: () => wrk(gateway.port, "/prod/items", "plainapi01"),
      on: () => wrk(gateway.port, "/prod/items", "closedapi1"),
    });
  } finally {
    for (const c of children) c.kill();
  }
}

await main();
