/**
 * Control API hot path: SigV4-signed Invoke-shaped requests (echo operation) against a bare node:http
 * echo server measured in the same run, 50 keep-alive connections. Target: ≥ 0.2× bare req/s, p99 ≤ 10 ms.
 * Run: npm run build && node dist/bench/api-server.bench.js
 */
import { spawn } from "node:child_process";
import { createServer, Agent, request } from "node:http";
import { fileURLToPath } from "node:url";
import { createApiServer } from "../src/api/http-server.js";
import { systemClock } from "../src/shared/clock.js";
import { randomIds } from "../src/shared/ids.js";
import { lambdaSigner } from "../test/helpers/sigv4-signer.js";
import { fmt, percentile } from "./stats.js";
import { adminKey, lambdaOp } from "../test/helpers/api-server.js";

const AKID = "AKIABENCH00000000000";
const SECRET = "benchSecret";
const CONNECTIONS = 50;
const SECONDS = Number(process.env["BENCH_SECONDS"] ?? 5);
const PATH = "/2015-03-31/functions/my-fn/invocations";

async function serve(mode: string): Promise<void> {
  if (mode === "bare") {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const b = Buffer.concat(chunks);
        res.writeHead(200, { "content-type": "application/json", "content-length": b.length });
        res.end(b);
      });
    });
    server.listen(0, "127.0.0.1", () => process.stdout.write(`${JSON.stringify(server.address())}\n`));
    return;
  }
  const api = createApiServer({
    operations: [
      lambdaOp({
        name: "Invoke",
        method: "POST",
        path: "/2015-03-31/functions/{FunctionName}/invocations",
        handle: (req) =>
          Promise.resolve({ status: 200, headers: { "X-Amz-Executed-Version": "$LATEST" }, body: req.body }),
      }),
    ],
    credentials: adminKey(AKID, SECRET),
    regions: ["us-east-1"],
    ids: randomIds,
    clock: systemClock,
  });
  const url = await api.listen(0, "127.0.0.1");
  process.stdout.write(`${JSON.stringify({ port: Number(new URL(url).port) })}\n`);
}

async function load(port: number): Promise<{ rps: number; p50: number; p99: number; errors: number }> {
  const body = JSON.stringify({ hello: "world", n: 42 });
  const signed = await lambdaSigner(AKID, SECRET).sign({
    method: "POST",
    protocol: "http:",
    hostname: "127.0.0.1",
    port,
    path: PATH,
    query: {},
    headers: { host: `127.0.0.1:${port}`, "content-type": "application/json" },
    body,
  });
  const headers = { ...signed.headers, "content-length": String(Buffer.byteLength(body)) };
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const latencies: number[] = [];
  let errors = 0;
  const warmUntil = Date.now() + 1000;
  const end = warmUntil + SECONDS * 1000;
  const one = (): Promise<void> =>
    new Promise((resolve) => {
      const t = performance.now();
      const req = request({ host: "127.0.0.1", port, method: "POST", path: PATH, headers, agent }, (res) => {
        if (res.statusCode !== 200) errors++;
        res.resume();
        res.on("end", () => {
          if (Date.now() > warmUntil) latencies.push(performance.now() - t);
          resolve();
        });
      });
      req.on("error", () => (errors++, resolve()));
      req.end(body);
    });
  const loop = async (): Promise<void> => {
    while (Date.now() < end) await one();
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, loop));
  agent.destroy();
  return { rps: latencies.length / SECONDS, p50: percentile(latencies, 50), p99: percentile(latencies, 99), errors };
}

async function measure(mode: string): Promise<Awaited<ReturnType<typeof load>>> {
  // The server runs in its own process so the load generator does not steal its event loop.
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), "--serve", mode], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const port = await new Promise<number>((resolve) =>
    child.stdout.once("data", (d: Buffer) => resolve((JSON.parse(d.toString()) as { port: number }).port)),
  );
  try {
    return await load(port);
  } finally {
    child.kill();
  }
}

if (process.argv[2] === "--serve") {
  await serve(process.argv[3] ?? "bare");
} else {
  const bare = await measure("bare");
  const api = await measure("api");
  console.log(`bare node:http   ${fmt(bare.rps, 0)} req/s  p50 ${fmt(bare.p50)} ms  p99 ${fmt(bare.p99)} ms`);
  console.log(
    `haneul api+SigV4 ${fmt(api.rps, 0)} req/s  p50 ${fmt(api.p50)} ms  p99 ${fmt(api.p99)} ms  errors ${api.errors}`,
  );
  console.log(`ratio ${(api.rps / bare.rps).toFixed(2)} (target ≥ 0.20), p99 ${api.p99 <= 10 ? "≤" : ">"} 10 ms`);
}
