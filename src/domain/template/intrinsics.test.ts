import assert from "node:assert/strict";
import { test } from "node:test";
import { PlatformError } from "../../shared/errors.js";
import { NO_VALUE } from "./context.js";
import type { ResolveContext } from "./context.js";
import { resolveValue } from "./intrinsics.js";
import { pseudoParameters } from "./pseudo.js";
import { attributeNames } from "./resource-types.js";

function context(extra: Partial<ResolveContext> = {}): ResolveContext {
  return {
    parameters: new Map<string, string | string[]>([
      ["Env", "prod"],
      ["Subnets", ["a", "b"]],
    ]),
    pseudo: pseudoParameters({ region: "eu-west-1", accountId: "123456789012", stackName: "s" }),
    conditions: new Map([["IsProd", true]]),
    mappings: { M: { "eu-west-1": { ami: "ami-1" } } },
    resources: new Map([
      ["Fn", "AWS::Lambda::Function"],
      ["Q", "AWS::SQS::Queue"],
    ]),
    attributeNames,
    block: "Resources",
    ...extra,
  };
}

test("phase 1 resolves parameters, pseudo parameters, conditions and mappings, keeps resource expressions", () => {
  const ctx = context();
  const r = resolveValue(
    {
      a: { Ref: "Env" },
      b: { "Fn::Sub": "${AWS::Region}-${Env}-${!Literal}" },
      c: { "Fn::If": ["IsProd", "yes", "no"] },
      d: { "Fn::FindInMap": ["M", { Ref: "AWS::Region" }, "ami"] },
      e: { "Fn::Join": ["-", { Ref: "Subnets" }] },
      f: { "Fn::Select": [1, { "Fn::Split": [",", "x,y,z"] }] },
      g: { Ref: "AWS::NoValue" },
      h: [1, { Ref: "AWS::NoValue" }, 2],
      i: { "Fn::GetAtt": ["Fn", "Arn"] },
      j: { "Fn::Sub": "arn:${Fn.Arn}:${Env}" },
      k: { "Fn::Join": ["", ["x", { Ref: "Q" }]] },
      l: { "Fn::Base64": "hi" },
      m: { "Fn::GetAZs": "" },
      n: { "Fn::Cidr": ["10.0.0.0/16", 2, 8] },
      o: { "Fn::Sub": ["${A}/${Env}", { A: { Ref: "AWS::AccountId" } }] },
      p: { Ref: "AWS::Partition" },
      q: { Ref: "AWS::URLSuffix" },
      r: { Ref: "AWS::StackId" },
    },
    ctx,
  );
  assert.deepEqual(r, {
    a: "prod",
    b: "eu-west-1-prod-${Literal}",
    c: "yes",
    d: "ami-1",
    e: "a-b",
    f: "y",
    h: [1, 2],
    i: { "Fn::GetAtt": ["Fn", "Arn"] },
    j: { "Fn::Sub": "arn:${Fn.Arn}:${Env}" },
    k: { "Fn::Join": ["", ["x", { Ref: "Q" }]] },
    l: "aGk=",
    m: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
    n: ["10.0.0.0/24", "10.0.1.0/24"],
    o: "123456789012/prod",
    p: "aws",
    q: "amazonaws.com",
    r: "arn:aws:cloudformation:eu-west-1:123456789012:stack/s/00000000-0000-0000-0000-000000000000",
  });
  assert.equal(resolveValue({ Ref: "AWS::NoValue" }, ctx), NO_VALUE);
});

test("phase 2 takes physical ids and attributes from the deployed resources", () => {
  const ctx = context({
    deployed: {
      physicalId: (id) => `phys-${id}`,
      attribute: (id, name) => `${id}.${name}`,
    },
  });
  assert.deepEqual(
    resolveValue(
      { a: { Ref: "Q" }, b: { "Fn::Sub": "${Fn.Arn}|${Q}" }, c: { "Fn::Join": [",", [{ Ref: "Fn" }, "x"]] } },
      ctx,
    ),
    { a: "phys-Q", b: "Fn.Arn|phys-Q", c: "phys-Fn,x" },
  );
});

test("Fn::ImportValue reads another stack's export, or fails with CloudFormation's message", () => {
  const ctx = context({ importValue: (n) => (n === "shared-vpc" ? "vpc-1" : undefined) });
  assert.equal(resolveValue({ "Fn::ImportValue": "shared-vpc" }, ctx), "vpc-1");
  assert.throws(() => resolveValue({ "Fn::ImportValue": "nope" }, ctx), { message: "No export named nope found" });
});

test("bad intrinsics fail with CloudFormation's messages", () => {
  const ctx = context();
  const cases: [unknown, string][] = [
    [
      { Ref: "Nope" },
      "Template format error: Unresolved resource dependencies [Nope] in the Resources block of the template",
    ],
    [{ "Fn::GetAtt": ["Nope", "Arn"] }, "Template error: instance of Fn::GetAtt references undefined resource Nope"],
    [
      { "Fn::GetAtt": ["Fn", "Nope"] },
      "Template error: resource Fn does not support attribute type Nope in Fn::GetAtt",
    ],
    [{ "Fn::Select": [5, ["a"]] }, "Template error: Fn::Select cannot select nonexistent value at index 5"],
    [{ "Fn::FindInMap": ["M", "x", "ami"] }, "Template error: Unable to get mapping for M::x::ami"],
    [{ "Fn::If": ["Nope", 1, 2] }, "Template error: unresolved condition dependency Nope in Fn::If"],
    [
      { "Fn::Sub": "${bad name}" },
      "Template error: variable names in Fn::Sub syntax must contain only alphanumeric characters, underscores, periods, and colons",
    ],
    [{ "Fn::Nope": 1 }, "Template format error: Unrecognized intrinsic function Fn::Nope"],
    [{ Ref: ["a"] }, "Template error: every Ref object must have a single String value."],
  ];
  for (const [value, message] of cases) {
    assert.throws(
      () => resolveValue(value as never, ctx),
      (e: unknown) => e instanceof PlatformError && e.message === message && e.awsType === "ValidationError",
      message,
    );
  }
  assert.throws(
    () => resolveValue({ "Fn::Join": [",", "notalist"] }, ctx),
    /^PlatformError: Template error: every Fn::Join object requires two parameters/,
  );
});

test("Fn::Equals, And, Or, Not evaluate with conditions", () => {
  const ctx = context();
  assert.equal(resolveValue({ "Fn::Equals": [{ Ref: "Env" }, "prod"] }, ctx), true);
  assert.equal(
    resolveValue({ "Fn::And": [{ Condition: "IsProd" }, { "Fn::Not": [{ "Fn::Equals": ["a", "b"] }] }] }, ctx),
    true,
  );
  assert.equal(resolveValue({ "Fn::Or": [{ "Fn::Equals": ["a", "b"] }, { "Fn::Equals": [1, "2"] }] }, ctx), false);
  assert.equal(resolveValue({ "Fn::Equals": [1, "1"] }, ctx), true);
});
