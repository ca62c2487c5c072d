import assert from "node:assert/strict";
import { test } from "node:test";
import { PlatformError } from "../../shared/errors.js";
import { processTemplate } from "./pipeline.js";
import { pseudoParameters } from "./pseudo.js";
import { readTemplate } from "./read.js";

const TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage:
    Type: String
    AllowedValues: [dev, prod]
    Default: dev
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
Resources:
  Hello:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: s3://bucket/hello.zip
      Handler: app.handler
      Runtime: nodejs14.x
      Events:
        Get:
          Type: Api
          Properties: { Path: /hello, Method: get }
  Reporter:
    Type: AWS::Serverless::Function
    Condition: IsProd
    Properties:
      CodeUri: s3://bucket/report.zip
      Handler: app.handler
      Runtime: nodejs20.x
  Bucket:
    Type: AWS::S3::Bucket
Outputs:
  HelloApi:
    Value: !Sub "https://\${ServerlessRestApi}.execute-api.\${AWS::Region}.amazonaws.com/Prod/hello/"
`;

const pseudo = pseudoParameters({ region: "us-east-1", accountId: "123456789012", stackName: "app" });

test("read → parameters → SAM transform → phase 1 → order, with retired runtimes mapped and unknown types warned about", () => {
  const out = processTemplate({ source: readTemplate(TEMPLATE, "template.yaml"), pseudo });
  assert.deepEqual(
    [...out.prepared.resources.keys()].sort(),
    [
      "Bucket",
      "Hello",
      "HelloGetPermissionProd",
      "HelloRole",
      "ServerlessRestApi",
      "ServerlessRestApiDeployment" +
        out.prepared.order.find((id) => id.startsWith("ServerlessRestApiDeployment"))?.slice(27),
      "ServerlessRestApiProdStage",
    ].sort(),
  );
  assert.equal(out.prepared.resources.get("Hello")?.properties.Runtime, "nodejs20.x");
  assert.ok(out.warnings.includes("Hello: runtime nodejs14.x is retired; haneul runs the function on nodejs20.x"));
  assert.ok(
    out.warnings.includes("Unrecognized resource types: [AWS::S3::Bucket (Bucket)]; haneul does not create them"),
  );
  assert.deepEqual(out.types.pending, []);
  assert.ok(out.prepared.order.indexOf("HelloRole") < out.prepared.order.indexOf("Hello"));
  assert.ok(out.prepared.order.indexOf("ServerlessRestApi") < out.prepared.order.indexOf("ServerlessRestApiProdStage"));
  const withProd = processTemplate({
    source: readTemplate(TEMPLATE, "template.yaml"),
    pseudo,
    parameters: { overrides: { Stage: "prod" } },
  });
  assert.ok(withProd.prepared.resources.has("Reporter") && withProd.prepared.resources.has("ReporterRole"));
});

test("errors name the file and the line of what they are about", () => {
  const source = readTemplate(TEMPLATE, "template.yaml");
  assert.throws(
    () => processTemplate({ source, pseudo, parameters: { overrides: { Stage: "qa" } } }),
    (e: unknown) =>
      e instanceof PlatformError &&
      e.message === "Parameter 'Stage' must be one of AllowedValues" &&
      e.fields.file === "template.yaml" &&
      e.fields.line === 4,
  );
  const broken = readTemplate(
    TEMPLATE.replace("Handler: app.handler\n      Runtime: nodejs14.x", "Runtime: nodejs14.x"),
    "template.yaml",
  );
  assert.throws(
    () => processTemplate({ source: broken, pseudo }),
    (e: unknown) =>
      e instanceof PlatformError && /Resource with id \[Hello\] is invalid/.test(e.message) && e.fields.line === 11,
  );
  const cyclic = TEMPLATE.replace(
    "  Bucket:\n    Type: AWS::S3::Bucket",
    "  Bucket:\n    Type: AWS::S3::Bucket\n    DependsOn: Hello",
  ).replace(
    "Runtime: nodejs14.x",
    "Runtime: nodejs14.x\n      Environment:\n        Variables:\n          BUCKET: !Ref Bucket",
  );
  assert.throws(() => processTemplate({ source: readTemplate(cyclic, "template.yaml"), pseudo }), {
    message: "Circular dependency between resources: [Bucket, Hello]",
  });
});
