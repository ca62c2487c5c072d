/**
 * Gateway integrations benchmark (not a test): wrk, 50 connections, BENCH_DURATION s per target,
 * all in one run:
 *   1. a bare node:http server answering a small JSON (the baseline for the MOCK integration);
 *   2. haneul's gateway, a REST MOCK integration whose request template names the status and whose
 *      response template renders `$context` fields (what a mapping template costs per request);
 *   3. a bare node:http reverse proxy (kept-alive agent) doing the same hop to the same upstream;
 *   4. haneul's gateway, a REST HTTP_PROXY integration (a stage variable in the URI) to that upstream.
 * Every server is a child process of its own (wrk runs synchronously here).
 * Run: npm run build && node dist/bench/gateway-integrations.bench.js   Knobs: BENCH_DURATION=5 BENCH_CONNECTIONS=50
 */
import { spawn, type ChildProcess } from "node:child_process";
import type { DeployedApi } from "../src/domain/deployed-api.js";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { fmt } from "./stats.js";
import { hasWrk, runWrk, type WrkResult } from "./wrk.js";

const DURATION = Number(process.env["BENCH_DURATION"] ?? 5);
const CONNECTIONS = Number(process.env["BENCH_CONNECTIONS"] ?? 50);

const BARE = `require("node:http").createServer((q, s) => { s.writeHead(200, {"content-type":"application/json"}); s.end('{"ok":true,"stage":"prod"}'); }).listen(0, "127.0.0.1", function () { console.log(this.address().port); });`;
const PROXY = `const http = require("node:http"); const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const target = Number(process.argv[1]);
http.createServer((q, s) => {
  const chunks = []; q.on("data", (c) => chunks.push(c)); q.on("end", () => {
    const body = Buffer.concat(chunks);
    const headers = { ...q.headers, "content-length": body.length }; delete headers.host; delete headers.connection;
    const r = http.request({ host: "127.0.0.1", port: target, path: q.url, method: q.method, headers, agent }, (u) => {
      const out = []; u.on("data", (c) => out.push(c)); u.on("end", () => { const b = Buffer.concat(out);
        const h = { ...u.headers, "content-length": b.length }; delete h.connection; delete h["keep-alive"]; delete h["transfer-encoding"];
        s.writeHead(u.statusCode, h); s.end(b); });
    });
    r.on("error", () => { s.writeHead(502); s.end(); }); r.end(body);
  });
}).listen(0, "127.0.0.1", function () { console.log(this.address().port); });`;

// The gateway with no invoker (these integrations invoke no function), serving the APIs in argv[1].
const dist = (p: string) => pathToFileURL(join(import.meta.dirname, "..", "src", p)).href;
const GATEWAY = `const { Gateway } = await import(${JSON.stringify(dist("gateway/gateway.js"))});
const { systemClock } = await import(${JSON.stringify(dist("shared/clock.js"))});
const { randomIds } = await import(${JSON.stringify(dist("shared/ids.js"))});
const invoker = { invoke: () => Promise.reject(new Error("not used by these integrations")) };
const g = new Gateway({ invoker, clock: systemClock, ids: randomIds, region: "us-east-1", accountId: "000000000000" });
const port = await g.listen(0, "127.0.0.1");
g.setApis(JSON.parse(process.argv[1]));
console.log(port);`;

function child(source: string, ...args: string[]): Promise<{ proc: ChildProcess; port: number }> {
  const esm = source === GATEWAY ? ["--input-type=module"] : [];
  const proc = spawn(process.execPath, [...esm, "-e", source, ...args], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    proc.stdout?.once("data", (d: Buffer) => resolve({ proc, port: Number(d.toString().trim()) }));
    proc.once("error", reject);
  });
}

function restApi(
  apiId: string,
  integration: DeployedApi["stages"][number]["deployment"]["routes"][number]["integration"],
  variables: Record<string, string> = {},
): DeployedApi {
  return {
    apiId,
    name: apiId,
    protocol: "REST",
    binaryMediaTypes: [],
    stages: [
      {
        stageName: "prod",
        variables,
        deployment: { deploymentId: "d1", routes: [{ routeKey: "ANY /{proxy+}", integration, resourceId: "r1" }] },
      },
    ],
  };
}

interface Row {
  readonly name: string;
  readonly result: WrkResult;
  readonly baseline?: WrkResult;
}

async function main(): Promise<void> {
  if (!hasWrk()) {
    console.log("wrk is not installed (apt-get install wrk)");
    return;
  }
  const bare = await child(BARE);
  const upstream = await child(BARE);
  const proxy = await child(PROXY, String(upstream.port));
  const common = { timeoutMs: 29_000, requestParameters: {}, passthroughBehavior: "WHEN_NO_MATCH" as const };
  const apis: DeployedApi[] = [
    restApi("mockapi001", {
      type: "MOCK",
      ...common,
      requestTemplates: { "application/json": '{"statusCode": 200}' },
      responses: [
        {
          statusCode: "200",
          responseParameters: { "method.response.header.X-Stage": "'prod'" },
          responseTemplates: {
            "application/json": '{"ok": true, "stage": "$context.stage", "id": "$context.requestId"}',
          },
        },
      ],
    }),
    restApi(
      "proxyapi01",
      {
        type: "HTTP_PROXY",
        ...common,
        requestParameters: { "integration.request.path.proxy": "method.request.path.proxy" },
        requestTemplates: {},
        uri: "http://${stageVariables.backend}/{proxy}",
        httpMethod: "ANY",
        responses: [],
      },
      { backend: `127.0.0.1:${upstream.port}` },
    ),
  ];
  const gateway = await child(GATEWAY, JSON.stringify(apis));
  const gatewayPort = gateway.port;
  const at = (port: number) => `http://127.0.0.1:${port}`;
  const run = (url: string, host?: string) =>
    runWrk(url, {
      connections: CONNECTIONS,
      seconds: DURATION,
      request: host ? { headers: { Host: host } } : undefined,
    });
  try {
    const rows: Row[] = [];
    const bareR = run(`${at(bare.port)}/items/1`);
    rows.push({ name: "bare node:http (baseline)", result: bareR });
    rows.push({
      name: "haneul MOCK + templates",
      result: run(`${at(gatewayPort)}/prod/items/1`, "mockapi001.execute-api.localhost"),
      baseline: bareR,
    });
    const proxyR = run(`${at(proxy.port)}/items/1`);
    rows.push({ name: "bare node:http reverse proxy", result: proxyR });
    rows.push({
      name: "haneul HTTP_PROXY",
      result: run(`${at(gatewayPort)}/prod/items/1`, "proxyapi01.execute-api.localhost"),
      baseline: proxyR,
    });
    console.log(`wrk ${CONNECTIONS} connections, ${DURATION} s per target`);
    console.log("| target | req/s | p50 | p99 | non-2xx | vs baseline |");
    console.log("| --- | --- | --- | --- | --- | --- |");
    for (const r of rows) {
      const ratio = r.baseline ? fmt(r.result.rps / r.baseline.rps, 3) : "1.000";
      console.log(
        `| ${r.name} | ${Math.round(r.result.rps)} | ${fmt(r.result.p50Ms)} ms | ${fmt(r.result.p99Ms)} ms | ${r.result.non2xx} | ${ratio} |`,
      );
    }
  } finally {
    for (const c of [bare, upstream, proxy, gateway]) c.proc.kill();
  }
}

await main();
