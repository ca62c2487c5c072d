/**
 * Invoke API throughput: SigV4-signed `RequestResponse` Invoke of a no-op function on a real
 * `haneul server` process, against a bare node:http server answering the same JSON and against the
 * floor of a process hop (bench/fixtures/hop-floor.cjs: node:http handing each request to one of as
 * many plain child processes as the server keeps busy), all driven by wrk with 50 connections in
 * the same run. Target: ≥ 0.2 of the bare server's requests/s, p99 ≤ 10 ms. The same Invoke is also
 * signed with an IAM user's key whose policies are evaluated on every call (the administrator key
 * skips evaluation): the difference is the cost of policy evaluation on the hot path.
 * Run: npm run build && node dist/bench/invoke-api.bench.js
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand } from "@aws-sdk/client-iam";
import { CreateFunctionCommand, InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { zipSync, strToU8 } from "fflate";
import { iamClient } from "../test/helpers/iam.js";
import { CLI, ROOT } from "../test/helpers/paths.js";
import { lambdaSigner } from "../test/helpers/sigv4-signer.js";
import { fmt } from "./stats.js";
import { hasWrk, runWrk } from "./wrk.js";

const AKID = "AKIABENCHINVOKE00000";
const SECRET = "bench/invoke/secret0123456789";
const SECONDS = Number(process.env["BENCH_SECONDS"] ?? 10);
const BODY = '{"ok":true}';

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

async function bare(): Promise<{ url: string; child: ChildProcess }> {
  const code = `require("node:http").createServer((q,s)=>{q.resume();q.on("end",()=>{s.writeHead(200,{"content-type":"application/json","content-length":${BODY.length}});s.end(${JSON.stringify(BODY)})})}).listen(0,"127.0.0.1",function(){console.log("port "+this.address().port)})`;
  const child = spawn(process.execPath, ["-e", code], { stdio: ["ignore", "pipe", "inherit"] });
  const m = await waitForLine(child, /port (\d+)/);
  return { url: `http://127.0.0.1:${m[1]}/`, child };
}

async function floor(): Promise<{ url: string; child: ChildProcess }> {
  const script = join(ROOT, "bench", "fixtures", "hop-floor.cjs");
  const child = spawn(process.execPath, [script, "0", String(2 * availableParallelism())], {
    stdio: ["ignore", "pipe", "inherit"],
  });
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

/** A user whose three-statement policy allows invoking `noop` (and denies something else). */
async function benchUser(endpoint: string): Promise<{ accessKeyId: string; secretAccessKey: string }> {
  const iam = iamClient({ endpoint, accessKeyId: AKID, secretAccessKey: SECRET });
  try {
    await iam.send(new CreateUserCommand({ UserName: "bench" }));
    const document = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: ["lambda:Get*", "lambda:List*"], Resource: "*" },
        { Effect: "Allow", Action: "lambda:InvokeFunction", Resource: "arn:aws:lambda:*:*:function:noop*" },
        { Effect: "Deny", Action: "lambda:InvokeFunction", Resource: "arn:aws:lambda:*:*:function:admin-*" },
      ],
    });
    await iam.send(new PutUserPolicyCommand({ UserName: "bench", PolicyName: "invoke", PolicyDocument: document }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: "bench" }))).AccessKey;
    return { accessKeyId: key?.AccessKeyId ?? "", secretAccessKey: key?.SecretAccessKey ?? "" };
  } finally {
    iam.destroy();
  }
}

async function main(): Promise<void> {
  if (!hasWrk()) throw new Error("wrk is not installed (apt-get install wrk)");
  mkdirSync(join(ROOT, ".haneul"), { recursive: true });
  const dataDir = mkdtempSync(join(ROOT, ".haneul", "bench-invoke-"));
  const b = await bare();
  const f = await floor();
  const h = await haneul(dataDir);
  try {
    const client = new LambdaClient({
      region: "us-east-1",
      endpoint: h.url,
      credentials: { accessKeyId: AKID, secretAccessKey: SECRET },
    });
    const zip = zipSync({ "index.js": strToU8("exports.handler = async () => ({ ok: true });\n") });
    await client.send(
      new CreateFunctionCommand({
        FunctionName: "noop",
        Runtime: "nodejs20.x",
        Handler: "index.handler",
        Role: "arn:aws:iam::000000000000:role/bench",
        Code: { ZipFile: zip },
      }),
    );
    await client.send(new InvokeCommand({ FunctionName: "noop", Payload: strToU8("{}") }));
    const url = new URL("/2015-03-31/functions/noop/invocations", h.url);
    const signed = await lambdaSigner(AKID, SECRET).sign({
      method: "POST",
      protocol: "http:",
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      headers: { host: url.host, "content-type": "application/json", "x-amz-invocation-type": "RequestResponse" },
      body: "{}",
    });
    const request = { method: "POST", headers: signed.headers as Record<string, string>, body: "{}" };
    const user = await benchUser(h.url);
    const userSigned = await lambdaSigner(user.accessKeyId, user.secretAccessKey).sign({
      method: "POST",
      protocol: "http:",
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      headers: { host: url.host, "content-type": "application/json", "x-amz-invocation-type": "RequestResponse" },
      body: "{}",
    });
    const userRequest = { method: "POST", headers: userSigned.headers as Record<string, string>, body: "{}" };
    runWrk(url.href, { connections: 50, seconds: 2, request }); // warm up instances
    const base = runWrk(b.url, { connections: 50, seconds: SECONDS });
    runWrk(f.url, { connections: 50, seconds: 2 });
    const hop = runWrk(f.url, { connections: 50, seconds: SECONDS });
    const inv = runWrk(url.href, { connections: 50, seconds: SECONDS, request });
    const asUser = runWrk(url.href, { connections: 50, seconds: SECONDS, request: userRequest });
    const rows: [string, string][] = [
      ["bare node:http   req/s", fmt(base.rps, 0)],
      ["bare node:http   p50 / p99 ms", `${fmt(base.p50Ms)} / ${fmt(base.p99Ms)}`],
      ["hop floor        req/s", fmt(hop.rps, 0)],
      ["hop floor        p50 / p99 ms", `${fmt(hop.p50Ms)} / ${fmt(hop.p99Ms)}`],
      ["haneul Invoke    req/s", fmt(inv.rps, 0)],
      ["haneul Invoke    p50 / p99 ms", `${fmt(inv.p50Ms)} / ${fmt(inv.p99Ms)}`],
      ["haneul Invoke    non-2xx / socket errors", `${inv.non2xx} / ${inv.errors}`],
      ["Invoke as IAM user req/s", fmt(asUser.rps, 0)],
      ["Invoke as IAM user p50 / p99 ms", `${fmt(asUser.p50Ms)} / ${fmt(asUser.p99Ms)}`],
      ["Invoke as IAM user non-2xx / socket errors", `${asUser.non2xx} / ${asUser.errors}`],
      ["ratio IAM user / administrator key", fmt(asUser.rps / inv.rps, 3)],
      ["ratio hop floor / bare", fmt(hop.rps / base.rps, 3)],
      ["ratio haneul / bare", fmt(inv.rps / base.rps, 3)],
      ["ratio haneul / hop floor", fmt(inv.rps / hop.rps, 3)],
    ];
    for (const [k, v] of rows) console.log(`${k.padEnd(44)} ${v}`);
  } finally {
    b.child.kill();
    f.child.kill();
    h.child.kill("SIGTERM");
    await new Promise((r) => h.child.once("exit", r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
