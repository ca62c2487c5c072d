import assert from "node:assert/strict";
import { test } from "node:test";
import { creationOrder, dependencyGraph } from "./graph.js";

test("edges from Ref, Fn::GetAtt, Fn::Sub and DependsOn; a deterministic creation order", () => {
  const graph = dependencyGraph(
    {
      Fn: { Type: "AWS::Lambda::Function", Properties: { Role: { "Fn::GetAtt": ["Role", "Arn"] } } },
      Role: { Type: "AWS::IAM::Role", Properties: {} },
      Perm: {
        Type: "AWS::Lambda::Permission",
        Properties: { FunctionName: { Ref: "Fn" }, SourceArn: { "Fn::Sub": "${Api}/*/${AWS::Region}" } },
      },
      Api: { Type: "AWS::ApiGateway::RestApi", Properties: { Name: { Ref: "Env" } } },
      Zeta: { Type: "AWS::SQS::Queue", DependsOn: "Api" },
    },
    new Set(["Env"]),
  );
  assert.deepEqual([...(graph.get("Perm") ?? [])].sort(), ["Api", "Fn"]);
  assert.deepEqual(creationOrder(graph), ["Api", "Role", "Fn", "Zeta", "Perm"]);
});

test("a reference to nothing is CloudFormation's unresolved-dependency error", () => {
  assert.throws(
    () =>
      dependencyGraph(
        { A: { Type: "T", Properties: { x: { Ref: "Missing" }, y: { "Fn::GetAtt": ["Other", "Arn"] } } } },
        new Set(),
      ),
    {
      message:
        "Template format error: Unresolved resource dependencies [Missing, Other] in the Resources block of the template",
    },
  );
  assert.throws(
    () => dependencyGraph({ A: { Type: "T", DependsOn: ["Ghost"] } }, new Set()),
    /Unresolved resource dependencies \[Ghost\]/,
  );
});

test("a cycle names its resources", () => {
  assert.throws(
    () =>
      dependencyGraph(
        {
          A: { Type: "T", Properties: { x: { Ref: "B" } } },
          B: { Type: "T", Properties: { x: { "Fn::Sub": "${C.Arn}" } } },
          C: { Type: "T", DependsOn: "A" },
          D: { Type: "T", Properties: { x: { Ref: "A" } } },
        },
        new Set(),
      ),
    { message: "Circular dependency between resources: [A, B, C]" },
  );
});
