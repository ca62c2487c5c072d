/**
 * What `haneul server` prints while it runs: one line per gateway request and per invocation, and
 * for a malformed proxy response the reason API Gateway's execution log gives; `--quiet` prints
 * neither. Also the ready message's two ways of addressing an API.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { AddPermissionCommand, CreateFunctionCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { zipSync } from "fflate";
import { startServerProcess, type ServerProcess } from "../helpers/server-process.js";
import { tempDir, type TempDir } from "../helpers/temp-dir.js";
import { restApiFor } from "../helpers/apigw-client.js";

const AKID = "AKIAHANEULOUTPUT0001";
const SECRET = "output/Secret+0123456789abcdefghijklmnop";
const REGION = "us-east-1";
const ACCOUNT = "000000000000";

function startServer(dataDir: string, extra: string[]): Promise<ServerProcess> {
  const args = ["--data", dataDir, "--api-port", "0", "--gateway-port", "0", ...extra];
  return startServerProcess({ args, env: { HANEUL_ACCESS_KEY_ID: AKID, HANEUL_SECRET_ACCESS_KEY: SECRET } });
}

/** The output's first line matching `re`, once there is one. */
async function lineOf(server: ServerProcess, re: RegExp): Promise<string> {
  const line = new RegExp(`^.*${re.source}.*$`, "m");
  await server.waitFor(line);
  return (line.exec(server.output()) as RegExpExecArray)[0];
}

const TARGET = (apiUrl: string) => ({ apiUrl, accessKeyId: AKID, secretAccessKey: SECRET });

/** Deploys a REST API whose root runs `functionName` as a Lambda proxy; returns its id. */
async function restApiOf(apiUrl: string, functionName: string): Promise<string> {
  const fnArn = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${functionName}`;
  return (await restApiFor(TARGET(apiUrl), fnArn)).apiId;
}

/** A function that forgets `statusCode`: API Gateway answers 502 (the user guide's classic mistake). */
async function createForgetfulFunction(apiUrl: string, name: string): Promise<void> {
  const client = new LambdaClient({
    region: REGION,
    endpoint: apiUrl,
    credentials: { accessKeyId: AKID, secretAccessKey: SECRET },
    maxAttempts: 1,
  });
  const code = Buffer.from('exports.handler = async () => ({ hello: "world" });');
  await client.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: "nodejs20.x",
      Role: `arn:aws:iam::${ACCOUNT}:role/output`,
      Handler: "index.handler",
      Code: { ZipFile: zipSync({ "index.js": code }) },
    }),
  );
  await client.send(
    new AddPermissionCommand({
      FunctionName: name,
      StatementId: "apigateway",
      Action: "lambda:InvokeFunction",
      Principal: "apigateway.amazonaws.com",
    }),
  );
  client.destroy();
}

describe("haneul server output", () => {
  const dirs: TempDir[] = [];
  after(() => Promise.all(dirs.map((d) => d.remove())));
  const dataDir = () => {
    const d = tempDir("output", { inRepo: true });
    dirs.push(d);
    return d.path;
  };

  it("prints a line per request and per invocation, with the execution log's reason for a 502", async () => {
    const server = await startServer(dataDir(), []);
    try {
      const port = new URL(server.gatewayUrl).port;
      assert.match(server.output(), new RegExp(`http://<api-id>\\.execute-api\\.localhost:${port}/<stage>/`));
      assert.match(server.output(), new RegExp(`http://127\\.0\\.0\\.1:${port}/_api/<api-id>/<stage>/`));
      await createForgetfulFunction(server.apiUrl, "forgetful");
      const id = await restApiOf(server.apiUrl, "forgetful");
      const res = await fetch(`${server.gatewayUrl}/_api/${id}/prod/`);
      assert.equal(res.status, 502);
      const request = await lineOf(server, new RegExp(`GET /_api/${id}/prod/ 502 `));
      assert.match(
        request,
        /→ forgetful:\$LATEST {2}\(Execution failed due to configuration error: Malformed Lambda proxy response\)/,
      );
      await lineOf(server, /invoke forgetful:\$LATEST ok [\d.]+ ms {2}cold start \(init [\d.]+ ms\)/);
    } finally {
      await server.stop();
    }
  });

  it("--quiet prints neither", async () => {
    const server = await startServer(dataDir(), ["--quiet"]);
    try {
      await createForgetfulFunction(server.apiUrl, "quiet");
      const id = await restApiOf(server.apiUrl, "quiet");
      assert.equal((await fetch(`${server.gatewayUrl}/_api/${id}/prod/`)).status, 502);
    } finally {
      await server.stop();
    }
    assert.doesNotMatch(server.output(), /invoke quiet|GET \/_api\//);
    assert.match(server.output(), /stopped/);
  });
});
