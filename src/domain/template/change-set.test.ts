import assert from "node:assert/strict";
import { test } from "node:test";
import { applyOrder, computeChangeSet } from "./change-set.js";
import type { ResourceState, StackState } from "./change-set.js";

const before: StackState = {
  order: ["Role", "Fn", "Version1", "Alias", "Old"],
  resources: new Map<string, ResourceState>([
    ["Role", { type: "AWS::IAM::Role", properties: { Path: "/" }, physicalId: "role-1" }],
    [
      "Fn",
      {
        type: "AWS::Lambda::Function",
        properties: {
          Role: { "Fn::GetAtt": ["Role", "Arn"] },
          MemorySize: 128,
          Environment: { Variables: { A: "1" } },
        },
        physicalId: "fn",
      },
    ],
    [
      "Version1",
      {
        type: "AWS::Lambda::Version",
        properties: { FunctionName: { Ref: "Fn" } },
        physicalId: "v1",
        deletionPolicy: "Retain",
      },
    ],
    [
      "Alias",
      {
        type: "AWS::Lambda::Alias",
        properties: {
          Name: "live",
          FunctionName: { Ref: "Fn" },
          FunctionVersion: { "Fn::GetAtt": ["Version1", "Version"] },
        },
        physicalId: "alias",
      },
    ],
    ["Old", { type: "AWS::SQS::Queue", properties: {}, physicalId: "q" }],
  ]),
};

const after: StackState = {
  order: ["Role", "Fn", "Version2", "Alias", "Topic"],
  resources: new Map<string, ResourceState>([
    ["Role", { type: "AWS::IAM::Role", properties: { Path: "/service/" } }],
    [
      "Fn",
      {
        type: "AWS::Lambda::Function",
        properties: {
          Role: { "Fn::GetAtt": ["Role", "Arn"] },
          MemorySize: 256,
          Environment: { Variables: { A: "2" } },
        },
      },
    ],
    ["Version2", { type: "AWS::Lambda::Version", properties: { FunctionName: { Ref: "Fn" } } }],
    [
      "Alias",
      {
        type: "AWS::Lambda::Alias",
        properties: {
          Name: "live",
          FunctionName: { Ref: "Fn" },
          FunctionVersion: { "Fn::GetAtt": ["Version2", "Version"] },
        },
      },
    ],
    ["Topic", { type: "AWS::SNS::Topic", properties: {} }],
  ]),
};

test("Add, Modify (paths, replacement, references to replaced resources) and Remove in CloudFormation's shape", () => {
  const changes = computeChangeSet(before, after);
  assert.deepEqual(
    changes.map((c) => `${c.Action} ${c.LogicalResourceId} ${c.Replacement ?? "-"}`),
    [
      "Add Topic -",
      "Add Version2 -",
      "Modify Alias False",
      "Modify Fn False",
      "Modify Role True",
      "Remove Old -",
      "Remove Version1 -",
    ],
  );
  const fn = changes.find((c) => c.LogicalResourceId === "Fn");
  assert.deepEqual(fn?.changedPaths, ["Environment/Variables/A", "MemorySize"]);
  assert.equal(fn?.PhysicalResourceId, "fn");
  assert.deepEqual(fn?.Details, [
    {
      Target: { Attribute: "Properties", Name: "Environment", RequiresRecreation: "Never" },
      Evaluation: "Static",
      ChangeSource: "DirectModification",
    },
    {
      Target: { Attribute: "Properties", Name: "MemorySize", RequiresRecreation: "Never" },
      Evaluation: "Static",
      ChangeSource: "DirectModification",
    },
    {
      Target: { Attribute: "Properties", Name: "Role", RequiresRecreation: "Never" },
      Evaluation: "Dynamic",
      ChangeSource: "ResourceReference",
      CausingEntity: "Role",
    },
  ]);
  assert.equal(changes.find((c) => c.LogicalResourceId === "Version1")?.PolicyAction, "Retain");
  assert.equal(changes.find((c) => c.LogicalResourceId === "Old")?.PolicyAction, "Delete");
});

test("nothing changed is an empty change set; the apply order creates forward and deletes in reverse", () => {
  assert.deepEqual(computeChangeSet(before, before), []);
  const steps = applyOrder(computeChangeSet(before, after), after, before);
  assert.deepEqual(
    steps.map((s) => `${s.action} ${s.logicalId}`),
    ["replace Role", "update Fn", "create Version2", "update Alias", "create Topic", "delete Old", "delete Version1"],
  );
});

test("changing a resource's type is refused as CloudFormation refuses it", () => {
  const retyped: StackState = {
    order: ["Old"],
    resources: new Map<string, ResourceState>([["Old", { type: "AWS::SNS::Topic", properties: {} }]]),
  };
  assert.throws(() => computeChangeSet(before, retyped), {
    message:
      "Update of resource type is not permitted. The new template modifies resource type of the following resources: [Old]",
  });
});
