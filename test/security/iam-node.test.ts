/**
 * Attacks on a real `haneul server` process through its control API and from inside its
 * functions: the node's secrets in its environment, a function key used beyond its role,
 * signatures scoped to another region, service, terminator or date, `host` left unsigned, and
 * unsigned bodies large enough to grow the node's memory.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { request } from "node:http";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { CreateFunctionCommand, InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { SignatureV4 } from "@smithy/signature-v4";
import { zipSync } from "fflate";
import { createFunctionRole, iamClient } from "../helpers/iam.js";
import { CLI, HANDLERS, ROOT } from "../helpers/paths.js";
import { NodeSha256 } from "../helpers/sigv4-signer.js";

const AKID = "AKIAHANEULSECURITY01";
const SECRET = "security/Secret+0123456789abcdefghijklm";
const NODE_SECRET = "node-secret-for-the-security-suite-0123";
const ACCOUNT = "111122223333";

let child: ChildProcess;
let exited: Promise<number | null>;
let apiUrl = "";
let dataDir = "";
let output = "";

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

/** Sends a request signed with `scope` overrides; resolves to status and parsed JSON body. */
async function signedGet(o: { region?: string; service?: string; unsignHost?: boolean; path?: string }) {
  const url = new URL(apiUrl);
  const signer = new SignatureV4({
    service: o.service ?? "lambda",
    region: o.region ?? "us-east-1",
    credentials: { accessKeyId: AKID, secretAccessKey: SECRET },
    sha256: NodeSha256,
  });
  const signed = await signer.sign({
    method: "GET",
    protocol: "http:",
    hostname: url.hostname,
    port: Number(url.port),
    path: o.path ?? "/2015-03-31/functions",
    headers: { host: url.host },
    query: {},
  });
  const headers: Record<string, string> = { ...signed.headers };
  if (o.unsignHost)
    headers["authorization"] = headers["authorization"]!.replace("SignedHeaders=host;", "SignedHeaders=");
  return send({ method: "GET", path: o.path ?? "/2015-03-31/functions", headers });
}

function send(o: { method: string; path: string; headers: Record<string, string>; body?: Buffer }) {
  const url = new URL(apiUrl);
  return new Promise<{ status: number; type: string; body: Record<string, string> }>((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method: o.method, path: o.path, headers: o.headers, agent: false },
      (res) => {
        let text = "";
        res.on("data", (c: Buffer) => (text += c.toString()));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            type: String(res.headers["x-amzn-errortype"] ?? ""),
            body: text ? (JSON.parse(text) as Record<string, string>) : {},
          }),
        );
      },
    );
    // The node answers a refused request before its body: the rest of the upload may be cut off.
    let answered = false;
    req.on("response", () => (answered = true));
    req.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code !== "EPIPE" && e.code !== "ECONNRESET") return reject(e);
      // Refused and closed before the upload finished: the answer may be lost with the connection.
      if (!answered) resolve({ status: 0, type: "connection closed by the node", body: {} });
    });
    req.end(o.body);
  });
}

