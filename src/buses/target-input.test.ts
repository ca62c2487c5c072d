import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { RuleTargetRecord } from "../ports/bus-store.js";
import { targetInput, type InputContext } from "./target-input.js";

const event = {
  version: "0",
  id: "7bf73129-1428-4cd3-a780-95db273d1602",
  "detail-type": "EC2 Instance State-change Notification",
  source: "aws.ec2",
  account: "123456789012",
  time: "2015-11-11T21:29:54Z",
  region: "us-east-1",
  resources: ["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"],
  detail: { "instance-id": "i-0123456789", state: "RUNNING", count: 3, tags: ["a", "b"] },
};
const ctx: InputContext = {
  event,
  ruleArn: "arn:aws:events:us-east-1:123456789012:rule/r",
  ruleName: "r",
  ingestionTime: "2015-11-11T21:29:55Z",
};
const target = (over: Partial<RuleTargetRecord>): RuleTargetRecord => ({
  id: "t",
  arn: "arn:aws:lambda:us-east-1:1:function:f",
  ...over,
});

describe("target input", () => {
  test("no input settings: the whole event", () => assert.deepEqual(JSON.parse(targetInput(target({}), ctx)), event));
  test("Input: the constant, verbatim", () =>
    assert.equal(targetInput(target({ input: '{"a": 1}' }), ctx), '{"a": 1}'));
  test("InputPath: the selected part", () => {
    assert.deepEqual(JSON.parse(targetInput(target({ inputPath: "$.detail" }), ctx)), event.detail);
    assert.equal(targetInput(target({ inputPath: "$.detail.tags[1]" }), ctx), '"b"');
    assert.equal(targetInput(target({ inputPath: "$.detail['instance-id']" }), ctx), '"i-0123456789"');
  });

  // The examples of AWS's "Transforming target input" page.
  const transform = (inputPathsMap: Record<string, string>, inputTemplate: string) =>
    targetInput(target({ inputTransformer: { inputPathsMap, inputTemplate } }), ctx);
  test("a JSON template: strings inside quotes, values outside", () => {
    const out = transform(
      { instance: "$.detail.instance-id", state: "$.detail.state", count: "$.detail.count" },
      '{"instance": <instance>, "state": "<state>", "n": <count>, "text": "n=<count>"}',
    );
    assert.deepEqual(JSON.parse(out), { instance: "i-0123456789", state: "RUNNING", n: 3, text: "n=3" });
  });
  test("a string template", () => {
    const out = transform(
      { instance: "$.detail.instance-id", state: "$.detail.state" },
      '"instance <instance> is in <state>"',
    );
    assert.equal(JSON.parse(out), "instance i-0123456789 is in RUNNING");
  });
  test("an object value inside a string is escaped JSON", () => {
    const out = transform({ tags: "$.detail.tags" }, '{"t": "<tags>", "raw": <tags>}');
    assert.deepEqual(JSON.parse(out), { t: '["a","b"]', raw: ["a", "b"] });
  });
  test("predefined variables", () => {
    const out = transform(
      {},
      '{"rule": "<aws.events.rule-name>", "arn": <aws.events.rule-arn>, "e": <aws.events.event>}',
    );
    assert.deepEqual(JSON.parse(out), { rule: "r", arn: ctx.ruleArn, e: event });
  });
  test("a path that selects nothing: null outside a string, empty inside", () => {
    const out = transform({ gone: "$.detail.nope" }, '{"a": <gone>, "b": "x<gone>y"}');
    assert.deepEqual(JSON.parse(out), { a: null, b: "xy" });
  });
  test("unknown placeholders stay", () => assert.equal(transform({}, '"<who>"'), '"<who>"'));
});
