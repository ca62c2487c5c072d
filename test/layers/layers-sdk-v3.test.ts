/**
 * Lambda layers through the real AWS SDK v3 against a real node: publishing (ZipFile and haneul's
 * S3), reading, listing with filters and paging, deleting (numbers never reused), permissions
 * honoured for GetLayerVersion, and a function that requires a module from its layers, run in a
 * real instance with the layers at /opt.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  AddLayerVersionPermissionCommand,
  CreateFunctionCommand,
  DeleteLayerVersionCommand,
  GetFunctionCommand,
  GetLayerVersionByArnCommand,
  GetLayerVersionCommand,
  GetLayerVersionPolicyCommand,
  InvokeCommand,
  ListLayersCommand,
  ListLayerVersionsCommand,
  PublishLayerVersionCommand,
  PublishVersionCommand,
  RemoveLayerVersionPermissionCommand,
  type Runtime,
  UpdateFunctionConfigurationCommand,
} from "@aws-sdk/client-lambda";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { zipSync } from "fflate";
import {
  type LambdaNode,
  NODE_ACCOUNT,
  NODE_REGION,
  NODE_ROLE as ROLE,
  startLambdaNode,
} from "../helpers/lambda-node.js";
import { sdkError } from "../helpers/sdk-error.js";

const enc = (s: string) => new TextEncoder().encode(s);
const LAYER_ARN = (name: string) => `arn:aws:lambda:${NODE_REGION}:${NODE_ACCOUNT}:layer:${name}`;

/** A layer zip with `nodejs/node_modules/<module>/index.js` exporting `value`, plus `/opt/<file>`. */
export function layerZip(module: string, value: string, extra: Record<string, string> = {}): Uint8Array {
  return zipSync({
    [`nodejs/node_modules/${module}/index.js`]: enc(`module.exports = ${JSON.stringify(value)};`),
    ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, enc(v)])),
  });
}

const handler = zipSync({
  "index.js": enc(`
const fs = require("node:fs");
exports.handler = async () => {
  let write;
  try { fs.writeFileSync("/opt/attack.txt", "x"); write = "written"; } catch (e) { write = e.code; }
  let shared;
  try { shared = require("shared-mod"); } catch (e) { shared = "missing"; }
  return {
    greeting: require("greeting"), shared, write,
    note: fs.existsSync("/opt/note.txt") ? fs.readFileSync("/opt/note.txt", "utf8") : "no /opt/note.txt",
    nodePath: process.env.NODE_PATH,
  };
};`),
});

let node: LambdaNode;
let s3: S3Client;
before(async () => {
  node = await startLambdaNode();
  s3 = new S3Client({
    endpoint: node.url,
    region: NODE_REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: node.accessKeyId, secretAccessKey: node.secretAccessKey },
  });
});
after(async () => {
  s3.destroy();
  await node.close();
});

async function invoke(name: string, qualifier?: string): Promise<Record<string, unknown>> {
  const out = await node.client.send(new InvokeCommand({ FunctionName: name, Qualifier: qualifier }));
  assert.equal(out.FunctionError, undefined, Buffer.from(out.Payload ?? []).toString());
  return JSON.parse(Buffer.from(out.Payload ?? []).toString()) as Record<string, unknown>;
}