describe("attacks on a node's keys and requests", () => {
  before(async () => {
    mkdirSync(join(ROOT, ".haneul"), { recursive: true });
    dataDir = mkdtempSync(join(ROOT, ".haneul", "test-security-"));
    child = spawn(
      process.execPath,
      [CLI, "server", "--data", dataDir, "--api-port", "0", "--gateway-port", "0", "--spares", "0"],
      {
        env: {
          PATH: "/usr/bin:/bin",
          HANEUL_ACCESS_KEY_ID: AKID,
          HANEUL_SECRET_ACCESS_KEY: SECRET,
          HANEUL_NODE_SECRET: NODE_SECRET,
          HANEUL_ACCOUNT_ID: ACCOUNT,
          AWS_SECRET_ACCESS_KEY: "operator-secret-value",
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    exited = new Promise((resolve) => child.on("exit", (code) => resolve(code)));
    child.stdout?.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr?.on("data", (c: Buffer) => (output += c.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 20_000);
      const check = () => {
        const m = /Lambda API\s+(http:\/\/\S+)[\s\S]*Access key/.exec(output);
        if (!m) return;
        clearTimeout(timer);
        apiUrl = m[1] as string;
        resolve();
      };
      child.stdout?.on("data", check);
      void exited.then((code) => reject(new Error(`server exited with ${code}:\n${output}`)));
    });
  });

  after(async () => {
    if (child && child.exitCode === null) child.kill("SIGTERM");
    if (child) await exited;
    await rm(dataDir, { recursive: true, force: true });
  });

  test("/proc/<node pid>/environ holds none of the node's secrets once it runs", () => {
    const environ = readFileSync(`/proc/${child.pid}/environ`);
    for (const secret of [SECRET, NODE_SECRET, "operator-secret-value"]) {
      assert.equal(environ.includes(secret), false, `the node's environment still holds ${secret.slice(0, 12)}…`);
    }
    assert.ok(environ.includes("HANEUL_ACCOUNT_ID=111122223333"), "other variables are left alone");
  });

  test("signatures scoped to another region, service, terminator or date, or without host, are refused", async () => {
    const region = await signedGet({ region: "eu-west-1" });
    assert.deepEqual(
      [region.status, region.type, region.body.message],
      [403, "InvalidSignatureException", "Credential should be scoped to a valid region. "],
    );
    const service = await signedGet({ service: "iam" });
    assert.deepEqual(
      [service.status, service.type, service.body.message],
      [403, "InvalidSignatureException", "Credential should be scoped to correct service: 'lambda'. "],
    );
    const host = await signedGet({ unsignHost: true });
    assert.equal(host.body.message, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
    const good = await signedGet({});
    assert.equal(good.status, 200);
    const auth = (s: string) => ({ host: new URL(apiUrl).host, "x-amz-date": "20260101T000000Z", authorization: s });
    const now = new Date()
      .toISOString()
      .replace(/[-:]/g, "")
      .replace(/\.\d{3}Z$/, "Z");
    const terminator = await send({
      method: "GET",
      path: "/2015-03-31/functions",
      headers: {
        ...auth(
          `AWS4-HMAC-SHA256 Credential=${AKID}/${now.slice(0, 8)}/us-east-1/lambda/aws5_request, SignedHeaders=host;x-amz-date, Signature=${"0".repeat(64)}`,
        ),
        "x-amz-date": now,
      },
    });
    assert.equal(
      terminator.body.message,
      "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. ",
    );
    const date = await send({
      method: "GET",
      path: "/2015-03-31/functions",
      headers: {
        ...auth(
          `AWS4-HMAC-SHA256 Credential=${AKID}/19990101/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=${"0".repeat(64)}`,
        ),
        "x-amz-date": now,
      },
    });
    assert.match(
      date.body.message ?? "",
      /^Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '19990101' != /,
    );
  });

  test("unsigned 60 MB bodies are refused before they are read: the node's memory does not grow", async () => {
    const pid = child.pid as number;
    const big = Buffer.alloc(60 * 1024 * 1024, 0x61);
    const before = rssMb(pid);
    for (let i = 0; i < 8; i++) {
      const r = await send({
        method: "POST",
        path: "/2015-03-31/functions",
        headers: { "content-type": "application/json", "content-length": String(big.length) },
        body: big,
      });
      assert.ok(["MissingAuthenticationTokenException", "connection closed by the node"].includes(r.type), r.type);
    }
    const grown = rssMb(pid) - before;
    assert.ok(grown < 40, `node RSS grew by ${grown.toFixed(0)} MB while refusing 8 unsigned 60 MB bodies`);
  });

  test("a function's key is limited to its role: refused beyond it with AWS's text, allowed once the role allows", async () => {
    const admin = { endpoint: apiUrl, accessKeyId: AKID, secretAccessKey: SECRET };
    const roleArn = await createFunctionRole(admin, "prober-role", { actions: ["lambda:GetFunctionConfiguration"] });
    const lambda = new LambdaClient({
      region: "us-east-1",
      endpoint: apiUrl,
      credentials: { accessKeyId: AKID, secretAccessKey: SECRET },
      maxAttempts: 1,
    });
    const zip = zipSync({ "index.js": readFileSync(join(HANDLERS, "iam", "index.js")) });
    for (const name of ["prober", "victim"]) {
      await lambda.send(
        new CreateFunctionCommand({
          FunctionName: name,
          Runtime: "nodejs20.x",
          Role: roleArn,
          Handler: "index.call",
          Code: { ZipFile: zip },
          Timeout: 10,
        }),
      );
    }
    const call = async (op: string, params: object) => {
      const out = await lambda.send(
        new InvokeCommand({ FunctionName: "prober", Payload: Buffer.from(JSON.stringify({ op, params })) }),
      );
      return JSON.parse(Buffer.from(out.Payload ?? []).toString()) as {
        ok: boolean;
        name?: string;
        message?: string;
        out?: { FunctionName?: string };
      };
    };
    const victimArn = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:victim`;
    const read = await call("GetFunction", { FunctionName: "victim" });
    assert.equal(read.ok, false);
    assert.equal(read.name, "AccessDeniedException");
    assert.equal(
      read.message,
      `User: arn:aws:sts::${ACCOUNT}:assumed-role/prober-role/prober is not authorized to perform: lambda:GetFunction on resource: ${victimArn} because no identity-based policy allows the lambda:GetFunction action`,
    );
    const update = await call("UpdateFunctionConfiguration", {
      FunctionName: "victim",
      Environment: { Variables: { PWNED: "1" } },
    });
    assert.equal(update.name, "AccessDeniedException");
    const allowed = await call("GetFunctionConfiguration", { FunctionName: "victim" });
    assert.deepEqual([allowed.ok, allowed.out?.FunctionName], [true, "victim"]);
    // Policies are evaluated live: granting the action to the role lets the running instance use it.
    const iam = iamClient(admin);
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: "prober-role",
        PolicyName: "more",
        PolicyDocument: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: "lambda:GetFunction", Resource: victimArn }],
        }),
      }),
    );
    iam.destroy();
    assert.equal((await call("GetFunction", { FunctionName: "victim" })).ok, true);
    lambda.destroy();
  });
});
