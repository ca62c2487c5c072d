/**
 * Every layer operation through aws-sdk v2 and the AWS CLI v2 (/usr/bin/aws) against a real node:
 * the wire shapes both clients parse (timestamps, blobs, query parameters, policies) and the errors
 * they report; a function created by the CLI with `--layers` shows them with their real sizes.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type AwsSdkV2 from "aws-sdk";
import { zipSync } from "fflate";
import { awsCli } from "../helpers/apigw-stack.js";
import { type LambdaNode, NODE_REGION, NODE_ROLE, startLambdaNode } from "../helpers/lambda-node.js";
import { tempDir } from "../helpers/temp-dir.js";

const require = createRequire(import.meta.url);
(require("aws-sdk/lib/maintenance_mode_message.js") as { suppress: boolean }).suppress = true;
const AWS = require("aws-sdk") as typeof AwsSdkV2;

const enc = (s: string) => new TextEncoder().encode(s);
const layerZip = (value: string) =>
  Buffer.from(zipSync({ "nodejs/node_modules/greeting/index.js": enc(`module.exports = ${JSON.stringify(value)};`) }));

let node: LambdaNode;
let lambda: AwsSdkV2.Lambda;
let home: ReturnType<typeof tempDir>;
let cliTarget: { apiUrl: string; credentials: { accessKeyId: string; secretAccessKey: string }; home: string };
before(async () => {
  node = await startLambdaNode();
  const credentials = { accessKeyId: node.accessKeyId, secretAccessKey: node.secretAccessKey };
  lambda = new AWS.Lambda({ endpoint: node.url, region: NODE_REGION, credentials, maxRetries: 0 });
  home = tempDir("layers-cli");
  cliTarget = { apiUrl: node.url, credentials, home: home.path };
});
after(async () => {
  await node.close();
  await home.remove();
});

/** `aws lambda <args>`: its parsed JSON output, or the failure's stderr. */
async function cli(...args: string[]): Promise<{ code: number; json: Record<string, unknown>; stderr: string }> {
  const r = await awsCli(cliTarget, ["lambda", ...args]);
  return {
    code: r.code,
    json: r.stdout.trim() ? (JSON.parse(r.stdout) as Record<string, unknown>) : {},
    stderr: r.stderr,
  };
}

void describe("layers through aws-sdk v2", () => {
  test("every operation", async () => {
    const pub = await lambda
      .publishLayerVersion({
        LayerName: "v2-layer",
        Content: { ZipFile: layerZip("v2") },
        CompatibleRuntimes: ["nodejs20.x"],
        CompatibleArchitectures: ["arm64"],
        LicenseInfo: "Apache-2.0",
      })
      .promise();
    assert.equal(pub.Version, 1);
    assert.ok(pub.CreatedDate);
    const got = await lambda.getLayerVersion({ LayerName: "v2-layer", VersionNumber: 1 }).promise();
    assert.equal(got.Content?.CodeSha256, pub.Content?.CodeSha256);
    assert.deepEqual(got.CompatibleArchitectures, ["arm64"]);
    const byArn = await lambda.getLayerVersionByArn({ Arn: pub.LayerVersionArn ?? "" }).promise();
    assert.equal(byArn.LicenseInfo, "Apache-2.0");
    const layers = await lambda.listLayers({ CompatibleArchitecture: "arm64" }).promise();
    assert.deepEqual(
      layers.Layers?.map((l) => l.LayerName),
      ["v2-layer"],
    );
    const versions = await lambda
      .listLayerVersions({ LayerName: "v2-layer", CompatibleRuntime: "nodejs20.x" })
      .promise();
    assert.deepEqual(
      versions.LayerVersions?.map((v) => v.Version),
      [1],
    );
    const added = await lambda
      .addLayerVersionPermission({
        LayerName: "v2-layer",
        VersionNumber: 1,
        StatementId: "acct",
        Action: "lambda:GetLayerVersion",
        Principal: "210987654321",
      })
      .promise();
    assert.deepEqual((JSON.parse(added.Statement ?? "") as { Principal: unknown }).Principal, {
      AWS: "arn:aws:iam::210987654321:root",
    });
    const policy = await lambda.getLayerVersionPolicy({ LayerName: "v2-layer", VersionNumber: 1 }).promise();
    assert.equal(policy.RevisionId, added.RevisionId);
    await assert.rejects(
      lambda
        .removeLayerVersionPermission({
          LayerName: "v2-layer",
          VersionNumber: 1,
          StatementId: "acct",
          RevisionId: "stale",
        })
        .promise(),
      (e: AwsSdkV2.AWSError) => e.code === "PreconditionFailedException" && e.statusCode === 412,
    );
    await lambda
      .removeLayerVersionPermission({ LayerName: "v2-layer", VersionNumber: 1, StatementId: "acct" })
      .promise();
    await lambda.deleteLayerVersion({ LayerName: "v2-layer", VersionNumber: 1 }).promise();
    await assert.rejects(
      lambda.getLayerVersion({ LayerName: "v2-layer", VersionNumber: 1 }).promise(),
      (e: AwsSdkV2.AWSError) =>
        e.code === "ResourceNotFoundException" &&
        e.statusCode === 404 &&
        e.message === "The resource you requested does not exist.",
    );
  });
});

