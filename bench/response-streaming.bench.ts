/**
 * Response streaming benchmark (not a test): one node in this process, one streaming handler that
 * writes CHUNKS chunks of 16 KiB, PACE_MS apart. Called BENCH_CALLS times each, in the same run:
 * buffered (Invoke: the whole body at the end, the baseline), InvokeWithResponseStream (SDK v3)
 * and a RESPONSE_STREAM function URL (fetch). Prints the medians of time to first byte and total
 * time of each, and the ratios to the buffered call. Then the same with a handler that writes one
 * chunk at once (PACE 0): what streaming costs when there is nothing to gain.
 * Run: npm run build && node dist/bench/response-streaming.bench.js   Knobs: BENCH_CALLS=20
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AddPermissionCommand,
  CreateFunctionCommand,
  CreateFunctionUrlConfigCommand,
  InvokeCommand,
  InvokeWithResponseStreamCommand,
  LambdaClient,
} from "@aws-sdk/client-lambda";
import { zipSync } from "fflate";
import { loadServerConfig } from "../src/config/server-config.js";
import { startNode } from "../src/main.js";
import { fmt, median } from "./stats.js";

const CALLS = Number(process.env["BENCH_CALLS"] ?? 20);
const KEY = { accessKeyId: "AKIAHANEULBENCHSTRM0", secretAccessKey: "bench/Stream+Secret0123456789abcdefghij" };
const REGION = "us-east-1";
const ACCOUNT = "123456789012";
const code = (chunks: number, paceMs: number): string => `
const chunk = "x".repeat(16384);
exports.handler = awslambda.streamifyResponse(async (event, stream) => {
  stream.setContentType("text/plain");
  for (let i = 0; i < ${chunks}; i++) {
    if (i > 0 && ${paceMs} > 0) await new Promise((r) => setTimeout(r, ${paceMs}));
    stream.write(chunk);
  }
  stream.end();
});`;

interface Timing {
  readonly firstMs: number;
  readonly totalMs: number;
}

async function measure(call: () => Promise<Timing>): Promise<{ first: number; total: number }> {
  await call(); // warm: the instance exists
  const runs: Timing[] = [];
  for (let i = 0; i < CALLS; i++) runs.push(await call());
  return { first: median(runs.map((r) => r.firstMs)), total: median(runs.map((r) => r.totalMs)) };
}

async function benchFunction(lambda: LambdaClient, gatewayUrl: string, name: string): Promise<void> {
  const buffered = (): Promise<Timing> => {
    const t0 = performance.now();
    return lambda.send(new InvokeCommand({ FunctionName: name })).then(() => {
      const t = performance.now() - t0;
      return { firstMs: t, totalMs: t };
    });
  };
  const streamed = async (): Promise<Timing> => {
    const t0 = performance.now();
    const out = await lambda.send(new InvokeWithResponseStreamCommand({ FunctionName: name }));
    let firstMs = 0;
    for await (const e of out.EventStream ?? []) if (e.PayloadChunk && firstMs === 0) firstMs = performance.now() - t0;
    return { firstMs, totalMs: performance.now() - t0 };
  };
  const { FunctionUrl = "" } = await lambda.send(
    new CreateFunctionUrlConfigCommand({ FunctionName: name, AuthType: "NONE", InvokeMode: "RESPONSE_STREAM" }),
  );
  const url = `${gatewayUrl}/lambda-url/${new URL(FunctionUrl).hostname.split(".")[0] ?? ""}/`;
  const viaUrl = async (): Promise<Timing> => {
    const t0 = performance.now();
    const res = await fetch(url);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let firstMs = 0;
    for (;;) {
      const { done } = await reader.read();
      if (done) break;
      if (firstMs === 0) firstMs = performance.now() - t0;
    }
    return { firstMs, totalMs: performance.now() - t0 };
  };
  const base = await measure(buffered);
  const rows = [
    { label: "Invoke (buffered, baseline)", m: base },
    { label: "InvokeWithResponseStream", m: await measure(streamed) },
    { label: "function URL RESPONSE_STREAM", m: await measure(viaUrl) },
  ];
  for (const r of rows) {
    console.log(
      `  ${r.label.padEnd(30)} first byte ${fmt(r.m.first, 1).padStart(7)} ms (${fmt(r.m.first / base.first)})   total ${fmt(r.m.total, 1).padStart(7)} ms (${fmt(r.m.total / base.total)})`,
    );
  }
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "haneul-bench-stream-"));
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
    const cases = [
      { name: "paced", chunks: 8, paceMs: 25, what: "8 chunks of 16 KiB, 25 ms apart" },
      { name: "instant", chunks: 1, paceMs: 0, what: "1 chunk of 16 KiB at once" },
      // Under the 6 MiB uncapped part, so not slowed by the 2 MiB/s cap (and within buffered Invoke's limit).
      { name: "large", chunks: 320, paceMs: 0, what: "5 MiB (320 chunks of 16 KiB) at once" },
    ];
    for (const c of cases) {
      await lambda.send(
        new CreateFunctionCommand({
          FunctionName: c.name,
          Runtime: "nodejs20.x",
          Role: `arn:aws:iam::${ACCOUNT}:role/bench`,
          Handler: "index.handler",
          Code: { ZipFile: zipSync({ "index.js": new TextEncoder().encode(code(c.chunks, c.paceMs)) }) },
        }),
      );
      await lambda.send(
        new AddPermissionCommand({
          FunctionName: c.name,
          StatementId: "url",
          Principal: "*",
          Action: "lambda:InvokeFunctionUrl",
          FunctionUrlAuthType: "NONE",
        }),
      );
      console.log(`response streaming, ${c.what}: medians of ${CALLS} calls (ratio to buffered)`);
      await benchFunction(lambda, `${node.gatewayUrl}`, c.name);
    }
  } finally {
    lambda.destroy();
    await node.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
