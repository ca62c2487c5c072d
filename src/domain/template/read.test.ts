import assert from "node:assert/strict";
import { test } from "node:test";
import { readTemplate } from "./read.js";
import { describeTemplateError } from "./values.js";
import { PlatformError } from "../../shared/errors.js";

const YAML = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: !Sub "\${Prefix}.handler"
      Role: !GetAtt Role.Arn
      Layers: [!Ref Layer]
      Environment:
        Variables:
          A: !If [IsProd, !Join [",", [a, b]], !Ref AWS::NoValue]
          B: !Select [0, !Split [",", "x,y"]]
          C: !FindInMap [M, !Ref "AWS::Region", k]
          D: !Base64 text
          E: !ImportValue shared
          F: !GetAZs ""
          G: !Equals [a, b]
          H: !Not [!Condition IsProd]
          I: !Cidr [10.0.0.0/16, 2, 8]
          J: !GetAtt [Role, Arn]
`;

test("short-form tags read as their long forms", () => {
  const t = readTemplate(YAML, "template.yaml");
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a deep literal compared piecewise
  const fn = (t.body.Resources as Record<string, { Properties: Record<string, any> }>).Fn!.Properties;
  assert.deepEqual(fn.Handler, { "Fn::Sub": "${Prefix}.handler" });
  assert.deepEqual(fn.Role, { "Fn::GetAtt": ["Role", "Arn"] });
  assert.deepEqual(fn.Layers, [{ Ref: "Layer" }]);
  const v = fn.Environment.Variables;
  assert.deepEqual(v.A, { "Fn::If": ["IsProd", { "Fn::Join": [",", ["a", "b"]] }, { Ref: "AWS::NoValue" }] });
  assert.deepEqual(v.B, { "Fn::Select": [0, { "Fn::Split": [",", "x,y"] }] });
  assert.deepEqual(v.C, { "Fn::FindInMap": ["M", { Ref: "AWS::Region" }, "k"] });
  assert.deepEqual(v.D, { "Fn::Base64": "text" });
  assert.deepEqual(v.E, { "Fn::ImportValue": "shared" });
  assert.deepEqual(v.F, { "Fn::GetAZs": "" });
  assert.deepEqual(v.G, { "Fn::Equals": ["a", "b"] });
  assert.deepEqual(v.H, { "Fn::Not": [{ Condition: "IsProd" }] });
  assert.deepEqual(v.I, { "Fn::Cidr": ["10.0.0.0/16", 2, 8] });
  assert.deepEqual(v.J, { "Fn::GetAtt": ["Role", "Arn"] });
  assert.equal(t.body.AWSTemplateFormatVersion, "2010-09-09");
});

test("the line of a path is known, and of its nearest ancestor otherwise", () => {
  const t = readTemplate(YAML, "template.yaml");
  assert.equal(t.lineOf(["Resources", "Fn", "Properties", "Role"]), 8);
  assert.equal(t.lineOf(["Resources", "Fn", "Properties", "Nope", "deeper"]), 6);
});

test("invalid YAML names the file and line", () => {
  const text = "Resources:\n  Fn:\n    Type: [unclosed\n";
  assert.throws(
    () => readTemplate(text, "broken.yaml"),
    (e: unknown) => {
      assert.ok(e instanceof PlatformError);
      assert.equal(e.awsType, "ValidationError");
      assert.match(e.message, /^Template format error: YAML not well-formed\. \(line \d+, column \d+\)/);
      assert.match(describeTemplateError(e), /^broken\.yaml:\d+: /);
      return true;
    },
  );
});

test("duplicate keys and unknown tags are refused with the line", () => {
  assert.throws(() => readTemplate("Resources: {}\nResources: {}\n", "t.yaml"), /YAML not well-formed/);
  assert.throws(
    () => readTemplate("Resources:\n  X: !Nope a\n", "t.yaml"),
    (e: unknown) =>
      e instanceof PlatformError && e.message === "Template format error: unknown tag !Nope" && e.fields.line === 2,
  );
});

test("JSON templates are read, and their syntax errors carry a line", () => {
  const t = readTemplate('{\n  "Resources": {\n    "Q": {"Type": "AWS::SQS::Queue"}\n  }\n}\n', "t.json");
  assert.deepEqual(t.body, { Resources: { Q: { Type: "AWS::SQS::Queue" } } });
  assert.equal(t.lineOf(["Resources", "Q"]), 3);
  assert.throws(
    () => readTemplate('{\n  "Resources": {\n    "Q": }\n}', "t.json"),
    (e: unknown) => e instanceof PlatformError && /JSON not well-formed/.test(e.message) && e.fields.line === 3,
  );
});