void describe("layer versions (SDK v3)", () => {
  void test("publish, get, get by ARN: AWS's fields, real sizes and digests", async () => {
    const zip = layerZip("greeting", "hello");
    const pub = await node.client.send(
      new PublishLayerVersionCommand({
        LayerName: "sdk-basic",
        Description: "greets",
        LicenseInfo: "MIT",
        CompatibleRuntimes: ["nodejs20.x", "nodejs22.x"],
        CompatibleArchitectures: ["x86_64"],
        Content: { ZipFile: zip },
      }),
    );
    assert.equal(pub.Version, 1);
    assert.equal(pub.LayerArn, LAYER_ARN("sdk-basic"));
    assert.equal(pub.LayerVersionArn, `${LAYER_ARN("sdk-basic")}:1`);
    assert.equal(pub.Content?.CodeSize, zip.length);
    assert.match(pub.Content?.CodeSha256 ?? "", /^[A-Za-z0-9+/]{43}=$/);
    assert.ok(pub.Content?.Location);
    assert.match(pub.CreatedDate ?? "", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    assert.deepEqual(pub.CompatibleRuntimes, ["nodejs20.x", "nodejs22.x"]);
    assert.equal(pub.LicenseInfo, "MIT");
    const got = await node.client.send(new GetLayerVersionCommand({ LayerName: "sdk-basic", VersionNumber: 1 }));
    assert.deepEqual({ ...got, $metadata: undefined }, { ...pub, $metadata: undefined });
    const byArn = await node.client.send(new GetLayerVersionByArnCommand({ Arn: `${LAYER_ARN("sdk-basic")}:1` }));
    assert.equal(byArn.Description, "greets");
    const byLayerArn = await node.client.send(
      new GetLayerVersionCommand({ LayerName: LAYER_ARN("sdk-basic"), VersionNumber: 1 }),
    );
    assert.equal(byLayerArn.Version, 1);
  });

  void test("errors as AWS answers them", async () => {
    await assert.rejects(
      node.client.send(new GetLayerVersionCommand({ LayerName: "nope", VersionNumber: 1 })),
      sdkError("ResourceNotFoundException", 404, "The resource you requested does not exist."),
    );
    await assert.rejects(
      node.client.send(new GetLayerVersionByArnCommand({ Arn: "arn:aws:lambda:us-east-1:123456789012:layer:x" })),
      sdkError("ValidationException", 400, /Value 'arn:aws:lambda:us-east-1:123456789012:layer:x' at 'arn'/),
    );
    await assert.rejects(
      node.client.send(
        new PublishLayerVersionCommand({ LayerName: "bad name", Content: { ZipFile: layerZip("a", "b") } }),
      ),
      sdkError("ValidationException", 400, /at 'layerName' failed to satisfy constraint/),
    );
    await assert.rejects(
      node.client.send(
        new PublishLayerVersionCommand({
          LayerName: "rt",
          CompatibleRuntimes: ["cobol" as Runtime],
          Content: { ZipFile: layerZip("a", "b") },
        }),
      ),
      sdkError("ValidationException", 400, /Value 'cobol' at 'compatibleRuntimes.1.member'/),
    );
    await assert.rejects(
      node.client.send(new PublishLayerVersionCommand({ LayerName: "nocontent", Content: {} })),
      sdkError("InvalidParameterValueException", 400, "Please provide a source for function code."),
    );
    await assert.rejects(
      node.client.send(new PublishLayerVersionCommand({ LayerName: "notzip", Content: { ZipFile: enc("not a zip") } })),
      sdkError("InvalidParameterValueException", 400),
    );
  });

  void test("content from haneul's S3", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "layer-artifacts" }));
    await s3.send(
      new PutObjectCommand({ Bucket: "layer-artifacts", Key: "l.zip", Body: layerZip("s3mod", "from s3") }),
    );
    const pub = await node.client.send(
      new PublishLayerVersionCommand({
        LayerName: "from-s3",
        Content: { S3Bucket: "layer-artifacts", S3Key: "l.zip" },
      }),
    );
    assert.equal(pub.Version, 1);
    await assert.rejects(
      node.client.send(
        new PublishLayerVersionCommand({
          LayerName: "from-s3",
          Content: { S3Bucket: "layer-artifacts", S3Key: "none" },
        }),
      ),
      sdkError("InvalidParameterValueException", 400, /S3 Error Code: NoSuchKey/),
    );
  });

  void test("list with filters and paging; deleted numbers are never reused", async () => {
    for (const runtimes of [["nodejs20.x"], ["nodejs22.x"], ["nodejs20.x"]] as Runtime[][]) {
      await node.client.send(
        new PublishLayerVersionCommand({
          LayerName: "listed",
          CompatibleRuntimes: runtimes,
          Content: { ZipFile: layerZip("m", runtimes.join()) },
        }),
      );
    }
    const all = await node.client.send(new ListLayerVersionsCommand({ LayerName: "listed" }));
    assert.deepEqual(
      all.LayerVersions?.map((v) => v.Version),
      [3, 2, 1],
    );
    const node22 = await node.client.send(
      new ListLayerVersionsCommand({ LayerName: "listed", CompatibleRuntime: "nodejs22.x" }),
    );
    assert.deepEqual(
      node22.LayerVersions?.map((v) => v.Version),
      [2],
    );
    const page1 = await node.client.send(new ListLayerVersionsCommand({ LayerName: "listed", MaxItems: 2 }));
    assert.deepEqual(
      page1.LayerVersions?.map((v) => v.Version),
      [3, 2],
    );
    const page2 = await node.client.send(
      new ListLayerVersionsCommand({ LayerName: "listed", MaxItems: 2, Marker: page1.NextMarker }),
    );
    assert.deepEqual(
      page2.LayerVersions?.map((v) => v.Version),
      [1],
    );
    assert.equal(page2.NextMarker, undefined);
    const layers = await node.client.send(new ListLayersCommand({ CompatibleRuntime: "nodejs22.x" }));
    const listed = layers.Layers?.find((l) => l.LayerName === "listed");
    assert.equal(listed?.LatestMatchingVersion?.Version, 2);
    assert.equal(listed?.LayerArn, LAYER_ARN("listed"));
    await node.client.send(new DeleteLayerVersionCommand({ LayerName: "listed", VersionNumber: 3 }));
    await node.client.send(new DeleteLayerVersionCommand({ LayerName: "listed", VersionNumber: 3 }));
    const next = await node.client.send(
      new PublishLayerVersionCommand({ LayerName: "listed", Content: { ZipFile: layerZip("m", "4") } }),
    );
    assert.equal(next.Version, 4);
    const pageA = await node.client.send(new ListLayersCommand({ MaxItems: 1 }));
    assert.equal(pageA.Layers?.length, 1);
    assert.ok(pageA.NextMarker);
  });

  void test("permissions: added, read, refused twice, removed", async () => {
    await node.client.send(
      new PublishLayerVersionCommand({ LayerName: "shared", Content: { ZipFile: layerZip("a", "b") } }),
    );
    const added = await node.client.send(
      new AddLayerVersionPermissionCommand({
        LayerName: "shared",
        VersionNumber: 1,
        StatementId: "everyone",
        Action: "lambda:GetLayerVersion",
        Principal: "*",
      }),
    );
    assert.deepEqual(JSON.parse(added.Statement ?? ""), {
      Sid: "everyone",
      Effect: "Allow",
      Principal: "*",
      Action: "lambda:GetLayerVersion",
      Resource: `${LAYER_ARN("shared")}:1`,
    });
    const policy = await node.client.send(new GetLayerVersionPolicyCommand({ LayerName: "shared", VersionNumber: 1 }));
    assert.equal(policy.RevisionId, added.RevisionId);
    assert.equal((JSON.parse(policy.Policy ?? "") as { Statement: unknown[] }).Statement.length, 1);
    await assert.rejects(
      node.client.send(
        new AddLayerVersionPermissionCommand({
          LayerName: "shared",
          VersionNumber: 1,
          StatementId: "everyone",
          Action: "lambda:GetLayerVersion",
          Principal: "*",
        }),
      ),
      sdkError("ResourceConflictException", 409, /The statement id \(everyone\) provided already exists/),
    );
    await assert.rejects(
      node.client.send(
        new AddLayerVersionPermissionCommand({
          LayerName: "shared",
          VersionNumber: 1,
          StatementId: "x",
          Action: "lambda:InvokeFunction",
          Principal: "*",
        }),
      ),
      sdkError("ValidationException", 400, /at 'action' failed to satisfy constraint/),
    );
    await node.client.send(
      new RemoveLayerVersionPermissionCommand({ LayerName: "shared", VersionNumber: 1, StatementId: "everyone" }),
    );
    await assert.rejects(
      node.client.send(new GetLayerVersionPolicyCommand({ LayerName: "shared", VersionNumber: 1 })),
      sdkError("ResourceNotFoundException", 404, "No policy is associated with the given resource."),
    );
    await assert.rejects(
      node.client.send(
        new RemoveLayerVersionPermissionCommand({ LayerName: "shared", VersionNumber: 1, StatementId: "everyone" }),
      ),
      sdkError("ResourceNotFoundException", 404, "Statement everyone is not found in resource policy."),
    );
  });
});

