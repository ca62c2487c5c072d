/**
 * Large payloads through the Invoke API: a SigV4-signed `RequestResponse` Invoke of an echo
 * function (it returns its event) with 1 MiB and 5 MiB JSON events, on a real `haneul server`
 * process, against a bare node:http server that echoes the body, both driven by wrk with a few
 * connections in the same run. Throughput counts the payload both ways (request and response).
 * Run: npm run build && node dist/bench/large-payload.bench.js
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { CreateFunctionCommand, InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { strToU8, zipSync } from "fflate";
import { CLI, ROOT } from "../test/helpers/paths.js";
import { lambdaSigner } from "../test/helpers/sigv4-signer.js";
import { fmt } from "./stats.js";
import { hasWrk, runWrk, type WrkRequest } from "./wrk.js";

const AKID = "AKIABENCHLARGEPAYLD0";
const SECRET = "bench/large/secret0123456789";
const SECONDS = Number(process.env["BENCH_SECONDS"] ?? 10);
const CONNECTIONS = Number(process.env["BENCH_CONNECTIONS"] ?? 4);
const MIB = 1024 * 1024;

function waitForLine(child: ChildProcess, re: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const m = re.exec(out);
      if (m) resolve(m);
    });
    child.on("exit", (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

/** A bare node:http server that answers every request with its body. */
async function bareEcho(): Promise<{ url: string; child: ChildProcess }> {
  const code = `require("node:http").createServer((q,s)=>{const c=[];q.on("data",(d)=>c.push(d));q.on("end",()=>{const b=Buffer.concat(c);s.writeHead(200,{"content-type":"application/json","content-length":b.length});s.end(b)})}).listen(0,"127.0.0.1",function(){console.log("port "+this.address().port)})`;
  const child = spawn(process.execPath, ["-e", code], { stdio: ["ignore", "pipe", "inherit"] });
  const m = await waitForLine(child, /port (\d+)/);
  return { url: `http://127.0.0.1:${m[1]}/`, child };
}

async function haneul(dataDir: string): Promise<{ url: string; child: ChildProcess }> {
  const env = { ...process.env, HANEUL_ACCESS_KEY_ID: AKID, HANEUL_SECRET_ACCESS_KEY: SECRET };
  const child = spawn(process.execPath, [CLI, "server", "--data", dataDir, "--api-port", "0", "--gateway-port", "0"], {
    env,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const m = await waitForLine(child, /Lambda API\s+(http:\/\/\S+)/);
  return { url: m[1] as string, child };
}

/** A JSON event of exactly `bytes` bytes. */
function event(bytes: number): string {
  const frame = '{"data":""}';
  return `{"data":"${"x".repeat(bytes - frame.length)}"}`;
}

async function signedInvoke(url: URL, body: string): Promise<WrkRequest> {
  const signed = await lambdaSigner(AKID, SECRET).sign({
    method: "POST",
    protocol: "http:",
    hostname: url.hostname,
    port: Number(url.port),
    path: url.pathname,
    headers: { host: url.host, "content-type": "application/json", "x-amz-invocation-type": "RequestResponse" },
    body,
  });
  return { method: "POST", headers: signed.headers, body };
}

async function main(): Promise<void> {
  if (!hasWrk()) throw new Error("wrk is not installed (apt-get install wrk)");
  mkdirSync(join(ROOT, ".haneul"), { recursive: true });
  const dataDir = mkdtempSync(join(ROOT, ".haneul", "bench-large-"));
  const b = await bareEcho();
  const h = await haneul(dataDir);
  try {
    const client = new LambdaClient({
      region: "us-east-1",
      endpoint: h.url,
      credentials: { accessKeyId: AKID, secretAccessKey: SECRET },
    });
    await client.send(
      new CreateFunctionCommand({
        FunctionName: "echo",
        Runtime: "nodejs20.x",
        Handler: "index.handler",
        Role: "arn:aws:iam::000000000000:role/bench",
        Code: { ZipFile: zipSync({ "index.js": strToU8("exports.handler = async (event) => event;\n") }) },
      }),
    );
    await client.send(new InvokeCommand({ FunctionName: "echo", Payload: strToU8("{}") }));
    client.destroy();
    const url = new URL("/2015-03-31/functions/echo/invocations", h.url);
    const rows: [string, string][] = [];
    for (const mib of [1, 5]) {
      const body = event(mib * MIB);
      const request = await signedInvoke(url, body);
      const both = (2 * body.length) / 1e6;
      runWrk(url.href, { connections: CONNECTIONS, seconds: 2, request }); // warm up instances
      const base = runWrk(b.url, { connections: CONNECTIONS, seconds: SECONDS, request: { method: "POST", body } });
      const inv = runWrk(url.href, { connections: CONNECTIONS, seconds: SECONDS, request });
      rows.push(
        [`${mib} MiB  bare echo      req/s / MB/s`, `${fmt(base.rps, 1)} / ${fmt(base.rps * both, 0)}`],
        [`${mib} MiB  bare echo      p50 / p99 ms`, `${fmt(base.p50Ms)} / ${fmt(base.p99Ms)}`],
        [`${mib} MiB  haneul Invoke  req/s / MB/s`, `${fmt(inv.rps, 1)} / ${fmt(inv.rps * both, 0)}`],
        [`${mib} MiB  haneul Invoke  p50 / p99 ms`, `${fmt(inv.p50Ms)} / ${fmt(inv.p99Ms)}`],
        [`${mib} MiB  haneul non-2xx / socket errors`, `${inv.non2xx} / ${inv.errors}`],
        [`${mib} MiB  ratio haneul / bare`, fmt(inv.rps / base.rps, 3)],
      );
    }
    console.log(`wrk, ${CONNECTIONS} connections, ${SECONDS} s per target; MB/s counts request and response`);
    for (const [k, v] of rows) console.log(`${k.padEnd(40)} ${v}`);
  } finally {
    b.child.kill();
    h.child.kill("SIGTERM");
    await new Promise((r) => h.child.once("exit", r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
