import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isPlatformError } from "../shared/errors.js";
import { parseLambdaAppSpec } from "./appspec.js";

const YAML = `version: 0.0
Resources:
  - myLambdaFunction:
      Type: AWS::Lambda::Function
      Properties:
        Name: "myLambdaFunction"
        Alias: "live"
        CurrentVersion: 1
        TargetVersion: "2"
Hooks:
  - BeforeAllowTraffic: "preTraffic"
  - AfterAllowTraffic: "arn:aws:lambda:us-east-1:123456789012:function:postTraffic"
`;

const refused = (content: string, pattern: RegExp) =>
  assert.throws(
    () => parseLambdaAppSpec(content),
    (e) => isPlatformError(e) && e.code === "ERR_CODEDEPLOY_INVALID_REVISION" && pattern.test(e.message),
  );

void describe("Lambda AppSpec", () => {
  void test("YAML as AWS's documentation writes it, versions as numbers or strings", () => {
    assert.deepEqual(parseLambdaAppSpec(YAML), {
      target: {
        resourceName: "myLambdaFunction",
        functionName: "myLambdaFunction",
        alias: "live",
        currentVersion: "1",
        targetVersion: "2",
      },
      hooks: {
        BeforeAllowTraffic: "preTraffic",
        AfterAllowTraffic: "arn:aws:lambda:us-east-1:123456789012:function:postTraffic",
      },
    });
  });

  void test("JSON, without hooks", () => {
    const json = JSON.stringify({
      version: 0,
      Resources: [
        {
          f: {
            Type: "AWS::Lambda::Function",
            Properties: { Name: "f", Alias: "a", CurrentVersion: "3", TargetVersion: "4" },
          },
        },
      ],
    });
    assert.deepEqual(parseLambdaAppSpec(json).hooks, {});
  });

  void test("what is not a Lambda AppSpec is refused with the reason", () => {
    refused("a: [", /not valid/);
    refused("Resources: []", /exactly one AWS::Lambda::Function/);
    refused(YAML.replace("AWS::Lambda::Function", "AWS::ECS::Service"), /Type AWS::Lambda::Function/);
    refused(YAML.replace('TargetVersion: "2"', 'TargetVersion: "1"'), /are the same/);
    refused(YAML.replace('TargetVersion: "2"', 'TargetVersion: "$LATEST"'), /published version/);
    refused(YAML.replace("BeforeAllowTraffic", "BeforeInstall"), /unknown hook BeforeInstall/);
    refused(YAML.replace('Alias: "live"', ""), /Alias is required/);
  });
});
