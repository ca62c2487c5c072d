/**
 * `haneul dev` with a layer: a change to the layer's content publishes a new layer version and the
 * function using it answers with the new module, while a function without the layer keeps its warm
 * instance (its module-level count goes on).
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { CLI } from "../helpers/paths.js";
import { tempDir, type TempDir } from "../helpers/temp-dir.js";
import { waitFor, waitUntil } from "../helpers/wait.js";

const TEMPLATE = `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: nodejs20.x
    Timeout: 5
Resources:
  SharedLayer:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: layer/
  GreeterFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: greeter/
      Handler: index.handler
      Layers: [!Ref SharedLayer]
      Events:
        Greet:
          Type: HttpApi
          Properties: { Path: /greet, Method: get }
  CounterFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: counter/
      Handler: index.handler
      Events:
        Count:
          Type: HttpApi
          Properties: { Path: /count, Method: get }
`;

let app: TempDir;
let child: ChildProcessWithoutNullStreams;
let out = "";
let root = "";

function write(file: string, text: string): void {
  const path = join(app.path, file);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
}

const writeLayer = (value: string) =>
  write("layer/nodejs/node_modules/greeting/index.js", `module.exports = ${JSON.stringify(value)};\n`);

async function get(path: string): Promise<string> {
  return (await fetch(new URL(path, root))).text();
}

before(async () => {
  app = tempDir("layer-dev", { inRepo: true });
  write("template.yaml", TEMPLATE);
  write("greeter/index.js", 'exports.handler = async () => ({ statusCode: 200, body: require("greeting") });\n');
  write(
    "counter/index.js",
    "let calls = 0;\nexports.handler = async () => ({ statusCode: 200, body: String(++calls) });\n",
  );
  writeLayer("v1");
  child = spawn(process.execPath, [CLI, "dev", "--port", "0", "--lambda-port", "0", "--json"], {
    cwd: app.path,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/root" },
  });
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (out += d.toString()));
  await waitUntil(() => /"type":"routes"/.test(out), `the route table (${out})`, 60_000);
  root = String(/"root":"([^"]+)"/.exec(out)?.[1]);
});

after(async () => {
  if (child.exitCode === null) {
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGINT");
    await exited;
  }
  await app.remove();
});

test("a layer change reloads the functions using it; the others stay warm", async () => {
  assert.equal(await get("/greet"), "v1");
  assert.equal(await get("/count"), "1");
  assert.equal(await get("/count"), "2");
  writeLayer("v2");
  await waitFor(async () => (await get("/greet")) === "v2", `the new layer's module (${out})`, 30_000);
  assert.equal(await get("/count"), "3", "the counter kept its warm instance");
});
