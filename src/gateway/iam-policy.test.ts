import assert from "node:assert/strict";
import { test } from "node:test";
import { evaluatePolicy, globMatch, parsePolicy, type Policy } from "./iam-policy.js";

const ARN = "arn:aws:execute-api:us-east-1:123456789012:abc123/Prod/GET/items/7";

function policy(...statements: object[]): Policy {
  const p = parsePolicy({ Version: "2012-10-17", Statement: statements });
  assert.ok(p);
  return p;
}

test("globMatch: * spans slashes and colons, ? is one character", () => {
  assert.ok(globMatch("arn:aws:execute-api:*", ARN));
  assert.ok(globMatch("arn:aws:execute-api:us-east-1:123456789012:abc123/*/GET/*", ARN));
  assert.ok(globMatch("arn:aws:execute-api:us-east-1:123456789012:abc123/Prod/GET/items/?", ARN));
  assert.ok(!globMatch("arn:aws:execute-api:us-east-1:123456789012:abc123/Prod/POST/*", ARN));
  assert.ok(!globMatch("arn:aws:execute-api:us-east-1:123456789012:abc123/Prod/GET/items", ARN));
  assert.ok(globMatch("*", ""));
  assert.ok(globMatch("a*b*c", "aXXbYYc"));
  assert.ok(!globMatch("a*b*c", "aXXbYY"));
});

test("an explicit Deny beats an Allow", () => {
  const p = policy(
    { Effect: "Allow", Action: "execute-api:Invoke", Resource: "*" },
    { Effect: "Deny", Action: "execute-api:Invoke", Resource: [ARN] },
  );
  assert.equal(evaluatePolicy(p, ARN), "explicit-deny");
});

test("no matching statement is an implicit deny", () => {
  const p = policy({
    Effect: "Allow",
    Action: "execute-api:Invoke",
    Resource: "arn:aws:execute-api:*:*:abc123/Prod/POST/*",
  });
  assert.equal(evaluatePolicy(p, ARN), "implicit-deny");
});

test("Action wildcards and a single statement object are accepted", () => {
  const single = parsePolicy({
    Version: "2012-10-17",
    Statement: { Effect: "Allow", Action: "execute-api:*", Resource: ARN },
  });
  assert.ok(single);
  assert.equal(evaluatePolicy(single, ARN), "allow");
  assert.equal(
    evaluatePolicy(policy({ Effect: "Allow", Action: ["s3:GetObject"], Resource: "*" }), ARN),
    "implicit-deny",
  );
});

test("malformed documents are rejected", () => {
  assert.equal(parsePolicy(undefined), undefined);
  assert.equal(parsePolicy({ Statement: [] }), undefined);
  assert.equal(parsePolicy({ Statement: [{ Effect: "Maybe", Action: "*", Resource: "*" }] }), undefined);
  assert.equal(parsePolicy({ Statement: [{ Effect: "Allow", Action: 3, Resource: "*" }] }), undefined);
});
