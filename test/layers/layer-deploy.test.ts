/**
 * `haneul deploy` of a SAM template with an AWS::Serverless::LayerVersion and a function using it,
 * against a real `haneul server`: the function requires a module from the layer; a change to the
 * layer's content publishes a new version and the function answers with it; deleting the stack
 * deletes the layer version when RetentionPolicy says Delete.
 */
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { InvokeCommand, ListLayerVersionsCommand } from "@aws-sdk/client-lambda";
import { haneulCli } from "../helpers/haneul-cli.js";
import { startServerNode, type ServerNode } from "../helpers/server-node.js";
import { tempDir } from "../helpers/temp-dir.js";

const TEMPLATE = `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  SharedLayer:
    Type: AWS::Serverless::LayerVersion
    Properties:
      LayerName: shared
      ContentUri: layer/
      CompatibleRuntimes: [nodejs20.x]
      RetentionPolicy: Delete
  Reader:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: reader
      Runtime: nodejs20.x
      Handler: index.handler
      CodeUri: src/
      Layers:
        - !Ref SharedLayer
Outputs:
  LayerArn:
    Value: !Ref SharedLayer
`;

let node: ServerNode;
let app: ReturnType<typeof tempDir>;

function writeLayer(value: string): void {
  const dir = join(app.path, "layer", "nodejs", "node_modules", "greeting");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "index.js"), `module.exports = ${JSON.stringify(value)};\n`);
}

async function read(): Promise<unknown> {
  const out = await node.client.send(new InvokeCommand({ FunctionName: "reader" }));
  return JSON.parse(Buffer.from(out.Payload ?? []).toString());
}

before(async () => {
  node = await startServerNode({ timeoutMs: 60_000 });
  app = tempDir("layer-app", { inRepo: true });
  writeFileSync(join(app.path, "template.yaml"), TEMPLATE);
  mkdirSync(join(app.path, "src"));
  writeFileSync(join(app.path, "src", "index.js"), 'exports.handler = async () => require("greeting");\n');
  writeLayer("v1");
});
after(async () => {
  await node?.close();
  await app?.remove();
});

test("a layer deployed with its function, updated, and deleted with the stack", async () => {
  const first = await haneulCli(node, app.path, "deploy", "--stack-name", "layered");
  assert.equal(first.code, 0, first.stdout + first.stderr);
  assert.doesNotMatch(first.stdout, /warning: SharedLayer/);
  assert.match(first.stdout, /LayerArn +arn:aws:lambda:us-east-1:123456789012:layer:shared:1/);
  assert.equal(await read(), "v1");
  writeLayer("v2");
  const second = await haneulCli(node, app.path, "deploy", "--stack-name", "layered");
  assert.equal(second.code, 0, second.stdout + second.stderr);
  assert.match(second.stdout, /LayerArn +arn:aws:lambda:us-east-1:123456789012:layer:shared:2/);
  assert.equal(await read(), "v2");
  const versions = await node.client.send(new ListLayerVersionsCommand({ LayerName: "shared" }));
  // The replaced version went with its resource (RetentionPolicy: Delete).
  assert.deepEqual(
    versions.LayerVersions?.map((v) => v.Version),
    [2],
  );
  const deleted = await haneulCli(node, app.path, "delete-stack", "layered");
  assert.equal(deleted.code, 0, deleted.stdout + deleted.stderr);
  const after = await node.client.send(new ListLayerVersionsCommand({ LayerName: "shared" }));
  assert.deepEqual(after.LayerVersions, []);
});
