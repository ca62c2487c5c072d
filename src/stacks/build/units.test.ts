import assert from "node:assert/strict";
import { test } from "node:test";
import { readTemplate } from "../../domain/template/read.js";
import { BuildError } from "./build-error.js";
import { bundleOptions } from "./esbuild-options.js";
import { buildUnits } from "./units.js";

const TEMPLATE = `Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    CodeUri: src/
    Runtime: nodejs20.x
Resources:
  FromGlobals:
    Type: AWS::Serverless::Function
    Properties:
      Handler: a.handler
  Bundled:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: ts/
      Handler: app.handler
    Metadata:
      BuildMethod: esbuild
      BuildProperties: { EntryPoints: [app.ts], Format: esm, MainFields: "module,main", Loader: [".png=dataurl"], Banner: "js=// hi", OutExtension: [".js=.mjs"] }
  Remote:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: s3://bucket/key.zip
      Handler: a.handler
  Inline:
    Type: AWS::Serverless::Function
    Properties:
      InlineCode: "exports.handler = async () => 1"
      Handler: index.handler
  Custom:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: bin/
      Handler: bootstrap
      Runtime: provided.al2023
  Layer:
    Type: AWS::Serverless::LayerVersion
    Properties: { ContentUri: layer/ }
    Metadata: { BuildMethod: nodejs20.x }
  PlainLayer:
    Type: AWS::Serverless::LayerVersion
    Properties: { ContentUri: plain/ }
`;

test("build units: Globals' CodeUri and Runtime, esbuild, layers; remote and inline code is not built", () => {
  const units = buildUnits(readTemplate(TEMPLATE, "t.yaml").body);
  assert.deepEqual(
    units.map((u) => `${u.logicalId} ${u.kind} ${u.source}`),
    [
      "FromGlobals function-npm src/",
      "Bundled function-esbuild ts/",
      "Custom copy bin/",
      "Layer layer-npm layer/",
      "PlainLayer copy plain/",
    ],
  );
});

test("BuildProperties map to esbuild's options; an unknown one is refused with the function named", () => {
  const [, bundled] = buildUnits(readTemplate(TEMPLATE, "t.yaml").body);
  const o = bundleOptions("Bundled", bundled?.buildProperties ?? {}, {
    sourceDir: "/src",
    workingDir: "/src",
    outdir: "/out",
    handler: "app.handler",
  });
  assert.deepEqual(o.entryPoints, ["/src/app.ts"]);
  assert.equal(o.format, "esm");
  assert.deepEqual(o.mainFields, ["module", "main"]);
  assert.deepEqual(o.loader, { ".png": "dataurl" });
  assert.deepEqual(o.banner, { js: "// hi" });
  assert.deepEqual(o.outExtension, { ".js": ".mjs" });
  assert.equal(o.target, "es2020");
  assert.equal(o.minify, false);
  assert.throws(
    () => bundleOptions("F", { Minfy: true }, { sourceDir: "/s", workingDir: "/s", outdir: "/o", handler: "a.b" }),
    (e: unknown) => e instanceof BuildError && /^F: unknown esbuild BuildProperty Minfy/.test(e.message),
  );
  const fallback = bundleOptions(
    "F",
    {},
    { sourceDir: "/s", workingDir: "/s", outdir: "/o", handler: "src/app.handler" },
  );
  assert.deepEqual(fallback.entryPoints, ["/s/src/app"]);
});