void describe("layers through the AWS CLI v2", () => {
  test("every operation, and a function using the layer", async () => {
    const zipPath = join(home.path, "layer.zip");
    writeFileSync(zipPath, layerZip("cli"));
    const pub = await cli(
      "publish-layer-version",
      ...["--layer-name", "cli-layer", "--zip-file", `fileb://${zipPath}`, "--description", "from the cli"],
      ...["--compatible-runtimes", "nodejs20.x", "nodejs22.x", "--license-info", "MIT"],
    );
    assert.equal(pub.code, 0, pub.stderr);
    const arn = String(pub.json["LayerVersionArn"]);
    assert.equal(arn, `arn:aws:lambda:${NODE_REGION}:123456789012:layer:cli-layer:1`);
    const got = await cli("get-layer-version", "--layer-name", "cli-layer", "--version-number", "1");
    assert.equal(got.json["Description"], "from the cli");
    const byArn = await cli("get-layer-version-by-arn", "--arn", arn);
    assert.equal(byArn.json["Version"], 1);
    const listed = await cli("list-layers", "--compatible-runtime", "nodejs22.x");
    assert.deepEqual(
      (listed.json["Layers"] as { LayerName: string }[]).map((l) => l.LayerName),
      ["cli-layer"],
    );
    const versions = await cli("list-layer-versions", "--layer-name", "cli-layer");
    assert.equal((versions.json["LayerVersions"] as unknown[]).length, 1);
    const perm = await cli(
      "add-layer-version-permission",
      ...["--layer-name", "cli-layer", "--version-number", "1", "--statement-id", "all"],
      ...["--action", "lambda:GetLayerVersion", "--principal", "*"],
    );
    assert.equal(perm.code, 0, perm.stderr);
    const policy = await cli("get-layer-version-policy", "--layer-name", "cli-layer", "--version-number", "1");
    assert.match(String(policy.json["Policy"]), /"Sid":"all"/);
    const removed = await cli(
      "remove-layer-version-permission",
      ...["--layer-name", "cli-layer", "--version-number", "1", "--statement-id", "all"],
    );
    assert.equal(removed.code, 0, removed.stderr);

    const fnZip = join(home.path, "fn.zip");
    writeFileSync(
      fnZip,
      Buffer.from(zipSync({ "index.js": enc('exports.handler = async () => require("greeting");') })),
    );
    const created = await cli(
      "create-function",
      ...["--function-name", "cli-layered", "--runtime", "nodejs20.x", "--handler", "index.handler"],
      ...["--role", NODE_ROLE, "--zip-file", `fileb://${fnZip}`, "--layers", arn],
    );
    assert.equal(created.code, 0, created.stderr);
    const config = await cli("get-function-configuration", "--function-name", "cli-layered");
    assert.deepEqual(config.json["Layers"], [
      { Arn: arn, CodeSize: (pub.json["Content"] as { CodeSize: number }).CodeSize },
    ]);
    const out = join(home.path, "out.json");
    const invoked = await cli("invoke", "--function-name", "cli-layered", out);
    assert.equal(invoked.code, 0, invoked.stderr);
    assert.equal(require(out), "cli");

    const missing = await cli("get-layer-version", "--layer-name", "cli-layer", "--version-number", "9");
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /ResourceNotFoundException.*The resource you requested does not exist\./);
    const deleted = await cli("delete-layer-version", "--layer-name", "cli-layer", "--version-number", "1");
    assert.equal(deleted.code, 0, deleted.stderr);
  });
});
