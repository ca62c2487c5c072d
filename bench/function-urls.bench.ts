/**
 * Function URLs benchmark (not a test): one node in this process, one function answering a small
 * payload 2.0 result, reached two ways in the same run with wrk (BENCH_CONNECTIONS connections,
 * BENCH_DURATION s each): through an HTTP API's `$default` route (the baseline) and through the
 * function's URL (NONE, path form). Prints requests/s and p50/p99 of each and the ratio.
 * Run: npm run build && node dist/bench/function-urls.bench.js   Knobs: BENCH_DURATION=5 BENCH_CONNECTIONS=50
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AddPermissionCommand,
  CreateFunctionCommand,
  CreateFunctionUrlConfigCommand,
  LambdaClient,
} from "@aws-sdk/client-lambda";
import { SignatureV4 } from "@smithy/signature-v4";
import { zipSync } from "fflate";
import { loadServerConfig } from "../src/config/server-config.js";
import { startNode } from "../src/main.js";
import { NodeSha256 } from "../test/helpers/sigv4-signer.js";
import { fmt } from "./stats.js";
import { hasWrk, runWrkAsync } from "./wrk.js";

const DURATION = Number(process.env["BENCH_DURATION"] ?? 5);
const CONNECTIONS = Number(process.env["BENCH_CONNECTIONS"] ?? 50);
const KEY = { accessKeyId: "AKIAHANEULBENCHURLS0", secretAccessKey: "bench/Urls+Secret0123456789abcdefghijkl" };
const REGION = "us-east-1";
const ACCOUNT = "123456789012";
const CODE = `exports.handler = async () => ({ statusCode: 200, headers: { "content-type": "application/json" }, body: '{"ok":true}' });`;

/** CreateApi (quick create) through the node's API Gateway v2 operation, signed as the CLI would. */
async function createHttpApi(apiUrl: string, target: string): Promise<string> {
  const u = new URL(`${apiUrl}/v2/apis`);
  const body = JSON.stringify({ name: "bench-urls", protocolType: "HTTP", target });
  const signer = new SignatureV4({ service: "apigateway", region: REGION, credentials: KEY, sha256: NodeSha256 });
  const signed = await signer.sign({
    method: "POST",
    protocol: "http:",
    hostname: u.hostname,
    port: Number(u.port),
    path: u.pathname,
    query: {},
    headers: { host: u.host, "content-type": "application/json" },
    body,
  });
  const res = await fetch(u, { method: "POST", headers: signed.headers, body });
  const json = (await res.json()) as { apiId?: string };
  if (!json.apiId) throw new Error(`CreateApi failed: ${JSON.stringify(json)}`);
  return json.apiId;
}

async function main(): Promise<void> {
  if (!hasWrk()) {
    console.log("wrk is not installed: nothing measured");
    return;
  }
  const dataDir = mkdtempSync(join(tmpdir(), "haneul-bench-urls-"));
  const config = loadServerConfig(
    {
      HANEUL_ACCESS_KEY_ID: KEY.accessKeyId,
      HANEUL_SECRET_ACCESS_KEY: KEY.secretAccessKey,
      HANEUL_REGION: REGION,
      HANEUL_ACCOUNT_ID: ACCOUNT,
      PATH: process.env["PATH"],
    },
    ["--data", dataDir, "--api-port", "0", "--gateway-port", "0"],
  );
  const node = await startNode(config);
  const lambda = new LambdaClient({ region: REGION, endpoint: node.apiUrl, credentials: KEY, maxAttempts: 1 });
  try {
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: "bench-url",
        Runtime: "nodejs20.x",
        Role: `arn:aws:iam::${ACCOUNT}:role/bench`,
        Handler: "index.handler",
        Code: { ZipFile: zipSync({ "index.js": new TextEncoder().encode(CODE) }) },
      }),
    );
    const arn = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:bench-url`;
    const add = (sid: string, principal: string, extra: Record<string, string> = {}) =>
      lambda.send(
        new AddPermissionCommand({
          FunctionName: "bench-url",
          StatementId: sid,
          Principal: principal,
          ...extra,
          Action: extra["Action"] ?? "lambda:InvokeFunction",
        }),
      );
    await add("api", "apigateway.amazonaws.com");
    await add("url", "*", { Action: "lambda:InvokeFunctionUrl", FunctionUrlAuthType: "NONE" });
    const { FunctionUrl = "" } = await lambda.send(
      new CreateFunctionUrlConfigCommand({ FunctionName: "bench-url", AuthType: "NONE" }),
    );
    const urlId = new URL(FunctionUrl).hostname.split(".")[0] ?? "";
    const apiId = await createHttpApi(node.apiUrl, arn);
    const targets = [
      { name: "HTTP API route ($default)", url: `${node.gatewayUrl}/_api/${apiId}/$default/` },
      { name: "function URL", url: `${node.gatewayUrl}/lambda-url/${urlId}/` },
    ];
    for (const t of targets) {
      const check = await fetch(t.url);
      if (check.status !== 200) throw new Error(`${t.name} answered ${check.status}: ${await check.text()}`);
    }
    const rows = [];
    for (const t of targets) {
      await runWrkAsync(t.url, { connections: CONNECTIONS, seconds: 1 }); // warm-up: instances scale out
      rows.push({ name: t.name, result: await runWrkAsync(t.url, { connections: CONNECTIONS, seconds: DURATION }) });
    }
    console.log(`function URLs vs an HTTP API route: wrk -c${CONNECTIONS} -d${DURATION}s, one function, same run`);
    for (const r of rows) {
      console.log(
        `  ${r.name.padEnd(28)} ${fmt(r.result.rps, 0).padStart(8)} req/s   p50 ${fmt(r.result.p50Ms)} ms   p99 ${fmt(r.result.p99Ms)} ms`,
      );
    }
    const [api, url] = rows;
    if (api && url) console.log(`  ratio function URL / HTTP API: ${fmt(url.result.rps / api.result.rps)}`);
  } finally {
    lambda.destroy();
    await node.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