void describe("functions with layers (SDK v3, real instances)", () => {
  void test("modules and files from the layers at /opt, in order, read-only; versions pin their layers", async () => {
    const a = await node.client.send(
      new PublishLayerVersionCommand({
        LayerName: "fn-a",
        Content: { ZipFile: layerZip("greeting", "from a", { "note.txt": "a" }) },
      }),
    );
    const b = await node.client.send(
      new PublishLayerVersionCommand({
        LayerName: "fn-b",
        Content: { ZipFile: layerZip("shared-mod", "from b", { "note.txt": "b" }) },
      }),
    );
    const created = await node.client.send(
      new CreateFunctionCommand({
        FunctionName: "with-layers",
        Runtime: "nodejs20.x",
        Role: ROLE,
        Handler: "index.handler",
        Code: { ZipFile: handler },
        Layers: [a.LayerVersionArn ?? "", b.LayerVersionArn ?? ""],
      }),
    );
    assert.deepEqual(created.Layers, [
      { Arn: a.LayerVersionArn, CodeSize: a.Content?.CodeSize },
      { Arn: b.LayerVersionArn, CodeSize: b.Content?.CodeSize },
    ]);
    const out = await invoke("with-layers");
    assert.equal(out["greeting"], "from a");
    assert.equal(out["shared"], "from b");
    // Later layers overwrite earlier files.
    assert.equal(out["note"], "b");
    assert.equal(out["write"], "EROFS");
    const v1 = await node.client.send(new PublishVersionCommand({ FunctionName: "with-layers" }));
    // $LATEST drops layer b; version 1 keeps both, even after b's version is deleted.
    await node.client.send(
      new UpdateFunctionConfigurationCommand({ FunctionName: "with-layers", Layers: [a.LayerVersionArn ?? ""] }),
    );
    await node.client.send(new DeleteLayerVersionCommand({ LayerName: "fn-b", VersionNumber: 1 }));
    const latest = await invoke("with-layers");
    assert.equal(latest["shared"], "missing");
    assert.equal(latest["note"], "a");
    const pinned = await invoke("with-layers", v1.Version);
    assert.equal(pinned["shared"], "from b");
    const fn = await node.client.send(new GetFunctionCommand({ FunctionName: "with-layers", Qualifier: v1.Version }));
    assert.equal(fn.Configuration?.Layers?.length, 2);
  });

  void test("Layers refused as AWS refuses them", async () => {
    const create = (layers: string[]) =>
      node.client.send(
        new CreateFunctionCommand({
          FunctionName: "bad-layers",
          Runtime: "nodejs20.x",
          Role: ROLE,
          Handler: "index.handler",
          Code: { ZipFile: handler },
          Layers: layers,
        }),
      );
    const missing = `${LAYER_ARN("never")}:1`;
    await assert.rejects(
      create([missing]),
      sdkError("InvalidParameterValueException", 400, `Layer version ${missing} does not exist.`),
    );
    await assert.rejects(
      create(["not-an-arn"]),
      sdkError("ValidationException", 400, /at 'layers' failed to satisfy constraint/),
    );
    await assert.rejects(
      create(Array.from({ length: 6 }, (_, i) => `${LAYER_ARN("x")}:${i + 1}`)),
      sdkError("InvalidParameterValueException", 400, "Cannot reference more than 5 layers."),
    );
    const l = await node.client.send(
      new PublishLayerVersionCommand({ LayerName: "twice", Content: { ZipFile: layerZip("a", "1") } }),
    );
    const l2 = await node.client.send(
      new PublishLayerVersionCommand({ LayerName: "twice", Content: { ZipFile: layerZip("a", "2") } }),
    );
    await assert.rejects(
      create([l.LayerVersionArn ?? "", l2.LayerVersionArn ?? ""]),
      sdkError("InvalidParameterValueException", 400, /Two different versions of the same layer are not allowed/),
    );
  });
});
